"""Batch engines: the corpus-mode stages (read → clean → language id → normalised key → MinHash
signature and shingles → embedding → duplicates → story clustering) run over a whole corpus at once,
their result written as Parquet tables that ``import_batch`` loads into a store.

One small interface (``base.Engine``) and its implementations: ``local`` (today's in-process pipeline,
``corpus.ingest``) and, later, ``spark``. The per-article stages are engine-neutral functions over
pandas batches (``stages.py``), the form Spark's ``mapInPandas`` calls. pandas and pyarrow are
imported only by the modules that need them (``pip install 'storylens[batch]'``).
"""

from __future__ import annotations

from .base import ENGINES, BatchReport, Engine, ImportReport, get_engine

__all__ = ["ENGINES", "BatchReport", "Engine", "ImportReport", "get_engine", "import_batch", "run_batch"]


def run_batch(sources: list[str], out: str, *, engine: str = "local", **options: object) -> BatchReport:
    """Run the batch stages over ``sources`` with the named engine, writing Parquet tables under ``out``."""
    return get_engine(engine, **options).run(sources, out)


def import_batch(out: str, db: str) -> ImportReport:
    """Load a batch's tables (``out``) into the store ``db`` (a new or empty one)."""
    from .tables import import_tables

    return import_tables(out, db)
