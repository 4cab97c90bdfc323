"""Batch engines (issue 17): ``storylens batch --engine local`` then ``import`` gives the store a plain
``ingest`` of the same inputs gives, table by table; a later incremental ingest keeps the story ids;
the engine-neutral stage functions compute what the pipeline stored."""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from _embed import MemoEmbedder as _Memo
from _shared import SHARED, need
from click.testing import CliRunner

pytest.importorskip("pyarrow", reason="the batch tables need pyarrow (pip install 'storylens[batch]')")
pytest.importorskip("pandas", reason="the batch stages need pandas (pip install 'storylens[batch]')")

from storylens.cli import main
from storylens.corpus import ingest
from storylens.engines import import_batch, run_batch, stages

WIKIREF = SHARED / "data" / "wikiref220" / "wikiref220.jsonl"
# What a batch run stamps with the time it ran: every other stored value must be equal.
STAMPS = {"articles": {"added"}, "stories": {"updated"}}
# Tables whose row order is not the data's: ingest saves a batch's touched stories from a set, in an
# order that changes with the process's hash seed. Those are compared in key order.
BY_KEY = {"stories": "id"}
DUMPED = ("articles", "sentences", "features", "signatures", "stories", "membership", "story_aliases",
          "settings")


@pytest.fixture(scope="module")
def embedder() -> _Memo:
    return _Memo()


def _copies(rows: list[dict], rng: random.Random) -> list[dict]:
    """Wire copies of real articles: exact reprints, near copies (a paragraph cut, a line added), a copy
    of a copy, and a repeat of one record (the same article twice)."""
    out = []
    for i, r in enumerate(rng.sample(rows, 30)):
        paras = [p for p in r["text"].split("\n") if p.strip()]
        if i % 3 == 0:
            out.append(dict(r, id=f"{r['id']}-reprint", url=f"https://wire.example/{i}"))
        else:
            cut = paras[:-1] if len(paras) > 3 else paras
            text = "\n".join(["(Wire) " + cut[0], *cut[1:], "Reporting by the wire desk."])
            out.append(dict(r, id=f"{r['id']}-wire", text=text, url=f"https://wire.example/{i}"))
            if i % 5 == 1:
                out.append(dict(r, id=f"{r['id']}-wire2", text=text + "\nCopyright the wire.",
                                url=f"https://wire2.example/{i}"))
    return out + [dict(rows[0])]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """~250 real development articles (WikiRef220 with derived copies) in two parts: the batch, and
    what a later incremental ingest adds."""
    raw = [json.loads(line) for line in need(WIKIREF).read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [{"id": f"w{i:03d}", "title": r["title"], "text": r["text"], "url": f"https://example.org/w{i:03d}"}
            for i, r in enumerate(raw)]
    rng = random.Random(17)
    rng.shuffle(rows)
    first, later = rows[:180], rows[180:]
    part1 = first + _copies(first, rng)
    part2 = later + _copies(first + later, rng)[:10]
    folder = tmp_path_factory.mktemp("batch-inputs")
    for name, part in (("part1.jsonl", part1), ("part2.jsonl", part2)):
        (folder / name).write_text("".join(json.dumps(r) + "\n" for r in part), encoding="utf-8")
    return folder / "part1.jsonl", folder / "part2.jsonl"


def dump(db: Path) -> dict[str, list[tuple]]:
    """Every stored table that a batch carries, in storage order, without time stamps."""
    con = sqlite3.connect(db)
    try:
        out = {}
        for table in DUMPED:
            cols = [c[1] for c in con.execute(f"PRAGMA table_info({table})")
                    if c[1] not in STAMPS.get(table, set())]
            order = BY_KEY.get(table, "rowid")
            out[table] = con.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY {order}").fetchall()
        out["search"] = con.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'the'"
                                    " ORDER BY rowid").fetchall()
        return out
    finally:
        con.close()


@pytest.fixture(scope="module")
def stores(inputs: tuple[Path, Path], embedder: _Memo, tmp_path_factory: pytest.TempPathFactory) -> dict:
    part1, _ = inputs
    tmp = tmp_path_factory.mktemp("batch-stores")
    plain = tmp / "plain.db"
    ingest([str(part1)], db=str(plain), embedder=embedder)
    report = run_batch([str(part1)], str(tmp / "out"), engine="local", embedder=embedder)
    imported = tmp / "imported.db"
    loaded = import_batch(str(tmp / "out"), str(imported))
    return {"plain": plain, "imported": imported, "out": tmp / "out", "report": report, "loaded": loaded}


def test_batch_then_import_equals_ingest(stores: dict) -> None:
    plain, imported = dump(stores["plain"]), dump(stores["imported"])
    for table in plain:
        assert imported[table] == plain[table], table
    report = stores["report"]
    # 180 originals, 34 copies (10 reprints, 20 near copies, 4 copies of those), one record twice
    assert (report.read, report.kept, report.duplicates, report.already) == (215, 180, 34, 1)
    assert len(plain["stories"]) == report.stories and report.stories > 1
    assert stores["loaded"].tables["articles"] == len(plain["articles"]) == report.kept + report.duplicates


def test_incremental_ingest_after_import_keeps_ids(stores: dict, inputs: tuple[Path, Path],
                                                    embedder: _Memo) -> None:
    before = {r[0] for r in dump(stores["imported"])["stories"]}
    for db in (stores["plain"], stores["imported"]):
        ingest([str(inputs[1])], db=str(db), embedder=embedder)
    plain, imported = dump(stores["plain"]), dump(stores["imported"])
    for table in plain:
        assert imported[table] == plain[table], table
    assert before & {r[0] for r in imported["stories"]}  # the batch's stories go on under their ids


def test_stage_functions_compute_what_was_stored(stores: dict, inputs: tuple[Path, Path],
                                                 embedder: _Memo) -> None:
    import pyarrow.parquet as pq

    out = stores["out"]
    batch = next(b for b, _ in stages.read([str(inputs[0])], size=10_000))
    batch, emptied = stages.clean(batch)
    assert not emptied
    batch = stages.features(stages.signatures(stages.keys(batch)), embedder)
    arts = pq.read_table(out / "articles.parquet").to_pandas().set_index("id")
    feats = pq.read_table(out / "features.parquet").to_pandas().set_index("article")
    sigs = pq.read_table(out / "signatures.parquet").to_pandas().set_index("article")
    stored = batch.drop_duplicates("id").set_index("id")
    for aid, row in arts.iterrows():
        assert stored.at[aid, "key"] == row["key"] and stored.at[aid, "place"] == row["place"]
        assert stored.at[aid, "signature"] == sigs.at[aid, "signature"]
        if aid in feats.index:  # an original: embedded and clustered
            f = feats.loc[aid]
            assert np.allclose(np.frombuffer(stored.at[aid, "vector"], np.float32),
                               np.frombuffer(f["vector"], np.float32), atol=1e-6)
            assert json.loads(stored.at[aid, "terms"]) == json.loads(f["terms"])
    shingled = stages.shingles(batch.head(3))
    assert all(len(s) % 8 == 0 and len(s) > 0 for s in shingled["shingles"])


def test_cli_batch_and_import(tmp_path: Path, inputs: tuple[Path, Path]) -> None:
    small = tmp_path / "small.jsonl"
    small.write_text("".join(inputs[0].read_text(encoding="utf-8").splitlines(keepends=True)[:12]),
                     encoding="utf-8")
    runner = CliRunner()
    done = runner.invoke(main, ["batch", str(small), "--engine", "local", "--out", str(tmp_path / "out")])
    assert done.exit_code == 0, done.output
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("batch (local): read 12, kept 12, copies 0, already 0, failed 0; ")
    assert last.endswith(" s") and f"9 tables in {tmp_path / 'out'}" in last
    db = tmp_path / "s.db"
    done = runner.invoke(main, ["import", str(tmp_path / "out"), "--db", str(db)])
    assert done.exit_code == 0, done.output
    assert done.stderr.startswith("imported 12 articles and ")
    listed = runner.invoke(main, ["stories", "--db", str(db), "--format", "json"])
    assert sum(s["articles"] for s in json.loads(listed.stdout)["stories"]) == 12
    again = runner.invoke(main, ["import", str(tmp_path / "out"), "--db", str(db)])
    assert again.exit_code == 1
    assert again.stderr == (f"Error: {db}: holds 12 articles; import a batch into a new or empty store "
                            "(then ingest more into it)\n")
    missing = runner.invoke(main, ["import", str(tmp_path), "--db", str(tmp_path / "t.db")])
    assert missing.exit_code == 1 and missing.stderr.startswith(f"Error: {tmp_path}: not a storylens batch output")


def _spark_ready() -> None:
    pytest.importorskip("pyspark", reason="the Spark engine needs pyspark (pip install 'storylens[spark]')")
    import shutil

    if shutil.which("java") is None:
        pytest.skip("the Spark engine needs Java 17 (.ci/run installs openjdk-17-jre-headless)")


def _tables(out: Path) -> dict[str, list[dict]]:
    import pyarrow.parquet as pq

    tables = {}
    for path in sorted(out.glob("*.parquet")):
        rows = [{k: v for k, v in r.items() if k not in {"added", "updated"}}
                for r in pq.read_table(path).to_pylist()]
        key = BY_KEY.get(path.stem)
        tables[path.stem] = sorted(rows, key=lambda r: r[key]) if key else rows
    return tables


def test_spark_engine_equals_local(tmp_path: Path, inputs: tuple[Path, Path], embedder: _Memo) -> None:
    """On 75 real articles with copies (a few shuffle partitions, local[2]): the same tables, Spark's
    duplicate links equal to the local ones, every original's lead embedded on Spark (none on the
    driver)."""
    _spark_ready()
    lines = inputs[0].read_text(encoding="utf-8").splitlines(keepends=True)
    small = tmp_path / "small.jsonl"
    small.write_text("".join(lines[:40] + lines[180:]), encoding="utf-8")  # originals, then the copies
    local = run_batch([str(small)], str(tmp_path / "local"), engine="local", embedder=embedder)
    spark = run_batch([str(small)], str(tmp_path / "spark"), engine="spark", embedder=embedder, spec="minilm",
                      master="local[2]", partitions=3)
    assert (spark.read, spark.kept, spark.duplicates, spark.stories) == \
        (local.read, local.kept, local.duplicates, local.stories)
    assert local.duplicates > 0
    assert _tables(tmp_path / "spark") == _tables(tmp_path / "local")
    manifest = json.loads((tmp_path / "spark" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["engine"] == "spark" and manifest["driver_embedded"] == 0
    # the links Spark found in DataFrames are the ones the replay (the local code) stored
    assert manifest["spark_duplicates"] == {"links": local.duplicates, "equal_to_replay": True}


def test_spark_duplicate_links_equal_local_for_any_partitioning(stores: dict) -> None:
    """The DataFrame duplicate links over the local batch's ~215 stored articles (34 copies: reprints,
    near copies, copies of those) equal the links the local engine stored, with 1, 3 and 8 shuffle
    partitions (one session, stopped in a finally)."""
    _spark_ready()
    import pyarrow.parquet as pq

    from storylens.engines.spark import duplicate_links, session

    out = stores["out"]
    arts = pq.read_table(out / "articles.parquet").to_pandas()
    batch = stages.shingles(stages.signatures(arts[list(stages.COLUMNS)]))
    batch["key"], batch["seq"] = arts["key"], range(len(batch))
    want = {r["article"]: (r["original"], r["kind"], r["similarity"])
            for r in pq.read_table(out / "duplicates.parquet").to_pylist()}
    assert len(want) == 34
    spark = session("local[2]", 1)
    try:
        frame = spark.createDataFrame(batch[["seq", "id", "key", "signature", "shingles"]])
        for partitions in (1, 3, 8):
            spark.conf.set("spark.sql.shuffle.partitions", str(partitions))
            got = {r["id"]: (r["original"], r["kind"], round(r["similarity"], 4))
                   for r in duplicate_links(frame).collect()}
            assert got == want, partitions
    finally:
        spark.stop()
