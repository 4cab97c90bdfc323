"""GitHub-flavoured Markdown report of a Brief.

Citations are written ``[000]``; when an article has an http(s) URL a reference definition at the end
turns its label into a link. Scraped text is escaped so that it cannot open a heading, list, table
cell, link, HTML tag or math block.
"""

from __future__ import annotations

import re

from storylens.model import Brief, Claim, Span
from storylens.render._common import (
    GLANCE_DETAILS,
    article_ids,
    as_sentence,
    claim_pieces,
    clip,
    consensus_claims,
    contradiction_groups,
    counts_line,
    coverage,
    gist,
    label,
    of_outlets,
    quotes_by_speaker,
    short_labels,
    sides_b,
    single_by_article,
    source_names,
    story_title,
    top_entities,
    top_facts,
)

# Characters of a claim in the coverage grid's rows: a table row that stays one line on a laptop.
GRID_CHARS = 80

_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~&$])")
_BLOCK_START = re.compile(r"^([-+=]|\d{1,9}(?=[.)]))")
_SAFE_LABEL = re.compile(r"^[A-Za-z0-9_.-]+$")
_SAFE_URL = re.compile(r"^https?://[^\s<>]+$", re.IGNORECASE)


def md_escape(text: str) -> str:
    """Scraped text as one line of inert Markdown (safe in list items, headings and table cells)."""
    flat = " ".join(text.split())
    escaped = _SPECIAL.sub(r"\\\1", flat)
    match = _BLOCK_START.match(escaped)
    if match and match.group(1)[0] in "-+=":
        return "\\" + escaped
    if match:  # "1991. ..." would start an ordered list
        end = match.end()
        return escaped[:end] + "\\" + escaped[end:]
    return escaped


class _Ctx:
    def __init__(self, brief: Brief) -> None:
        self.brief = brief
        self.labels = short_labels(brief.articles)
        self.outlets = {a.id: a.outlet or "" for a in brief.articles}

    def ref(self, article_id: str) -> str:
        """``[000]``: a reference link when a definition exists, literal text otherwise."""
        name = label(self.labels, article_id)
        return f"[{name}]" if _SAFE_LABEL.match(name) else f"\\[{md_escape(name)}\\]"

    def cite(self, spans: list[Span]) -> str:
        return ", ".join(self.ref(i) for i in article_ids(spans))

    def who(self, article_id: str) -> str:
        outlet = self.outlets.get(article_id)
        return f"{self.ref(article_id)} {md_escape(outlet)}" if outlet else self.ref(article_id)

    def claim(self, claim: Claim) -> str:
        """A claim's whole sentence, the fact in bold when it is only part of it, an opening pronoun's
        name in brackets (escaped, so it is not a link)."""
        pieces = claim_pieces(claim)
        whole = all(kind != "text" for kind, _ in pieces)
        out = []
        for kind, text in pieces:
            # escape each piece alone; keep the spaces at its edges, which md_escape would fold away
            lead, core, tail = text[:len(text) - len(text.lstrip())], text.strip(), text[len(text.rstrip()):]
            body = md_escape(core) if core else ""
            if kind == "fact" and not whole and body:
                body = f"**{body}**"
            out.append(f"{' ' if lead else ''}{body}{' ' if tail else ''}")
        return "".join(out).strip()


def _or_none(lines: list[str]) -> list[str]:
    return lines or ["_none found_"]


def _summary(ctx: _Ctx) -> list[str]:
    return _or_none([f"{n}. {md_escape(as_sentence(s.text))} {ctx.cite(s.citations)}".rstrip()
                     for n, s in enumerate(ctx.brief.summary, 1)])


def _glance(ctx: _Ctx) -> list[str]:
    """At a glance: the disputed points, the best-supported facts, what each outlet alone adds, who
    carries what (the same panel as the HTML report's)."""
    brief = ctx.brief
    names = source_names(brief.articles)
    out = ["**Disputed**", ""]
    for group in contradiction_groups(brief):
        head, others = group[0], sides_b(group)
        many = f"{len(others)} outlet{'s' if len(others) != 1 else ''}"
        out.append(f"- **× {md_escape(head.type)}** (A contradicted by {many}): {md_escape(gist(head.explanation))}")
        for tag, span in [("A", head.a)] + [("B", s) for s in others]:
            out.append(f"  - {tag} {ctx.who(span.article)}: {md_escape(span.text)}")
    if not brief.contradictions:
        out.append("_none found_")
    out += ["", "**Best supported**", ""]
    for claim in top_facts(brief):
        out.append(f"- **● {of_outlets(claim, brief)}**: {ctx.claim(claim)} {ctx.cite(claim.support)}")
    singles = single_by_article(brief)
    if singles:
        out += ["", "**Only one outlet reports**", ""]
    for article_id, claims in singles:
        more = f" (+{len(claims) - GLANCE_DETAILS} more)" if len(claims) > GLANCE_DETAILS else ""
        for claim in claims[:GLANCE_DETAILS]:
            out.append(f"- {ctx.who(article_id)}: {ctx.claim(claim)}{more}")
    rows = coverage(brief)
    if rows:
        head = ["fact", *(md_escape(names.get(a.id, a.id)) for a in brief.articles)]
        out += ["", "**Who carries what** (● carries, · silent)", ""]
        out += _table(head, [[md_escape(clip(c.text, GRID_CHARS)), *("●" if s else "·" for s in cells)]
                             for c, cells in rows])
    return out


def _consensus(ctx: _Ctx) -> list[str]:
    out = []
    for claim in consensus_claims(ctx.brief):
        carried = ", ".join(ctx.who(i) for i in article_ids(claim.support))
        out.append(f"- **● {of_outlets(claim, ctx.brief)}**: {ctx.claim(claim)} (carried by {carried})")
    return _or_none(out)


def _contradictions(ctx: _Ctx) -> list[str]:
    out = []
    for n, group in enumerate(contradiction_groups(ctx.brief), 1):
        head = group[0]
        against = f", {len(group)} against A" if len(group) > 1 else ""
        out += [f"### × Contradiction {n} ({md_escape(head.type)}{against})", "",
                f"**{md_escape(head.explanation)}**", "",
                "| side | source | text |", "|---|---|---|",
                f"| A | {ctx.who(head.a.article)} | {md_escape(head.a.text)} |"]
        for c in group:
            own = f" ({md_escape(c.explanation)})" if gist(c.explanation) != gist(head.explanation) else ""
            out.append(f"| B | {ctx.who(c.b.article)} | {md_escape(c.b.text)}{own} |")
        out.append("")
    return _or_none(out[:-1])


def _single(ctx: _Ctx) -> list[str]:
    out = []
    for article_id, claims in single_by_article(ctx.brief):
        out += [f"### {ctx.who(article_id)}", "", *(f"- {ctx.claim(c)}" for c in claims), ""]
    return _or_none(out[:-1])


def _reuse(ctx: _Ctx) -> list[str]:
    out = []
    for r in ctx.brief.reuse:
        head = f"- {ctx.who(r.a.article)} ↔ {ctx.who(r.b.article)}: {md_escape(r.kind)}, {r.similarity:.0%}"
        out += [head, f"  > {md_escape(r.a.text)}"]
        if r.kind != "verbatim" and r.b.text and r.b.text != r.a.text:
            out += ["  >", f"  > {md_escape(r.b.text)}"]
    return _or_none(out)


def _quotes(ctx: _Ctx) -> list[str]:
    out = []
    for speaker, quotes in quotes_by_speaker(ctx.brief):
        items = [f"- “{md_escape(q.text)}” {ctx.cite(q.support)}" for q in quotes]
        out += [f"**{md_escape(speaker)}**", "", *items, ""]
    return _or_none(out[:-1])


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def _timeline(ctx: _Ctx) -> list[str]:
    rows = [[md_escape(e.date), md_escape(e.text), ctx.cite(e.support)] for e in ctx.brief.timeline]
    return _table(["date", "event", "sources"], rows) if rows else _or_none([])


def _entities(ctx: _Ctx) -> list[str]:
    rows = []
    for e in top_entities(ctx.brief):
        ids = list(dict.fromkeys(e.articles))
        rows.append([md_escape(e.name), md_escape(e.type), str(len(ids)), ", ".join(ctx.ref(i) for i in ids)])
    more = len(ctx.brief.entities) - len(rows)
    tail = ["", f"_+{more} more_"] if more > 0 else []
    return _table(["entity", "type", "articles", "in"], rows) + tail if rows else _or_none([])


def _sources(ctx: _Ctx) -> list[str]:
    rows = [[ctx.ref(a.id), *(md_escape(x or "") for x in (a.id, a.outlet, a.author, a.published, a.title))]
            for a in ctx.brief.articles]
    return _table(["ref", "id", "outlet", "author", "published", "title"], rows) if rows else _or_none([])


def _definitions(ctx: _Ctx) -> list[str]:
    out = []
    for a in ctx.brief.articles:
        name = label(ctx.labels, a.id)
        if a.url and _SAFE_URL.match(a.url) and _SAFE_LABEL.match(name):
            out.append(f"[{name}]: <{a.url}>")
    return out


SECTIONS = (("At a glance", _glance), ("Summary", _summary), ("Contradictions", _contradictions),
            ("Consensus", _consensus),
            ("Single-source details", _single), ("Reused passages", _reuse), ("Quotes", _quotes),
            ("Timeline", _timeline), ("Entities", _entities), ("Sources", _sources))


def render_markdown(brief: Brief) -> str:
    """The report as GitHub Markdown."""
    ctx = _Ctx(brief)
    head = f"Story {md_escape(brief.story.id)} · {counts_line(brief)}"
    lines = [f"# {md_escape(story_title(brief))}", "", head]
    for title, section in SECTIONS:
        lines += ["", f"## {title}", "", *section(ctx)]
    if brief.skipped:
        lines += ["", f"## Skipped inputs ({len(brief.skipped)})", ""]
        lines += [f"- {md_escape(p.source)}: {md_escape(p.reason)}" for p in brief.skipped]
    definitions = _definitions(ctx)
    if definitions:
        lines += ["", *definitions]
    return "\n".join(lines) + "\n"
