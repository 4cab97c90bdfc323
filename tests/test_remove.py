"""Issue 16/18: an article can be removed (CLI and web form), and the store stays consistent."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from storylens.cli import main
from storylens.corpus import ingest, remove_article
from storylens.errors import StorylensError
from storylens.model import Brief, Story
from storylens.store import Store
from storylens.web import create_app

LOCAL = "http://127.0.0.1"
FERRY = [("The island ferry service was suspended on Monday after a storm damaged the harbour wall, the "
         "operator said. Engineers will inspect the wall on Tuesday."),
         ("Ferries to the island stopped on Monday when a storm damaged the harbour wall, according to the "
         "operator. An inspection of the wall is planned for Tuesday."),
         ("A storm damaged the island's harbour wall on Monday and the ferry service was suspended, the "
         "operator said; engineers are due to inspect it on Tuesday.")]
CHESS = ("A twelve-year-old from Marrow Creek won the regional chess championship on Sunday, beating the "
         "defending champion in the final round after five hours of play.")


def _records() -> list[dict]:
    rows = [{"id": f"ferry{k}", "title": "Island ferry suspended after storm", "text": t}
            for k, t in enumerate(FERRY)]
    rows.append({"id": "ferry0-copy", "title": "Island ferry suspended after storm", "text": FERRY[0]})
    rows.append({"id": "chess", "title": "Young player wins chess title", "text": CHESS})
    return rows


@pytest.fixture()
def db(tmp_path: Path) -> str:
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in _records()), encoding="utf-8")
    out = str(tmp_path / "s.db")
    ingest([str(path)], db=out)
    return out


def _story_sums_match_members(store: Store, story: str) -> None:
    """The story's stored sums are those of its members' features (what the clusterer rebuilds)."""
    n, dense = store.db.execute("SELECT n, dense FROM stories WHERE id=?", (story,)).fetchone()
    rows = store.db.execute("SELECT f.vector FROM features f JOIN membership m ON m.article=f.article"
                            " WHERE m.story=?", (story,)).fetchall()
    assert n == len(rows)
    total = sum(np.frombuffer(r[0], dtype=np.float32).astype(np.float64) for r in rows)
    assert np.allclose(np.frombuffer(dense, dtype=np.float64), total, atol=1e-5)


def _searchable(store: Store, word: str) -> set[str]:
    return {r[0] for r in store.db.execute(
        "SELECT a.id FROM articles_fts f JOIN articles a ON a.rowid=f.rowid WHERE articles_fts MATCH ?", (word,))}


def test_removing_an_original_makes_its_copy_the_original(db: str) -> None:
    with Store(db) as store:
        story, version = store.story_of("ferry0"), store.story_version(store.story_of("ferry0"))
        assert store.duplicate_links(["ferry0-copy"])["ferry0-copy"][0] == "ferry0"
    done = remove_article(db, "ferry0")
    assert (done.story, done.heir, done.story_gone) == (story, "ferry0-copy", False)
    with Store(db) as store:
        assert not store.id_taken("ferry0") and store.story_of("ferry0-copy") == story
        assert store.duplicate_links(["ferry0-copy"]) == {}
        assert "ferry0-copy" in _searchable(store, "ferry") and "ferry0" not in _searchable(store, "ferry")
        assert store.story_version(story) == version + 1
        _story_sums_match_members(store, story)
        assert store.db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_removing_an_article_leaves_its_story_and_a_last_one_takes_the_story(db: str) -> None:
    remove_article(db, "ferry1")
    with Store(db) as store:
        story = store.story_of("ferry2")
        _story_sums_match_members(store, story)
        assert "ferry1" not in store.members(story)
        lone = store.story_of("chess")
        before = store.count("stories")
    done = remove_article(db, "chess")
    assert done.story == lone and done.story_gone
    with Store(db) as store:
        assert store.count("stories") == before - 1 and lone not in {r.id for r in store.stories()}
        assert _searchable(store, "chess") == set()
        with pytest.raises(StorylensError, match="no story with id"):
            store.resolve(lone)


def test_a_removed_article_can_be_ingested_again(db: str, tmp_path: Path) -> None:
    remove_article(db, "ferry2")
    again = tmp_path / "again.jsonl"
    again.write_text(json.dumps(_records()[2]) + "\n", encoding="utf-8")
    report = ingest([str(again)], db=db)
    assert (report.kept, report.already) == (1, 0)
    with Store(db) as store:
        assert store.story_of("ferry2") == store.story_of("ferry1")
        _story_sums_match_members(store, store.story_of("ferry2"))


def test_cli_article_remove(db: str) -> None:
    runner = CliRunner()
    got = runner.invoke(main, ["article", "remove", "ferry0-copy", "--db", db])
    assert got.exit_code == 0, got.output
    with Store(db) as store:
        story = store.story_of("ferry0")
    assert got.output == f"Removed ferry0-copy from story {story}\n"
    missing = runner.invoke(main, ["article", "remove", "nosuch", "--db", db])
    assert missing.exit_code == 1
    assert missing.output == f"Error: {db}: no article with id 'nosuch' (see `storylens show STORY`)\n"


def test_web_remove_form(db: str) -> None:
    def fake(_db: str, story: str) -> Brief:
        with Store(_db) as store:
            ids = store.members(story)
            return Brief(Story(story, "t", ids), [store.article(a) for a in ids])

    with TestClient(create_app(db, analyze=fake), base_url=LOCAL) as client:
        page = client.get("/articles/ferry1")
        assert 'action="/articles/ferry1/remove"' in page.text
        refused = client.post("/articles/ferry1/remove", headers={"origin": "http://evil.example",
                                                                   "sec-fetch-site": "cross-site"})
        assert refused.status_code == 403
        with Store(db) as store:
            story = store.story_of("ferry1")
            assert store.id_taken("ferry1")
        for _ in range(2):  # rendered, then from the page cache (web/fastpath.py)
            assert 'href="/articles/ferry1' in client.get(f"/stories/{story}").text
        done = client.post("/articles/ferry1/remove", headers={"origin": LOCAL, "sec-fetch-site": "same-origin"},
                           follow_redirects=False)
        assert done.status_code == 303 and done.headers["location"] == f"/stories/{story}"
        assert client.get("/articles/ferry1").status_code == 404
        shown = client.get(f"/stories/{story}")  # the cached page of the old version is not served
        assert shown.status_code == 200 and 'href="/articles/ferry1' not in shown.text
        assert client.post("/articles/ferry1/remove", headers={"origin": LOCAL}).status_code == 404
        gone = client.post("/articles/chess/remove", headers={"origin": LOCAL}, follow_redirects=False)
        assert gone.headers["location"] == "/"


def test_a_removed_articles_headline_leaves_its_story_title(tmp_path: Path) -> None:
    rows = [{"id": f"ferry{k}", "title": title, "text": t}
            for k, (title, t) in enumerate(zip(["Island ferry suspended after storm", "Storm stops island ferries",
                                                "Harbour wall damaged, ferries halted"], FERRY))]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = str(tmp_path / "s.db")
    ingest([str(path)], db=out)
    with Store(out) as store:
        story = store.story_of("ferry0")
        title = store.story_title(story)
        holder = next(r["id"] for r in rows if r["title"] == title)
    remove_article(out, holder)
    with Store(out) as store:
        left = {r["title"] for r in rows if r["id"] != holder}
        assert store.story_title(store.story_of(next(r["id"] for r in rows if r["id"] != holder))) in left
