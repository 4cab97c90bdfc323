"""Headline-only items (issue 16): a title and no body is an article, clustered on its title, listed in
its story, read by the analysis only as a headline; a .json array file is read like JSONL.

The headlines are real: titles of the development sets in ../shared/data (read by path, never copied).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from _shared import need
from click.testing import CliRunner

from storylens.cli import main
from storylens.ingest import read_records
from storylens.model import Article, article_dict

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
NEUS = DATA / "neus-allsides-val" / "val.jsonl"
WIKIREF = DATA / "wikiref220" / "wikiref220.jsonl"


@pytest.fixture(scope="module")
def headlines() -> list[dict]:
    """Headline-only records: the titles of 25 NeuS stories (three outlets and the roundup each) and
    of 30 WikiRef documents, as a headline feed gives them (title, an invented URL, no body)."""
    rows: list[dict] = []
    for i, line in enumerate(need(NEUS).read_text(encoding="utf-8").splitlines()[:25]):
        story = json.loads(line)
        titles = [a.get("title") for a in story["articles"]] + [story["reference"].get("title")]
        rows += [{"title": t, "story_label": f"neus-{i}"} for t in titles if t and t.strip()]
    for i, line in enumerate(need(WIKIREF).read_text(encoding="utf-8").splitlines()[::7][:30]):
        doc = json.loads(line)
        rows.append({"title": doc["title"], "story_label": doc["label"]})
    for k, r in enumerate(rows):
        r["id"] = f"h{k:03d}"
        r["url"] = f"https://feed.example/item/{k}"
    return rows


def _write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def _once(stories: list[dict], ids: list[str]) -> None:
    """Every id in exactly one story."""
    placed = [a for s in stories for a in s["articles"]]
    assert sorted(placed) == sorted(ids)
    assert len(placed) == len(set(placed))


def test_headline_records_are_headline_only_articles(tmp_path: Path, headlines: list[dict]) -> None:
    path = _write_jsonl(tmp_path / "feed.jsonl", headlines)
    records, problems = read_records([str(path)])
    assert problems == []
    assert [a.id for a, _ in records] == [r["id"] for r in headlines]
    for (a, extra), r in zip(records, headlines):
        assert a.headline_only and a.text == "" and a.title == " ".join(r["title"].split())
        assert extra == {"story_label": r["story_label"]}
    d = article_dict(records[0][0])
    assert d["headline_only"] is True and d["text"] == "" and d["description"] is None


def test_cli_cluster_places_every_headline_in_one_story(tmp_path: Path, headlines: list[dict]) -> None:
    path = _write_jsonl(tmp_path / "feed.jsonl", headlines)
    result = CliRunner().invoke(main, ["cluster", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    stories = json.loads(result.stdout)["stories"]
    _once(stories, [r["id"] for r in headlines])
    assert len(stories) < len(headlines)  # headlines of one event are grouped, not left alone
    label = {r["id"]: r["story_label"] for r in headlines}
    # a story holds one gold story's headlines for most of its members (B-cubed precision)
    size = {a: len(s["articles"]) for s in stories for a in s["articles"]}
    precision = sum(sum(label[b] == label[a] for b in s["articles"]) / size[a]
                    for s in stories for a in s["articles"]) / len(headlines)
    assert precision >= 0.8


def test_ingest_stores_every_headline_once_and_again_idempotently(tmp_path: Path, headlines: list[dict]) -> None:
    path = _write_jsonl(tmp_path / "feed.jsonl", headlines)
    db = tmp_path / "s.db"
    runner = CliRunner()
    first = runner.invoke(main, ["ingest", str(path), "--db", str(db), "--format", "json"])
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    assert report["read"] == len(headlines) and report["failed"] == 0
    assert report["kept"] + report["duplicates"] == len(headlines)
    with sqlite3.connect(db) as con:
        members = con.execute("SELECT article, story FROM membership").fetchall()
        stored = con.execute("SELECT count(*) FROM articles WHERE text = '' AND title != ''").fetchone()[0]
    assert sorted(a for a, _ in members) == sorted(r["id"] for r in headlines)  # each in exactly one story
    assert stored == len(headlines)
    again = json.loads(runner.invoke(main, ["ingest", str(path), "--db", str(db), "--format", "json"]).stdout)
    assert again["already"] == len(headlines) and again["kept"] == 0
    listed = json.loads(runner.invoke(main, ["stories", "--db", str(db), "--format", "json"]).stdout)
    assert sum(s["articles"] for s in listed["stories"]) == len(headlines)
    assert all(s["title"] for s in listed["stories"] if s["articles"] > 1)  # titled by a headline


def test_a_json_array_file_is_read_like_jsonl(tmp_path: Path, headlines: list[dict]) -> None:
    some = headlines[:12]
    array = tmp_path / "feed.json"
    array.write_text(json.dumps(some), encoding="utf-8")
    wrapped = tmp_path / "wrapped.json"
    wrapped.write_text(json.dumps({"items": [*some[:3], "not a record", {"id": "empty"}]}), encoding="utf-8")
    lines = _write_jsonl(tmp_path / "feed.jsonl", some)
    from_array, problems = read_records([str(array)])
    from_lines, _ = read_records([str(lines)])
    assert problems == []
    assert [(a.id, a.title, a.headline_only) for a, _ in from_array] == \
        [(a.id, a.title, a.headline_only) for a, _ in from_lines]
    got, problems = read_records([str(wrapped)])
    assert [a.id for a, _ in got] == [r["id"] for r in some[:3]]
    assert [(p.source, p.reason) for p in problems] == [
        (f"{wrapped}:4", "not a JSON object (a string)"),
        (f"{wrapped}:5", "record has no 'text', 'html' or 'title'"),
    ]
    result = CliRunner().invoke(main, ["cluster", str(array), "--format", "json"])
    assert result.exit_code == 0, result.output
    _once(json.loads(result.stdout)["stories"], [r["id"] for r in some])


@pytest.mark.parametrize("content, reason", [
    ("", "empty file"),
    ("[]", "no JSON records in the file (an empty array)"),
    ('{"a": 1', "invalid JSON (Expecting ',' delimiter at line 1 column 8)"),
    ('"just a string"', "not a JSON array of records (a string)"),
    ('{"settings": {"x": 1}}', 'a JSON object with no array of records (expected [...] or {"items": [...]})'),
])
def test_a_bad_json_file_is_one_problem(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    records, problems = read_records([str(path)])
    assert records == [] and [(p.source, p.reason) for p in problems] == [(str(path), reason)]


def test_a_body_no_longer_than_its_title_leaves_a_headline(tmp_path: Path, headlines: list[dict]) -> None:
    title = headlines[0]["title"]
    recs = [{"id": "dot", "title": title, "text": title + "."},  # the title again: cleaning drops it
            {"id": "teaser", "title": title, "text": "Party leaders met on Monday."},  # shorter than the title
            {"id": "described", "title": title, "description": "A short summary of the item."},
            {"id": "bare"}]
    records, problems = read_records([str(_write_jsonl(tmp_path / "r.jsonl", recs))])
    by_id = {a.id: a for a, _ in records}
    assert by_id["dot"].headline_only and by_id["dot"].description is None
    assert by_id["teaser"].headline_only and by_id["teaser"].description == "Party leaders met on Monday."
    assert by_id["described"].description == "A short summary of the item."
    assert [(p.source, p.reason) for p in problems] == [(f"{tmp_path / 'r.jsonl'}:4",
                                                          "record has no 'text', 'html' or 'title'")]


def test_a_headline_in_a_story_is_listed_but_never_a_source_of_claims(tmp_path: Path, seed_dir: Path,
                                                                      headlines: list[dict]) -> None:
    from storylens import analyze
    from storylens.render import render

    seed = sorted(seed_dir.glob("*.txt"))[:2]
    feed = _write_jsonl(tmp_path / "feed.jsonl", headlines[:2])
    brief = analyze([*map(str, seed), str(feed)])
    heads = {a.id for a in brief.articles if a.headline_only}
    assert heads == {"h000", "h001"} and brief.claims
    spans = [s for c in brief.claims for s in c.support] + [s for q in brief.quotes for s in q.support] \
        + [s for e in brief.timeline for s in e.support] + [s for s in (x for r in brief.reuse for x in (r.a, r.b))]
    assert spans and not {s.article for s in spans} & heads
    for fmt in ("text", "markdown", "html", "json"):
        assert render(brief, fmt)
    listed = json.loads(render(brief, "json"))["articles"]
    assert {a["id"]: a["headline_only"] for a in listed} == {a.id: a.id in heads for a in brief.articles}


def test_a_story_of_headlines_alone_shows_a_brief(tmp_path: Path, headlines: list[dict]) -> None:
    path = _write_jsonl(tmp_path / "feed.jsonl", headlines)
    db = tmp_path / "s.db"
    runner = CliRunner()
    assert runner.invoke(main, ["ingest", str(path), "--db", str(db)]).exit_code == 0
    listed = json.loads(runner.invoke(main, ["stories", "--db", str(db), "--format", "json"]).stdout)
    biggest = max(listed["stories"], key=lambda s: s["articles"])
    for fmt in ("json", "text", "markdown"):
        shown = runner.invoke(main, ["show", biggest["id"], "--db", str(db), "--format", fmt])
        assert shown.exit_code == 0, shown.output
    brief = json.loads(runner.invoke(main, ["show", biggest["id"], "--db", str(db), "--format", "json"]).stdout)
    assert len(brief["articles"]) == biggest["articles"] and all(a["headline_only"] for a in brief["articles"])
    assert brief["claims"] == [] and brief["quotes"] == []


def test_an_article_round_trips_its_description() -> None:
    a = Article(id="x", text="", title="A headline of an item", description="Its summary.")
    d = a.to_dict()
    assert d["headline_only"] is True and Article.from_dict(d) == a


def test_feed_entries_with_a_title_and_no_link_are_headlines(tmp_path: Path) -> None:
    feed = tmp_path / "wire.rss"
    feed.write_text("""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Wire Desk</title>
<item><title>Harbour ferry service resumes after strike ends</title>
  <description>&lt;p&gt;Crews return on &lt;b&gt;Monday&lt;/b&gt;.&lt;/p&gt;</description>
  <pubDate>Mon, 03 Jun 2024 08:00:00 GMT</pubDate></item>
<item><description>No title and no link.</description></item>
</channel></rss>
""", encoding="utf-8")
    records, problems = read_records([str(feed)])
    (article, _), = records
    assert article.headline_only and article.title == "Harbour ferry service resumes after strike ends"
    assert article.description == "Crews return on Monday." and article.published == "2024-06-03"
    assert article.outlet == "Wire Desk"
    assert [p.reason for p in problems] == ["entry has no link and too little content to be an article"]
