"""Corpus mode: from a stream of articles to stored, deduplicated stories (``ingest``, ``show``), or
the same clustering without a store (``cluster``).

Ingest reads its sources one article at a time and works in batches: each article is checked
against what is stored (the same text from the same place is the same article: idempotent), then
for exact and near copies of earlier articles (a copy is stored, linked to the article it copies,
and joins that article's story), and the rest are embedded and clustered. Each batch is written in
one transaction, so an interrupted run keeps every batch it committed and a rerun skips them.
The embedding model works on one batch while the next is read and checked for copies and the one
before is clustered and written (the model and the Python stages run side by side).
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .clean import REPEATED_ONLY, drop_repeated
from .cluster import (
    DEFAULT_LEVEL,
    Clusterer,
    central_title,
    cluster_articles,
    day_of,
    featurize,
    headline_text,
    reads,
)
from .config import BATCH  # articles per ingest transaction (the reason for its value is there)
from .curation import CuratedClusterer
from .dedup import Match, NearDuplicates, text_key
from .model import Article, Brief, Problem, Reuse, Span, Story
from .store import Removed, Store

# What a cached brief was made by: a brief cached under another revision is made again. Bump it
# whenever ``show`` changes what a brief holds (2: copies folded into their originals' briefs).
BRIEF_REVISION = 2

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9])|\n+")


@dataclass
class IngestReport:
    """What one ingest run did."""

    read: int = 0
    kept: int = 0
    duplicates: int = 0
    already: int = 0
    failed: int = 0
    new_stories: int = 0
    updated_stories: int = 0
    merged_stories: int = 0
    split_stories: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = self.__dict__.copy()
        d["problems"] = [p.to_dict() for p in self.problems]
        return d


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Rough sentence offsets (punctuation and line breaks) for the store's sentence table."""
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        if text[start:m.start()].strip():
            spans.append((start, m.start()))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def body_of(a: Article) -> str:
    """The text an article's copies are found by: its text, or a headline-only article's headline."""
    return headline_text(a) if a.headline_only else a.text


def _place(a: Article) -> str:
    return a.url or a.source or a.id


class _Ingester:
    """The state one ingest run keeps between batches (everything is rebuilt from the store)."""

    def __init__(self, store: Store, embedder: Any, report: IngestReport, level: str = DEFAULT_LEVEL) -> None:
        self.store, self.embedder, self.report = store, embedder, report
        clusterer = store.load_clusterer(embedder.dim, level, float(getattr(embedder, "floor", 0.0)),
                                         functools.partial(reads, embedder), kind=CuratedClusterer)
        assert isinstance(clusterer, CuratedClusterer)
        clusterer.keep(store.pinned_articles(), store.apart_pairs())  # the user's decisions hold (curation.py)
        self.clusterer: Clusterer = clusterer
        clusterer.note_seen(ingest_days(store))  # undated articles' weak time signal (cluster.INGEST_SLACK_DAYS)
        self.near = NearDuplicates.load(store.signatures(), keys=store.text_keys(),
                                        text_of=store.text_of)
        self.seq = store.next_seq()
        self._copied: dict[str, str] = store.duplicate_map()  # copy -> the article it copies
        # Kept for the whole run, not per batch: a batch is checked before the one ahead of it is
        # written, so the store alone would miss a repeat or an id taken one batch earlier.
        self._seen: set[tuple[str, str]] = set()
        self._taken: set[str] = set()
        self._model = ThreadPoolExecutor(1, thread_name_prefix="storylens-featurize")
        self._ahead: tuple[list, list[Article], Future[list[Any]]] | None = None
        self.merges = self.splits = 0  # stories merged away and split in this run

    def _fresh_id(self, wanted: str, taken: set[str]) -> str:
        new, n = wanted, 1
        while new in taken or self.store.id_taken(new):
            n += 1
            new = f"{wanted}-{n}"
        taken.add(new)
        return new

    def _sort(self, batch: list[Article]) -> tuple[list[tuple[Article, str, bytes | None, Match | None]], list[Article]]:
        """Each new article with its key, signature and the article it copies; the rest are skipped."""
        rows, seen, taken = [], self._seen, self._taken
        sigs = self.near.signatures([a.text for a in batch])
        for a, sig in zip(batch, sigs):
            key = text_key(body_of(a))
            if (key, _place(a)) in seen or self.store.copy_of(key, _place(a)):
                self.report.already += 1
                continue
            seen.add((key, _place(a)))
            fresh = self._fresh_id(a.id, taken)
            if fresh != a.id:  # a copy under its stored id: the article read is not changed in place
                a = replace(a, id=fresh)
            if a.headline_only:  # exact copies only, and no signature (dedup.NearDuplicates.add_exact)
                match, sig = self.near.add_exact(a.id, body_of(a)), None
            else:
                match = self.near.add(a.id, a.text, sig)
            rows.append((a, key, sig, match))
        return rows, [a for a, _, _, m in rows if m is None]

    def run_batch(self, batch: list[Article]) -> None:
        """Check the batch for copies and start embedding it; finish the batch before it meanwhile."""
        rows, kept = self._sort(batch)
        started = self._model.submit(featurize, kept, self.embedder) if kept else _done([])
        self.finish()
        self._ahead = (rows, kept, started)

    def finish(self) -> None:
        """Cluster and write the batch whose embeddings are under way (one transaction)."""
        if self._ahead is None:
            return
        rows, kept, started = self._ahead
        self._ahead = None
        feats = started.result()
        today = time.time() / 86400.0
        for f in feats:  # an undated article stands at its ingest time, a weak signal (cluster.INGEST_SLACK_DAYS)
            if f.day is None:
                f.seen = today
        placed = [self.clusterer.add(a.id, f) for a, f in zip(kept, feats)]
        splits = [s for p in placed for s in p.splits]
        merges = [m for p in placed for m in p.merged]
        touched = {p.story for p in placed} | {s for split in splits for s in (split.story, split.new)}
        # where each article a split moved is at the end of the batch (a later merge may move it on)
        moved = {m: self.clusterer.story_of[m] for split in splits for m in split.moved}
        self.merges += len(merges)
        self.splits += len(splits)
        self._write(rows, kept, feats, touched, merges, moved)

    def close(self) -> None:
        self._model.shutdown(wait=True, cancel_futures=True)

    def _root(self, match: Match) -> str:
        """The article a copy ultimately copies (a copy of a copy leads to the first)."""
        original = match.article
        while (up := self._copied.get(original)) is not None:
            original = up
        return original

    def _write(self, rows: list, kept: list[Article], feats: list, touched: set[str],
               merges: list[tuple[str, str]], moved: dict[str, str]) -> None:
        store, now = self.store, _now()
        features = {a.id: f for a, f in zip(kept, feats)}
        with store.transaction():
            existed = store.existing_stories({*touched, *(g for g, _ in merges), *(k for _, k in merges)})
            for a, key, sig, match in rows:
                self._put(a, key, sig, match, features.get(a.id), now)
            for gone, into in merges:
                if gone in existed:
                    store.merge_story(gone, into)
            store.move_members(moved)  # after the merges: ``moved`` holds where split articles end up
            self._save_stories(touched | {k for _, k in merges}, existed, now)

    def _put(self, a: Article, key: str, sig: bytes | None, match: Match | None, f: Any, now: str) -> None:
        store = self.store
        dup = None
        if match is not None:
            original = self._root(match)
            self._copied[a.id] = original
            dup = (original, "exact" if match.exact else "near", round(match.similarity, 4))
        store.put_article(a, key=key, place=_place(a), added=now, duplicate=dup)
        if sig is not None:  # a headline-only article has none
            store.put_signature(a.id, sig)
        store.put_sentences(a.id, sentence_spans(a.text))
        if f is not None:
            store.put_features(a.id, self.embedder.name, f.dense, f.terms, f.day)
            story = self.clusterer.story_of[a.id]
            self.report.kept += 1
        else:
            story = self.clusterer.story_of.get(dup[0]) or store.story_of(dup[0])  # type: ignore[index]
            self.report.duplicates += 1
        store.put_member(a.id, story, self.seq)
        self.seq += 1

    def _save_stories(self, ids: set[str], existed: set[str], now: str) -> None:
        for sid in ids:
            s = self.clusterer.stories.get(sid)
            if s is None:
                continue
            titles = self.store.titles(s.members)
            previous = self.store.story_title(sid) if sid in existed else ""  # kept unless far less central
            title = self.store.pinned_title(sid) if sid in existed else None  # a title the user gave stays
            if title is None:
                title = central_title(s, titles, self.clusterer.index, previous=previous)
            self.store.save_story(s, title, now)
            if sid in existed:
                self.report.updated_stories += 1
            else:
                self.report.new_stories += 1


def ingest_days(store: Store) -> dict[str, float]:
    """Each stored undated article with features -> the day it was ingested (its ``added`` time): what
    the clusterer reads as an undated article's weak time signal (cluster.Features.seen)."""
    rows = store.db.execute("SELECT f.article, a.added FROM features f JOIN articles a ON a.id = f.article"
                            " WHERE f.day IS NULL")
    return {aid: day for aid, added in rows if (day := day_of(added)) is not None}


def _done(value: Any) -> Future[Any]:
    done: Future[Any] = Future()
    done.set_result(value)
    return done


def ingest(sources: Iterable[str], *, db: str, embedder: Any = None, timeout: float = 20.0,
           batch: int = BATCH, progress: Callable[[IngestReport], None] | None = None,
           level: str | None = None, waiting: Callable[[], None] | None = None, strict: bool = False,
           **settings: Any) -> IngestReport:
    """Read the sources into the store at ``db``: dedup, cluster, one transaction per batch.

    Bad inputs are counted and listed in ``report.problems``; they never stop the run. The
    embedder defaults to the configured one (``embedder`` setting); a store keeps the model it was
    built with, and another model is refused (its vectors would not compare). ``level`` ("event",
    the default for a new store, or "topic") is recorded by a new store; a store keeps its level and
    refuses another. One ingest writes to a store at a time: another one waits for it to end
    (``waiting`` is called once when it starts to wait), so two at once store what one after the
    other would. With ``strict``, an article cut at a limit is not stored: it is one of the problems.
    """
    from .ingest import iter_records

    report, started = IngestReport(), time.perf_counter()
    embedder = embedder or embedder_for(db, **settings)
    with Store(db) as store, store.writing(waiting):
        store.check_model(embedder.name)
        work = _Ingester(store, embedder, report, store.level(level))
        try:
            _feed(work, iter_records(sources, timeout=timeout, strict=strict), batch, report, progress)
            work.finish()
        finally:
            work.close()
        report.merged_stories, report.split_stories = work.merges, work.splits
    report.seconds = time.perf_counter() - started
    if progress:
        progress(report)
    return report


def embedder_for(db: str, embedder: str | None = None, **settings: Any) -> Any:
    """The embedder to ingest into ``db`` with: ``embedder`` (a spec) when given; else the
    multilingual one for a store built with it; else the configured one."""
    from .config import load_settings
    from .embed import get_embedder
    from .multilingual import NAME

    if embedder is None and Path(db).is_file():
        with Store(db) as store:
            if store.model() == NAME:
                return get_embedder("multilingual")
    return get_embedder(load_settings(embedder=embedder, **settings).embedder)


def _feed(work: _Ingester, items: Iterable[Any], batch: int, report: IngestReport,
          progress: Callable[[IngestReport], None] | None) -> None:
    pending: list[Article] = []
    for item in items:
        if isinstance(item, Problem):
            report.failed += not getattr(item, "kept", False)  # a Truncated notice: the article is kept
            report.problems.append(item)
        else:
            report.read += 1
            pending.append(item[0])
        if len(pending) >= batch:
            _run_batch(work, pending, report)
            pending = []
        if progress:
            progress(report)
    if pending:
        _run_batch(work, pending, report)


def _run_batch(work: _Ingester, batch: list[Article], report: IngestReport) -> None:
    """The batch cleaned by repetition (lines that unrelated articles of it share), then ingested; an
    article that was nothing but such lines is skipped as one left with no text."""
    kept, emptied = drop_repeated(batch)
    for a in emptied:
        report.failed += 1
        report.problems.append(Problem(a.source or a.id, REPEATED_ONLY))
    if kept:
        work.run_batch(kept)


def cluster(articles: list[Article], *, embedder: Any = None, level: str = DEFAULT_LEVEL,
            **settings: Any) -> list[Story]:
    """Stories of a set of articles without a store: copies join the story of the article they copy.
    ``level`` is "event" (one event a story, the default) or "topic" (a subject across events);
    ``embedder`` is an embedder, or a spec of the ``embedder`` setting (None: the configured one).

    Every article is in exactly one story (schema ``storylens.stories/1``).
    """
    if embedder is None or isinstance(embedder, str):
        from .config import load_settings
        from .embed import get_embedder

        embedder = get_embedder(load_settings(embedder=embedder, **settings).embedder)
    near = NearDuplicates()
    copies = near.add_many((a.id, a.text) for a in articles if not a.headline_only)
    for a in articles:  # headline-only articles: exact copies only (dedup.NearDuplicates.add_exact)
        if a.headline_only and (match := near.add_exact(a.id, body_of(a))) is not None:
            copies[a.id] = match
    kept = [a for a in articles if a.id not in copies]
    stories = cluster_articles(kept, embedder=embedder, level=level)
    story_of = {aid: s for s in stories for aid in s.articles}
    for a in articles:
        if a.id in copies:
            original = copies[a.id].article
            while original in copies:
                original = copies[original].article
            story_of[original].articles.append(a.id)
    return stories


def stories(db: str, *, since: str | None = None) -> list[Any]:
    """The stored stories (Store.stories: rows with id, title, counts, first and last seen), most
    recently seen first; ``since`` keeps those seen on or after that date (an ISO prefix)."""
    with Store(db) as store:
        return store.stories(since=since)


def show(db: str, story: str, *, embedder: Any = None, refresh: bool = False, **settings: Any) -> Brief:
    """The brief of one stored story: computed on demand, cached until the story changes.

    The analysis reads the story's original articles; their stored copies are then folded in
    (``fold_copies``): a wire story reprinted twenty times is one source, not twenty agreeing ones.
    """
    from .api import analyze

    with Store(db) as store:
        sid = store.resolve(story)
        cached = None if refresh else store.cached_brief(sid)
        if cached is not None and cached.get("revision") == BRIEF_REVISION:
            return Brief.from_dict(cached)
        version = store.story_version(sid)
        ids = store.members(sid)
        links = store.duplicate_links(ids)
        originals = [store.article(a) for a in ids if a not in links or links[a][0] not in ids]
        copies = [(store.article(a), links[a]) for a in ids if a in links and links[a][0] in ids]
        brief = analyze(articles=originals, **settings)
        fold_copies(brief, copies)
        brief.story = Story(sid, store.story_row(sid).title or brief.story.title, ids)
        store.put_brief(sid, {**brief.to_dict(), "revision": BRIEF_REVISION}, version=version)
        return brief


def remove_article(db: str, article_id: str, *, waiting: Callable[[], None] | None = None,
                   wait: bool = True) -> Removed:
    """Delete one stored article (Store.remove_article says what stays consistent and how), and log it
    among the user's decisions (curation.py; a removal is final).

    It waits for the store's writer lock like an ingest (``waiting`` is called once first), since a
    running ingest keeps the clustering state in memory; with ``wait=False`` a busy store raises
    StoreBusy instead (the web app answers 503 rather than hold a request).
    """
    from .curation import remove

    return remove(db, article_id, waiting=waiting, wait=wait)  # logged as a decision (storylens story log)


def fold_copies(brief: Brief, copies: Iterable[tuple[Article, tuple[str, str, float]]]) -> None:
    """Add stored copies to the brief of their originals.

    Each copy (with its link: original id, "exact" or "near", similarity) is listed among the
    articles, shown as one reuse of its original (the whole text), and added to the support of every
    claim whose supporting sentence in the original it repeats word for word. A claim's ``outlets``
    and kind still count independent articles only: a fact carried by one article and its reprints
    has one source.
    """
    texts = {a.id: a.text for a in brief.articles}
    for copy, (original, kind, similarity) in copies:
        brief.articles.append(copy)
        if not texts.get(original):  # not in the brief, or a headline-only article: no text to reuse
            continue
        brief.reuse.append(Reuse(Span(original, 0, len(texts[original]), texts[original]),
                                 Span(copy.id, 0, len(copy.text), copy.text), float(similarity),
                                 "verbatim" if kind == "exact" else "near"))
        for claim in brief.claims:
            span = next((sp for sp in claim.support if sp.article == original), None)
            at = copy.text.find(span.text) if span is not None and span.text else -1
            if at >= 0:
                claim.support.append(Span(copy.id, at, at + len(span.text), span.text))  # type: ignore[union-attr]
