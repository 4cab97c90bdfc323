"""Highlighting cited spans in an article's text, with one stable anchor id per span.

``span_anchor`` is the id scheme shared by the HTML report and the web app: every span cited anywhere in
a brief becomes ``a-{article}-{start}-{end}`` in its article's text. ``segments`` cuts an article's text
at every span boundary so that the pieces, escaped one by one, put back together give the text exactly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from storylens.model import Brief, Span

# Which kind of statement colours a stretch of text covered by several (most important first).
KIND_ORDER = ("contradiction", "consensus", "single", "reuse", "quote", "summary", "event", "cited")
KIND_LABELS = {
    "contradiction": "contradiction",
    "consensus": "consensus fact",
    "single": "single-source detail",
    "reuse": "reused passage",
    "quote": "quote",
    "summary": "cited in summary",
    "event": "timeline event",
    "cited": "cited passage",  # a span a link asks to show that the brief itself does not cite
}

_UNSAFE_ID_CHAR = re.compile(r"[^A-Za-z0-9_]")

Highlights = dict[tuple[int, int], set[str]]


def id_part(text: str) -> str:
    """``text`` made safe for an HTML id and a URL fragment, injectively (``a-b`` -> ``a.2d.b``)."""
    return _UNSAFE_ID_CHAR.sub(lambda m: f".{ord(m.group()):x}.", text)


def span_anchor(span: Span) -> str:
    """The HTML id of a span's highlight: ``a-{article}-{start}-{end}``."""
    return f"a-{id_part(span.article)}-{span.start}-{span.end}"


def article_anchor(article_id: str) -> str:
    """The HTML id of an article's section."""
    return f"art-{id_part(article_id)}"


def _tagged_spans(brief: Brief) -> Iterable[tuple[str, Span]]:
    for claim in brief.claims:
        kind = claim.kind if claim.kind in KIND_LABELS else "single"
        yield from ((kind, s) for s in claim.support)
    for c in brief.contradictions:
        yield from (("contradiction", c.a), ("contradiction", c.b))
    for r in brief.reuse:
        yield from (("reuse", r.a), ("reuse", r.b))
    for q in brief.quotes:
        yield from (("quote", s) for s in q.support)
    for e in brief.timeline:
        yield from (("event", s) for s in e.support)
    for s in brief.summary:
        yield from (("summary", c) for c in s.citations)


def collect_highlights(brief: Brief) -> dict[str, Highlights]:
    """For each article id of the brief: every cited ``(start, end)`` and the kinds citing it."""
    out: dict[str, Highlights] = {a.id: {} for a in brief.articles}
    for kind, span in _tagged_spans(brief):
        if span.article in out:
            out[span.article].setdefault((span.start, span.end), set()).add(kind)
    return out


@dataclass(frozen=True)
class Segment:
    """A piece of article text: plain, or inside a ``<mark>``.

    ``mark_id`` is the id the ``<mark>`` carries (the longest span starting here); ``anchors`` are the ids
    of other spans starting here, placed as empty elements just before it; ``spans`` lists the ids of every
    span covering the piece (``data-spans``), so a script can light up a whole span across pieces.
    """

    text: str
    mark_id: str | None = None
    classes: str = ""
    anchors: tuple[str, ...] = ()
    spans: str = ""
    title: str = ""

    @property
    def marked(self) -> bool:
        return bool(self.spans)


@dataclass(frozen=True)
class _Placed:
    start: int  # clipped into the text
    end: int
    anchor: str
    kinds: frozenset[str]


def _place(article_id: str, text: str, highlights: Highlights) -> list[_Placed]:
    n = len(text)
    placed = []
    for (start, end), kinds in highlights.items():
        lo = min(max(start, 0), n)
        hi = min(max(end, lo), n)
        placed.append(_Placed(lo, hi, span_anchor(Span(article_id, start, end)), frozenset(kinds)))
    return sorted(placed, key=lambda p: (p.start, -p.end, p.anchor))


def _piece(text: str, starting: list[_Placed], covering: list[_Placed]) -> Segment:
    ids = [p.anchor for p in starting]
    if not covering:
        return Segment(text, anchors=tuple(ids))
    mark_id = next((p.anchor for p in starting if p.end > p.start), None)
    kinds = set().union(*(p.kinds for p in covering))
    ordered = [k for k in KIND_ORDER if k in kinds]
    return Segment(text, mark_id=mark_id, classes=f"hl hl-{ordered[0]}",
                   anchors=tuple(i for i in ids if i != mark_id),
                   spans=" ".join(p.anchor for p in covering),
                   title=", ".join(KIND_LABELS[k] for k in ordered))


def segments(article_id: str, text: str, highlights: Highlights) -> list[Segment]:
    """``text`` cut at every span boundary; ``"".join(s.text for s in result) == text``.

    Every span gets exactly one element with its anchor id: the ``<mark>`` it starts, or an empty anchor
    (spans starting where another, longer one starts, and empty or out-of-range spans, which are clipped).
    """
    placed = _place(article_id, text, highlights)
    bounds = sorted({0, len(text)} | {p.start for p in placed} | {p.end for p in placed})
    out = []
    for lo, hi in zip(bounds, [*bounds[1:], bounds[-1]]):
        starting = [p for p in placed if p.start == lo]
        if hi == lo and not starting:
            continue
        covering = [p for p in placed if p.start <= lo and p.end >= hi and p.end > p.start] if hi > lo else []
        out.append(_piece(text[lo:hi], starting, covering))
    return out
