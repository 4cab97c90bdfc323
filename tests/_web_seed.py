"""A store holding the bundled seed story, built once per test process and copied for each web test
module (ingest ~1 s, the brief's analysis ~3-6 s; a copy takes milliseconds)."""

from __future__ import annotations

import atexit
import functools
import shutil
import sqlite3
import tempfile
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "examples" / "russia-day"


@functools.cache
def _master() -> tuple[str, str]:
    from storylens.corpus import ingest, show
    from storylens.store import Store

    folder = tempfile.mkdtemp(prefix="storylens-web-seed-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    db = str(Path(folder) / "seed.db")
    report = ingest([str(SEEDS)], db=db)
    assert report.kept == 5 and report.new_stories == 1, report
    with Store(db) as store:
        story = store.stories()[0].id
    show(db, story)  # analysed once; the brief is cached in the store
    return db, story


def seed_store(folder: Path) -> tuple[str, str]:
    """A fresh copy of the seed store in ``folder``: (database path, the seed story's id)."""
    master, story = _master()
    return copy_store(master, str(folder / "seed.db")), story


def copy_store(master: str, target: str) -> str:
    """A copy of the SQLite store ``master`` at ``target`` (SQLite's online backup)."""
    src, dst = sqlite3.connect(master), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return target
