"""One self-contained HTML file per brief (inline CSS and JS, nothing loaded from the network).

The brief's parts (sections, article text with highlights) are macros in ``_brief.html.j2``, which the web
app's story and article pages render too, from the same :class:`View`: only where links lead differs
(:class:`Links` here, fragments of this one file; the web app's own Links, its pages).

All article-derived text is untrusted: the Jinja2 environment autoescapes everything, the template never
marks article text ``|safe``, URLs become links only when they are http(s), and a Content-Security-Policy
allows only this file's own style and script (by hash), so even a missed escape could not run code.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache, cached_property
from importlib import resources

import jinja2
from markupsafe import Markup

from storylens import __version__
from storylens.model import Article, Brief, Claim, Contradiction, Span
from storylens.render._common import (
    GLANCE_DETAILS,
    OPEN_ITEMS,
    TOP_ENTITIES,
    as_excerpt,
    as_sentence,
    claim_pieces,
    clip,
    consensus_claims,
    contradiction_groups,
    count_items,
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
from storylens.render.highlight import (
    Segment,
    article_anchor,
    collect_highlights,
    id_part,
    segments,
    span_anchor,
)

TEMPLATE = "report.html.j2"
# Characters of the cited sentence shown in a citation's tooltip: a typical news sentence (~25 words).
CITE_PREVIEW_CHARS = 160
# Characters of a claim in a row head of the coverage grid: two lines of a phone screen (390 px).
GRID_CLAIM_CHARS = 90

__all__ = ["Links", "View", "article_anchor", "render_html", "safe_url", "span_anchor", "template_env"]


def safe_url(url: str | None) -> str | None:
    """``url`` when it may go in an ``href`` (http or https), else None."""
    if url and url.lower().startswith(("http://", "https://")):
        return url
    return None


@dataclass(frozen=True)
class Cite:
    """A citation link: short label, target (None when the article is not in the brief), tooltip."""

    label: str
    href: str | None
    title: str


@dataclass(frozen=True)
class ArticleView:
    article: Article
    anchor: str
    label: str
    href: str | None
    segments: list[Segment]


class Links:
    """Where a View's links lead: here, fragments of the one self-contained report."""

    def article(self, article_id: str) -> str:
        """An article's text."""
        return f"#{article_anchor(article_id)}"

    def span(self, span: Span) -> str:
        """The highlight of a span in its article's text."""
        return f"#{span_anchor(span)}"


class View:
    """What the template reads: the brief plus labels, groupings and article text cut into segments."""

    def __init__(self, brief: Brief, links: Links | None = None) -> None:
        self.brief = brief
        self.links = links or Links()
        self.title = story_title(brief)
        self.counts = count_items(brief)
        self.dates = dates_line(brief)
        self.labels = short_labels(brief.articles)
        self.names = source_names(brief.articles)
        self.outlets = {a.id: a.outlet or "" for a in brief.articles}
        self.consensus = consensus_claims(brief)
        self.contradiction_groups = contradiction_groups(brief)
        self.singles = single_by_article(brief)
        self.quotes = quotes_by_speaker(brief)
        # at a glance: the disputed points, the best-supported facts, what each outlet alone adds, who
        # carries what; the long lists fold past their first ``open`` items
        self.top_facts = top_facts(brief)
        self.coverage = coverage(brief)
        self.open, self.glance_details, self.grid_chars = OPEN_ITEMS, GLANCE_DETAILS, GRID_CLAIM_CHARS
        ranked = top_entities(brief, None)
        self.entities, self.more_entities = ranked[:TOP_ENTITIES], ranked[TOP_ENTITIES:]

    @cached_property
    def highlights(self) -> dict[str, dict[tuple[int, int], set[str]]]:
        return collect_highlights(self.brief)

    @cached_property
    def articles(self) -> list[ArticleView]:
        """Every article of the brief with its text cut into highlighted segments (computed on first use)."""
        out, seen = [], set()
        for a in self.brief.articles:
            out.append(self.article_view(a, marked=a.id not in seen))
            seen.add(a.id)
        return out

    def article_view(self, a: Article, *, marked: bool = True, focus: tuple[int, int] | None = None) -> ArticleView:
        """One article with the brief's highlights in its text (none when not ``marked``); the pieces of
        the ``focus`` span (start, end), if any, also get the class ``hl-focus``."""
        marks = {k: set(kinds) for k, kinds in self.highlights.get(a.id, {}).items()} if marked else {}
        if focus is not None:
            marks.setdefault(focus, {"cited"})
        pieces = segments(a.id, a.text, marks)
        if focus is not None:
            target = span_anchor(Span(a.id, *focus))
            pieces = [replace(p, classes=f"{p.classes} hl-focus") if target in p.spans.split() else p
                      for p in pieces]
        return ArticleView(a, article_anchor(a.id), self.label(a.id), safe_url(a.url), pieces)

    def label(self, article_id: str) -> str:
        return label(self.labels, article_id)

    def name(self, article_id: str) -> str:
        """What a citation of the article shows: its outlet where known, else its short label."""
        return self.names.get(article_id) or label(self.labels, article_id)

    def of_outlets(self, claim: Claim) -> str:
        return of_outlets(claim, self.brief)

    @staticmethod
    def pieces(claim: Claim) -> list[tuple[str, str]]:
        """A claim's pieces (claim_pieces); the fact is marked only when it is part of its sentence."""
        pieces = claim_pieces(claim)
        if all(kind != "text" for kind, _ in pieces):
            return [("text" if kind == "fact" else kind, text) for kind, text in pieces]
        return pieces

    @staticmethod
    def sides_b(group: list[Contradiction]) -> list[Span]:
        return sides_b(group)

    @staticmethod
    def anchor(prefix: str, key: str) -> str:
        """An HTML id for a part of the page (``contradiction-x1``, ``single-000``)."""
        return f"{prefix}-{id_part(key)}"

    def outlet(self, article_id: str) -> str:
        return self.outlets.get(article_id, "")

    def article_href(self, article_id: str) -> str | None:
        return self.links.article(article_id) if article_id in self.outlets else None

    def article_keys(self, spans: Iterable[Span]) -> str:
        """The articles of some spans as space-separated id-safe tokens (``data-articles``, for filters)."""
        return self.article_keys_of(s.article for s in spans)

    @staticmethod
    def article_keys_of(ids: Iterable[str]) -> str:
        return " ".join(dict.fromkeys(id_part(i) for i in ids))

    def cite(self, span: Span) -> Cite:
        """The link to a span's highlight in its article's text."""
        known = span.article in self.outlets
        title = span.article  # the id as the tooltip, the outlet as the label
        if span.text:
            title += f": {clip(span.text, CITE_PREVIEW_CHARS)}"
        return Cite(self.name(span.article), self.links.span(span) if known else None, title)

    def cites(self, spans: list[Span]) -> list[Cite]:
        """One citation per article, in order, leading to that article's first span (a statement
        drawn from two sentences of one article showed its label twice)."""
        first: dict[str, Span] = {}
        for s in spans:
            first.setdefault(s.article, s)
        return [self.cite(s) for s in first.values()]


def template_env(*loaders: jinja2.BaseLoader) -> jinja2.Environment:
    """A Jinja2 environment that autoescapes everything and can import ``_brief.html.j2``; ``loaders``
    come first (the web app's own templates)."""
    loader = jinja2.ChoiceLoader([*loaders, jinja2.PackageLoader("storylens", "render/templates")])
    env = jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    # how a reader sees a brief's texts (render/_common.py), shared by the report and the web app
    env.filters.update(sentence=as_sentence, excerpt=as_excerpt, gist=gist, clip=clip)
    return env


@cache
def _env() -> jinja2.Environment:
    return template_env()


@cache
def _asset(name: str) -> str:
    return resources.files("storylens.render").joinpath("templates", name).read_text(encoding="utf-8")


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def content_security_policy(css: str, js: str) -> str:
    """Only this file's own style and script may apply; nothing may be fetched."""
    return (f"default-src 'none'; style-src {_csp_hash(css)}; script-src {_csp_hash(js)}; "
            "img-src data:; base-uri 'none'; form-action 'none'")


def render_html(brief: Brief) -> str:
    """The brief as one self-contained HTML document."""
    css, js = _asset("report.css"), _asset("report.js")
    # css and js are our own package files, not article text: they are inserted unescaped on purpose.
    return _env().get_template(TEMPLATE).render(
        v=View(brief), css=Markup(css), js=Markup(js), csp=content_security_policy(css, js),
        version=__version__,
    )
