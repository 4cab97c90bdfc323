"""Story clustering: articles about one event end up in one story, with ids that stay put.

Each article is read as two vectors: a MiniLM embedding of its title and lead (what the story is
about), and its rarest words weighted by how rare they are in general English (``wordfreq``: fixed
weights, so an article's vector never changes as the corpus grows, which keeps incremental runs equal
to batch runs). The similarity of an article to a story is its mean similarity to the story's
articles, which for these linear scores is one dot product with the story's running sums
(average linkage, kept exact as stories grow). Articles are taken in arrival order: each joins the
story it is most similar to when that mean clears the bar (the level's ``join``, higher for small
groups: ``pair``), else founds a new story; after a join, the story merges with any neighbour whose
mean similarity to it clears the same bar (the id of the larger part survives). Candidates come from the nearest articles of a vector index, so a new
article is never compared with the whole corpus. Each time a story's size reaches a power of two it
is checked for a split: its members' own average-linkage tree is cut in two, and when the two parts'
mean cross similarity has fallen below the bar (they would not merge if they met now) the smaller
part leaves as a new story. Batch clustering is the same process from empty.

Publication time steers the joins and merges: an article more than GRACE_DAYS from a story's dated span
(two stories as far apart) must also clear a far bar that grows with the gap (``far_bar``): a later
event about the same people makes its own story, a near copy still joins. An undated article stands at
its ingest time (``Features.seen``, set by corpus ingest), a weak signal that counts only beyond
INGEST_SLACK_DAYS.

How alike is alike enough depends on what a story is: one event (the default, ``level="event"``)
or a subject followed across events (``level="topic"``); each level has its own bar and weights
(``LEVELS``).
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

import numpy as np

# the levels live in levels.py (light: the CLI reads their names); they are cluster.py's to use and re-export
from .levels import DEFAULT_LEVEL, LEVELS, Level, level_of  # noqa: F401
from .model import Article, Story

# The embedding reads the title and this many words of the lead: 120 words (about 160 tokens)
# gave the best clustering scores; titles alone lost 0.01-0.02 on both sets.
LEAD_WORDS = 120
# An article keeps its this-many heaviest words; bounds a story's term sums and the cost of a score.
MAX_TERMS = 60
# A word's weight is ZIPF_TOP minus its Zipf frequency (log10 per billion words): "the" (7.7) and
# everyday words (>= 6, "said", "year") weigh nothing, a surname (~3) weighs 3.
ZIPF_TOP = 6.0
# A title word counts as this many occurrences in the text (titles name the event).
TITLE_BOOST = 2.0
# Stories of the this-many nearest earlier articles are the candidates for a new one.
NEIGHBOURS = 20
# Time (issue 16). An article within GRACE_DAYS of a story's dated span (two stories within it of each
# other) is judged on the level's bar alone: "a few days" (the words) covers an event's first
# reports and its follow-ups. A design choice, not a fitted value: no development set carries dates.
GRACE_DAYS = 3.0
# Farther apart, the mean similarity must also reach FAR_BAR + FAR_RISE * log2(gap / GRACE_DAYS) (``far_bar``):
# strong evidence, growing with the gap. Chosen on the news tuning half (bench_mixed_store.py --time-bar:
# news-dev, bench_cluster's even stories), among its different-story pairs that clear the level's pair bar
# (the ones that would join without time), copies aside: 10% of them reach FAR_BAR, and the share allowed
# halves with each doubling of the gap (FAR_RISE: the line through the scores 10, 5, 2.5 and 1.25% reach,
# 0.435-0.568: 0.045 per doubling). On the held-out news-test half 7.5% of the confusable pairs and 56% of
# the same-story pairs reach FAR_BAR (news-dev 10%, 56%), 1.1% and 29% the bar at 24 days (1.2%, 30%). At 24 days the bar is 0.57, at half a year 0.70: a near
# copy or a close retelling still joins, a later event about the same people makes its own story.
FAR_BAR = 0.435
FAR_RISE = 0.045
# An undated article stands at its ingest time (Features.seen) only as a weak signal: it was published
# before it was read, but a feed or an archive may bring it days to weeks late, so ingest times count only
# beyond INGEST_SLACK_DAYS (then as a gap on the far bar). Articles ingested in one run are not steered at
# all. A design choice (no data with ingest lags here): a month covers a crawl's lag behind the news.
INGEST_SLACK_DAYS = 30.0
# Leads go to the model this many at a time (one per worker thread): a batch of 32 leads of ~160
# tokens grew the ONNX arenas by ~485 MB (47 leads), chunks of 8 by ~105 MB; and one lead per
# one-thread session is the cheapest: 300 leads of the bench_scale corpus took 18.9-20.4 CPU s in
# chunks of 2, 20.6-21.7 in 4, 21.2-23.3 in 8 (three interleaved rounds, idle 2-core machine).
EMBED_CHUNK = 2
# Headline-only articles go to the model this many at a time: a headline is ~15 tokens, so a call costs
# more in dispatch than in the model; 1,200 headlines of bench_headlines.py's speed set took 5.0-5.4 CPU s
# in chunks of 2, 3.2-3.3 in 16, 3.0-3.1 in 64 (two rounds, load average ~6); 16 keeps a chunk's arena small.
HEADLINE_CHUNK = 16
# Exact nearest-neighbour search up to this many vectors; beyond it an HNSW index (usearch).
EXACT_MAX = 20_000
# Split checks: from this size on (a story of 8 has room for two parts of SPLIT_PART articles), at
# each power of two, so a story is checked log2(n) times and the checks cost O(n) per article over
# its life. Both parts must hold SPLIT_PART articles: one stray member is no evidence of two events,
# and ejecting single articles would make stories churn. Stories above SPLIT_MAX are not checked
# (a 512 x 512 similarity matrix is the cost bound; no development story comes near that size).
SPLIT_MIN = 8
SPLIT_PART = 2
SPLIT_MAX = 512

_WORD = re.compile(r"[^\W\d_][\w'\-]*|\d[\d,.]*\d|\d", re.UNICODE)


@dataclass
class Features:
    """What clustering reads of one article."""

    dense: np.ndarray
    terms: dict[str, float]
    day: float | None = None  # publication day (days since the epoch), None when undated
    # False when the embedder does not read the article's language (MiniLM and a German text): its
    # vector still finds neighbours, but only its words count as evidence (see ``reads``).
    read: bool = True
    # An undated article's ingest day: a weak signal of when it was published (INGEST_SLACK_DAYS).
    seen: float | None = None

    @property
    def when(self) -> float | None:
        """The day the article stands at: its publication day, else its ingest day."""
        return self.day if self.day is not None else self.seen


class Split(NamedTuple):
    """A story cut in two: ``moved`` left ``story`` for the ``new`` one."""

    story: str
    new: str
    moved: list[str]


@dataclass
class Placed:
    """What ``Clusterer.add`` did with one article: the events a store persists."""

    article: str
    story: str  # the story it is in now (after any merge and split)
    founded: bool = False  # it started that story
    merged: list[tuple[str, str]] = field(default_factory=list)  # (story merged away, story that absorbed it)
    splits: list[Split] = field(default_factory=list)


class SavedStory(NamedTuple):
    """A stored story's running sums (``Clusterer.from_rows``)."""

    id: str
    born: int
    n: int
    dense: np.ndarray
    terms: dict[str, float]
    first: float | None
    last: float | None


class SavedMember(NamedTuple):
    """A stored article that has features, with its story (``Clusterer.from_rows``)."""

    article: str
    story: str
    vector: np.ndarray
    terms: dict[str, float]
    day: float | None
    language: str | None
    seen: float | None = None  # an undated article's ingest day (Features.seen)


@functools.lru_cache(maxsize=64)
def _wordlist(language: str) -> str:
    """``language`` when wordfreq can weigh its words here, else "en". Japanese and Korean need
    MeCab, which wordfreq imports only on first use (an ImportError in the middle of an ingest)."""
    import wordfreq

    try:
        wordfreq.zipf_frequency("a", language)
    except (LookupError, ValueError, ImportError):
        return "en"
    return language


@functools.lru_cache(maxsize=400_000)
def _weight(word: str, language: str) -> float:
    import wordfreq

    return max(0.0, ZIPF_TOP - wordfreq.zipf_frequency(word, _wordlist(language)))


def _language(article: Article) -> str:
    lang = (article.language or "en").split("-")[0].lower()
    return lang if lang.isalpha() and 2 <= len(lang) <= 3 else "en"


def terms_of(title: str, text: str, language: str = "en") -> dict[str, float]:
    """The article's rare words with sublinear, rarity-weighted counts, L2-normalised."""
    counts: dict[str, float] = {}
    for m in _WORD.finditer(text):
        w = m.group().lower()
        counts[w] = counts.get(w, 0.0) + 1.0
    for m in _WORD.finditer(title):
        w = m.group().lower()
        counts[w] = counts.get(w, 0.0) + TITLE_BOOST
    weighted = {w: (1.0 + np.log(c)) * _weight(w, language) for w, c in counts.items()}
    top = sorted(((v, w) for w, v in weighted.items() if v > 0), reverse=True)[:MAX_TERMS]
    norm = float(np.sqrt(sum(v * v for v, _ in top))) or 1.0
    return {w: v / norm for v, w in top}


def lead_text(article: Article) -> str:
    """Title and the first LEAD_WORDS words: the text the embedding reads (a headline-only article's
    title and description)."""
    if article.headline_only:
        return headline_text(article)
    words = article.text.split()[:LEAD_WORDS]
    body = " ".join(words)
    return f"{article.title}. {body}" if article.title else body


def headline_text(article: Article) -> str:
    """What a headline-only article is read as, for clustering and for finding its copies: its title
    and, when it has one, its description."""
    return f"{article.title}. {article.description}" if article.description else article.title


def day_of(published: str | None) -> float | None:
    """Days since the epoch of an ISO date or datetime, or None when absent or unreadable."""
    if not published:
        return None
    try:
        moment = datetime.fromisoformat(published.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.timestamp() / 86400.0 if moment.year > 1970 else None
    return moment.timestamp() / 86400.0


def reads(embedder: object, language: str | None) -> bool:
    """Whether ``embedder`` reads text in ``language``: an embedder lists what it reads in
    ``languages`` (None: any); an article of unknown language is taken as read."""
    known = getattr(embedder, "languages", None)
    return known is None or not language or language.split("-")[0].lower() in known


def featurize(articles: Sequence[Article], embedder: object) -> list[Features]:
    """Features of each article (one embedding pass over all the leads; headlines in their own chunks)."""
    leads = [lead_text(a) for a in articles]
    rows: dict[int, np.ndarray] = {}
    for heads in (False, True):
        idx = [i for i, a in enumerate(articles) if a.headline_only is heads]
        step = HEADLINE_CHUNK if heads else EMBED_CHUNK
        for k in range(0, len(idx), step):
            part = idx[k:k + step]
            rows.update(zip(part, embedder.embed([leads[i] for i in part])))  # type: ignore[attr-defined]
    dense = np.vstack([rows[i] for i in range(len(leads))])
    return [Features(dense[i].astype(np.float32), terms_of(a.title, a.text or a.description or "", _language(a)),
                     day_of(a.published),
                     reads(embedder, a.language))
            for i, a in enumerate(articles)]


def story_id(founder: str) -> str:
    """A story's id: a short hash of the id of the article that founded it."""
    return "s" + hashlib.blake2b(founder.encode("utf-8"), digest_size=5).hexdigest()


@dataclass
class StoryState:
    """A story's running sums: all average-linkage scores need."""

    id: str
    dense: np.ndarray
    terms: dict[str, float]
    n: int = 0
    first: float | None = None
    last: float | None = None
    members: list[str] = field(default_factory=list)
    born: int = 0
    unread: int = 0  # members whose language the embedder does not read
    # the span of the members' ``when`` (publication day, else ingest day): the weak time signal
    seen_first: float | None = None
    seen_last: float | None = None

    def absorb(self, dense: np.ndarray, terms: dict[str, float], n: int,
               first: float | None, last: float | None, unread: int = 0,
               seen_first: float | None = None, seen_last: float | None = None) -> None:
        self.unread += unread
        self.dense = self.dense + dense
        for w, v in terms.items():
            self.terms[w] = self.terms.get(w, 0.0) + v
        self.n += n
        self.first, self.last = _span(self.first, self.last, first, last)
        self.seen_first, self.seen_last = _span(self.seen_first, self.seen_last, seen_first, seen_last,
                                                self.first, self.last)


def _span(*days: float | None) -> tuple[float | None, float | None]:
    known = [d for d in days if d is not None]
    return (min(known), max(known)) if known else (None, None)


def _term_dot(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(w, 0.0) for w, v in a.items())


def _gap(first: float | None, last: float | None, f2: float | None, l2: float | None) -> float:
    """Days between two dated spans (0 when they overlap or either is undated)."""
    if None in (first, last, f2, l2):
        return 0.0
    return max(0.0, f2 - last, first - l2)  # type: ignore[operator]


class Times(NamedTuple):
    """When a group stands (StoryState's four fields): its dated span and its span of ``when``."""

    first: float | None
    last: float | None
    seen_first: float | None
    seen_last: float | None


def apart(a: StoryState | Times, b: StoryState | Times) -> float:
    """Days between two groups for the far bar: between their publication dates when both have one,
    else between their ingest-time spans less INGEST_SLACK_DAYS (0 when either has no time at all)."""
    if a.first is not None and b.first is not None:
        return _gap(a.first, a.last, b.first, b.last)
    return max(0.0, _gap(a.seen_first, a.seen_last, b.seen_first, b.seen_last) - INGEST_SLACK_DAYS)


def far_bar(gap: float) -> float:
    """The mean similarity two groups ``gap`` days apart need besides the level's bar: none within
    GRACE_DAYS, then FAR_BAR rising by FAR_RISE with each doubling of the gap."""
    if gap <= GRACE_DAYS:
        return 0.0
    return FAR_BAR + FAR_RISE * float(np.log2(gap / GRACE_DAYS))


@functools.lru_cache(maxsize=1)
def _blas() -> object:
    from threadpoolctl import ThreadpoolController  # a scikit-learn dependency

    return ThreadpoolController()


def one_blas_thread() -> object:
    """A context in which numpy's BLAS runs on one thread. Placing an article is a few matrix-vector
    products (the index search: n x 384), for which BLAS's threads only wait on each other: on this
    2-core machine under load (average ~5) one search of 6,341 vectors took 8.3 ms on the default
    threads and 0.11 ms on one (2,000 vectors: 4.1 against 0.18 ms; 20,000: 8.3 against 1.0), and
    bench_headlines.py's 6,366 headlines spent 68 of 90 profiled seconds in the search before. As
    nlp.one_blas_thread does, but with the controller made once (it scans the loaded libraries): 7 us
    to enter the limit against 0.64 ms for threadpool_limits, once per article placed."""
    return _blas().limit(limits=1, user_api="blas")  # type: ignore[attr-defined]


class VectorIndex:
    """Nearest neighbours by inner product: exact up to EXACT_MAX vectors, then HNSW (usearch)."""

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self.keys: list[str] = []
        self._pos: dict[str, int] = {}
        self._matrix = np.zeros((1024, dim), dtype=np.float32)
        self._ann: object | None = None

    def __len__(self) -> int:
        return len(self.keys)

    def add(self, key: str, vector: np.ndarray) -> None:
        n = len(self.keys)
        if self._ann is not None:
            self._ann.add(n, vector.astype(np.float32))  # type: ignore[attr-defined]
        else:
            if n == len(self._matrix):
                self._matrix = np.vstack([self._matrix, np.zeros_like(self._matrix)])
            self._matrix[n] = vector
            if n + 1 > EXACT_MAX:
                self._to_ann(n + 1)
        self.keys.append(key)
        self._pos[key] = n

    def vector(self, key: str) -> np.ndarray:
        """The vector stored under ``key``."""
        n = self._pos[key]
        if self._ann is not None:
            return np.asarray(self._ann.get(n), dtype=np.float32)  # type: ignore[attr-defined]
        return self._matrix[n]

    def _to_ann(self, n: int) -> None:
        from usearch.index import Index

        ann = Index(ndim=self.dim, metric="ip", dtype="f32")
        ann.add(np.arange(n), self._matrix[:n])
        self._ann, self._matrix = ann, np.zeros((0, self.dim), dtype=np.float32)

    def search(self, vector: np.ndarray, k: int) -> list[str]:
        """Keys of the k nearest vectors, nearest first."""
        n = len(self.keys)
        if n == 0:
            return []
        if self._ann is not None:
            found = self._ann.search(vector.astype(np.float32), min(k, n))  # type: ignore[attr-defined]
            return [self.keys[int(i)] for i in found.keys]
        scores = self._matrix[:n] @ vector
        top = np.argpartition(-scores, k - 1)[:k] if n > k else np.arange(n)
        return [self.keys[int(i)] for i in top[np.argsort(-scores[top], kind="stable")]]


class Clusterer:
    """Incremental average-linkage clustering over running story sums (see the module docstring)."""

    def __init__(self, dim: int, *, level: str | Level = DEFAULT_LEVEL, floor: float = 0.0) -> None:
        self.level = level_of(level)
        # An embedder's cosine for unrelated texts (0 for MiniLM, whose range the levels were tuned
        # on): dense similarities are read as (cos - floor) / (1 - floor).
        self.floor = floor
        self.stories: dict[str, StoryState] = {}
        self.story_of: dict[str, str] = {}
        self.merged: dict[str, str] = {}  # id of a story merged away -> id that absorbed it
        self.splits: list[Split] = []  # every split so far, in order
        self._events: list[tuple[str, str] | Split] = []  # the merges and splits of the add under way
        self.born = 0  # stories founded so far (a story's ``born`` orders ties by age)
        self.index = VectorIndex(dim)
        self.arrival: dict[str, int] = {}  # article -> arrival order; with terms and days, what a split re-sums
        self.days: dict[str, float | None] = {}
        self.seen: dict[str, float] = {}  # undated article -> its ingest day (Features.seen)
        self._vocab: dict[str, int] = {}
        self._terms: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # article -> (word ids, weights)
        self.unread: set[str] = set()  # articles whose language the embedder does not read

    @classmethod
    def from_rows(cls, dim: int, stories: Iterable[SavedStory], members: Iterable[SavedMember], *,
                  level: str | Level = DEFAULT_LEVEL, floor: float = 0.0,
                  read: Callable[[str | None], bool] | None = None) -> Clusterer:
        """The clusterer a store saved: its stories' sums (oldest first) and their members with their
        features (in arrival order). ``read`` tells from an article's language whether the embedder
        reads it (default: all)."""
        c = cls(dim, level=level, floor=floor)
        for s in stories:
            c.stories[s.id] = StoryState(s.id, s.dense, s.terms, s.n, s.first, s.last, [], s.born,
                                         seen_first=s.first, seen_last=s.last)
            c.born = max(c.born, s.born)
        for m in members:
            c.stories[m.story].members.append(m.article)
            c.story_of[m.article] = m.story
            c.index.add(m.article, m.vector)
            unread = read is not None and not read(m.language)
            c.remember(m.article, m.terms, m.day, not unread)
            c.stories[m.story].unread += unread
            if m.seen is not None:
                c.note_seen({m.article: m.seen})
        return c

    def note_seen(self, seen: dict[str, float]) -> None:
        """Give stored undated articles their ingest day (``Features.seen``): the weak time signal a
        store keeps in its articles' ``added`` column, not with their features."""
        for aid, day in seen.items():
            if aid not in self.story_of or self.days.get(aid) is not None:
                continue
            self.seen[aid] = day
            s = self.stories[self.story_of[aid]]
            s.seen_first, s.seen_last = _span(s.seen_first, s.seen_last, day)

    def remember(self, article_id: str, terms: dict[str, float], day: float | None, read: bool = True,
                 seen: float | None = None) -> None:
        """Keep what a later split needs of an article (its vector is in the index)."""
        self.arrival[article_id] = len(self.arrival)
        self.days[article_id] = day
        if seen is not None and day is None:
            self.seen[article_id] = seen
        if not read:
            self.unread.add(article_id)
        ids = np.fromiter((self._vocab.setdefault(w, len(self._vocab)) for w in terms), dtype=np.int32,
                          count=len(terms))
        self._terms[article_id] = (ids, np.fromiter(terms.values(), dtype=np.float32, count=len(terms)))

    def _bar(self, a: int, b: int) -> float:
        """The mean similarity two groups of ``a`` and ``b`` articles need to be one story (to join
        and to merge alike)."""
        lv = self.level
        return lv.join + (lv.pair - lv.join) / float(a * b) ** lv.decay

    def _score(self, dense: np.ndarray, terms: dict[str, float], n: int, s: StoryState, unread: int = 0) -> float:
        """Mean similarity of a group (sums ``dense``, ``terms`` of ``n`` articles, ``unread`` of
        them in a language the embedder does not read) to story ``s``. With an unread article on
        either side only the words count: an English model finds two unrelated texts in another
        language alike (MiniLM's mean cosine for different-story pairs of SemEval-2022: 0.15 in
        English, 0.38-0.89 in nine other languages), while the rare-word overlap keeps its meaning
        (0.01-0.09 for different stories, 0.15-0.47 for the same story; benchmarks/RESULTS.md 6b)."""
        if unread or s.unread:
            return _term_dot(terms, s.terms) / (n * s.n)
        cos = (float(dense @ s.dense) - self.floor * n * s.n) / (1.0 - self.floor)
        w = self.level.dense_weight
        both = w * cos + (1 - w) * _term_dot(terms, s.terms)
        return both / (n * s.n)

    def _near_stories(self, vector: np.ndarray, exclude: str | None = None) -> list[StoryState]:
        ids = dict.fromkeys(self.story_of[k] for k in self.index.search(vector, NEIGHBOURS))
        return [self.stories[i] for i in ids if i != exclude]

    def add(self, article_id: str, f: Features) -> Placed:
        """Place one article: the story it ends up in, and the merges and splits that placing it made."""
        self._events = []
        with one_blas_thread():
            founded = self._place(article_id, f)
        return Placed(article_id, self.story_of[article_id], founded,
                      merged=[e for e in self._events if not isinstance(e, Split)],
                      splits=[e for e in self._events if isinstance(e, Split)])

    def _place(self, article_id: str, f: Features) -> bool:
        """Put the article in the best story (merging and splitting as needed); True if it founded one."""
        best, best_score = None, -1.0
        at = Times(f.day, f.day, f.when, f.when)
        for s in self._near_stories(f.dense):
            score = self._score(f.dense, f.terms, 1, s, int(not f.read))
            if score >= max(self._bar(1, s.n), far_bar(apart(s, at))) and score >= best_score:
                best, best_score = s, score
        if best is None:
            self.born += 1
            best = StoryState(story_id(article_id), np.zeros(self.index.dim), {}, born=self.born)
            self.stories[best.id] = best
        best.absorb(f.dense.astype(np.float64), f.terms, 1, f.day, f.day, int(not f.read), f.when, f.when)
        best.members.append(article_id)
        self.story_of[article_id] = best.id
        self.index.add(article_id, f.dense)
        self.remember(article_id, f.terms, f.day, f.read, f.seen)
        if best.n == 1:
            return True
        before = best.n - 1
        merged = self._merge_around(best, f.dense)
        self._check_split(merged, before if merged is best else 0)
        return False

    def _merge_around(self, s: StoryState, vector: np.ndarray) -> StoryState:
        """Merge ``s`` with each neighbouring story whose mean similarity to it clears the bar."""
        for other in self._near_stories(vector, exclude=s.id):
            if other.id not in self.stories:
                continue
            if self._score(s.dense, s.terms, s.n, other, s.unread) < max(self._bar(s.n, other.n),
                                                                          far_bar(apart(s, other))):
                continue
            s = self._fold(s, other)
        return s

    def _check_split(self, s: StoryState, before: int) -> None:
        """Split ``s`` in two when its size just reached a power of two and its parts have drifted apart."""
        if not SPLIT_MIN <= s.n <= SPLIT_MAX or s.n.bit_length() == before.bit_length():
            return
        members = sorted(s.members, key=self.arrival.__getitem__)
        away = self._drifted_part(members)
        if away is None:
            return
        moved = set(away)
        s.members = [m for m in members if m not in moved]
        self.born += 1
        new = StoryState(self._fresh_story_id(away[0]), np.zeros(self.index.dim), {}, born=self.born)
        new.members = away
        self.stories[new.id] = new
        for part in (s, new):
            self._resum(part)
        for m in away:
            self.story_of[m] = new.id
        split = Split(s.id, new.id, list(away))
        self.splits.append(split)
        self._events.append(split)

    def _drifted_part(self, members: list[str]) -> list[str] | None:
        """The smaller half of the members' average-linkage tree when the halves' mean cross
        similarity is below the merge bar (the larger half, or the one with the first member, stays)."""
        from scipy.cluster.hierarchy import fcluster, linkage
        from scipy.spatial.distance import squareform

        sim = self._similarities(members)
        dist = np.clip(1.0 - sim, 0.0, None)
        np.fill_diagonal(dist, 0.0)
        tree = linkage(squareform((dist + dist.T) / 2, checks=False), method="average")
        label = fcluster(tree, 2, criterion="maxclust")
        first = [m for m, lab in zip(members, label) if lab == label[0]]
        other = [m for m, lab in zip(members, label) if lab != label[0]]
        # average linkage: the top join is at 1 - the halves' mean cross similarity
        if not other or 1.0 - tree[-1, 2] >= self._bar(len(first), len(other)):
            return None
        away = other if len(first) >= len(other) else first
        return away if len(away) >= SPLIT_PART else None

    def _similarities(self, members: list[str]) -> np.ndarray:
        """Pairwise similarity of articles (the score ``_score`` averages), as a matrix."""
        from scipy.sparse import csr_matrix

        dense = np.stack([self.index.vector(m) for m in members]).astype(np.float64)
        cols = [self._terms[m][0] for m in members]
        vals = [self._terms[m][1] for m in members]
        rows = np.repeat(np.arange(len(members)), [len(c) for c in cols])
        terms = csr_matrix((np.concatenate(vals).astype(np.float64), (rows, np.concatenate(cols))),
                           shape=(len(members), len(self._vocab)))
        cos = (dense @ dense.T - self.floor) / (1.0 - self.floor)
        words = (terms @ terms.T).toarray()
        read = np.array([m not in self.unread for m in members])
        w = self.level.dense_weight
        return np.where(np.outer(read, read), w * cos + (1 - w) * words, words)

    def _resum(self, s: StoryState) -> None:
        """Recompute a story's running sums from its members."""
        s.dense = np.sum([self.index.vector(m).astype(np.float64) for m in s.members], axis=0)
        s.terms = {}
        words = list(self._vocab)
        for m in s.members:
            for i, v in zip(*self._terms[m]):
                w = words[i]
                s.terms[w] = s.terms.get(w, 0.0) + float(v)
        days = [d for m in s.members if (d := self.days.get(m)) is not None]
        s.n, s.first, s.last = len(s.members), (min(days) if days else None), (max(days) if days else None)
        s.seen_first, s.seen_last = _span(s.first, s.last, *(self.seen.get(m) for m in s.members))
        s.unread = sum(m in self.unread for m in s.members)

    def _fresh_story_id(self, founder: str) -> str:
        sid, k = story_id(founder), 1
        while sid in self.stories or sid in self.merged:
            k += 1
            sid = story_id(f"{founder}#{k}")
        return sid

    def _fold(self, a: StoryState, b: StoryState) -> StoryState:
        """Merge two stories; the larger keeps its id (the older on a tie)."""
        keep, gone = (a, b) if (a.n, -a.born) >= (b.n, -b.born) else (b, a)
        keep.absorb(gone.dense, gone.terms, gone.n, gone.first, gone.last, gone.unread, gone.seen_first,
                    gone.seen_last)
        keep.members.extend(gone.members)
        for m in gone.members:
            self.story_of[m] = keep.id
        del self.stories[gone.id]
        self.merged[gone.id] = keep.id
        self._events.append((gone.id, keep.id))
        return keep


def cluster_articles(articles: Sequence[Article], *, embedder: object | None = None,
                     features: Sequence[Features] | None = None,
                     level: str | Level = DEFAULT_LEVEL) -> list[Story]:
    """Cluster articles into stories (batch mode: the incremental process from empty) at ``level``
    ("event" or "topic").

    Every input article is in exactly one story; stories come in the order of their first article,
    each titled by its most central article that has a title.
    """
    chosen = level_of(level)
    if not articles:
        return []
    if features is None:
        if embedder is None:
            from .embed import get_embedder

            embedder = get_embedder()
        features = featurize(articles, embedder)
    clusterer = Clusterer(len(features[0].dense), level=chosen, floor=float(getattr(embedder, "floor", 0.0)))
    for a, f in zip(articles, features):
        clusterer.add(a.id, f)
    return stories_of(clusterer, articles, features)


def stories_of(clusterer: Clusterer, articles: Sequence[Article], features: Sequence[Features]) -> list[Story]:
    """The clusterer's stories as Story objects, in order of first article."""
    position = {a.id: i for i, a in enumerate(articles)}
    titles = {a.id: a.title for a in articles}
    shared = repeated_titles(clusterer.stories.values(), titles)
    out = []
    for s in clusterer.stories.values():
        members = sorted(s.members, key=position.__getitem__)
        out.append(Story(s.id, central_title(s, titles, clusterer.index, boilerplate=shared), members))
    return sorted(out, key=lambda st: position[st.articles[0]])


# How much nearer the story's mean (mean cosine, MiniLM title+lead vectors) a member must be than the
# member whose headline is the story's title now before the title changes. benchmarks/bench_titles.py,
# articles added one at a time: on the NeuS stories (three outlets, three headlines) title changes fell
# from 0.91 a story at 0 to 0.35 at 0.02 and 0.10 at 0.05, 0.01 at 0.10; the final title was the most
# central headline in 100/74/50/40% of them (the headlines kept were within 0.05 of it: about as
# central); Multi-News: 0.03 changes a story at 0, none at 0.05, 98% the most central.
TITLE_SWITCH_MARGIN = 0.05


def repeated_titles(stories: Iterable[StoryState], titles: dict[str, str]) -> set[str]:
    """Titles (folded) that articles of two or more different stories carry: a site's name or a section
    page ("Latest news"), never one event's headline."""
    from .clean import fold

    seen: dict[str, str] = {}
    shared = set()
    for s in stories:
        for m in s.members:
            key = fold(titles.get(m) or "")
            if key and seen.setdefault(key, s.id) != s.id:
                shared.add(key)
    return shared


def central_title(s: StoryState, titles: dict[str, str], index: VectorIndex, *, previous: str = "",
                  boilerplate: set[str] | frozenset[str] = frozenset()) -> str:
    """The headline of the story's member nearest its mean embedding, among members whose title reads as a
    headline (clean.is_headline) and is not one that other stories' articles carry too; "" when none has
    one. The ``previous`` title stays while its article is within TITLE_SWITCH_MARGIN of the nearest."""
    from .clean import fold, is_headline

    titled = [m for m in s.members if is_headline(titles.get(m) or "") and fold(titles[m]) not in boilerplate]
    if not titled:
        return ""
    n = max(1, len(s.members))
    score = {m: float(index.vector(m) @ s.dense) / n for m in titled}
    best = max(titled, key=score.__getitem__)
    kept = [score[m] for m in titled if previous and titles[m] == previous]
    if kept and score[best] < max(kept) + TITLE_SWITCH_MARGIN:
        return previous
    return titles[best]
