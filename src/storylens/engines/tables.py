"""The batch output: Parquet tables under one folder, written from a store and loaded into one.

``DIR/manifest.json`` names the schema (base.SCHEMA), the engine, the store schema version, the
embedding model, the clustering level and each table's rows. The tables:

- ``articles``: one row per stored article (the store's ``articles`` columns but the duplicate link);
- ``duplicates``: each copy -> the article it ultimately copies, ``exact`` or ``near``, its similarity;
- ``stories``, ``membership`` (article -> story, arrival ``seq``);
- the clusterer's state, what a later incremental ingest rebuilds it from: ``features`` (vector,
  terms, day), ``signatures`` (MinHash), ``aliases`` (merged story -> the story it joined),
  ``sentences`` (offsets) and ``settings`` (the level).

Columns keep the store's own types (TEXT: string, INTEGER: int64, REAL: float64, BLOB: binary), so an
import writes back exactly the values that were exported: the store it builds equals, table by table,
the one the batch ran into. pyarrow is imported here only (``pip install 'storylens[batch]'``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import NotInstalled, StorylensError
from ..store import Store
from .base import SCHEMA, ImportReport

# batch table -> the store table it holds (articles and duplicates both come from ``articles``)
TABLES = {"articles": "articles", "duplicates": "articles", "stories": "stories", "membership": "membership",
          "features": "features", "signatures": "signatures", "aliases": "story_aliases",
          "sentences": "sentences", "settings": "settings"}
_LINK = ("duplicate_of", "duplicate_kind", "duplicate_similarity")
# Rows per Parquet row group and per executemany: memory stays flat whatever the corpus's size.
CHUNK = 5_000


def _arrow() -> tuple[Any, Any]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as e:
        raise NotInstalled("storylens batch (Parquet tables)", "storylens[batch]") from e
    return pa, pq


def _columns(store: Store, table: str) -> list[tuple[str, str]]:
    return [(name, (decl or "").upper()) for _, name, decl, *_ in store.db.execute(f"PRAGMA table_info({table})")]


def _type(pa: Any, decl: str) -> Any:
    if "INT" in decl:
        return pa.int64()
    if "REAL" in decl or "FLOA" in decl or "DOUB" in decl:
        return pa.float64()
    if "BLOB" in decl:
        return pa.binary()
    return pa.string()


def _query(name: str, cols: list[str]) -> str:
    if name == "articles":
        return f"SELECT {', '.join(c for c in cols if c not in _LINK)} FROM articles ORDER BY rowid"
    if name == "duplicates":
        return ("SELECT id, duplicate_of, duplicate_kind, duplicate_similarity FROM articles"
                " WHERE duplicate_of IS NOT NULL ORDER BY rowid")
    return f"SELECT {', '.join(cols)} FROM {TABLES[name]} ORDER BY rowid"


def _schema(pa: Any, name: str, cols: list[tuple[str, str]]) -> Any:
    if name == "duplicates":
        return pa.schema([("article", pa.string()), ("original", pa.string()), ("kind", pa.string()),
                          ("similarity", pa.float64())])
    return pa.schema([(c, _type(pa, d)) for c, d in cols if not (name == "articles" and c in _LINK)])


def export_tables(store: Store, out: str | Path, *, engine: str, model: str | None,
                  extra: dict[str, Any] | None = None) -> dict[str, int]:
    """Write the store's batch tables under ``out`` (created) and its manifest; rows per table."""
    pa, pq = _arrow()
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    rows: dict[str, int] = {}
    for name, table in TABLES.items():
        cols = _columns(store, table)
        schema = _schema(pa, name, cols)
        cursor = store.db.execute(_query(name, [c for c, _ in cols]))
        with pq.ParquetWriter(folder / f"{name}.parquet", schema) as writer:
            rows[name] = 0
            while chunk := cursor.fetchmany(CHUNK):
                columns = list(zip(*chunk))
                writer.write_table(pa.Table.from_arrays(
                    [pa.array(c, type=f.type) for c, f in zip(columns, schema)], schema=schema))
                rows[name] += len(chunk)
    version = int(store.db.execute("PRAGMA user_version").fetchone()[0])
    manifest = {"schema": SCHEMA, "engine": engine, "store_schema": version, "model": model,
                "level": store.level(), "tables": rows, **(extra or {})}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return rows


def read_manifest(out: str | Path) -> dict[str, Any]:
    path = Path(out) / "manifest.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StorylensError(f"not a storylens batch output (no readable manifest.json: {exc})", str(out)) from None
    if manifest.get("schema") != SCHEMA:
        raise StorylensError(f"batch schema {manifest.get('schema')!r}, this storylens reads {SCHEMA}", str(out))
    return manifest


def _batches(pq: Any, path: Path) -> Iterator[tuple[list[tuple[Any, ...]], list[str]]]:
    reader = pq.ParquetFile(path)
    for batch in reader.iter_batches(batch_size=CHUNK):
        columns = [c.to_pylist() for c in batch.columns]
        yield list(zip(*columns)), list(batch.schema.names)


def import_tables(out: str | Path, db: str) -> ImportReport:
    """Load the batch under ``out`` into the store ``db`` (created when missing; it must hold no article),
    in one transaction, under the store's writer lock."""
    _, pq = _arrow()
    started, folder = time.perf_counter(), Path(out)
    manifest = read_manifest(folder)
    report = ImportReport(str(out), db)
    with Store(db) as store, store.writing():
        version = int(store.db.execute("PRAGMA user_version").fetchone()[0])
        if version != manifest["store_schema"]:
            raise StorylensError(f"the batch was written for store schema {manifest['store_schema']}, this "
                                 f"store has {version}; run the batch again with this storylens", str(out))
        if store.count("articles"):
            raise StorylensError(f"holds {store.count('articles'):,} articles; import a batch into a new or "
                                 "empty store (then ingest more into it)", db)
        links = {r[0]: r[1:] for chunk, _ in _batches(pq, folder / "duplicates.parquet") for r in chunk}
        with store.transaction():
            for name, table in TABLES.items():
                if name != "duplicates":
                    report.tables[table] = _load(store, pq, folder / f"{name}.parquet", table, links)
    report.seconds = time.perf_counter() - started
    return report


def _load(store: Store, pq: Any, path: Path, table: str, links: dict[str, tuple[Any, ...]]) -> int:
    n, verb = 0, "INSERT OR REPLACE" if table == "settings" else "INSERT"
    for chunk, names in _batches(pq, path):
        if table == "articles":
            names = [*names, *_LINK]
            at = names.index("id")
            chunk = [(*r, *links.get(r[at], (None, None, None))) for r in chunk]
        marks = ", ".join("?" * len(names))
        store.db.executemany(f"{verb} INTO {table} ({', '.join(names)}) VALUES ({marks})", chunk)
        n += len(chunk)
    return n
