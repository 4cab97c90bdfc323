"""Views of a Brief shared by every output format: labels, groupings, counts."""

from __future__ import annotations

from collections.abc import Iterable

from storylens.model import Article, Brief, Claim, Contradiction, Entity, Quote, Span

# How many entities the text and Markdown reports list; a story of ~5-20 articles has dozens of entities
# and the first 15 by article count are the ones a reader recognises (judged on the bundled demo story).
TOP_ENTITIES = 15


def short_labels(articles: Iterable[Article]) -> dict[str, str]:
    """A short, unique label per article id.

    Ids like ``000_0936ec70469a5f71`` become ``000`` when the part before the first ``_`` is unique
    across the story; otherwise every article keeps its full id.
    """
    ids = [a.id for a in articles]
    heads = [i.split("_", 1)[0] for i in ids]
    if all(heads) and len(set(heads)) == len(set(ids)):
        return dict(zip(ids, heads))
    return {i: i for i in ids}


def label(labels: dict[str, str], article_id: str) -> str:
    """The short label of an article, or its id when the brief does not hold it."""
    return labels.get(article_id, article_id)


def article_ids(spans: Iterable[Span]) -> list[str]:
    """The distinct article ids of some spans, in first-seen order."""
    return list(dict.fromkeys(s.article for s in spans))


def consensus_claims(brief: Brief) -> list[Claim]:
    """Consensus claims, the most widely carried first (stable for ties)."""
    return sorted((c for c in brief.claims if c.kind == "consensus"), key=lambda c: -c.outlets)


def single_by_article(brief: Brief) -> list[tuple[str, list[Claim]]]:
    """Single-source claims grouped by the article of their first support, in article order."""
    groups: dict[str, list[Claim]] = {a.id: [] for a in brief.articles}
    for claim in brief.claims:
        if claim.kind == "single" and claim.support:
            groups.setdefault(claim.support[0].article, []).append(claim)
    return [(aid, claims) for aid, claims in groups.items() if claims]


def contradiction_groups(brief: Brief) -> list[list[Contradiction]]:
    """The contradictions grouped by their side A and type, in the brief's order: one sentence
    that several outlets' sentences contradict is one item for a reader (the analysis puts such a
    shared sentence on side A)."""
    groups: dict[tuple[str, str, int, int], list[Contradiction]] = {}
    for c in brief.contradictions:
        groups.setdefault((c.type, c.a.article, c.a.start, c.a.end), []).append(c)
    return list(groups.values())


def as_sentence(text: str) -> str:
    """A summary sentence as a reader sees it: one the summariser cut short of a closing
    attribution (", police said.") gets its full stop back. The brief's text, and its citation,
    stay the exact slice of the source."""
    text = text.rstrip()
    return text if not text or text[-1] in ".!?…:;\"'”’)]" else text + "."


def as_excerpt(text: str) -> str:
    """A claim's text as a reader sees it: one cut from inside a sentence ("and condemned the
    strike") is marked as an excerpt with a leading ellipsis."""
    return "…" + text if text[:1].islower() else text


def gist(explanation: str) -> str:
    """An explanation without its list of shared words, to tell whether two say the same."""
    return explanation.split(" (shared:", 1)[0]


def quotes_by_speaker(brief: Brief) -> list[tuple[str, list[Quote]]]:
    """Quotes grouped by speaker; speakers in order of first appearance."""
    groups: dict[str, list[Quote]] = {}
    for quote in brief.quotes:
        groups.setdefault(quote.speaker or "unknown speaker", []).append(quote)
    return list(groups.items())


def top_entities(brief: Brief, n: int | None = TOP_ENTITIES) -> list[Entity]:
    """Entities by number of articles (then mentions), most widespread first."""
    ranked = sorted(brief.entities, key=lambda e: (-len(set(e.articles)), -e.mentions, e.name))
    return ranked if n is None else ranked[:n]


def counts(brief: Brief) -> dict[str, int]:
    """The headline numbers of a brief."""
    return {
        "articles": len(brief.articles),
        "consensus": sum(c.kind == "consensus" for c in brief.claims),
        "single": sum(c.kind == "single" for c in brief.claims),
        "contradictions": len(contradiction_groups(brief)),
        "reuse": len(brief.reuse),
        "quotes": len(brief.quotes),
    }


# count key -> (singular, plural, short form used where the line must fit 100 columns)
_NOUNS = {
    "articles": ("article", "articles", None),
    "consensus": ("consensus fact", "consensus facts", "consensus"),
    "single": ("single-source detail", "single-source details", "single-source"),
    "contradictions": ("contradiction", "contradictions", None),
    "reuse": ("reused passage", "reused passages", "reused"),
    "quotes": ("quote", "quotes", None),
}


def count_items(brief: Brief, *, short: bool = False) -> list[tuple[int, str]]:
    """``[(5, "articles"), (1, "consensus fact"), ...]``; ``short`` uses the terse nouns."""
    out = []
    for key, n in counts(brief).items():
        one, many, terse = _NOUNS[key]
        out.append((n, terse if short and terse else (one if n == 1 else many)))
    return out


def counts_line(brief: Brief, *, short: bool = False) -> str:
    """``5 articles · 4 consensus facts · 9 single-source details · 2 contradictions · ...``."""
    return " · ".join(f"{n} {noun}" for n, noun in count_items(brief, short=short))


def story_title(brief: Brief) -> str:
    """The story's title, or the first article's, or its id."""
    if brief.story.title:
        return brief.story.title
    return next((a.title for a in brief.articles if a.title), "") or f"Story {brief.story.id}"


def clip(text: str, limit: int) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
