"""Terminal report of a Brief, built with rich.

``render_text`` gives plain text (no escape codes) for files and pipes; ``print_brief`` prints the same
report with colour to a real terminal. Scraped text always goes in as ``rich.text.Text``, never as markup,
so brackets or ``:emoji:`` codes in articles are printed as they are.
"""

from __future__ import annotations

import io

from rich import box
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

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
    dates_line,
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

# Single-source details listed per article before "+N more": enough to see what an outlet adds,
# few enough that a 20-article story still fits a couple of screens.
SINGLE_PER_ARTICLE = 5
# Characters of a reused passage shown; about two lines at 100 columns.
REUSE_CHARS = 180
# Characters of a claim in the coverage grid: what fits beside five or six outlet columns at 100 columns.
GRID_CHARS = 60
# The marks around the fact inside a claim's whole sentence (characters every terminal font has).
FACT_MARKS = ("‹", "›")

NONE_FOUND = Text("  none found", style="dim")


class _Ctx:
    """What every section needs: the brief, short labels and outlets per article id."""

    def __init__(self, brief: Brief) -> None:
        self.brief = brief
        self.labels = short_labels(brief.articles)
        self.outlets = {a.id: a.outlet or "" for a in brief.articles}
        self.names = source_names(brief.articles)

    def claim(self, claim: Claim) -> Text:
        """A claim's whole sentence, the fact between FACT_MARKS (and underlined on a terminal) when it is
        only part of it, an opening pronoun's name in brackets."""
        pieces = claim_pieces(claim)
        whole = all(kind != "text" for kind, _ in pieces)
        out = Text()
        for kind, text in pieces:
            if kind == "fact" and not whole:
                out.append(f"{FACT_MARKS[0]}{text}{FACT_MARKS[1]}", style="underline")
            else:
                out.append(text, style="dim" if kind == "ref" else "")
        return out

    def name(self, article_id: str) -> str:
        """The outlet where known, else the short label."""
        return self.names.get(article_id) or label(self.labels, article_id)

    def cite(self, spans: list[Span]) -> Text:
        """``[000, 003]`` for the articles of some spans."""
        ids = article_ids(spans)
        return Text(f"[{', '.join(label(self.labels, i) for i in ids)}]", style="cyan") if ids else Text()

    def who(self, article_id: str) -> str:
        """``000 (Outlet)`` or ``000``."""
        outlet = self.outlets.get(article_id)
        name = label(self.labels, article_id)
        return f"{name} ({outlet})" if outlet else name


def _heading(title: str) -> Rule:
    return Rule(Text(title, style="bold"), align="left", style="bright_black")


def _grid() -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column(ratio=1)
    return table


def _hanging(marker: Text, body: Text, indent: int = 2) -> RenderableType:
    """``marker body`` with wrapped lines of ``body`` aligned under its first character."""
    grid = _grid()
    grid.add_row(marker, body)
    return Padding(grid, (0, 0, 0, indent)) if indent else grid


def _title(ctx: _Ctx) -> list[RenderableType]:
    brief = ctx.brief
    line = Text.assemble(("Story ", "bold"), (brief.story.id, "bold cyan"), ": ",
                         (story_title(brief), "bold"))
    return [line, Text(counts_line(brief, short=True), style="dim"), Text(dates_line(brief), style="dim")]


def _summary(ctx: _Ctx) -> list[RenderableType]:
    grid = _grid()
    for n, sentence in enumerate(ctx.brief.summary, 1):
        grid.add_row(Text(f"{n:>2}."), Text.assemble(as_sentence(sentence.text), " ", ctx.cite(sentence.citations)))
    return [_heading("Summary"), grid if ctx.brief.summary else NONE_FOUND]


def _glance(ctx: _Ctx) -> list[RenderableType]:
    """At a glance: the disputed points, the best-supported facts, what each outlet alone adds, who
    carries what (the same panel as the HTML report's)."""
    brief = ctx.brief
    out: list[RenderableType] = [_heading("At a glance"), Text("Disputed", style="bold")]
    for group in contradiction_groups(brief):
        head, others = group[0], sides_b(group)
        against = f"A contradicted by {len(others)} outlet{'s' if len(others) != 1 else ''}"
        out.append(_hanging(Text("×", style="bold red"), Text.assemble(
            (f"{head.type} · {against}: ", "bold red"), gist(head.explanation))))
        sides = [("A", head.a)] + [("B", s) for s in others]
        for tag, span in sides:
            # whole: the words that contradict may be the sentence's last ones
            out.append(_hanging(Text(tag, style="red"), Text.assemble((ctx.name(span.article), "cyan"), ": ",
                                                                      span.text), indent=4))
    if not brief.contradictions:
        out.append(NONE_FOUND)
    out.append(Text("Best supported", style="bold"))
    facts = top_facts(brief)
    for claim in facts:
        names = ", ".join(ctx.name(i) for i in article_ids(claim.support))
        out.append(_hanging(Text(f"● {of_outlets(claim, brief)}", style="bold green"),
                            Text.assemble(ctx.claim(claim), " ", (f"[{names}]", "cyan"))))
    if not facts:
        out.append(NONE_FOUND)
    singles = single_by_article(brief)
    if singles:
        out.append(Text("Only one outlet reports", style="bold"))
    for article_id, claims in singles:
        more = f" (+{len(claims) - GLANCE_DETAILS} more)" if len(claims) > GLANCE_DETAILS else ""
        for claim in claims[:GLANCE_DETAILS]:
            out.append(_hanging(Text(f"{ctx.name(article_id)}:", style="cyan"),
                                Text.assemble(ctx.claim(claim), (more, "dim"))))
    return out + _coverage(ctx)


def _coverage(ctx: _Ctx) -> list[RenderableType]:
    rows = coverage(ctx.brief)
    if not rows:
        return []
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, title="Who carries what (● carries, · silent)",
                  title_justify="left", title_style="bold")
    table.add_column("fact", ratio=1)
    for a in ctx.brief.articles:
        table.add_column(ctx.name(a.id), justify="center", max_width=12, overflow="fold")
    for claim, cells in rows:
        table.add_row(Text(clip(claim.text, GRID_CHARS)), *(Text("●" if s else "·") for s in cells))
    return [table]


def _consensus(ctx: _Ctx) -> list[RenderableType]:
    claims = consensus_claims(ctx.brief)
    grid = _grid()
    for claim in claims:
        carried = ", ".join(ctx.who(i) for i in article_ids(claim.support))
        body = Text.assemble(ctx.claim(claim), "\n", (f"carried by {carried}", "dim"))
        grid.add_row(Text(f"● {of_outlets(claim, ctx.brief)}", style="bold green"), body)
    return [_heading("Consensus"), grid if claims else NONE_FOUND]


def _side(ctx: _Ctx, name: str, span: Span) -> RenderableType:
    body = Text.assemble((ctx.who(span.article), "cyan"), ": ", f"“{span.text}”")
    return _hanging(Text(name, style="bold red"), body, indent=0)


def _contradictions(ctx: _Ctx) -> list[RenderableType]:
    panels: list[RenderableType] = []
    for n, group in enumerate(contradiction_groups(ctx.brief), 1):
        head = group[0]
        parts: list[RenderableType] = [Text(head.explanation, style="bold"), _side(ctx, "A", head.a)]
        for c in group:
            parts.append(_side(ctx, "B", c.b))
            if gist(c.explanation) != gist(head.explanation):
                parts.append(Padding(Text(c.explanation, style="dim"), (0, 0, 0, 2)))
        against = f" · {len(group)} against A" if len(group) > 1 else ""
        title = Text(f"× CONTRADICTION {n} · {head.type}{against}", style="bold red")
        panels.append(Panel(Group(*parts), title=title, title_align="left", border_style="red", box=box.SQUARE))
    return [_heading("Contradictions"), *(panels or [NONE_FOUND])]


def _single_group(ctx: _Ctx, article_id: str, claims: list[Claim]) -> list[RenderableType]:
    lines: list[RenderableType] = [Text(ctx.who(article_id), style="bold cyan")]
    for claim in claims[:SINGLE_PER_ARTICLE]:
        lines.append(_hanging(Text("•", style="yellow"), ctx.claim(claim)))
    if len(claims) > SINGLE_PER_ARTICLE:
        lines.append(Text(f"  +{len(claims) - SINGLE_PER_ARTICLE} more", style="dim"))
    return lines


def _single(ctx: _Ctx) -> list[RenderableType]:
    groups = single_by_article(ctx.brief)
    out: list[RenderableType] = [_heading("Single-source details")]
    for article_id, claims in groups:
        out.extend(_single_group(ctx, article_id, claims))
    return out if groups else [*out, NONE_FOUND]


def _reuse(ctx: _Ctx) -> list[RenderableType]:
    out: list[RenderableType] = [_heading("Reused passages")]
    for r in ctx.brief.reuse:
        head = f"{ctx.who(r.a.article)} ↔ {ctx.who(r.b.article)} · {r.kind} · {r.similarity:.0%}"
        out.append(Text(head, style="magenta"))
        out.append(_hanging(Text("A", style="magenta"), Text(f"“{clip(r.a.text, REUSE_CHARS)}”")))
        if r.kind != "verbatim" and r.b.text and r.b.text != r.a.text:
            out.append(_hanging(Text("B", style="magenta"), Text(f"“{clip(r.b.text, REUSE_CHARS)}”")))
    return out if ctx.brief.reuse else [*out, NONE_FOUND]


def _quotes(ctx: _Ctx) -> list[RenderableType]:
    groups = quotes_by_speaker(ctx.brief)
    out: list[RenderableType] = [_heading("Quotes")]
    for speaker, quotes in groups:
        out.append(Text(speaker, style="bold"))
        for q in quotes:
            out.append(_hanging(Text("–"), Text.assemble(f"“{q.text}” ", ctx.cite(q.support))))
    return out if groups else [*out, NONE_FOUND]


def _timeline(ctx: _Ctx) -> list[RenderableType]:
    grid = _grid()
    for event in ctx.brief.timeline:
        grid.add_row(Text(event.date, style="bold"), Text.assemble(event.text, " ", ctx.cite(event.support)))
    return [_heading("Timeline"), grid if ctx.brief.timeline else NONE_FOUND]


def _entities(ctx: _Ctx) -> list[RenderableType]:
    entities = top_entities(ctx.brief)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    for name in ("entity", "type", "articles", "in"):
        table.add_column(name, justify="right" if name == "articles" else "left")
    for e in entities:
        ids = list(dict.fromkeys(e.articles))
        where = ", ".join(label(ctx.labels, i) for i in ids)
        table.add_row(Text(e.name), Text(e.type), str(len(ids)), Text(where))
    more = len(ctx.brief.entities) - len(entities)
    tail: list[RenderableType] = [Text(f"  +{more} more", style="dim")] if more > 0 else []
    return [_heading("Entities"), table if entities else NONE_FOUND, *tail]


def _sources(ctx: _Ctx) -> list[RenderableType]:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, expand=True)
    for name in ("id", "outlet", "author", "published", "title"):
        table.add_column(name, ratio=3 if name == "title" else None, no_wrap=name in ("id", "published"))
    for a in ctx.brief.articles:
        short = label(ctx.labels, a.id)
        ident = Text.assemble((short, "bold cyan"), a.id[len(short):])  # the label is a prefix of the id
        table.add_row(ident, *(Text(x or "") for x in (a.outlet, a.author, a.published, a.title)))
    return [_heading("Sources"), table if ctx.brief.articles else NONE_FOUND]


def _skipped(ctx: _Ctx) -> list[RenderableType]:
    if not ctx.brief.skipped:
        return []
    lines = [Text(f"  {p.source}: {p.reason}", style="yellow") for p in ctx.brief.skipped]
    return [_heading(f"Skipped inputs ({len(lines)})"), *lines]


SECTIONS = (_title, _glance, _summary, _contradictions, _consensus, _single, _reuse, _quotes, _timeline, _entities,
            _sources, _skipped)


def print_brief(brief: Brief, console: Console) -> None:
    """Print the report on ``console`` (with colour when it is a colour terminal)."""
    ctx = _Ctx(brief)
    for n, section in enumerate(SECTIONS):
        parts = section(ctx)
        if parts and n:
            console.print()
        for part in parts:
            console.print(part)


def render_text(brief: Brief, width: int | None = None) -> str:
    """The report as plain text, ``width`` columns wide (100 by default)."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width or 100, force_terminal=False, color_system=None,
                      markup=False, emoji=False, highlight=False, legacy_windows=False)
    print_brief(brief, console)
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())
