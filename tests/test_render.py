"""Tests of the four output formats, on a brief built from two real articles of the demo story."""

from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import re
from collections import Counter
from dataclasses import replace
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from storylens.errors import ConfigError
from storylens.model import (
    BRIEF_SCHEMA,
    Article,
    Brief,
    Claim,
    Contradiction,
    Entity,
    Event,
    Problem,
    Quote,
    Reuse,
    Span,
    Story,
    SummarySentence,
)
from storylens.render import FORMATS, render
from storylens.render.highlight import article_anchor, segments, span_anchor
from storylens.render.html import render_html
from storylens.render.markdown import md_escape, render_markdown
from storylens.render.text import print_brief, render_text

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "russia-day"
A, B = "000_0936ec70469a5f71", "003_c3926eb5271cd23d"
SUMMARY = "Kim Jong Un sent Putin a Russia Day message of full support."
EXPLANATION = "A says Kim backed the war against Ukraine; B says the message did not mention it."


def _article(article_id: str, outlet: str, url: str) -> Article:
    title, text = (EXAMPLES / f"{article_id}.txt").read_text(encoding="utf-8").split("\n", 1)
    return Article(article_id, text, title=title, outlet=outlet, author="Staff", url=url,
                   published="2023-06-12", removed=[{"line": "Share this article", "reason": "promo"}])


def _span(article: Article, sentence: str) -> Span:
    start = article.text.find(sentence)
    assert start >= 0, sentence
    return Span(article.id, start, start + len(sentence), sentence)


PROXY_A = ("According to the Moscow Times, Kim Jong Un has described Russia’s invasion of Ukraine as an "
           "American proxy war intended to destroy Russia.")
PROXY_B = ("North Korea characterizes the conflict as a proxy war orchestrated by the United States, "
           "with the aim of undermining Russia, and condemns Western military assistance to Kyiv.")
WAR_A = "has doubled down on his support for Russia in the war against Ukraine"
MENTION_B = "Although it made no explicit mention of the ongoing conflict in Ukraine or Moscow's involvement"
WAGNER_B = ("Back in January, the United States accused North Korea of supplying rockets and missiles "
            "to the Russian mercenary group known as Wagner.")
SUPPORT_A = ("has recently reported that Kim Jong Un is lending his “full support” "
             "to Russian President Vladimir Putin")
SUPPORT_B = ("North Korean leader Kim Jong Un conveyed his nation's unwavering solidarity and support "
             "to Moscow on Russia Day")


def _brief() -> Brief:
    a = _article(A, "Liberty One", "https://example.org/kim-support")
    b = _article(B, "Pyongyang Watch", "https://example.com/russia-day")
    wagner = _span(b, WAGNER_B)
    return Brief(
        story=Story("s-russia-day", "Kim Jong Un backs Putin on Russia Day", [A, B]),
        articles=[a, b],
        claims=[Claim("c1", "Kim calls the war in Ukraine a US proxy war against Russia.", "consensus", 2,
                      [_span(a, PROXY_A), _span(b, PROXY_B)], 0.8),
                Claim("c2", wagner.text, "single", 1, [wagner], 0.5)],
        contradictions=[Contradiction("x1", "negation", EXPLANATION,
                                      _span(a, WAR_A), _span(b, MENTION_B), 0.7)],
        reuse=[Reuse(_span(a, "He has also condemned Western military aid to Kiev."),
                     _span(b, "condemns Western military assistance to Kyiv."), 0.81, "near")],
        quotes=[Quote("Kim Jong Un", "generation after generation",
                      [_span(a, "generation after generation")])],
        entities=[Entity("Kim Jong Un", "PERSON", [A, B], 9)],
        timeline=[Event("1991", "The Soviet Union dissolved.",
                        [_span(a, "which officially dissolved in 1991")])],
        summary=[SummarySentence(SUMMARY, [_span(a, SUPPORT_A), _span(b, SUPPORT_B)])],
        skipped=[Problem("broken.html", "not UTF-8")],
    )


@pytest.fixture()
def brief() -> Brief:
    return _brief()


EVIL_TEXT = ("Officials said <script>alert(1)</script> nothing.\n\n"
             "A picture: <img src=x onerror=alert(1)> & more \"quoted\" 'text'.")


@pytest.fixture()
def hostile(brief: Brief) -> Brief:
    evil = Article("evil<x>", EVIL_TEXT, title='"><svg onload=alert(1)>', outlet="<b>Bad</b>",
                   author="<i>me</i>", url="javascript:alert(1)",
                   removed=[{"line": "<script>alert(2)</script>", "reason": "promo"}])
    brief.articles.append(evil)
    start = EVIL_TEXT.find("<script>")
    span = Span(evil.id, start, start + len("<script>alert(1)</script>"), "<script>alert(1)</script>")
    brief.claims.append(Claim("c3", "<script>alert(1)</script>", "single", 1, [span]))
    brief.quotes.append(Quote("<img src=x onerror=alert(1)>", "x", [Span(evil.id, 0, 9)]))
    # same start as the claim, overlapping ends, offsets past the end, and an article not in the brief
    brief.reuse.append(Reuse(Span(evil.id, start, start + 8), Span(evil.id, start + 4, 999), 0.9, "near"))
    brief.summary.append(SummarySentence("Ghost.", [Span("ghost", 1, 5), Span(evil.id, 999, 1005)]))
    return brief


# ---------------------------------------------------------------------------------------------- all

@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_renders(brief: Brief, fmt: str) -> None:
    out = render(brief, fmt)
    assert isinstance(out, str) and len(out) > 500


def test_unknown_format_is_a_config_error(brief: Brief) -> None:
    with pytest.raises(ConfigError, match="unknown format 'pdf'"):
        render(brief, "pdf")


def test_fixture_spans_are_true(brief: Brief) -> None:
    for claim in brief.claims:
        for s in claim.support:
            assert brief.article(s.article).text[s.start:s.end] == s.text


# --------------------------------------------------------------------------------------------- json

def test_json_round_trips(brief: Brief) -> None:
    data = json.loads(render(brief, "json"))
    assert data["schema"] == BRIEF_SCHEMA == "storylens.brief/1"
    again = Brief.from_dict(data)
    assert again.to_dict() == data
    assert again.claims[0].support[0].text == brief.claims[0].support[0].text
    assert "’" in render(brief, "json")  # ensure_ascii=False keeps text readable


# --------------------------------------------------------------------------------------------- text

def _flat(text: str) -> str:
    return " ".join(text.split())


def test_text_is_plain_and_complete(brief: Brief) -> None:
    out = render_text(brief)
    assert "\x1b" not in out
    flat = _flat(out)
    assert SUMMARY in flat and "[000, 003]" in flat
    assert "Consensus" in out and "Contradictions" in out and EXPLANATION in flat
    order = [out.index(h) for h in ("At a glance", "Summary", "Contradictions", "Consensus",
                                    "Single-source details", "Reused passages", "Quotes", "Timeline",
                                    "Entities", "Sources", "Skipped inputs")]
    assert order == sorted(order)
    assert "broken.html: not UTF-8" in out
    assert max(len(line) for line in out.splitlines()) <= 100


def test_text_width_and_none_found(brief: Brief) -> None:
    brief.contradictions.clear()
    out = render_text(brief, width=60)
    assert max(len(line) for line in out.splitlines()) <= 60
    assert "none found" in out.split("Contradictions", 1)[1]


def test_text_caps_single_source_details(brief: Brief) -> None:
    span = brief.claims[1].support[0]
    brief.claims += [Claim(f"s{i}", f"Detail number {i}.", "single", 1, [span]) for i in range(7)]
    out = render_text(brief)
    assert "Detail number 3." in out and "Detail number 6." not in out and "+3 more" in out


def test_text_prints_markup_like_text_verbatim(brief: Brief) -> None:
    brief.summary[0].text = "Kim said [bold]no[/bold] :smile: today."
    assert "[bold]no[/bold] :smile:" in render_text(brief)


def test_print_brief_uses_colour_on_a_terminal(brief: Brief) -> None:
    buffer = io.StringIO()
    print_brief(brief, Console(file=buffer, force_terminal=True, color_system="truecolor", width=100))
    assert "\x1b[" in buffer.getvalue() and "Contradictions" in buffer.getvalue()


# ----------------------------------------------------------------------------------------- markdown

def test_markdown_sections_and_citations(brief: Brief) -> None:
    out = render_markdown(brief)
    headings = ("At a glance", "Summary", "Contradictions", "Consensus", "Single-source details",
                "Reused passages", "Quotes", "Timeline", "Entities", "Sources", "Skipped inputs (1)")
    for heading in headings:
        assert f"\n## {heading}" in out
    assert [out.index(f"\n## {h}") for h in headings] == sorted(out.index(f"\n## {h}") for h in headings)
    assert out.startswith("# Kim Jong Un backs Putin on Russia Day\n")
    assert f"1. {SUMMARY} [000], [003]" in out
    assert "[000]: <https://example.org/kim-support>" in out
    assert md_escape(EXPLANATION) in out


def test_markdown_escapes_layout_breakers(hostile: Brief) -> None:
    assert md_escape("a | b") == r"a \| b"
    assert md_escape("# not a heading") == r"\# not a heading"
    assert md_escape("1991. The year") == r"1991\. The year"
    assert md_escape("- not a list\nline two") == r"\- not a list line two"
    out = render_markdown(hostile)
    assert not re.search(r"(?<!\\)<(script|img|b>|i>)", out) and r"\<script\>" in out
    assert "](javascript:" not in out and "<javascript:" not in out
    for row in (line for line in out.splitlines() if line.startswith("| ")):
        assert len(re.findall(r"(?<!\\)\|", row)) == row.count("|") - row.count("\\|")


# --------------------------------------------------------------------------------------------- html

def _ids(doc: str) -> Counter[str]:
    return Counter(re.findall(r'\sid="([^"]*)"', doc))


def _article_text(doc: str, article_anchor: str) -> str:
    pattern = rf'<div class="article-text" id="text-{re.escape(article_anchor)}">(.*?)</div>'
    match = re.search(pattern, doc, re.DOTALL)
    assert match, article_anchor
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1)))


def test_html_is_self_contained(brief: Brief) -> None:
    doc = render_html(brief)
    assert doc.startswith("<!DOCTYPE html>")
    assert "<link" not in doc and " src=" not in doc and "@import" not in doc and "url(" not in doc
    template = resources.files("storylens.render").joinpath("templates", "report.html.j2")
    assert "|safe" not in template.read_text(encoding="utf-8")


def test_html_csp_hashes_match_inline_style_and_script(brief: Brief) -> None:
    doc = render_html(brief)
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', doc).group(1)  # type: ignore[union-attr]
    for tag in ("style", "script"):
        body = re.search(rf"<{tag}>(.*?)</{tag}>", doc, re.DOTALL).group(1)  # type: ignore[union-attr]
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"{tag}-src 'sha256-{digest}'" in html.unescape(csp)
    assert doc.count("<script>") == 1


def test_html_escapes_hostile_text(hostile: Brief) -> None:
    doc = render_html(hostile)
    assert "<script>alert" not in doc and "&lt;script&gt;alert(1)&lt;/script&gt;" in doc
    assert "<img src=x" not in doc and "&lt;img src=x onerror=alert(1)&gt;" in doc
    assert "<svg onload" not in doc and "&lt;svg onload=alert(1)&gt;" in doc
    assert "<b>Bad" not in doc and "<i>me" not in doc
    assert 'href="javascript:' not in doc.lower() and "javascript:alert(1)" in doc
    assert not re.search(r"<[a-z]+[^>]*\son[a-z]+=", doc, re.IGNORECASE)  # no inline event handlers at all


def test_html_internal_links_resolve_to_unique_ids(hostile: Brief) -> None:
    doc = render_html(hostile)
    ids = _ids(doc)
    assert not [i for i, n in ids.items() if n > 1]
    targets = re.findall(r'href="#([^"]*)"', doc)
    assert targets and all(t in ids for t in targets)
    spans = [s for c in hostile.claims for s in c.support] + [hostile.contradictions[0].a]
    spans += [s for r in hostile.reuse for s in (r.a, r.b)] + hostile.summary[0].citations
    spans += [hostile.summary[1].citations[1]]
    for s in spans:
        assert ids[span_anchor(s)] == 1 and f'href="#{span_anchor(s)}"' in doc
    assert "a-ghost-1-5" not in doc and '<span class="cite" title="ghost">ghost</span>' in doc


def test_html_highlights_reproduce_article_text(hostile: Brief) -> None:
    doc = render_html(hostile)
    for article in hostile.articles:
        assert _article_text(doc, article_anchor(article.id)) == article.text


def test_html_overlapping_spans_are_merged(brief: Brief) -> None:
    doc = render_html(brief)
    consensus_b, reuse_b = brief.claims[0].support[1], brief.reuse[0].b
    assert consensus_b.start < reuse_b.start < reuse_b.end == consensus_b.end  # the fixture overlaps
    assert f'<mark id="{span_anchor(reuse_b)}"' in doc
    both = re.search(rf'data-spans="[^"]*\b{span_anchor(consensus_b)}\b[^"]*\b{span_anchor(reuse_b)}\b', doc)
    assert both, "the shared stretch carries both span ids"


def test_html_marks_kinds_with_labels_not_colour_alone(brief: Brief) -> None:
    doc = render_html(brief)
    assert "● Consensus · 2 of 2 outlets" in doc and "× Contradiction" in doc and "◊ single source" in doc
    assert 'class="hl hl-contradiction"' in doc and 'title="contradiction' in doc
    assert "Cleaning removed 1 line" in doc and 'href="https://example.org/kim-support"' in doc


# ------------------------------------------------------------------------------------- highlighting

_spans = st.lists(st.tuples(st.integers(-5, 60), st.integers(-5, 60)), max_size=12)


@given(text=st.text(max_size=50), raw=_spans)
def test_segments_rebuild_text_and_anchor_every_span_once(text: str, raw: list[tuple[int, int]]) -> None:
    highlights = {(s, e): {"single"} for s, e in raw}
    pieces = segments("x-1", text, highlights)
    assert "".join(p.text for p in pieces) == text
    placed = Counter(a for p in pieces for a in ((p.mark_id,) if p.mark_id else ()) + p.anchors)
    assert placed == Counter(span_anchor(Span("x-1", s, e)) for s, e in highlights)
    for p in pieces:
        assert not p.mark_id or p.marked


def test_span_anchor_is_injective_and_id_safe() -> None:
    assert span_anchor(Span(A, 3, 9)) == f"a-{A}-3-9"
    odd = {span_anchor(Span(i, 1, 2)) for i in ("a-b", "a.b", "a b", "a_b", "a.2d.b")}
    assert len(odd) == 5 and all(re.fullmatch(r"[A-Za-z0-9_.\-]+", x) for x in odd)


@pytest.mark.parametrize("fmt", FORMATS)
def test_empty_brief_renders(fmt: str) -> None:
    out = render(Brief(Story("s0", ""), []), fmt)
    assert "s0" in out
    if fmt != "json":
        assert "none found" in out


def test_contradictions_sharing_side_a_are_one_item(brief: Brief) -> None:
    # two outlets' sentences against one: one numbered item in every view, each B side shown once
    a_side = brief.contradictions[0].a
    other = _span(brief.articles[1], WAGNER_B)
    brief.contradictions.append(Contradiction("x2", "negation", EXPLANATION.replace("B says", "B also says"),
                                              a_side, other, 0.5))
    text = _flat(render_text(brief, width=400))
    assert "CONTRADICTION 1 · negation · 2 against A" in text and "CONTRADICTION 2" not in text
    assert _flat(WAR_A) in text and _flat(MENTION_B) in text and _flat(WAGNER_B) in text
    assert "· 1 contradiction ·" in text
    md = render_markdown(brief)
    assert "Contradiction 1 (negation, 2 against A)" in md and "Contradiction 2" not in md
    assert md.count("| A |") == 1 and md.count("| B |") == 2
    doc = render_html(brief)
    assert doc.count('<div class="contradiction"') == 1 and doc.count('class="side side-b"') == 2


def test_summary_sentence_cut_short_gets_its_full_stop_in_views_only(brief: Brief) -> None:
    cut = "The ferry service resumes on Monday"  # the slice kept before ", the operator said."
    brief.summary[0] = SummarySentence(cut, brief.summary[0].citations)
    assert f"{cut}. [" in _flat(render_text(brief, width=400))
    assert f"{cut}. [" in render_markdown(brief)
    assert f"{cut}. <" in render_html(brief) or f"{cut}.\n" in render_html(brief)
    assert json.loads(render(brief, "json"))["summary"][0]["text"] == cut  # the data keeps the exact slice


def test_claim_cut_from_inside_a_sentence_is_marked_as_an_excerpt(brief: Brief) -> None:
    clause = "and reopened the ferry route to the islands"
    brief.claims[0] = replace(brief.claims[0], text=clause)
    assert f"…{clause}" in _flat(render_text(brief, width=400))
    assert f"…{clause}" in render_markdown(brief)
    assert f"…{clause}" in render_html(brief)
    assert json.loads(render(brief, "json"))["claims"][0]["text"] == clause  # the data keeps the span's text


# ------------------------------------------------------------------------------- at a glance (issue 15)

def _sentence_of(article: Article, fact: Span) -> Span:
    """The whole sentence around a fact (the fixture's sentences end with ". " or a line)."""
    start = max(article.text.rfind(". ", 0, fact.start) + 2, article.text.rfind("\n", 0, fact.start) + 1)
    ends = [i for i in (article.text.find(". ", fact.end), article.text.find("\n", fact.end)) if i >= 0]
    end = min(ends) + 1 if ends else len(article.text)
    return Span(article.id, start, end, article.text[start:end])


def test_glance_comes_first_with_contradictions_above_facts(brief: Brief) -> None:
    doc = render_html(brief)
    glance = doc.index('id="glance"')
    assert glance < doc.index('id="summary"') < doc.index('id="contradictions"') < doc.index('id="consensus"')
    panel = doc[glance:doc.index('id="summary"')]
    assert panel.index('class="glance-x"') < panel.index('class="glance-facts"') < panel.index('class="coverage"')
    assert "● 2 of 2 outlets" in panel and "A contradicted by 1 outlet" in panel


def test_citations_show_outlets_with_the_id_as_tooltip(brief: Brief) -> None:
    doc = render_html(brief)
    assert re.search(rf'<a class="cite" href="#a-[^"]+" title="{A}: [^"]*">Liberty One</a>', doc)
    brief.articles[1].outlet = "Liberty One"  # two articles of one outlet: the label tells them apart
    doc = render_html(brief)
    assert ">Liberty One 000<" in doc and ">Liberty One 003<" in doc
    brief.articles[0].outlet = None  # no outlet known: the short label
    assert f'title="{A}">000</a>' in render_html(brief)


def test_coverage_grid_says_who_carries_and_who_is_silent(brief: Brief) -> None:
    brief.articles.append(Article("999_silent", "Nothing here of the sort.", title="Other"))
    doc = render_html(brief)
    grid = doc[doc.index('<table class="coverage">'):]
    grid = grid[:grid.index("</table>")]
    row = grid[grid.index("<tbody>"):]
    assert row.count('class="carries"') == 2 and row.count('class="silent"') == 1
    assert f'href="#{span_anchor(brief.claims[0].support[0])}"' in row


def test_long_lists_fold_past_their_first_items(brief: Brief) -> None:
    from storylens.render._common import OPEN_ITEMS

    span = brief.claims[1].support[0]
    brief.claims += [Claim(f"s{i}", f"Detail number {i}.", "single", 1, [span]) for i in range(OPEN_ITEMS + 2)]
    doc = render_html(brief)
    section = doc[doc.index('id="single"'):doc.index('id="reuse"')]
    assert section.count("<details") == 1 and f"{OPEN_ITEMS + 3 - OPEN_ITEMS} more from this outlet" in section
    assert section.index(f"Detail number {OPEN_ITEMS - 2}.") < section.index("<details")
    assert section.index("<details") < section.index(f"Detail number {OPEN_ITEMS + 1}.")


def test_claim_is_shown_as_its_sentence_with_the_fact_marked(brief: Brief) -> None:
    from storylens.model import Referent
    from storylens.render._common import claim_pieces

    article = brief.articles[0]
    fact = _span(article, "Kim Jong Un has described Russia’s invasion of Ukraine")
    sentence = _sentence_of(article, fact)
    he = _span(article, "He has also condemned")
    pronoun = Span(article.id, he.start, he.start + 2, "He")
    claim = Claim("c9", fact.text, "single", 1, [fact], sentence=sentence)
    pieces = claim_pieces(claim)
    assert "".join(t for _, t in pieces) == sentence.text and ("fact", fact.text) in pieces
    assert pieces[0] == ("text", "According to the Moscow Times, ")
    late = Claim("c10", "condemned Western military aid", "single", 1,
                 [_span(article, "condemned Western military aid")], sentence=_sentence_of(article, he),
                 referent=Referent(article.id, pronoun.start, pronoun.end, "He", "Kim Jong Un"))
    shown = claim_pieces(late)
    assert shown[:3] == [("text", "He"), ("ref", " [Kim Jong Un]"), ("text", " has also ")]
    brief.claims[1:] = [claim, late]
    doc, md, text = render_html(brief), render_markdown(brief), _flat(render_text(brief))
    assert '<span class="fact">Kim Jong Un has described Russia’s invasion of Ukraine</span>' in doc
    assert '<span class="referent"> [Kim Jong Un]</span>' in doc
    assert "According to the Moscow Times, **Kim Jong Un has described Russia’s invasion of Ukraine**" in md
    assert r"He \[Kim Jong Un\] has also **condemned Western military aid**" in md
    assert "He [Kim Jong Un] has also ‹condemned Western military aid› to Kiev." in text
    again = Brief.from_dict(json.loads(render(brief, "json")))  # the JSON keeps both, beside the exact spans
    assert again.claims[2].referent == late.referent and again.claims[1].sentence == sentence
    assert again.claims[1].support == [fact] and again.claims[1].text == fact.text


def test_a_claim_without_a_sentence_is_its_text() -> None:
    from storylens.render._common import claim_pieces

    span = Span("x", 4, 20, "and condemned it")
    assert claim_pieces(Claim("c1", span.text, "single", 1, [span])) == [("fact", "…and condemned it")]
    outside = Span("x", 0, 3, "The")  # a sentence that does not hold the fact is not used
    assert claim_pieces(Claim("c1", span.text, "single", 1, [span], sentence=outside))[0][0] == "fact"


# Glyphs every Debian font set draws (DejaVu, Liberation, Noto, FreeFont...): WGL4's Latin-1 punctuation,
# general punctuation, arrows and geometric shapes that the reports use. "⎘" (U+2398), "✔" and "✖" (Dingbats)
# are missing from some of them and showed as empty boxes (issue 15).
WGL4_USED = set("●○◊×≈“”‘’…·↔—–‹›•") | {"\u00a0"}
# and the terminal report's box drawing (rich's SQUARE box and rules are WGL4's single lines)
WGL4_BOX = set("─│┌┐└┘├┤┬┴┼━")


WEB = Path(__file__).resolve().parents[1] / "src" / "storylens" / "web"


@pytest.mark.parametrize("path", [
    *(resources.files("storylens.render").joinpath("templates", n) for n in ("_brief.html.j2", "report.html.j2",
                                                                               "report.css")),
    *sorted((WEB / "templates").glob("*.j2")), *sorted((WEB / "static").glob("*.[cj]s")),
], ids=lambda p: p.name)
def test_page_glyphs_are_in_every_debian_font_set(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    odd = {ch for ch in text if ord(ch) > 0x7E and ch not in WGL4_USED | set("←→")}  # WGL4 arrows
    assert not odd, sorted(odd)


def test_terminal_and_markdown_glyphs_are_in_every_debian_font_set(brief: Brief) -> None:
    own = (render_text(brief) + render_markdown(brief)).replace("’", "")
    article_chars = {ch for a in brief.articles for ch in a.text + a.title}
    odd = {ch for ch in own if ord(ch) > 0x7E and ch not in WGL4_USED | WGL4_BOX and ch not in article_chars}
    assert not odd, sorted(odd)


def test_a_story_without_headlines_is_titled_by_its_lead_marked_as_no_headline():
    from storylens.model import Brief
    from storylens.render._common import LEAD_TITLE_WORDS, NO_HEADLINE, story_title

    lead = ("The harbour bridge of the invented town of Lowmere closed on Monday after engineers "
            "found cracks in two of its towers.")
    data = {"schema": "storylens.brief/1", "story": {"id": "s-1", "title": ""},
            "articles": [{"id": "a", "title": "", "text": lead}], "claims": [], "contradictions": [],
            "reuse": [], "quotes": [], "entities": [], "timeline": [],
            "summary": [{"text": lead, "citations": []}]}
    title = story_title(Brief.from_dict(data))
    assert title.startswith(NO_HEADLINE) and title.endswith("…")
    assert len(title[len(NO_HEADLINE):].split()) == LEAD_TITLE_WORDS
    data["summary"] = []
    assert story_title(Brief.from_dict(data)) == "Story s-1"
    data["articles"][0]["title"] = "Lowmere bridge shut"
    assert story_title(Brief.from_dict(data)) == "Lowmere bridge shut"
