"""Publication time steers clustering (issue 16): articles far apart in time join only on strong
evidence; an undated article's ingest time is a weak signal; the store's story list knows a story
whose articles carry no date."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from _shared import need

from storylens.cluster import (
    FAR_BAR,
    GRACE_DAYS,
    INGEST_SLACK_DAYS,
    Clusterer,
    Features,
    SavedMember,
    SavedStory,
    cluster_articles,
    far_bar,
)
from storylens.model import Article

NEUS = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "neus-allsides-val" / "val.jsonl"


def _pair(score: float) -> tuple[Features, Features]:
    """Two articles whose event-level score is ``score``: they share one word (term similarity 1) and
    their vectors' cosine makes up the rest (score = 0.5 cos + 0.5 at the event level)."""
    cos = 2 * score - 1
    a = np.array([1.0, 0.0], dtype=np.float32)
    b = np.array([cos, np.sqrt(1 - cos * cos)], dtype=np.float32)
    return Features(a, {"w": 1.0}), Features(b, {"w": 1.0})


def _joined(score: float, *, days: tuple[float | None, float | None] = (None, None),
            seen: tuple[float | None, float | None] = (None, None)) -> bool:
    a, b = _pair(score)
    a.day, b.day = days
    a.seen, b.seen = seen
    c = Clusterer(2)
    c.add("a", a)
    return c.add("b", b).story == c.story_of["a"]


def test_the_far_bar_grows_with_the_gap() -> None:
    assert far_bar(0.0) == far_bar(GRACE_DAYS) == 0.0
    assert far_bar(GRACE_DAYS + 0.01) == pytest.approx(FAR_BAR, abs=1e-3)
    bars = [far_bar(d) for d in (7, 30, 365, 3650)]
    assert bars == sorted(bars) and bars[0] > 0.3  # the event level's pair bar


def test_similar_articles_far_apart_in_time_join_only_when_very_similar() -> None:
    assert _joined(0.42, days=(100.0, 101.0))  # a day apart: the level's bar (0.3) is enough
    assert _joined(0.42, days=(100.0, 100.0 + GRACE_DAYS))
    assert not _joined(0.42, days=(100.0, 130.0))  # a month apart: not on the level's bar
    assert not _joined(0.42, days=(130.0, 100.0))  # the order does not matter
    assert _joined(0.95, days=(100.0, 130.0))  # a near copy still joins
    assert _joined(far_bar(30.0) + 0.01, days=(100.0, 130.0))
    assert not _joined(far_bar(30.0) + 0.01, days=(100.0, 500.0))  # farther, a higher bar


def test_stories_far_apart_do_not_merge_on_the_level_bar() -> None:
    # two stories, a year apart, then an article between them in meaning and close to the first in time
    c = Clusterer(2)
    x, y = _pair(0.42)
    c.add("a", Features(x.dense, {"w": 1.0}, day=0.0))
    c.add("b", Features(y.dense, {"w": 1.0}, day=365.0))
    assert c.story_of["a"] != c.story_of["b"]
    mid = (x.dense + y.dense) / np.linalg.norm(x.dense + y.dense)
    placed = c.add("m", Features(mid.astype(np.float32), {"w": 1.0}, day=1.0))
    assert not placed.merged and c.story_of["a"] != c.story_of["b"]


def test_undated_articles_are_not_steered_by_time() -> None:
    assert _joined(0.42)
    assert _joined(0.42, days=(100.0, None))  # one dated, the other not: no evidence either way
    assert _joined(0.42, days=(None, 100.0))


def test_ingest_time_is_a_weak_signal() -> None:
    # ingested within the slack: as if at once; far beyond it: the far bar, counted from the slack
    assert _joined(0.42, seen=(100.0, 100.0 + INGEST_SLACK_DAYS))
    assert not _joined(0.42, seen=(100.0, 100.0 + INGEST_SLACK_DAYS + 60))
    assert _joined(0.95, seen=(100.0, 100.0 + INGEST_SLACK_DAYS + 60))
    # a publication date beats an ingest time: both dated a day apart, ingested a year apart
    assert _joined(0.42, days=(100.0, 101.0), seen=(100.0, 465.0))


def test_a_reloaded_clusterer_keeps_the_ingest_days() -> None:
    c = Clusterer(2)
    a, b = _pair(0.42)
    a.seen = 10.0
    c.add("a", a)
    s = c.stories[c.story_of["a"]]
    saved = [SavedStory(s.id, s.born, s.n, s.dense.copy(), dict(s.terms), s.first, s.last)]
    again = Clusterer.from_rows(2, saved, [SavedMember("a", s.id, a.dense, {"w": 1.0}, None, None)])
    again.note_seen({"a": 10.0})
    assert (again.stories[s.id].seen_first, again.stories[s.id].seen_last) == (10.0, 10.0)
    b.seen = 10.0 + INGEST_SLACK_DAYS + 60
    assert again.add("b", b).story != s.id


def _neus_stories(n: int) -> list[list[dict]]:
    rows = [json.loads(x) for x in need(NEUS).read_text(encoding="utf-8").splitlines() if x.strip()]
    return [[a for a in r["articles"] if a.get("text")] for r in rows[:n]]


def _b3_precision(stories: list, gold: dict[str, int]) -> float:
    where = {a: k for k, s in enumerate(stories) for a in s.articles}
    sizes = {k: len(s.articles) for k, s in enumerate(stories)}
    both: dict[tuple[int, int], int] = {}
    for a, g in gold.items():
        both[where[a], g] = both.get((where[a], g), 0) + 1
    return sum(both[where[a], g] / sizes[where[a]] for a, g in gold.items()) / len(gold)


def test_dates_keep_different_events_about_the_same_people_apart() -> None:
    # real stories (NeuS: three outlets each, many about the same people): each story on its own day,
    # a month after the one before; with those dates clustering is at least as precise as without
    stories = _neus_stories(40)
    start = datetime(2020, 1, 1)
    undated, dated, gold = [], [], {}
    for k, arts in enumerate(stories):
        for j, a in enumerate(arts):
            aid = f"n{k:02d}-{j}"
            gold[aid] = k
            undated.append(Article(id=aid, text=a["text"], title=a.get("title") or ""))
            day = (start + timedelta(days=30 * k, hours=j)).isoformat()
            dated.append(Article(id=aid, text=a["text"], title=a.get("title") or "", published=day))
    from storylens.cluster import featurize
    from storylens.embed import get_embedder

    feats = featurize(undated, get_embedder())
    plain = cluster_articles(undated, features=feats)
    for f, a in zip(feats, dated):
        f.day = float(datetime.fromisoformat(a.published or "").timestamp() / 86400.0)
    steered = cluster_articles(dated, features=feats)
    p_plain, p_steered = _b3_precision(plain, gold), _b3_precision(steered, gold)
    assert p_steered >= p_plain and p_steered >= 0.95
    # a story never spans two gold stories a month or more apart unless it clears the far bar:
    # with every gold story a month from the next, at most a handful of mixed stories remain
    mixed = [s for s in steered if len({gold[a] for a in s.articles}) > 1]
    assert len(mixed) <= len([s for s in plain if len({gold[a] for a in s.articles}) > 1])


def test_ingest_stamps_undated_articles_and_a_reload_reads_it(tmp_path: Path) -> None:
    from storylens.corpus import ingest, ingest_days
    from storylens.store import Store

    stories = _neus_stories(2)
    path = tmp_path / "items.jsonl"
    path.write_text("\n".join(json.dumps({"id": f"a{k}{j}", "title": a.get("title") or "", "text": a["text"],
                                          **({"published": "2021-03-04"} if k == 0 else {})})
                              for k, arts in enumerate(stories) for j, a in enumerate(arts)) + "\n",
                    encoding="utf-8")
    db = str(tmp_path / "t.db")
    ingest([str(path)], db=db)
    with Store(db) as store:
        days = ingest_days(store)
        rows = {r.id: r for r in store.stories()}
        members = {s: store.members(s) for s in rows}
    undated = {f"a1{j}" for j in range(len(stories[1]))}
    assert set(days) == undated  # the dated ones stand at their publication day
    assert all(abs(d - datetime.now().timestamp() / 86400.0) < 1 for d in days.values())
    for sid, row in rows.items():
        dated = any(m.startswith("a0") for m in members[sid])
        assert bool(row.dated) == dated
    # the story list says which stories' dates are unknown (the "seen" date is then the ingest time)
    from fastapi.testclient import TestClient

    from storylens.web import create_app

    with TestClient(create_app(db), base_url="http://127.0.0.1") as client:
        page = client.get("/").text
    assert page.count("dates unknown (ingested") == sum(not r.dated for r in rows.values()) >= 1
    assert "<time>2021-03-04</time>" in page


def test_the_reports_say_when_a_story_dates_are_unknown() -> None:
    from storylens.model import Brief, Story
    from storylens.render import render

    undated = Brief(Story("s1", "A", ["a", "b"]), [Article(id="a", text="x"), Article(id="b", text="y")])
    assert "dates unknown" in render(undated, "text") and "dates unknown" in render(undated, "html")
    dated = Brief(Story("s1", "A", ["a", "b"]), [Article(id="a", text="x", published="2021-03-04T10:00"),
                                                 Article(id="b", text="y")])
    text = render(dated, "text")
    assert "published 2021-03-04 (1 undated)" in text and "dates unknown" not in text
