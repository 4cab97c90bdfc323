"""Curation (issue 16): a user's moves, merges, splits and titles are stored as decisions that later
incremental clustering keeps; undo reverts them; the log lists them; the same on the web story page.

The articles are real: the first six stories of the NeuS development set in ../shared/data (three
outlets each, read by path, never copied). Two outlets of each are ingested, the user curates, then
the third outlet of each arrives in an incremental ingest.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from _shared import need
from _web_seed import copy_store
from click.testing import CliRunner
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storylens import curation
from storylens.cli import main
from storylens.cluster import Clusterer, Features, SavedMember, SavedStory
from storylens.corpus import ingest
from storylens.curation import CuratedClusterer, CurationError, UnknownId
from storylens.model import Brief, Story
from storylens.store import Store
from storylens.web import create_app

NEUS = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "neus-allsides-val" / "val.jsonl"
LOCAL = "http://127.0.0.1"
OWN = {"origin": LOCAL, "sec-fetch-site": "same-origin"}
STORIES = 6


def _jsonl(path: Path, rows: list[dict]) -> str:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def neus(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """(the first outlets' JSONL, the third outlets' JSONL): article n{i}a{k} is outlet k of story i."""
    folder = tmp_path_factory.mktemp("neus")
    rows = []
    for i, line in enumerate(need(NEUS).read_text(encoding="utf-8").splitlines()[:STORIES]):
        for k, a in enumerate(json.loads(line)["articles"][:3]):
            rows.append({"id": f"n{i}a{k}", "title": a.get("title") or "", "text": a["text"], "k": k})
    return (_jsonl(folder / "first.jsonl", [r for r in rows if r["k"] < 2]),
            _jsonl(folder / "later.jsonl", [r for r in rows if r["k"] == 2]))


@pytest.fixture(scope="module")
def master(neus: tuple[str, str], tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("master") / "m.db")
    report = ingest([neus[0]], db=db)
    assert report.kept == 2 * STORIES
    return db


@pytest.fixture()
def db(master: str, tmp_path: Path) -> str:
    """A fresh copy of the two-outlet store."""
    return copy_store(master, str(tmp_path / "s.db"))


def _story(db: str, article: str) -> str:
    with Store(db) as store:
        story = store.story_of(article)
        assert story is not None
        return story


def _state(db: str) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Which articles each story holds (as sorted lists), and each story's title."""
    with Store(db) as store:
        groups: dict[str, list[str]] = {}
        for article, story in store.db.execute("SELECT article, story FROM membership ORDER BY article"):
            groups.setdefault(story, []).append(article)
        return groups, dict(store.db.execute("SELECT id, title FROM stories"))


def _consistent(db: str) -> None:
    """Every article in exactly one stored story, whose sums are its members' (what ingest rebuilds)."""
    with Store(db) as store:
        assert store.db.execute("SELECT count(*) FROM membership m LEFT JOIN stories s ON s.id=m.story"
                                " WHERE s.id IS NULL").fetchone()[0] == 0
        assert store.db.execute("SELECT count(*) FROM stories s WHERE NOT EXISTS"
                                " (SELECT 1 FROM membership m WHERE m.story=s.id)").fetchone()[0] == 0
        for sid, n, dense in store.db.execute("SELECT id, n, dense FROM stories").fetchall():
            rows = store.db.execute("SELECT f.vector FROM features f JOIN membership m ON m.article=f.article"
                                    " WHERE m.story=?", (sid,)).fetchall()
            assert n == len(rows)
            total = sum(np.frombuffer(r[0], dtype=np.float32).astype(np.float64) for r in rows)
            assert np.allclose(np.frombuffer(dense, dtype=np.float64), total, atol=1e-5)


def test_the_two_outlets_of_each_story_start_together(db: str) -> None:
    """The starting point the round trip relies on: the clustering put each NeuS story's pair together."""
    for i in range(STORIES):
        assert _story(db, f"n{i}a0") == _story(db, f"n{i}a1")
    assert len({_story(db, f"n{i}a0") for i in range(STORIES)}) == STORIES


def test_curation_round_trip_holds_through_an_incremental_ingest(db: str, neus: tuple[str, str]) -> None:
    """Move, merge, split, rename, a move undone; then the third outlet of every story arrives. Each
    decision holds: nothing the user moved drifts back, the merged story stays one, the split stays
    split, the title stays, and the undone move is undone."""
    runner = CliRunner()
    s = {i: _story(db, f"n{i}a0") for i in range(STORIES)}

    def run(*args: str) -> str:
        got = runner.invoke(main, ["story", *args, "--db", db])
        assert got.exit_code == 0, got.output
        return got.output

    assert run("move", "n0a0", "--to", s[1]) == f"Moved article n0a0 from story {s[0]} to story {s[1]}\n"
    title = _state(db)[1][s[2]]
    assert run("merge", s[2], s[3]) == f"Merged story {s[3]} into story {s[2]}\n"
    assert _state(db)[1][s[2]] == title  # the story merged into keeps its title
    out = run("split", s[4], "n4a1")
    new = _story(db, "n4a1")
    assert new != s[4] and out == f"Split 1 article of story {s[4]} into new story {new}\n"
    run("rename", s[5], "  The user's   title ")
    before = _state(db)
    moved = run("move", "n5a0", "--to", "new")
    assert run("undo") == f"Undone: {moved[0].lower()}{moved[1:]}"
    assert _state(db) == before
    _consistent(db)

    log = json.loads(run("log", "--format", "json"))["decisions"]
    assert [d["action"] for d in log] == ["move", "rename", "split", "merge", "move"]
    assert log[0]["undone"] and not any(d["undone"] for d in log[1:])

    report = ingest([neus[1]], db=db)
    assert report.kept == STORIES
    _consistent(db)
    with Store(db) as store:
        assert store.resolve(s[3]) == s[2]  # the merged story's id still leads to the one that took it
        assert store.story_title(s[5]) == "The user's title"
    assert _story(db, "n0a0") == _story(db, "n1a0") == _story(db, "n1a2")  # moved, and it stays
    assert _story(db, "n0a0") != _story(db, "n0a1")
    assert _story(db, "n2a0") == _story(db, "n2a1") == _story(db, "n3a0") == _story(db, "n3a1")  # still merged
    assert _story(db, "n4a1") != _story(db, "n4a0")  # still split
    assert _story(db, "n5a0") == _story(db, "n5a1") == s[5]  # the undone move is undone


def test_each_decision_undone_restores_the_stories(db: str) -> None:
    s = {i: _story(db, f"n{i}a0") for i in range(STORIES)}
    start = _state(db)
    steps = [lambda: curation.move(db, "n0a0", s[1]), lambda: curation.move(db, "n0a1", "new"),
             lambda: curation.merge(db, s[2], s[3]), lambda: curation.split(db, s[4], ["n4a0"]),
             lambda: curation.rename(db, s[5], "One"), lambda: curation.rename(db, s[5], "Two"),
             lambda: curation.move(db, "n1a0", s[0])]  # s[0]'s id leads to where its last article went
    states = [start]
    for step in steps:
        step()
        _consistent(db)
        states.append(_state(db))
    with Store(db) as store:
        assert store.resolve(s[0]) == store.story_of("n0a1") == store.story_of("n1a0")
    for k in range(len(steps) - 1, -1, -1):
        curation.undo(db)
        _consistent(db)
        assert _state(db) == states[k], f"undoing step {k}"
    with Store(db) as store:
        assert store.count("pins") == store.count("apart") == store.count("titles") == 0
    with pytest.raises(CurationError, match="no decision to undo"):
        curation.undo(db)


_OPS = st.lists(st.tuples(st.sampled_from(["move", "merge", "split", "rename"]), st.integers(0, 11),
                          st.integers(0, 12), st.integers(1, 3)), min_size=1, max_size=8)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=_OPS)
def test_any_decisions_keep_the_store_consistent_and_undo_all_restores_it(master: str, tmp_path: Path,
                                                                          ops: list[tuple[str, int, int, int]]) -> None:
    """Invariant: after any sequence of decisions every article is in exactly one story whose sums are its
    members'; undoing them all gives back the stories and titles the store started with."""
    db = copy_store(master, str(tmp_path / f"h{abs(hash(tuple(ops)))}.db"))
    start, made = _state(db), 0
    articles = [f"n{i}a{k}" for i in range(STORIES) for k in range(2)]
    for action, x, y, n in ops:
        stories = sorted(_state(db)[0])
        try:
            if action == "move":
                curation.move(db, articles[x], "new" if y >= len(stories) else stories[y])
            elif action == "merge":
                curation.merge(db, stories[x % len(stories)], stories[y % len(stories)])
            elif action == "split":
                story = stories[x % len(stories)]
                curation.split(db, story, _state(db)[0][story][:n])
            else:
                curation.rename(db, stories[x % len(stories)], f"Title {y}")
        except CurationError:
            continue  # a decision that cannot be made (already there, every article of the story)
        made += 1
        _consistent(db)
    for _ in range(made):
        curation.undo(db)
    _consistent(db)
    assert _state(db) == start


def test_a_moved_article_takes_its_copies_along(db: str, tmp_path: Path) -> None:
    with Store(db) as store:
        text, title = store.text_of("n0a0"), store.titles(["n0a0"])["n0a0"]
    ingest([_jsonl(tmp_path / "copy.jsonl", [{"id": "n0a0-copy", "title": title, "text": text,
                                              "url": "https://copies.example/1"}])], db=db)
    assert _story(db, "n0a0-copy") == _story(db, "n0a0")
    done = curation.move(db, "n0a0", "new")
    assert done.summary.endswith("(with 1 copy of it)")
    assert _story(db, "n0a0-copy") == _story(db, "n0a0") != _story(db, "n0a1")
    _consistent(db)


def test_a_story_renamed_keeps_its_title_when_an_article_leaves(db: str) -> None:
    s0 = _story(db, "n0a0")
    curation.rename(db, s0, "Kept")
    curation.remove(db, "n0a0")
    with Store(db) as store:
        assert store.story_title(s0) == "Kept"


def test_errors_are_one_line_naming_the_id(db: str) -> None:
    runner = CliRunner()
    s0, s1 = _story(db, "n0a0"), _story(db, "n1a0")
    cases = [
        (["move", "nosuch", "--to", "new"], "no article with id 'nosuch' in a story (see `storylens show STORY`)"),
        (["move", "n0a0", "--to", "sx"], "no story with id 'sx' (see `storylens stories`)"),
        (["move", "n0a0", "--to", s0], f"article 'n0a0' is already in story '{s0}'"),
        (["merge", s0, "sx"], "no story with id 'sx' (see `storylens stories`)"),
        (["merge", s0, s0], f"stories '{s0}' and '{s0}' are already one story ({s0})"),
        (["split", s0, "n1a0"], f"article 'n1a0' is not in story '{s0}'"),
        (["split", s0, "n0a0", "n0a1"], f"that is every article of story '{s0}'; split off fewer (or rename it)"),
        (["rename", "sx", "A title"], "no story with id 'sx' (see `storylens stories`)"),
        (["undo"], "no decision to undo (see `storylens story log`)"),
    ]
    for args, message in cases:
        got = runner.invoke(main, ["story", *args, "--db", db])
        assert got.exit_code == 1 and got.output == f"Error: {db}: {message}\n", args
    got = runner.invoke(main, ["story", "rename", s1, "  ", "--db", db])
    assert got.output == f"Error: {s1}: a story's title cannot be empty\n"
    assert _state(db)[0] == _state(db)[0] and curation.log(db) == []  # nothing was done or logged
    missing = runner.invoke(main, ["story", "log", "--db", str(Path(db).with_name("none.db"))])
    assert missing.exit_code == 1 and "no such store" in missing.output


def test_removal_is_logged_and_undo_passes_over_it(db: str) -> None:
    runner = CliRunner()
    s1 = _story(db, "n1a0")
    curation.rename(db, s1, "Renamed")
    got = runner.invoke(main, ["article", "remove", "n2a0", "--db", db])  # the existing command, now logged
    assert got.exit_code == 0, got.output
    text = runner.invoke(main, ["story", "log", "--db", db]).output.splitlines()
    assert len(text) == 2 and "remove" in text[0] and "removed article n2a0 from story" in text[0]
    assert "(final)" in text[0] and "rename" in text[1]
    assert curation.undo(db).action == "rename"
    with Store(db) as store:
        assert not store.id_taken("n2a0")
    with pytest.raises(UnknownId):
        curation.remove(db, "n2a0")


def _clusterer(kind: type[Clusterer], groups: list[list[tuple[str, int]]]) -> Clusterer:
    """A clusterer as a store saves one: each group one story of (id, topic) articles, the articles of
    one topic alike (the same vector and word), of different topics unrelated (orthogonal)."""
    dim, stories, members = 8, [], []
    for g, ids in enumerate(groups):
        vectors = [np.eye(dim, dtype=np.float32)[t] for _, t in ids]
        terms: dict[str, float] = {}
        for _, t in ids:
            terms[f"word{t}"] = terms.get(f"word{t}", 0.0) + 1.0
        stories.append(SavedStory(f"s{g}", g + 1, len(ids), np.sum(vectors, axis=0).astype(np.float64),
                                  terms, None, None))
        members += [SavedMember(a, f"s{g}", v, {f"word{t}": 1.0}, None, "en") for (a, t), v in zip(ids, vectors)]
    return kind.from_rows(dim, stories, members)


def _features(topic: int) -> Features:
    return Features(np.eye(8, dtype=np.float32)[topic], {f"word{topic}": 1.0})


def test_the_curated_clusterer_never_merges_stories_kept_apart() -> None:
    """Two stories of one topic (the user split one off the other): the next article of that topic
    joins one, and clustering would merge the two at once."""
    groups = [[("a1", 0), ("a2", 0)], [("b1", 0)]]
    plain = _clusterer(Clusterer, groups)
    assert plain.add("a3", _features(0)).merged  # without the decision the two merge
    curated = _clusterer(CuratedClusterer, groups)
    assert isinstance(curated, CuratedClusterer)
    curated.keep(set(), {frozenset(("s0", "s1"))})
    placed = curated.add("a3", _features(0))
    assert placed.merged == [] and set(curated.stories) == {"s0", "s1"}


def test_the_curated_clusterer_never_splits_off_a_pinned_article() -> None:
    """A story the user merged from two unrelated groups (4 + 3 articles): the eighth article makes
    clustering check it for a split, and the two groups have nothing in common."""
    groups = [[("a1", 0), ("a2", 0), ("a3", 0), ("a4", 0), ("b1", 1), ("b2", 1), ("b3", 1)]]
    plain = _clusterer(Clusterer, groups)
    assert plain.add("a5", _features(0)).splits  # clustering alone splits the b's off
    curated = _clusterer(CuratedClusterer, groups)
    assert isinstance(curated, CuratedClusterer)
    curated.keep({a for a, _ in groups[0]}, set())
    placed = curated.add("a5", _features(0))
    assert placed.splits == [] and len(curated.stories["s0"].members) == 8


def _fake_brief(db: str, story: str) -> Brief:
    with Store(db) as store:
        ids = store.members(story)
        return Brief(Story(story, store.story_title(story), ids), [store.article(a) for a in ids])


def test_web_curation_forms(db: str) -> None:
    s = {i: _story(db, f"n{i}a0") for i in range(STORIES)}
    with TestClient(create_app(db, analyze=_fake_brief), base_url=LOCAL) as client:
        page = client.get(f"/stories/{s[0]}").text
        for action in ("rename", "move", "split", "merge", "undo"):
            assert f'action="/stories/{s[0]}/{action}"' in page
        assert 'name="articles" value="n0a1"' in page

        def post(story: str, action: str, data: dict | None = None, **kw: object) -> object:
            return client.post(f"/stories/{story}/{action}", data=data or {}, headers=kw.pop("headers", OWN),
                               follow_redirects=False)

        refused = post(s[0], "rename", {"title": "Evil"}, headers={"origin": "http://evil.example",
                                                                   "sec-fetch-site": "cross-site"})
        assert refused.status_code == 403 and "cross-site request refused" in refused.json()["error"]
        wrong_host = client.post(f"/stories/{s[0]}/undo", headers={"host": "evil.example"})
        assert wrong_host.status_code == 400

        done = post(s[0], "rename", {"title": "A web title"})
        assert done.status_code == 303 and done.headers["location"] == f"/stories/{s[0]}"
        assert "A web title" in client.get(f"/stories/{s[0]}").text
        done = post(s[0], "move", {"article": "n0a0", "to": s[1]})
        assert done.headers["location"] == f"/stories/{s[0]}" and _story(db, "n0a0") == s[1]
        done = post(s[2], "merge", {"other": s[3]})
        assert done.headers["location"] == f"/stories/{s[2]}" and _story(db, "n3a0") == s[2]
        assert client.get(f"/stories/{s[3]}", follow_redirects=False).headers["location"] == f"/stories/{s[2]}"
        done = post(s[4], "split", {"articles": ["n4a1"]})
        assert done.headers["location"] == f"/stories/{s[4]}" and _story(db, "n4a1") != s[4]
        done = post(s[4], "undo")
        assert done.status_code == 303 and _story(db, "n4a1") == s[4]
        shown = client.get(f"/stories/{s[4]}").text  # the page of the old version is not served
        assert 'name="articles" value="n4a1"' in shown

        missing = post(s[1], "move", {"article": "nosuch", "to": "new"})
        assert missing.status_code == 404 and "no article with id &#39;nosuch&#39;" in missing.text
        unknown = post("sx", "rename", {"title": "T"})
        assert unknown.status_code == 404
        empty = post(s[1], "split", {})
        assert empty.status_code == 400 and "name at least one article" in empty.text
    assert [d.action for d in curation.log(db)] == ["split", "merge", "move", "rename"]


def test_web_curation_while_an_ingest_writes_is_a_503_and_changes_nothing(db: str) -> None:
    s0 = _story(db, "n0a0")
    with TestClient(create_app(db, analyze=_fake_brief), base_url=LOCAL) as client, Store(db) as other:
        with other.writing():  # as a running ingest holds it
            busy = client.post(f"/stories/{s0}/rename", data={"title": "Later"}, headers=OWN,
                               follow_redirects=False)
        assert busy.status_code == 503 and busy.headers["retry-after"] == "10"
        assert "another ingest is writing to the store" in busy.text
    assert curation.log(db) == [] and _state(db)[1][s0] != "Later"
