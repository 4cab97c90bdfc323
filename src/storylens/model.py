"""The one data model every stage reads and writes.

Everything derived from an article keeps provenance: the article id and character offsets
``start``/``end`` into that article's cleaned ``text`` (``text[start:end] == span.text``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, TypeVar

BRIEF_SCHEMA = "storylens.brief/1"
ARTICLE_SCHEMA = "storylens.article/1"
STORIES_SCHEMA = "storylens.stories/1"
STORY_LIST_SCHEMA = "storylens.story-list/1"
# the fields of schema storylens.article/1, in the order they are written
ARTICLE_FIELDS = ("id", "title", "author", "outlet", "published", "url", "language", "text", "description",
                  "headline_only", "blocks")
# what a Block of an article's text is (issue 16): HTML extraction keeps the headings, list items and
# table rows of the main content in ``text``, one block a paragraph, and says which is which
BLOCK_KINDS = ("heading", "paragraph", "list_item", "table_row")

T = TypeVar("T")


def _from(cls: type[T], data: dict[str, Any]) -> T:
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    return cls(**{k: v for k, v in data.items() if k in names})


@dataclass
class Span:
    """A stretch of one article's cleaned text."""

    article: str
    start: int
    end: int
    text: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Span:
        return _from(cls, d)


@dataclass
class Block:
    """One paragraph of an article's cleaned text and what it is in the page: ``kind`` is one of
    BLOCK_KINDS; ``text[start:end]`` is the block (a table row's cells are joined by " | ")."""

    kind: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Block:
        return _from(cls, d)


@dataclass
class Article:
    """A cleaned article. ``removed`` lists the lines cleaning took out, with the reason.

    A headline-only article (an item of a headline feed or an aggregator export: a title and no body,
    or a body shorter than its title) has an empty ``text``; ``description`` holds the short summary
    such an item may carry (a feed's or an export's ``description``). It is clustered on its title and
    description, listed in its story, and read by the analysis only as a headline (``headline_only``).

    ``blocks`` (HTML pages only; None for plain text) says what each paragraph of ``text`` is in the
    page: a heading, a paragraph, a list item or a table row. The analysis reads headings and table
    rows as no sentences (nlp.prose_paragraphs).
    """

    id: str
    text: str
    title: str = ""
    outlet: str | None = None
    author: str | None = None
    url: str | None = None
    published: str | None = None
    language: str | None = None
    source: str | None = None
    removed: list[dict[str, str]] = field(default_factory=list)
    description: str | None = None
    blocks: list[Block] | None = None

    def __post_init__(self) -> None:
        if self.blocks is not None:  # from_dict gives dicts
            self.blocks = [b if isinstance(b, Block) else Block.from_dict(b) for b in self.blocks]

    @property
    def headline_only(self) -> bool:
        """A title and no text: the article is a headline (derived, so it cannot disagree with the text)."""
        return not self.text.strip() and bool(self.title.strip())

    def to_dict(self, *, full: bool = True) -> dict[str, Any]:
        d = asdict(self)
        d["headline_only"] = self.headline_only
        if self.blocks is None:  # plain-text articles carry no structure: their JSON stays as it was
            d.pop("blocks")
        if not full:
            d.pop("removed")
            d.pop("source")
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Article:
        return _from(cls, d)


@dataclass
class Sentence:
    """One sentence of an article, with its place in the cleaned text."""

    article: str
    index: int
    start: int
    end: int
    text: str
    paragraph: int = 0

    def span(self) -> Span:
        return Span(self.article, self.start, self.end, self.text)


@dataclass
class Claim:
    """A fact: ``consensus`` when two or more outlets carry it, ``single`` when only one does."""

    id: str
    text: str
    kind: str
    outlets: int
    support: list[Span]
    score: float = 0.0
    # indices of the supporting sentences in the analysis (Prepared.sentences), support order;
    # internal to one analysis, so not in the JSON
    sentences: list[int] = field(default_factory=list, compare=False, repr=False)
    # how a reader sees the claim (analyze/present.py): the whole sentence around the first support span,
    # which stays the exact fact; and the name an opening "He"/"It" of that sentence stands for
    sentence: Span | None = field(default=None, compare=False)
    referent: Referent | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        d = {"id": self.id, "text": self.text, "kind": self.kind, "outlets": self.outlets,
             "score": round(self.score, 4), "support": [s.to_dict() for s in self.support]}
        if self.sentence is not None:
            d["sentence"] = self.sentence.to_dict()
        if self.referent is not None:
            d["referent"] = self.referent.to_dict()
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Claim:
        sentence, referent = d.get("sentence"), d.get("referent")
        return cls(d["id"], d["text"], d["kind"], d["outlets"], [Span.from_dict(s) for s in d["support"]],
                   d.get("score", 0.0), sentence=Span.from_dict(sentence) if sentence else None,
                   referent=Referent.from_dict(referent) if referent else None)


@dataclass
class Referent:
    """A pronoun opening a claim's sentence ("He", "It", "The latter": the span) and the name that the
    article's previous sentence gives it, which a reader sees in brackets after it."""

    article: str
    start: int
    end: int
    text: str
    name: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Referent:
        return _from(cls, d)


@dataclass
class Contradiction:
    """Two spans that disagree; ``type`` is negation, number, date, entity or attribution."""

    id: str
    type: str
    explanation: str
    a: Span
    b: Span
    score: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "explanation": self.explanation,
                "a": self.a.to_dict(), "b": self.b.to_dict(), "score": round(self.score, 4)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Contradiction:
        return cls(d["id"], d["type"], d["explanation"], Span.from_dict(d["a"]), Span.from_dict(d["b"]),
                   d.get("score", 0.0))


@dataclass
class Reuse:
    """A passage that appears in two articles, verbatim or nearly so."""

    a: Span
    b: Span
    similarity: float
    kind: str

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a.to_dict(), "b": self.b.to_dict(), "similarity": round(self.similarity, 4),
                "kind": self.kind}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Reuse:
        return cls(Span.from_dict(d["a"]), Span.from_dict(d["b"]), d["similarity"], d["kind"])


@dataclass
class Quote:
    """Words put in quotation marks and attributed to a speaker."""

    speaker: str
    text: str
    support: list[Span]

    def to_dict(self) -> dict[str, Any]:
        return {"speaker": self.speaker, "text": self.text,
                "support": [{"article": s.article, "start": s.start, "end": s.end} for s in self.support]}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Quote:
        return cls(d["speaker"], d["text"], [Span.from_dict(s) for s in d["support"]])


@dataclass
class Entity:
    """A named entity and the articles that mention it; ``mentions`` counts them."""

    name: str
    type: str
    articles: list[str]
    mentions: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Entity:
        return _from(cls, d)


@dataclass
class Event:
    """A dated event: ``date`` is ISO (YYYY, YYYY-MM or YYYY-MM-DD) when it can be resolved."""

    date: str
    text: str
    support: list[Span]

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.date, "text": self.text, "support": [s.to_dict() for s in self.support]}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Event:
        return cls(d["date"], d["text"], [Span.from_dict(s) for s in d["support"]])


@dataclass
class SummarySentence:
    """One sentence of the brief and the spans it is drawn from."""

    text: str
    citations: list[Span]

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text,
                "citations": [{"article": s.article, "start": s.start, "end": s.end} for s in self.citations]}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SummarySentence:
        return cls(d["text"], [Span.from_dict(s) for s in d["citations"]])


@dataclass
class Story:
    """A set of articles about one event."""

    id: str
    title: str
    articles: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Story:
        return _from(cls, d)


@dataclass
class Relation:
    """How sentence B stands to sentence A."""

    kind: str
    score: float
    explanation: str
    # the pair model's heads (pairs.PairScores.to_dict): same_fact, entails {a_b, b_a}, contradiction
    model: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "score": round(self.score, 4), "explanation": self.explanation, **self.model}


@dataclass
class Problem:
    """An input that was skipped, and why."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"

    @classmethod
    def of(cls, error: Any, source: str) -> Problem:
        """The Problem a StorylensError reports: its reason, named by its own source, else ``source``
        (a reader's one conversion from the raised shape to the reported one)."""
        return cls(error.source or source, error.reason)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Brief:
    """The cross-source reading of one story (JSON schema ``storylens.brief/1``)."""

    story: Story
    articles: list[Article]
    claims: list[Claim] = field(default_factory=list)
    contradictions: list[Contradiction] = field(default_factory=list)
    reuse: list[Reuse] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    timeline: list[Event] = field(default_factory=list)
    summary: list[SummarySentence] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)

    def article(self, article_id: str) -> Article:
        for a in self.articles:
            if a.id == article_id:
                return a
        raise KeyError(article_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": BRIEF_SCHEMA,
            "story": {"id": self.story.id, "title": self.story.title},
            "articles": [a.to_dict(full=False) | {"removed": a.removed} for a in self.articles],
            "claims": [c.to_dict() for c in self.claims],
            "contradictions": [c.to_dict() for c in self.contradictions],
            "reuse": [r.to_dict() for r in self.reuse],
            "quotes": [q.to_dict() for q in self.quotes],
            "entities": [e.to_dict() for e in self.entities],
            "timeline": [e.to_dict() for e in self.timeline],
            "summary": [s.to_dict() for s in self.summary],
            "skipped": [p.to_dict() for p in self.skipped],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Brief:
        s = d["story"]
        arts = [Article.from_dict(a) for a in d["articles"]]
        return cls(
            story=Story(s["id"], s.get("title", ""), [a.id for a in arts]),
            articles=arts,
            claims=[Claim.from_dict(c) for c in d.get("claims", [])],
            contradictions=[Contradiction.from_dict(c) for c in d.get("contradictions", [])],
            reuse=[Reuse.from_dict(r) for r in d.get("reuse", [])],
            quotes=[Quote.from_dict(q) for q in d.get("quotes", [])],
            entities=[Entity.from_dict(e) for e in d.get("entities", [])],
            timeline=[Event.from_dict(e) for e in d.get("timeline", [])],
            summary=[SummarySentence.from_dict(x) for x in d.get("summary", [])],
            skipped=[Problem(**p) for p in d.get("skipped", [])],
        )


# -- the JSON schemas the CLI, the web API and the renderers write: one serialiser each, here ------
# (storylens.brief/1 is Brief.to_dict; relate's object is Relation.to_dict)

def article_dict(article: Article) -> dict[str, Any]:
    """Schema ``storylens.article/1``: ``extract --format json`` and ``GET /api/articles/ID`` (which
    adds the article's story, removed lines and copy link after these fields)."""
    d = {"schema": ARTICLE_SCHEMA, **{k: getattr(article, k) for k in ARTICLE_FIELDS}}
    d["blocks"] = None if article.blocks is None else [b.to_dict() for b in article.blocks]
    return d


def stories_dict(stories: list[Story]) -> dict[str, Any]:
    """Schema ``storylens.stories/1``: ``cluster --format json``."""
    return {"schema": STORIES_SCHEMA, "stories": [s.to_dict() for s in stories]}


def story_list_dict(rows: list[Any], *, outlets: dict[str, list[str]] | None = None, **head: Any) -> dict[str, Any]:
    """Schema ``storylens.story-list/1``: ``stories --format json`` and ``GET /api/stories`` (which
    passes ``total`` and ``offset`` in ``head`` and each story's outlet names in ``outlets``). A row
    is a store.StoryRow (anything with ``id`` and ``to_dict``)."""
    stories = [r.to_dict() if outlets is None else {**r.to_dict(), "outlet_names": outlets.get(r.id, [])}
               for r in rows]
    return {"schema": STORY_LIST_SCHEMA, **head, "stories": stories}
