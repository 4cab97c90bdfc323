"""The local engine: the batch stages in this process, through today's pipeline (``corpus.ingest``).

It ingests the sources into a scratch store (deduplicate, embed, cluster, one transaction per batch,
exactly as ``storylens ingest`` does) and writes that store's tables as the batch output, so
``storylens import`` of it gives the store a plain ingest gives, table by table.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from ..config import BATCH
from .base import BatchReport
from .tables import _arrow, export_tables


class LocalEngine:
    """Runs ``corpus.ingest`` into a scratch store and exports it (tables.py)."""

    name = "local"

    def __init__(self, *, embedder: Any = None, level: str | None = None, batch: int = BATCH,
                 timeout: float = 20.0, strict: bool = False) -> None:
        self.embedder, self.level, self.batch, self.timeout, self.strict = embedder, level, batch, timeout, strict

    def run(self, sources: list[str], out: str) -> BatchReport:
        from ..corpus import ingest
        from ..store import Store

        _arrow()  # a missing pyarrow is said before the corpus is read, not after
        started = time.perf_counter()
        Path(out).mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="storylens-batch-", dir=out) as scratch:
            db = str(Path(scratch) / "batch.db")
            done = ingest(sources, db=db, embedder=self.embedder, level=self.level, batch=self.batch,
                          timeout=self.timeout, strict=self.strict)
            with Store(db) as store:
                report = BatchReport(self.name, out, read=done.read, kept=done.kept, duplicates=done.duplicates,
                                     already=done.already, failed=done.failed, problems=done.problems,
                                     stories=store.count("stories"))
                report.tables = export_tables(store, out, engine=self.name, model=store.model())
        report.seconds = time.perf_counter() - started
        return report
