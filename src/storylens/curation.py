"""The user's curation of stored stories (issue 16): move an article, merge two stories, split one,
rename one, remove an article; a log of these decisions and an undo.

Each decision is one transaction under the store's writer lock: the change, the constraints it
leaves for later clustering and its entry in the log (``decisions``) are stored together or not at
all. The constraints (store migration 7) are what keeps a decision through later ingests:

- an article the user placed is *pinned*: an automatic split never moves it;
- two stories the user separated (a move's source and target, a split's two parts) are kept *apart*:
  clustering never merges them again;
- a title the user gave is kept whatever articles join later.

A merge pins every article of the merged story, so no automatic split undoes it. Ingest applies them
through :class:`CuratedClusterer` (corpus.py), and the story's sums are recomputed from its members'
features after each decision, so the clusterer rebuilt from the store sees the story as the user left
it. ``undo`` reverts the newest decision still in force (a removal is final: its text is deleted, so
undo passes over it).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from .cluster import Clusterer, StoryState
from .errors import StorylensError
from .store import Removed, Store, StoreBusy, StoreError

NEW = "new"  # ``move --to new``: the article starts a story of its own
ACTIONS = ("move", "merge", "split", "rename", "remove")
# Longest story title kept (a headline is ~60-120 characters; a pasted paragraph is not a title).
MAX_TITLE = 300


class CurationError(StorylensError):
    """A curation decision that cannot be made as asked."""


class UnknownId(CurationError):
    """No stored story or article with that id."""


@dataclass
class Decision:
    """One entry of the log: when, what, a line saying it, whether (and when) it was undone."""

    id: int
    at: str
    action: str
    summary: str
    undone: str | None = None
    stories: tuple[str, ...] = ()  # the stories it left changed (where to look next)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "at": self.at, "action": self.action, "summary": self.summary,
                "undone": self.undone, "stories": list(self.stories)}


class CuratedClusterer(Clusterer):
    """The clusterer that keeps the user's decisions: it never merges two stories kept apart and never
    splits a pinned article off its story. The clustering itself is ``Clusterer``'s: these are the two
    places (``_fold``, ``_drifted_part``) where it would undo a decision."""

    def __init__(self, dim: int, **kwargs: Any) -> None:
        super().__init__(dim, **kwargs)
        self.pinned: frozenset[str] = frozenset()
        self.apart: set[frozenset[str]] = set()

    def keep(self, pinned: Sequence[str] | set[str] | dict[str, str], apart: set[frozenset[str]]) -> None:
        """The decisions to keep: pinned article ids, pairs of story ids kept apart."""
        self.pinned = frozenset(pinned)
        self.apart = set(apart)

    def _fold(self, a: StoryState, b: StoryState) -> StoryState:
        if frozenset((a.id, b.id)) in self.apart:
            return a  # the user kept them apart: no merge
        keep = super()._fold(a, b)
        gone = b.id if keep is a else a.id
        if self.apart:  # the pairs follow the merged story to the one that absorbed it
            self.apart = {frozenset(keep.id if s == gone else s for s in p) for p in self.apart}
            self.apart = {p for p in self.apart if len(p) == 2}
        return keep

    def _drifted_part(self, members: list[str]) -> list[str] | None:
        away = super()._drifted_part(members)
        if away is not None and self.pinned.intersection(away):
            return None  # it would move an article the user placed
        return away


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


@contextmanager
def _writing(db: str, waiting: Callable[[], None] | None, wait: bool) -> Iterator[Store]:
    """The store, its writer lock held (a running ingest keeps clustering state in memory) and one
    transaction open. With ``wait=False`` a busy store raises StoreBusy at once (the web app's 503)."""

    def busy() -> None:
        if not wait:
            raise StoreBusy("another ingest is writing to the store; try again when it ends", db)
        if waiting is not None:
            waiting()

    with Store(db) as store, store.writing(busy), store.transaction():
        yield store


def _story(store: Store, story: str) -> str:
    try:
        return store.resolve(story)
    except StoreError:
        raise UnknownId(f"no story with id '{story}' (see `storylens stories`)", store.path) from None


def _story_of(store: Store, article: str) -> str:
    story = store.story_of(article) if store.id_taken(article) else None
    if story is None:
        raise UnknownId(f"no article with id '{article}' in a story (see `storylens show STORY`)", store.path)
    return story


def _record(store: Store, action: str, summary: str) -> int:
    cur = store.db.execute("INSERT INTO decisions (at, action, summary, data) VALUES (?,?,?,'{}')",
                           (_now(), action, summary))
    return int(cur.lastrowid or 0)


def _finish(store: Store, did: int, data: dict[str, Any], stories: Sequence[str]) -> Decision:
    data["stories"] = list(stories)
    store.db.execute("UPDATE decisions SET data=? WHERE id=?", (json.dumps(data), did))
    at, action, summary = store.db.execute("SELECT at, action, summary FROM decisions WHERE id=?", (did,)).fetchone()
    return Decision(did, at, action, summary, None, tuple(stories))


def _pin(store: Store, ids: Sequence[str], story: str, did: int) -> dict[str, Any]:
    """Pin ``ids`` to ``story``; what the pins were before (for undo)."""
    before = {a: store.db.execute("SELECT story, decision FROM pins WHERE article=?", (a,)).fetchone() for a in ids}
    store.db.executemany("INSERT OR REPLACE INTO pins VALUES (?,?,?)", [(a, story, did) for a in ids])
    return {a: list(row) if row else None for a, row in before.items()}


def _keep_apart(store: Store, a: str, b: str, did: int) -> list[list[str]]:
    """Keep stories ``a`` and ``b`` apart; the pair added ([] when it was there)."""
    pair = sorted((a, b))
    cur = store.db.execute("INSERT OR IGNORE INTO apart VALUES (?,?,?)", (*pair, did))
    return [pair] if cur.rowcount else []


def _titles(store: Store, stories: Sequence[str]) -> dict[str, str]:
    """The stories' titles before a decision (undo gives them back: choosing a title again after the
    articles return can keep the one the decision led to)."""
    return {sid: store.story_record(sid)[0] for sid in stories}


def _restore_titles(store: Store, titles: dict[str, str]) -> None:
    for sid, title in titles.items():
        current = store.alias_of(sid)
        if store.story_version(current) is not None and store.pinned_title(current) is None:
            store.db.execute("UPDATE stories SET title=? WHERE id=?", (title, current))


def _restore_pins(store: Store, before: dict[str, Any]) -> None:
    for article, row in before.items():
        store.db.execute("DELETE FROM pins WHERE article=?", (article,))
        if row is not None and store.id_taken(article):
            store.db.execute("INSERT INTO pins VALUES (?,?,?)", (article, *row))


def move(db: str, article: str, to: str, *, waiting: Callable[[], None] | None = None,
         wait: bool = True) -> Decision:
    """Move ``article`` (with its copies) to story ``to``, or to a story of its own when ``to`` is
    "new". It stays there: it is pinned, and its old and new stories are kept apart."""
    with _writing(db, waiting, wait) as store:
        source = _story_of(store, article)
        target = None if to == NEW else _story(store, to)
        if target == source:
            raise CurationError(f"article '{article}' is already in story '{source}'", db)
        now = _now()
        title, born, version = store.story_record(source)
        titles = _titles(store, [source] if target is None else [source, target])
        did = _record(store, "move", "")
        if target is None:
            target = store.new_story(article, now)
        moved = store.place([article], target)
        data: dict[str, Any] = {"titles": titles, "article": article, "moved": moved, "source": source, "target": target,
                                "created": to == NEW, "source_row": [title, born, version],
                                "pins": _pin(store, moved, target, did),
                                "apart": _keep_apart(store, source, target, did)}
        store.resum(target, now)
        data["source_gone"] = store.resum(source, now)
        if data["source_gone"]:  # the old story's address leads to where its last article went
            store.db.execute("INSERT OR REPLACE INTO story_aliases VALUES (?,?)", (source, target))
        summary = (f"moved article {article} from story {source} to "
                   f"{'a new story ' if to == NEW else 'story '}{target}"
                   + (f" (with {len(moved) - 1} cop{'y' if len(moved) == 2 else 'ies'} of it)" if len(moved) > 1 else ""))
        store.db.execute("UPDATE decisions SET summary=? WHERE id=?", (summary, did))
        return _finish(store, did, data, [target] if data["source_gone"] else [source, target])


def merge(db: str, a: str, b: str, *, waiting: Callable[[], None] | None = None, wait: bool = True) -> Decision:
    """Merge story ``b`` into story ``a``: ``a`` keeps its id and title, ``b``'s id leads to it. It
    stays merged: every article of both is pinned, so no automatic split takes them apart."""
    with _writing(db, waiting, wait) as store:
        keep, gone = _story(store, a), _story(store, b)
        if keep == gone:
            raise CurationError(f"stories '{a}' and '{b}' are already one story ({keep})", db)
        now = _now()
        did = _record(store, "merge", f"merged story {gone} into story {keep}")
        moved = store.members(gone)
        apart = store.db.execute("SELECT a, b, decision FROM apart").fetchall()
        data: dict[str, Any] = {
            "titles": _titles(store, [keep, gone]), "keep": keep, "gone": gone, "moved": moved, "gone_row": list(store.story_record(gone)),
            "aliases": [r[0] for r in store.db.execute("SELECT old FROM story_aliases WHERE new=?", (gone,))],
            "title": store.pinned_title(gone) and list(store.db.execute(
                "SELECT title, decision FROM titles WHERE story=?", (gone,)).fetchone()),
            "apart_removed": [list(r) for r in apart
                              if {store.alias_of(r[0]), store.alias_of(r[1])} == {keep, gone}],
            "pins": _pin(store, [*store.members(keep), *moved], keep, did)}
        for x, y, _ in data["apart_removed"]:  # the user's merge overrides an earlier "keep apart"
            store.db.execute("DELETE FROM apart WHERE a=? AND b=?", (x, y))
        store.db.execute("DELETE FROM titles WHERE story=?", (gone,))  # the merged story keeps a's title
        store.merge_story(gone, keep)
        store.resum(keep, now)
        if store.pinned_title(keep) is None:  # a's title, not one chosen again among b's articles
            store.db.execute("UPDATE stories SET title=? WHERE id=?", (data["titles"][keep], keep))
        return _finish(store, did, data, [keep])


def split(db: str, story: str, articles: Sequence[str], *, waiting: Callable[[], None] | None = None,
          wait: bool = True) -> Decision:
    """Move ``articles`` of ``story`` (with their copies) to a new story of their own. It stays
    split: they are pinned to the new story, and the two stories are kept apart."""
    if not articles:
        raise CurationError("name at least one article of the story to split off", story)
    with _writing(db, waiting, wait) as store:
        source = _story(store, story)
        for article in articles:
            if _story_of(store, article) != source:
                raise CurationError(f"article '{article}' is not in story '{source}'", db)
        members = set(store.members(source))
        now = _now()
        did = _record(store, "split", "")
        titles = _titles(store, [source])
        target = store.new_story(articles[0], now)
        moved = store.place(articles, target)
        if set(moved) == members:
            raise CurationError(f"that is every article of story '{source}'; split off fewer (or rename it)", db)
        data = {"titles": titles, "source": source, "target": target, "moved": moved, "pins": _pin(store, moved, target, did),
                "apart": _keep_apart(store, source, target, did)}
        store.resum(source, now)
        store.resum(target, now)
        summary = f"split {len(moved)} article{'s' * (len(moved) != 1)} of story {source} into new story {target}"
        store.db.execute("UPDATE decisions SET summary=? WHERE id=?", (summary, did))
        return _finish(store, did, data, [source, target])


def rename(db: str, story: str, title: str, *, waiting: Callable[[], None] | None = None,
           wait: bool = True) -> Decision:
    """Give ``story`` the title ``title`` (one line); later ingests keep it."""
    title = " ".join(title.split())
    if not title:
        raise CurationError("a story's title cannot be empty", story)
    if len(title) > MAX_TITLE:
        raise CurationError(f"a title of {len(title)} characters; at most {MAX_TITLE}", story)
    with _writing(db, waiting, wait) as store:
        sid = _story(store, story)
        row = store.db.execute("SELECT title, decision FROM titles WHERE story=?", (sid,)).fetchone()
        before = store.story_record(sid)[0]
        did = _record(store, "rename", f"renamed story {sid} from {json.dumps(before, ensure_ascii=False)} to "
                                       f"{json.dumps(title, ensure_ascii=False)}")
        store.db.execute("INSERT OR REPLACE INTO titles VALUES (?,?,?)", (sid, title, did))
        store.set_title(sid, title)
        return _finish(store, did, {"story": sid, "before": before, "pin": list(row) if row else None}, [sid])


def remove(db: str, article: str, *, waiting: Callable[[], None] | None = None, wait: bool = True) -> Removed:
    """Delete a stored article (Store.remove_article), logged as a decision. Final: undo passes over it."""
    with Store(db) as store:
        if not store.id_taken(article):
            raise UnknownId(f"no article with id '{article}' (see `storylens show STORY`)", db)

        def busy() -> None:
            if not wait:
                raise StoreBusy("another ingest is writing to the store; try again when it ends", db)
            if waiting is not None:
                waiting()

        def log(done: Removed) -> None:
            where = f" from story {done.story}" if done.story else ""
            did = _record(store, "remove", f"removed article {article}{where} (final)")
            _finish(store, did, done.to_dict(), [done.story] if done.story and not done.story_gone else [])

        with store.writing(busy):
            return store.remove_article(article, _now(), log=log)


def undo(db: str, *, waiting: Callable[[], None] | None = None, wait: bool = True) -> Decision:
    """Revert the newest decision still in force (a removal is final and passed over); the decision
    it reverted, now marked undone."""
    with _writing(db, waiting, wait) as store:
        row = store.db.execute("SELECT id, action, data FROM decisions WHERE undone IS NULL AND action != 'remove'"
                               " ORDER BY id DESC LIMIT 1").fetchone()
        if row is None:
            raise CurationError("no decision to undo (see `storylens story log`)", db)
        did, action, raw = row
        data, now = json.loads(raw), _now()
        stories = _UNDO[action](store, data, now)
        store.db.execute("UPDATE decisions SET undone=? WHERE id=?", (now, did))
        for table in ("pins", "apart", "titles"):  # constraints this decision made and nothing replaced
            store.db.execute(f"DELETE FROM {table} WHERE decision=?", (did,))
        _restore_pins(store, data.get("pins", {}))
        _restore_titles(store, data.get("titles", {}))
        at, summary = store.db.execute("SELECT at, summary FROM decisions WHERE id=?", (did,)).fetchone()
        return Decision(did, at, action, summary, now, tuple(s for s in stories if store.story_version(s)))


def _undo_move(store: Store, data: dict[str, Any], now: str) -> list[str]:
    source = store.alias_of(data["source"])
    if data["source_gone"]:
        title, born, version = data["source_row"]
        source = store.new_story("", now, sid=data["source"], title=title, born=born, version=version)
    target = store.alias_of(data["target"])
    store.place([a for a in data["moved"] if store.id_taken(a)], source)
    store.resum(source, now)
    if store.story_version(target) is not None:
        store.resum(target, now)  # deleted when the move had created it and nothing joined since
    return [source, target]


def _undo_merge(store: Store, data: dict[str, Any], now: str) -> list[str]:
    keep = store.alias_of(data["keep"])
    title, born, version = data["gone_row"]
    gone = store.new_story("", now, sid=data["gone"], title=title, born=born, version=version)
    store.db.executemany("UPDATE story_aliases SET new=? WHERE old=?", [(gone, old) for old in data["aliases"]])
    store.place([a for a in data["moved"] if store.id_taken(a)], gone)
    store.db.executemany("INSERT OR IGNORE INTO apart VALUES (?,?,?)", data["apart_removed"])
    if data["title"]:
        store.db.execute("INSERT OR REPLACE INTO titles VALUES (?,?,?)", (gone, *data["title"]))
    for sid in (gone, keep):
        store.resum(sid, now)
    return [keep, gone]


def _undo_split(store: Store, data: dict[str, Any], now: str) -> list[str]:
    source, target = store.alias_of(data["source"]), store.alias_of(data["target"])
    # the new story still on its own goes back whole (with what joined it since); else the articles split off
    back = store.members(target) if target == data["target"] else [a for a in data["moved"] if store.id_taken(a)]
    store.place(back, source)
    if store.resum(target, now):
        store.db.execute("INSERT OR REPLACE INTO story_aliases VALUES (?,?)", (data["target"], source))
    store.resum(source, now)
    return [source]


def _undo_rename(store: Store, data: dict[str, Any], now: str) -> list[str]:
    sid = store.alias_of(data["story"])
    store.db.execute("DELETE FROM titles WHERE story=?", (sid,))
    if data["pin"]:
        store.db.execute("INSERT INTO titles VALUES (?,?,?)", (sid, *data["pin"]))
    store.set_title(sid, data["pin"][0] if data["pin"] else data["before"])
    return [sid]


_UNDO: dict[str, Callable[[Store, dict[str, Any], str], list[str]]] = {
    "move": _undo_move, "merge": _undo_merge, "split": _undo_split, "rename": _undo_rename}


def log(db: str, *, limit: int | None = None) -> list[Decision]:
    """The user's decisions, newest first."""
    with Store(db) as store:
        rows = store.db.execute("SELECT id, at, action, summary, undone, data FROM decisions ORDER BY id DESC"
                                f" LIMIT {int(limit) if limit is not None else -1}").fetchall()
    return [Decision(i, at, action, summary, undone, tuple(json.loads(data).get("stories", [])))
            for i, at, action, summary, undone, data in rows]
