"""The Spark engine (first slice): duplicates and the embedding run on Spark; the order-dependent
story clustering replays on the driver through the same ingest code (issue 17, exact mode).

1. The driver reads and cleans the sources in ingest's batches (``stages.read``, ``stages.clean``) and
   stages each article with its arrival order (``seq``), key, MinHash signature, shingles and lead
   (the text the embedding reads) as Parquet.
2. Spark finds the duplicate links in DataFrames with the local engine's semantics
   (``duplicate_links``: an exact copy to the first article with its key, else the earliest earlier
   LSH candidate whose verified Jaccard passes, then roots by pointer jumping), and embeds the leads
   of the other articles in ``mapInPandas``: each Python worker (``PYSPARK_PYTHON`` is the running
   interpreter) loads the ONNX model once and runs it on one thread per task. Both go to Parquet,
   never through ``collect``.
3. The driver replays ``corpus.ingest`` with an embedder that answers from those vectors
   (``Precomputed``): the store is the local engine's own, so the tables written equal the local
   engine's; the replay finds the duplicates again, and the manifest says whether Spark's links equal
   them (``spark_duplicates``).

Not yet here (issue 17): reading on Spark, the replay fed Spark's links and features instead of
finding copies again, scale mode. pyspark is imported in this module only
(``pip install 'storylens[spark]'``; Java 17).
"""

from __future__ import annotations

import json
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
        # stage -> wall seconds of the last run: read (driver: read, clean, keys, signatures, shingles),
        # embed (Spark: session, duplicates, embedding), replay (driver: ingest, export)
        self.seconds: dict[str, float] = {}

    def run(self, sources: list[str], out: str) -> BatchReport:
        pa, pq = _arrow()
        started = time.perf_counter()
        Path(out).mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="storylens-spark-", dir=out) as scratch:
            staged = Path(scratch) / "articles.parquet"
            self._stage_leads(sources, staged, pa, pq)
            self.seconds["read"] = time.perf_counter() - started
            vectors = self._embed(staged, Path(scratch), pq)
            self.seconds["embed"] = time.perf_counter() - started - self.seconds["read"]
            links = _links(pq, Path(scratch) / "links")
            report = self._replay(sources, Path(scratch) / "batch.db", out, Precomputed(vectors, self.embedder),
                                  links)
        report.seconds = time.perf_counter() - started
        self.seconds["replay"] = report.seconds - self.seconds["read"] - self.seconds["embed"]
        manifest = Path(out) / "manifest.json"  # the stages' wall seconds, for benchmarks/bench_spark.py
        data = json.loads(manifest.read_text(encoding="utf-8"))
        data["seconds"] = {k: round(v, 2) for k, v in self.seconds.items()}
        manifest.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        return report

    def _stage_leads(self, sources: list[str], path: Path, pa: Any, pq: Any) -> None:
        """The cleaned articles in arrival order (``seq``) with what the Spark stages read."""
        from ..cluster import lead_text

        schema = pa.schema([("seq", pa.int64()), ("id", pa.string()), ("key", pa.string()),
                            ("signature", pa.binary()), ("shingles", pa.binary()), ("lead", pa.string())])
        seq = 0
        with pq.ParquetWriter(path, schema) as writer:
            for batch, _ in stages.read(sources, size=self.batch, timeout=self.timeout, strict=self.strict):
                kept, _ = stages.clean(batch)
                kept = stages.shingles(stages.signatures(stages.keys(kept)))
                leads = [lead_text(a) for a in stages.articles(kept)]
                cols = {"seq": list(range(seq, seq + len(kept))), "id": list(kept["id"]), "key": list(kept["key"]),
                        "signature": list(kept["signature"]), "shingles": list(kept["shingles"]), "lead": leads}
                writer.write_table(pa.table({k: pa.array(v, schema.field(k).type) for k, v in cols.items()},
                                            schema=schema))
                seq += len(kept)

    def _embed(self, staged: Path, scratch: Path, pq: Any) -> dict[str, np.ndarray]:
        """Duplicates in DataFrames, then the originals' leads embedded (copies are not clustered)."""
        spark = session(self.master, self.partitions)
        try:
            df = spark.read.parquet(str(staged))
            duplicate_links(df).write.mode("overwrite").parquet(str(scratch / "links"))
            links = spark.read.parquet(str(scratch / "links"))
            originals = df.join(links.select("seq"), "seq", "left_anti").select("lead").dropDuplicates(["lead"])
            originals.mapInPandas(_embed_partitions(self.spec), schema="lead string, vector binary") \
                .write.mode("overwrite").parquet(str(scratch / "vectors"))
        finally:
            spark.stop()
        table = pq.read_table(scratch / "vectors")
        return {t: np.frombuffer(v, np.float32) for t, v in zip(table["lead"].to_pylist(),
                                                                table["vector"].to_pylist())}

    def _replay(self, sources: list[str], db: Path, out: str, embedder: Precomputed,
                links: dict[str, tuple[str, str, float]]) -> BatchReport:
        from ..corpus import ingest
        from ..store import Store

        done = ingest(sources, db=str(db), embedder=embedder, level=self.level, batch=self.batch,
                      timeout=self.timeout, strict=self.strict)
        with Store(db) as store:
            report = BatchReport(self.name, out, read=done.read, kept=done.kept, duplicates=done.duplicates,
                                 already=done.already, failed=done.failed, problems=done.problems,
                                 stories=store.count("stories"))
            stored = {aid: (orig, kind, round(sim, 4)) for aid, orig, kind, sim in store.db.execute(
                "SELECT id, duplicate_of, duplicate_kind, duplicate_similarity FROM articles"
                " WHERE duplicate_of IS NOT NULL")}
            check = {"links": len(links), "equal_to_replay": links == stored}
            report.tables = export_tables(store, out, engine=self.name, model=store.model(),
                                          extra={"driver_embedded": embedder.misses, "spark_duplicates": check})
        return report


def _links(pq: Any, path: Path) -> dict[str, tuple[str, str, float]]:
    """The Spark duplicate links as the store keeps them (a repeat of an article itself, which ingest
    skips as already stored, is left out)."""
    table = pq.read_table(path).to_pylist()
    return {r["id"]: (r["original"], r["kind"], round(r["similarity"], 4)) for r in table if r["id"] != r["original"]}


# -- duplicates in DataFrames, with the local engine's semantics ----------------------------------

def _bands(batches: Iterator[Any]) -> Iterator[Any]:
    """``mapInPandas``: each article's MinHash signature cut into the LSH bands (dedup.BANDS x ROWS)."""
    import pandas as pd

    from ..dedup import BANDS, DEFAULT_BACKEND, ROWS, decode_signature

    for batch in batches:
        rows = []
        for seq, sig in zip(batch["seq"], batch["signature"]):
            digest = decode_signature(sig, DEFAULT_BACKEND)
            rows += [(seq, b, digest[b * ROWS:(b + 1) * ROWS].tobytes()) for b in range(BANDS)]
        yield pd.DataFrame(rows, columns=["seq", "band", "value"])


def _jaccards(batches: Iterator[Any]) -> Iterator[Any]:
    """``mapInPandas``: the true shingle Jaccard of each candidate pair (``dedup.jaccard``)."""
    from ..dedup import jaccard

    for batch in batches:
        sims = [jaccard(np.frombuffer(a, np.uint64), np.frombuffer(b, np.uint64))
                for a, b in zip(batch["a_shingles"], batch["b_shingles"])]
        yield batch[["seq", "original"]].assign(similarity=sims)


def duplicate_links(articles: Any, threshold: float | None = None) -> Any:
    """Each copy's link, computed in DataFrames with ``NearDuplicates``'s semantics.

    ``articles``: a Spark DataFrame of ``seq`` (the global arrival order), ``id``, ``key``,
    ``signature`` (null for a headline-only article: exact copies only) and ``shingles`` (sorted
    distinct uint64 shingle hashes, ``stages.shingles``). An exact copy links to the first article with
    its key; the first article of a key links to the earliest earlier such article sharing an LSH band
    whose verified Jaccard reaches ``threshold`` (the earliest candidate is verified first, the rest
    only for articles whose earliest fails); each link then leads to its root by pointer jumping.
    Returns ``id, original (root), kind ('exact' | 'near'), similarity`` (of the direct match, as the
    store keeps it).
    """
    from pyspark.sql import functions as F

    from ..dedup import THRESHOLD

    bar = THRESHOLD if threshold is None else threshold
    first = articles.groupBy("key").agg(F.min("seq").alias("first"))
    tagged = articles.join(first, "key")
    exact = (tagged.where(F.col("seq") != F.col("first"))
             .select("seq", F.col("first").alias("original"), F.lit("exact").alias("kind"),
                     F.lit(1.0).alias("similarity")))
    indexed = tagged.where((F.col("seq") == F.col("first")) & F.col("signature").isNotNull())
    bands = indexed.select("seq", "signature").mapInPandas(_bands, "seq long, band int, value binary")
    pairs = (bands.alias("a").join(bands.alias("b"), ["band", "value"])
             .where(F.col("a.seq") > F.col("b.seq"))
             .select(F.col("a.seq").alias("seq"), F.col("b.seq").alias("original")).distinct())
    shingles = indexed.select("seq", "shingles")
    near = _verified(pairs, shingles, bar)
    links = exact.unionByName(near)
    return _roots(links, articles.select("seq", "id"))


def _verified(pairs: Any, shingles: Any, bar: float) -> Any:
    """Of each article's candidates, the earliest whose Jaccard passes: the earliest candidate first,
    the others only for the articles it failed."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    def scored(p: Any) -> Any:
        return (p.join(shingles.select("seq", F.col("shingles").alias("a_shingles")), "seq")
                .join(shingles.select(F.col("seq").alias("original"), F.col("shingles").alias("b_shingles")),
                      "original")
                .select("seq", "original", "a_shingles", "b_shingles")
                .mapInPandas(_jaccards, "seq long, original long, similarity double"))

    rank = Window.partitionBy("seq").orderBy("original")
    ranked = pairs.withColumn("rank", F.row_number().over(rank))
    first = scored(ranked.where(F.col("rank") == 1).drop("rank"))
    passed = first.where(F.col("similarity") >= bar)
    failed = first.where(F.col("similarity") < bar).select("seq")
    rest = scored(ranked.where(F.col("rank") > 1).drop("rank").join(failed, "seq"))
    later = (rest.where(F.col("similarity") >= bar)
             .withColumn("k", F.row_number().over(Window.partitionBy("seq").orderBy("original")))
             .where(F.col("k") == 1).drop("k"))
    return passed.unionByName(later).withColumn("kind", F.lit("near"))


def _roots(links: Any, ids: Any) -> Any:
    """Links to their roots by pointer jumping (each round halves the longest chain), then ids."""
    from pyspark.sql import functions as F

    parent = links.select("seq", F.col("original").alias("root")).cache()
    while True:
        up = parent.alias("p").join(parent.alias("q"), F.col("p.root") == F.col("q.seq"), "left").select(
            F.col("p.seq").alias("seq"), F.coalesce(F.col("q.root"), F.col("p.root")).alias("root")).cache()
        moved = up.join(parent, ["seq", "root"], "left_anti").count()
        parent = up
        if not moved:
            break
    named = ids.select(F.col("seq").alias("root"), F.col("id").alias("original_id"))
    return (links.select("seq", "kind", "similarity").join(parent, "seq").join(named, "root")
            .join(ids, "seq").select("seq", "id", F.col("original_id").alias("original"), "kind", "similarity"))
