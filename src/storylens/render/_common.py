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


def dates_line(brief: Brief) -> str:
    """When the story's articles were published (``published 2023-06-12`` or a span of days), or that
    its dates are unknown: no article carries a publication date (storylens then clusters them by
    ingest time only as a weak signal, cluster.INGEST_SLACK_DAYS)."""
    days = sorted({a.published[:10] for a in brief.articles if a.published})
    if not days:
        return "dates unknown: no article carries a publication date"
    span = days[0] if len(days) == 1 else f"{days[0]} to {days[-1]}"
    undated = sum(not a.published for a in brief.articles)
    return f"published {span}" + (f" ({undated} undated)" if undated else "")


# Words of a story's lead sentence shown as its title when no article has a headline: 15 is the 90th
# percentile of the NeuS validation headlines' length (921 headlines, median 11 words).
LEAD_TITLE_WORDS = 15
# What the reports put before such a title, so that nobody takes it for an outlet's headline.
NO_HEADLINE = "No headline:"


def story_title(brief: Brief) -> str:
    """The story's title, or the first article's; when no article has one (scraped text without its
    headline), the story's most central lead sentence (the brief's first summary sentence), cut to
    LEAD_TITLE_WORDS words and marked NO_HEADLINE; else its id. The data's ``story.title`` stays ""."""
    if brief.story.title:
        return brief.story.title
    titled = next((a.title for a in brief.articles if a.title), "")
    if titled:
        return titled
    lead = lead_title(brief)
    return f"{NO_HEADLINE} {lead}" if lead else f"Story {brief.story.id}"


def lead_title(brief: Brief) -> str:
    """The brief's first summary sentence as a title: at most LEAD_TITLE_WORDS words, "…" when cut,
    without its closing full stop."""
    if not brief.summary:
        return ""
    words = brief.summary[0].text.split()
    if len(words) > LEAD_TITLE_WORDS:
        return " ".join(words[:LEAD_TITLE_WORDS]).rstrip(",;:—-") + "…"
    return " ".join(words).rstrip(".")


def clip(text: str, limit: int) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


# ------------------------------------------------------------------------------ at a glance (issue 15)
# The best-supported facts the panel shows: the issue asks for 3-5; with five, the panel of the demo
# story (two contradictions, five facts, one line per outlet) is about two laptop screens.
GLANCE_FACTS = 5
# Details per outlet in the panel: one line each says what that outlet adds; the rest are one click away.
GLANCE_DETAILS = 1
# Claims (rows) in the coverage grid: the widely carried facts whose silences mean something; on the demo
# story the ninth claim and after are carried by two of five outlets, rows that tell the reader little.
GRID_CLAIMS = 8
# Items of a long list shown before the rest folds into "N more" (consensus, details of one outlet,
# reused passages, quotes of one speaker, timeline): one phone screen of each.
OPEN_ITEMS = 5


def source_names(articles: Iterable[Article]) -> dict[str, str]:
    """What a citation shows for each article: its outlet where known ("Fox News" rather than "001"),
    with the short label added when several articles of the story share that outlet, else the label."""
    articles = list(articles)
    labels = short_labels(articles)
    shared = {o for o, n in _count(a.outlet for a in articles if a.outlet).items() if n > 1}
    out = {}
    for a in articles:
        name = " ".join((a.outlet or "").split())
        out[a.id] = (f"{name} {labels[a.id]}" if name in shared else name) if name else labels[a.id]
    return out


def _count(items: Iterable[str]) -> dict[str, int]:
    counted: dict[str, int] = {}
    for x in items:
        counted[x] = counted.get(x, 0) + 1
    return counted


def of_outlets(claim: Claim, brief: Brief) -> str:
    """``3 of 5 outlets``: how many of the story's sources carry a claim."""
    total = len(brief.articles)
    return f"{claim.outlets} of {total} outlet{'s' if total != 1 else ''}"


def top_facts(brief: Brief, n: int = GLANCE_FACTS) -> list[Claim]:
    """The best-supported consensus facts: most outlets, then the alignment's own score."""
    ranked = sorted((c for c in brief.claims if c.kind == "consensus"), key=lambda c: (-c.outlets, -c.score))
    return ranked[:n]


def coverage(brief: Brief, n: int = GRID_CLAIMS) -> list[tuple[Claim, list[Span | None]]]:
    """The main claims against the story's articles: per claim, per article (brief order), the span
    where that article carries it, or None where it stays silent."""
    rows = []
    for claim in top_facts(brief, n):
        first: dict[str, Span] = {}
        for s in claim.support:
            first.setdefault(s.article, s)
        rows.append((claim, [first.get(a.id) for a in brief.articles]))
    return rows


def sides_b(group: list[Contradiction]) -> list[Span]:
    """The other side of a merged contradiction: one span per article, in the group's order."""
    seen: dict[str, Span] = {}
    for c in group:
        seen.setdefault(c.b.article, c.b)
    return list(seen.values())


def claim_pieces(claim: Claim) -> list[tuple[str, str]]:
    """A claim as a reader sees it, as ``(kind, text)`` pieces: its whole sentence with the fact (the
    first support span, exact) as kind ``fact``, and the name an opening pronoun stands for as kind
    ``ref`` right after that pronoun. A claim without a sentence (older briefs) is its text, an excerpt
    when cut from inside a sentence."""
    sent, fact = claim.sentence, claim.support[0] if claim.support else None
    if sent is None or fact is None or not (sent.start <= fact.start < fact.end <= sent.end) \
            or fact.article != sent.article:
        return [("fact", as_excerpt(claim.text))]
    cuts = [(fact.start, "fact+"), (fact.end, "fact-")]
    ref = claim.referent
    if ref is not None and ref.article == sent.article and sent.start <= ref.end <= sent.end:
        cuts.append((ref.end, "ref"))
    pieces: list[tuple[str, str]] = []
    pos, inside = sent.start, False
    for at, what in sorted(cuts, key=lambda x: (x[0], x[1] != "fact-", x[1] == "ref")):
        if at > pos:
            pieces.append(("fact" if inside else "text", sent.text[pos - sent.start:at - sent.start]))
            pos = at
        if what == "ref":
            pieces.append(("ref", f" [{ref.name}]" if ref else ""))
        else:
            inside = what == "fact+"
    if pos < sent.end:
        pieces.append(("text", sent.text[pos - sent.start:]))
    return [p for p in pieces if p[1]]


def claim_plain(claim: Claim, *, mark: tuple[str, str] = ("", "")) -> str:
    """A claim's pieces as one line; the fact between ``mark`` when it is not the whole sentence."""
    pieces = claim_pieces(claim)
    whole = all(kind != "text" for kind, _ in pieces)
    out = []
    for kind, text in pieces:
        if kind == "fact" and not whole:
            out.append(f"{mark[0]}{text}{mark[1]}")
        else:
            out.append(text)
    return " ".join("".join(out).split())
