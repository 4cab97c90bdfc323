"""The Spark engine (first slice): the embedding stage runs on Spark through ``mapInPandas``; the
order-dependent stages replay on the driver through the same ingest code (issue 17, exact mode).

1. The driver reads and cleans the sources in ingest's batches (``stages.read``, ``stages.clean``)
   and writes each article's lead (the text the embedding reads) to a staging Parquet table.
2. Spark embeds the leads in ``mapInPandas``: each Python worker (``PYSPARK_PYTHON`` is the running
   interpreter) loads the ONNX model once and runs it on one thread per task; the vectors go to
   Parquet, never through ``collect``.
3. The driver replays ``corpus.ingest`` with an embedder that answers from those vectors
   (``Precomputed``): exact and near duplicates, story clustering and the store are the local
   engine's own code, so the tables written equal the local engine's.

Not yet here (issue 17): reading, keys, signatures and duplicates as Spark jobs (the DataFrame
duplicate links with pointer jumping), scale mode. pyspark is imported in this module only
(``pip install 'storylens[spark]'``; Java 17).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from ..config import BATCH
from ..errors import NotInstalled
from . import stages
from .base import BatchReport
from .tables import _arrow, export_tables

# Shuffle partitions of a local session: the slice shuffles nothing large (a few hundred to a few
# thousand leads per partition); Spark's default 200 only adds task start-up.
SHUFFLE_PARTITIONS = 4


def session(master: str = "local[2]", partitions: int = SHUFFLE_PARTITIONS) -> Any:
    """A Spark session for the engine: workers on this interpreter, UI off, few shuffle partitions."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as e:
        raise NotInstalled("the Spark engine", "storylens[spark]") from e
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    return (SparkSession.builder.master(master).appName("storylens-batch")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", str(partitions))
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .config("spark.python.worker.reuse", "true")
            .config("spark.driver.memory", "1g")
            .getOrCreate())


def _embed_partitions(spec: str) -> Any:
    """The ``mapInPandas`` function: leads -> float32 vectors, the model loaded once per worker."""

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        from .. import embed

        embed.WORKERS = 1  # one thread per task: Spark runs as many tasks as the executor has cores
        model = embed.get_embedder(spec)  # cached: once per Python worker process
        for batch in batches:
            vectors = model.embed(list(batch["lead"])) if len(batch) else np.zeros((0, model.dim), np.float32)
            yield batch.assign(vector=[np.asarray(v, np.float32).tobytes() for v in vectors])[["lead", "vector"]]
    return run


class Precomputed:
    """An embedder answering from vectors computed elsewhere (by Spark), by text; a text it was not
    given is embedded by ``inner`` (counted in ``misses``). Everything else is ``inner``'s."""

    def __init__(self, vectors: dict[str, np.ndarray], inner: Any) -> None:
        self.vectors, self.inner, self.misses = vectors, inner, 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def embed(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self.vectors]
        if missing:
            self.misses += len(missing)
            self.vectors.update(zip(missing, self.inner.embed(missing)))
        return np.vstack([self.vectors[t] for t in texts]) if texts else np.zeros((0, self.inner.dim), np.float32)


class SparkEngine:
    """Embedding on Spark, the rest replayed on the driver (see the module's docstring)."""

    name = "spark"

    def __init__(self, *, embedder: Any = None, spec: str | None = None, level: str | None = None,
                 batch: int = BATCH, timeout: float = 20.0, strict: bool = False, master: str = "local[2]",
                 partitions: int = SHUFFLE_PARTITIONS) -> None:
        from ..config import load_settings
        from ..embed import get_embedder

        self.spec = spec or load_settings().embedder
        self.embedder = embedder or get_embedder(self.spec)
        self.level, self.batch, self.timeout, self.strict = level, batch, timeout, strict
        self.master, self.partitions = master, partitions
        self.seconds: dict[str, float] = {}  # stage -> wall seconds of the last run

    def run(self, sources: list[str], out: str) -> BatchReport:
        pa, pq = _arrow()
        started = time.perf_counter()
        Path(out).mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="storylens-spark-", dir=out) as scratch:
            leads = Path(scratch) / "leads.parquet"
            self._stage_leads(sources, leads, pa, pq)
            self.seconds["read"] = time.perf_counter() - started
            vectors = self._embed(leads, Path(scratch) / "vectors", pq)
            self.seconds["embed"] = time.perf_counter() - started - self.seconds["read"]
            report = self._replay(sources, Path(scratch) / "batch.db", out, Precomputed(vectors, self.embedder))
        report.seconds = time.perf_counter() - started
        self.seconds["replay"] = report.seconds - self.seconds["read"] - self.seconds["embed"]
        return report

    def _stage_leads(self, sources: list[str], path: Path, pa: Any, pq: Any) -> None:
        from ..cluster import lead_text

        schema = pa.schema([("lead", pa.string())])
        with pq.ParquetWriter(path, schema) as writer:
            for batch, _ in stages.read(sources, size=self.batch, timeout=self.timeout, strict=self.strict):
                kept, _ = stages.clean(batch)
                leads = sorted({lead_text(a) for a in stages.articles(kept)})
                writer.write_table(pa.table({"lead": pa.array(leads, pa.string())}, schema=schema))

    def _embed(self, leads: Path, vectors: Path, pq: Any) -> dict[str, np.ndarray]:
        spark = session(self.master, self.partitions)
        try:
            df = spark.read.parquet(str(leads)).dropDuplicates(["lead"])
            df.mapInPandas(_embed_partitions(self.spec), schema="lead string, vector binary") \
                .write.mode("overwrite").parquet(str(vectors))
        finally:
            spark.stop()
        table = pq.read_table(vectors)
        return {t: np.frombuffer(v, np.float32) for t, v in zip(table["lead"].to_pylist(),
                                                                table["vector"].to_pylist())}

    def _replay(self, sources: list[str], db: Path, out: str, embedder: Precomputed) -> BatchReport:
        from ..corpus import ingest
        from ..store import Store

        done = ingest(sources, db=str(db), embedder=embedder, level=self.level, batch=self.batch,
                      timeout=self.timeout, strict=self.strict)
        with Store(db) as store:
            report = BatchReport(self.name, out, read=done.read, kept=done.kept, duplicates=done.duplicates,
                                 already=done.already, failed=done.failed, problems=done.problems,
                                 stories=store.count("stories"))
            report.tables = export_tables(store, out, engine=self.name, model=store.model(),
                                          extra={"driver_embedded": embedder.misses})
        return report
