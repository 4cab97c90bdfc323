"""Limits on what one input may ask of extraction and analysis, enforced when an article is made.

Past a limit the input is cut, not refused: HTML at a tag boundary before trafilatura parses it, an
article's text at a sentence end. The cut is recorded in the article's ``removed`` (with the
limit's name) and reported as a :class:`Truncated` notice beside the article, so a reader sees one
line naming the input and the limit. The HTML limits bound the parse whatever the markup's shape;
measured before them (one process, 2 shared cores): 1 MB of attributes in one tag took 184 s in
lxml (its duplicate-attribute check is quadratic), 1 MB of ``<p>x</p>`` lines 9-16 s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Problem

# Characters of HTML parsed per input: twice the largest page of the article extraction benchmark
# (1,491,126 characters of 181 news pages). A page past it is cut at a tag boundary.
MAX_HTML_CHARS = 3_000_000
# Tags parsed per input: about 9x the most tags on any benchmark page (3,229); trafilatura's work is
# per element (~10 µs each measured: 111k elements took 9-16 s), so this bounds it to a few seconds.
MAX_HTML_TAGS = 30_000
# Attributes kept in one tag: 3.5x the most in any benchmark tag (142). A tag with more keeps its name
# only (text extraction does not read attributes past a few like class and id).
MAX_TAG_ATTRIBUTES = 500
# Characters of text per article: above 100,000 words of English (~600,000 characters), the longest
# real report the limit must keep, and 11x the longest article of our corpora (58,069 characters,
# WikiRef220; Multi-News at most 47,844). An 812,000-character paragraph took 2 min 24 s and 2.96 GB
# to analyse; a 10 MB text file (the input size limit) would take ~12 times that.
MAX_ARTICLE_CHARS = 650_000

_TAG_START = re.compile(r"<[a-zA-Z!/?]")
# A tag long enough to be worth counting its attributes (no real tag with 500 attributes is shorter).
# (possessive name: no backtracking into it, so the scan stays linear on a long run of letters)
_LONG_TAG = re.compile(r"<([a-zA-Z][^\s<>/]*+)([^<>]{2000,})")
_ATTRIBUTE = re.compile(r"""[\s"'][^\s=<>"'/]+\s*=""")
# A place to end a cut article: after a sentence's final punctuation (and closing quotes), or a break.
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*(?=\s)|\n")


@dataclass
class Truncated(Problem):
    """An input cut at a limit: the article is kept (``kept``), its tail is not read."""

    kept = True


def _cut_html_size(html: str, notes: list[str]) -> str:
    if len(html) > MAX_HTML_CHARS:
        at = html.rfind("<", 0, MAX_HTML_CHARS)
        html = html[:at if at > 0 else MAX_HTML_CHARS]
        notes.append(f"HTML cut at {MAX_HTML_CHARS:,} characters (max_html_chars)")
    return html


def _cut_html_tags(html: str, notes: list[str]) -> str:
    for n, m in enumerate(_TAG_START.finditer(html), 1):
        if n > MAX_HTML_TAGS:
            notes.append(f"HTML cut at {MAX_HTML_TAGS:,} tags (max_html_tags)")
            return html[:m.start()]
    return html


def _strip_crowded_tags(html: str, notes: list[str]) -> str:
    pieces, last, stripped = [], 0, 0
    for m in _LONG_TAG.finditer(html):
        if len(_ATTRIBUTE.findall(m.group(2))) > MAX_TAG_ATTRIBUTES:
            pieces += [html[last:m.start()], "<", m.group(1)]
            last, stripped = m.end(), stripped + 1
    if not stripped:
        return html
    notes.append(f"attributes dropped from {stripped:,} tag{'s' if stripped > 1 else ''} with more than "
                 f"{MAX_TAG_ATTRIBUTES} (max_tag_attributes)")
    return "".join([*pieces, html[last:]])


def bound_html(html: str) -> tuple[str, list[str]]:
    """The HTML within the limits, and a note per limit it passed (empty when none)."""
    notes: list[str] = []
    html = _strip_crowded_tags(_cut_html_tags(_cut_html_size(html, notes), notes), notes)
    return html, notes


def bound_text(text: str, limit: int = MAX_ARTICLE_CHARS) -> tuple[str, str | None]:
    """The text cut to at most ``limit`` characters at the last sentence end (else line break, else
    space) before it, and a note naming the limit; the text itself and None when it is within."""
    if len(text) <= limit:
        return text, None
    ends = [m.end() for m in _SENTENCE_END.finditer(text, max(0, limit - 20_000), limit)]
    at = ends[-1] if ends else text.rfind(" ", 0, limit)
    return text[:at if at > 0 else limit].rstrip(), (
        f"text cut at a sentence end before {limit:,} characters (max_article_chars)")


def removed_entry(note: str, tail: str) -> dict[str, str]:
    """What ``Article.removed`` records for a cut: where the cut tail starts, and the limit."""
    start = " ".join(tail[:80].split())
    return {"line": f"{start}… ({len(tail):,} characters)" if tail else "(markup)", "reason": note,
            "limit": "yes"}


def truncation_notes(removed: list[dict[str, str]]) -> list[str]:
    """The limit notes recorded in an article's ``removed``."""
    return [r["reason"] for r in removed if r.get("limit")]
