"""What the web app reads from the store: story lists, briefs (computed once, then cached), articles.

Every call opens its own short-lived :class:`Store` connection (SQLite connections stay in the thread
that made them, and FastAPI runs these calls in its thread pool); with WAL, readers go on while the
one ingest job writes. Analysing a story takes seconds, so it runs once at a time under a lock and
the result is kept both in the store (as ``storylens show`` does) and in a small in-memory cache
keyed by the story's version, which goes up whenever the story changes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import quote

from ..errors import StorylensError
from ..model import Article, Brief, Span
from ..render.highlight import span_anchor
from ..render.html import Links
from ..store import Removed, Store, StoryRow

# Briefs and rendered story pages kept in memory. A brief of a ~10-article story is ~100 KB as
# objects and a page ~50-100 KB of HTML (with its gzip copy, a tenth of that; fastpath.CachedPage);
# 64 of each stays under ~15 MB and covers the stories a newsroom has open at once (a 100-article
# story's page is 1.3 MB). Older entries are dropped first.
CACHE_ENTRIES = 64

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class NotFound(StorylensError):
    """No story or article with that id."""


class LRU(Generic[K, V]):
    """A small thread-safe least-recently-used cache."""

    def __init__(self, size: int = CACHE_ENTRIES) -> None:
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: K, value: V) -> V:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value


class WebLinks(Links):
    """Links of the web app: every statement leads to its article's page, the span highlighted."""

    def article(self, article_id: str) -> str:
        return article_path(article_id)

    def span(self, span: Span) -> str:
        return f"{article_path(span.article)}?hl={span.start}-{span.end}#{span_anchor(span)}"


def article_path(article_id: str) -> str:
    return "/articles/" + quote(article_id, safe="")


def story_path(story_id: str) -> str:
    return "/stories/" + quote(story_id, safe="")


@dataclass
class StoryPage:
    """One page of the story list."""

    rows: list[StoryRow]
    outlets: dict[str, list[str]]
    total: int


class Library:
    """The store as the web app sees it."""

    def __init__(self, db: str, analyze: Callable[[str, str], Brief] | None = None) -> None:
        self.db = db
        self._analyze = analyze or _show
        self._analysis = threading.Lock()  # one analysis at a time: each uses both cores for seconds
        self.briefs: LRU[tuple[str, int], Brief] = LRU()
        self.pages: LRU[tuple[str, int, str], Any] = LRU()  # fastpath.CachedPage
        self.listings: LRU[tuple[Any, ...], StoryPage] = LRU()

    def store(self) -> Store:
        return Store(self.db)

    def stories(self, query: str | None, limit: int, offset: int) -> StoryPage:
        """A page of the story list; kept in memory until the store changes (listing a 10k-article
        store reads every article's index entry, ~35 ms; the stamp costs well under 1 ms)."""
        with self.store() as store:
            key = (store.stamp(), query, limit, offset)
            if (found := self.listings.get(key)) is not None:
                return found
            rows, total = store.list_stories(query, limit=limit, offset=offset)
            return self.listings.put(key, StoryPage(rows, store.outlets_of([r.id for r in rows]), total))

    def version(self, story: str) -> tuple[str, int]:
        """The current id of a story (merged ids lead to the story that absorbed it) and its version."""
        with self.store() as store:
            try:
                sid = store.resolve(story)
            except StorylensError:
                raise NotFound(f"no story with id '{story}'") from None
            return sid, store.story_version(sid) or 0

    def brief(self, story: str) -> Brief:
        """The brief of a story: from memory, else the store's cache, else analysed now (seconds)."""
        key = self.version(story)
        if (found := self.briefs.get(key)) is not None:
            return found
        with self._analysis:
            if (found := self.briefs.get(key)) is not None:
                return found  # another request analysed it while this one waited
            return self.briefs.put(key, self._analyze(self.db, key[0]))

    def article(self, article_id: str) -> tuple[Article, str | None]:
        """An article and the id of its story."""
        with self.store() as store:
            try:
                article = store.article(article_id)
            except StorylensError:
                raise NotFound(f"no article with id '{article_id}'") from None
            return article, store.story_of(article_id)

    def remove(self, article_id: str) -> Removed:
        """Delete a stored article (corpus.remove_article). While an ingest job or another process
        writes to the store this raises StoreBusy at once (a 503) rather than hold the request."""
        from ..corpus import remove_article

        with self.store() as store:
            if not store.id_taken(article_id):
                raise NotFound(f"no article with id '{article_id}'")
        return remove_article(self.db, article_id, wait=False)

    def curate(self, action: str, *args: Any) -> Any:
        """A curation decision (curation.py: "move", "merge", "split", "rename" or "undo") with its
        arguments after the store. Unknown ids are NotFound (a 404); while an ingest writes, StoreBusy
        at once (a 503), as for a removal."""
        from .. import curation

        if action not in ("move", "merge", "split", "rename", "undo"):
            raise NotFound(f"no curation action '{action}'")
        try:
            return getattr(curation, action)(self.db, *args, wait=False)
        except curation.UnknownId as exc:
            raise NotFound(exc.reason) from None

    def current(self, story: str) -> str | None:
        """The current id of a story (merged ids lead on), or None when it is gone."""
        try:
            return self.version(story)[0]
        except NotFound:
            return None

    def duplicate_of(self, article_id: str) -> tuple[str, str, float] | None:
        with self.store() as store:
            return store.duplicate_links([article_id]).get(article_id)


def _show(db: str, story: str) -> Brief:
    from ..corpus import show

    return show(db, story)
