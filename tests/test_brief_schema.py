"""`storylens analyze --format json` on the seed story: schema storylens.brief/1 and true offsets."""

from __future__ import annotations

import json

import jsonschema
import pytest
from click.testing import CliRunner

from storylens.cli import main

SPAN = {"type": "object", "required": ["article", "start", "end"],
        "properties": {"article": {"type": "string"}, "start": {"type": "integer", "minimum": 0},
                       "end": {"type": "integer", "minimum": 0}, "text": {"type": "string"}}}
SCHEMA = {
    "type": "object",
    "required": ["schema", "story", "articles", "claims", "contradictions", "reuse", "quotes", "entities",
                 "timeline", "summary"],
    "properties": {
        "schema": {"const": "storylens.brief/1"},
        "story": {"type": "object", "required": ["id", "title"]},
        "articles": {"type": "array", "minItems": 1, "items": {"type": "object", "required": [
            "id", "title", "outlet", "author", "url", "published", "language", "text"]}},
        "claims": {"type": "array", "items": {"type": "object", "required": ["id", "text", "kind", "outlets", "support"],
                   "properties": {"kind": {"enum": ["consensus", "single"]}, "outlets": {"type": "integer"},
                                  "support": {"type": "array", "minItems": 1, "items": SPAN}}}},
        "contradictions": {"type": "array", "items": {"type": "object", "required": ["id", "type", "explanation", "a", "b"],
                           "properties": {"a": SPAN, "b": SPAN}}},
        "reuse": {"type": "array", "items": {"type": "object", "required": ["a", "b", "similarity", "kind"],
                  "properties": {"kind": {"enum": ["verbatim", "near"]}, "a": SPAN, "b": SPAN}}},
        "quotes": {"type": "array", "items": {"type": "object", "required": ["speaker", "text", "support"],
                   "properties": {"support": {"type": "array", "items": SPAN}}}},
        "entities": {"type": "array", "items": {"type": "object", "required": ["name", "type", "articles"]}},
        "timeline": {"type": "array", "items": {"type": "object", "required": ["date", "text", "support"],
                     "properties": {"support": {"type": "array", "items": SPAN}}}},
        "summary": {"type": "array", "items": {"type": "object", "required": ["text", "citations"],
                    "properties": {"citations": {"type": "array", "minItems": 1, "items": SPAN}}}},
    },
}


@pytest.fixture(scope="module")
def brief_json(seed_dir) -> dict:
    result = CliRunner().invoke(main, ["analyze", str(seed_dir), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _spans(d: dict):
    for c in d["claims"]:
        yield from c["support"]
    for c in d["contradictions"]:
        yield c["a"]
        yield c["b"]
    for r in d["reuse"]:
        yield r["a"]
        yield r["b"]
    for q in d["quotes"]:
        yield from q["support"]
    for e in d["timeline"]:
        yield from e["support"]
    for s in d["summary"]:
        yield from s["citations"]


def test_json_validates_against_schema(brief_json):
    jsonschema.validate(brief_json, SCHEMA)
    assert len(brief_json["articles"]) == 5
    assert [a["id"] for a in brief_json["articles"]] == sorted(a["id"] for a in brief_json["articles"])
    assert brief_json["summary"], "the brief has a summary"


def test_every_offset_points_at_its_text(brief_json):
    texts = {a["id"]: a["text"] for a in brief_json["articles"]}
    checked = 0
    for span in _spans(brief_json):
        assert 0 <= span["start"] < span["end"] <= len(texts[span["article"]])
        if "text" in span:
            assert texts[span["article"]][span["start"]:span["end"]] == span["text"]
            checked += 1
    for q in brief_json["quotes"]:
        for s in q["support"]:
            assert texts[s["article"]][s["start"]:s["end"]] == q["text"] or q["text"] in texts[s["article"]]
    assert checked > 50


def test_summary_sentences_are_cited_source_sentences(brief_json):
    texts = {a["id"]: a["text"] for a in brief_json["articles"]}
    words = sum(len(s["text"].split()) for s in brief_json["summary"])
    assert 60 <= words <= 160
    for s in brief_json["summary"]:
        assert any(texts[c["article"]][c["start"]:c["end"]] == s["text"] for c in s["citations"])


def test_one_serialiser_per_schema_lives_with_the_model() -> None:
    """article/1, stories/1 and story-list/1 are written by model.py's serialisers (issue 19)."""
    from storylens.model import ARTICLE_FIELDS, Article, Story, article_dict, stories_dict, story_list_dict

    a = Article("a1", "Invented text.", title="An invented title", outlet="Example Daily", removed=[{"x": "y"}])
    assert list(article_dict(a)) == ["schema", *ARTICLE_FIELDS]
    assert article_dict(a)["schema"] == "storylens.article/1" and "removed" not in article_dict(a)
    assert stories_dict([Story("s1", "T", ["a1"])]) == {
        "schema": "storylens.stories/1", "stories": [{"id": "s1", "title": "T", "articles": ["a1"]}]}

    class Row:
        id = "s1"

        def to_dict(self) -> dict:
            return {"id": "s1"}

    assert story_list_dict([Row()]) == {"schema": "storylens.story-list/1", "stories": [{"id": "s1"}]}
    assert list(story_list_dict([Row()], outlets={"s1": ["B"]}, total=1, offset=0)) == [
        "schema", "total", "offset", "stories"]
    assert story_list_dict([Row()], outlets={})["stories"] == [{"id": "s1", "outlet_names": []}]
