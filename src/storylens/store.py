"""SQLite persistence for corpus mode: articles, sentences, features, stories, briefs.

One database file (stdlib ``sqlite3``), WAL journal, a schema version in ``PRAGMA user_version`` moved
forward by the MIGRATIONS list, and one transaction per ingest batch: a batch is stored whole or not
at all, so an interrupted ingest loses nothing that was committed and a rerun carries on.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

try:  # POSIX file locks; elsewhere one writer at a time is the user's to keep
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

from .cluster import DEFAULT_LEVEL, Clusterer, SavedMember, SavedStory, StoryState, level_of
from .errors import StorylensError
from .model import Article

# Each entry moves the schema from version i to i + 1; never edit one that has shipped, add another.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE articles (
        id TEXT PRIMARY KEY,
        key TEXT NOT NULL,            -- hash of the normalised text (exact duplicates share it)
        place TEXT NOT NULL,          -- URL, else the input it came from: same key + place = same article
        title TEXT NOT NULL DEFAULT '', outlet TEXT, author TEXT, url TEXT, published TEXT,
        language TEXT, source TEXT, text TEXT NOT NULL, removed TEXT NOT NULL DEFAULT '[]',
        added TEXT NOT NULL,
        duplicate_of TEXT REFERENCES articles(id),
        duplicate_kind TEXT,          -- 'exact' or 'near'
        duplicate_similarity REAL
    );
    CREATE UNIQUE INDEX articles_copy ON articles(key, place);
    CREATE INDEX articles_key ON articles(key);
    CREATE TABLE sentences (
        article TEXT NOT NULL REFERENCES articles(id), n INTEGER NOT NULL,
        start INTEGER NOT NULL, end INTEGER NOT NULL, PRIMARY KEY (article, n)
    );
    CREATE TABLE features (
        article TEXT PRIMARY KEY REFERENCES articles(id),
        model TEXT NOT NULL, vector BLOB NOT NULL, terms TEXT NOT NULL, day REAL
    );
    CREATE TABLE signatures (article TEXT PRIMARY KEY REFERENCES articles(id), signature BLOB NOT NULL);
    CREATE TABLE stories (
        id TEXT PRIMARY KEY, title TEXT NOT NULL DEFAULT '', born INTEGER NOT NULL,
        version INTEGER NOT NULL DEFAULT 1, n INTEGER NOT NULL, dense BLOB NOT NULL, terms TEXT NOT NULL,
        first_day REAL, last_day REAL, updated TEXT NOT NULL
    );
    CREATE TABLE membership (
        article TEXT PRIMARY KEY REFERENCES articles(id), story TEXT NOT NULL, seq INTEGER NOT NULL
    );
    CREATE INDEX membership_story ON membership(story);
    CREATE TABLE story_aliases (old TEXT PRIMARY KEY, new TEXT NOT NULL);
    CREATE TABLE briefs (story TEXT PRIMARY KEY, version INTEGER NOT NULL, brief TEXT NOT NULL);
    """,
    # 2: full-text search over article titles and text (the web app's search box). An external-content
    # FTS5 index: the text is stored once (in ``articles``), triggers keep the index in step with every
    # write, and 'rebuild' indexes what an older store already holds. The index is keyed by the
    # articles' rowid, which only VACUUM could renumber: the store never runs it, and
    # Store.reindex_search() rebuilds the index if someone does.
    """
    CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='articles',
                                                 tokenize='unicode61 remove_diacritics 2');
    CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
    END;
    CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
    END;
    CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
    END;
    INSERT INTO articles_fts(articles_fts) VALUES ('rebuild');
    """,
    # 3: the story list (newest first, outlets, counts) reads six small columns of every article; in the
    # table row they sit around the text, so each read walked the text's overflow pages. This covering
    # index holds them alone: listing the 10k-article store of bench_web.py took 38 ms instead of 66 ms
    # (medians of 10, same run, load average ~5.5 on 2 cores).
    """
    CREATE INDEX articles_listing ON articles(id, outlet, url, published, added, duplicate_of);
    """,
    # 4: search indexes original articles only. A copy's text is its original's (same story, same
    # words but for a few edits), and indexing every wire reprint was ~15% of ingest's own (non-model)
    # time: 6,000 articles of the bench_scale corpus, 85% copies, ingested in 29.8-31.1 s with the
    # index against 24.1-26.0 s without (fake embedder, two rounds). Words found only in a copy's edits
    # are not searchable; the story is, through its original.
    """
    DROP TRIGGER articles_fts_insert;
    DROP TRIGGER articles_fts_delete;
    DROP TRIGGER articles_fts_update;
    INSERT INTO articles_fts(articles_fts, rowid, title, text)
        SELECT 'delete', rowid, title, text FROM articles WHERE duplicate_of IS NOT NULL;
    CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles WHEN new.duplicate_of IS NULL BEGIN
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
    END;
    CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles WHEN old.duplicate_of IS NULL BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
    END;
    CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text, duplicate_of ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text)
            SELECT 'delete', old.rowid, old.title, old.text WHERE old.duplicate_of IS NULL;
        INSERT INTO articles_fts(rowid, title, text)
            SELECT new.rowid, new.title, new.text WHERE new.duplicate_of IS NULL;
    END;
    """,
    # 5: settings a store is built with and keeps (the clustering level). A store made before this
    # has none recorded: it clustered at the only level there was then, "event".
    """
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    INSERT INTO settings SELECT 'level', 'event' WHERE EXISTS (SELECT 1 FROM stories);
    """,
    # 6: an article's description (issue 16): the short summary a headline-only item may carry (its
    # text is empty; it is clustered on title and description). Older articles have none.
    """
    ALTER TABLE articles ADD COLUMN description TEXT;
    """,
    # 7: the user's curation decisions (issue 16; curation.py): the log (what was done, and what undo
    # needs), and the constraints later clustering keeps: articles the user placed (an automatic split
    # never moves them), pairs of stories the user kept apart (never merged again) and titles the user
    # gave (kept through every later ingest). Each constraint names the decision that made it.
    """
    CREATE TABLE decisions (
        id INTEGER PRIMARY KEY, at TEXT NOT NULL, action TEXT NOT NULL, summary TEXT NOT NULL,
        data TEXT NOT NULL, undone TEXT
    );
    CREATE TABLE pins (article TEXT PRIMARY KEY, story TEXT NOT NULL, decision INTEGER NOT NULL);
    CREATE TABLE apart (a TEXT NOT NULL, b TEXT NOT NULL, decision INTEGER NOT NULL, PRIMARY KEY (a, b));
    CREATE TABLE titles (story TEXT PRIMARY KEY, title TEXT NOT NULL, decision INTEGER NOT NULL);
    """,
    # 8: an article's blocks (issue 16): what each paragraph of an HTML page's text is (heading,
    # paragraph, list item, table row), as JSON; the analysis of a stored story reads no heading or
    # table row as a sentence. NULL for plain-text articles and for those stored before.
    """
    ALTER TABLE articles ADD COLUMN blocks TEXT;
    """,
]

# Seconds a statement waits for another connection's write to end before "database is locked". An
# ingest batch commits in well under a second (BATCH in corpus.py); 30 s covers a slow disk and a
# page view that waits behind a migration.
BUSY_SECONDS = 30.0

_TABLES = frozenset({"articles", "sentences", "features", "signatures", "stories", "membership", "briefs",
                     "settings", "decisions", "pins", "apart", "titles"})


# Words of a search query used: a search box holds a few words; the cap bounds what one request can
# ask of the index (a pasted paragraph would otherwise become a query of hundreds of terms).
MAX_SEARCH_WORDS = 32
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def fts_query(text: str) -> str | None:
    """A user's search words as an FTS5 query that cannot be a syntax error: every word becomes a
    quoted string (inner quotes doubled), all of them required. None when no word is left."""
    words = _CONTROL.sub(" ", text).split()[:MAX_SEARCH_WORDS]
    if not words:
        return None
    return " ".join('"' + w.replace('"', '""') + '"' for w in words)


def statements(script: str) -> list[str]:
    """The SQL statements of a script, one each (a trigger's body stays with its CREATE TRIGGER)."""
    out, part = [], ""
    for piece in script.split(";"):
        part += piece + ";"
        if sqlite3.complete_statement(part):
            if part.strip(" \n;"):
                out.append(part.strip())
            part = ""
    return out


class _Vectors:
    """Stored feature vectors by article id, read as cluster.central_title reads a VectorIndex."""

    def __init__(self, vectors: dict[str, np.ndarray]) -> None:
        self._vectors = vectors

    def vector(self, key: str) -> np.ndarray:
        return self._vectors[key]


class StoreError(StorylensError):
    """The database cannot be opened or used."""


class StoreBusy(StoreError):
    """Another process holds the store's writer lock."""


@dataclass
class StoryRow:
    """A story as ``stories`` lists it."""

    id: str
    title: str
    articles: int
    outlets: int
    first_seen: str
    last_seen: str
    version: int
    duplicates: int = 0
    dated: int = 0  # articles with a publication date: none, and the story's dates are unknown (seen = ingested)

    def to_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


@dataclass
class Removed:
    """What ``Store.remove_article`` did: the article, its story, the copy that took its place (if
    any) and whether the story went with it."""

    article: str
    story: str | None
    heir: str | None
    story_gone: bool

    def to_dict(self) -> dict[str, Any]:
        return {"article": self.article, "story": self.story, "heir": self.heir, "story_gone": self.story_gone}


class Store:
    """An open storylens database."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None, timeout=BUSY_SECONDS)
            self._when_free(lambda: self.db.execute("PRAGMA journal_mode=WAL"))
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self._when_free(self._migrate)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"not a usable storylens database ({exc})", self.path) from exc

    def _when_free(self, step: Callable[[], Any]) -> None:
        """Run ``step``, again while SQLite says the database is locked: turning a fresh file to WAL
        while another process opens it fails at once, without SQLite's busy wait (seen 1 in 30 runs
        of 10 processes opening one new store)."""
        deadline = time.monotonic() + BUSY_SECONDS
        while True:
            try:
                step()
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:  # noqa: PYI034
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _migrate(self) -> None:
        if self._version() == len(MIGRATIONS):
            return
        # The version is read again under the write lock: two processes opening a fresh store at once
        # both see version 0, and the second must find the first one's tables, not create them again
        # ("table articles already exists": issue 18, defect 10). All steps are one transaction.
        self.db.execute("BEGIN IMMEDIATE")
        try:
            for step in range(self._version(), len(MIGRATIONS)):
                for statement in statements(MIGRATIONS[step]):  # executescript would COMMIT first
                    self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version = {step + 1}")
            self.db.execute("COMMIT")
        except BaseException:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise

    def _version(self) -> int:
        version = int(self.db.execute("PRAGMA user_version").fetchone()[0])
        if version > len(MIGRATIONS):
            raise StoreError(f"made by a newer storylens (schema {version}, this one knows "
                             f"{len(MIGRATIONS)})", self.path)
        return version

    @contextmanager
    def writing(self, waiting: Callable[[], None] | None = None) -> Iterator[None]:
        """Hold the store's writer lock (a file beside it, ``PATH-lock``) for a whole run: ingest keeps
        the clustering state in memory from start to end, so a second ingest that wrote between its
        batches would cluster against a store it does not see (two halves at once made 58 stories
        instead of 52, or hit a UNIQUE constraint). A second writer waits, calling ``waiting`` once
        first; readers never wait. The lock goes with the process, kill -9 included."""
        if fcntl is None or self.path == ":memory:" or self.path.startswith("file:"):
            yield
            return
        try:
            lock = open(self.path + "-lock", "ab")  # noqa: SIM115 - held open for the whole run
        except OSError as exc:
            raise StoreError(f"cannot create the store's lock file ({exc.strerror or exc})", self.path) from exc
        try:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if waiting is not None:
                    waiting()
                fcntl.flock(lock, fcntl.LOCK_EX)
            yield
        finally:
            lock.close()  # closing the file releases the lock

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- articles -------------------------------------------------------------------------------
    def copy_of(self, key: str, place: str) -> str | None:
        """The id of the stored article with this text from this place (the same article), if any."""
        row = self.db.execute("SELECT id FROM articles WHERE key=? AND place=?", (key, place)).fetchone()
        return row[0] if row else None

    def original(self, key: str) -> str | None:
        """The first stored article that is not itself a duplicate, with this text key."""
        row = self.db.execute("SELECT id FROM articles WHERE key=? AND duplicate_of IS NULL "
                              "ORDER BY rowid LIMIT 1", (key,)).fetchone()
        return row[0] if row else None

    def id_taken(self, article_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM articles WHERE id=?", (article_id,)).fetchone() is not None

    def put_article(self, a: Article, *, key: str, place: str, added: str,
                    duplicate: tuple[str, str, float] | None = None) -> None:
        """Insert one article (``duplicate`` = (original id, 'exact'|'near', similarity))."""
        dup = duplicate or (None, None, None)
        self.db.execute(
            "INSERT INTO articles (id, key, place, title, outlet, author, url, published, language, source,"
            " text, removed, added, duplicate_of, duplicate_kind, duplicate_similarity, description, blocks)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (a.id, key, place, a.title or "", a.outlet, a.author, a.url, a.published, a.language, a.source,
             a.text, json.dumps(a.removed), added, *dup, a.description,
             None if a.blocks is None else json.dumps([b.to_dict() for b in a.blocks])))

    def put_sentences(self, article_id: str, spans: Sequence[tuple[int, int]]) -> None:
        self.db.executemany("INSERT INTO sentences VALUES (?,?,?,?)",
                            [(article_id, n, a, z) for n, (a, z) in enumerate(spans)])

    def put_features(self, article_id: str, model: str, vector: np.ndarray, terms: dict[str, float],
                     day: float | None) -> None:
        self.db.execute("INSERT INTO features VALUES (?,?,?,?,?)",
                        (article_id, model, vector.astype(np.float32).tobytes(),
                         json.dumps(terms, separators=(",", ":")), day))

    def model(self) -> str | None:
        """The name of the embedding model the store was built with (None while it has no article)."""
        row = self.db.execute("SELECT model FROM features LIMIT 1").fetchone()
        return str(row[0]) if row else None

    def check_model(self, model: str) -> None:
        """Refuse to mix embedding models in one store."""
        built = self.model()
        if built is not None and built != model:
            raise StoreError(f"built with the embedder '{built}', not '{model}'; use that one or a new "
                             "--db", self.path)

    def level(self, wanted: str | None = None) -> str:
        """The clustering level this store is built at, recording ``wanted`` (else the default) in a
        new store; a store built at another level refuses ``wanted`` (its stories were cut otherwise)."""
        row = self.db.execute("SELECT value FROM settings WHERE key='level'").fetchone()
        if row is not None and wanted is not None and wanted != row[0] and not self.count("stories"):
            row = None  # recorded by a run that stored nothing: nothing was cut at that level yet
        if row is not None:
            if wanted is not None and wanted != row[0]:
                raise StoreError(f"its stories are clustered at the {row[0]} level, not {wanted}; use "
                                 f"--level {row[0]} or a new --db", self.path)
            return str(row[0])
        name = wanted or DEFAULT_LEVEL
        level_of(name)  # an unknown name is a ConfigError before anything is recorded
        self.db.execute("INSERT OR REPLACE INTO settings VALUES ('level', ?)", (name,))
        return name

    def put_signature(self, article_id: str, signature: bytes) -> None:
        self.db.execute("INSERT INTO signatures VALUES (?,?)", (article_id, signature))

    def signatures(self) -> Iterator[tuple[str, bytes]]:
        yield from self.db.execute("SELECT article, signature FROM signatures ORDER BY rowid")

    def article(self, article_id: str) -> Article:
        row = self.db.execute(
            "SELECT id, text, title, outlet, author, url, published, language, source, removed, description,"
            " blocks"
            " FROM articles WHERE id=?", (article_id,)).fetchone()
        if row is None:
            raise StoreError(f"no article with id '{article_id}'", self.path)
        return Article(*row[:9], removed=json.loads(row[9]), description=row[10],
                       blocks=None if row[11] is None else json.loads(row[11]))

    def duplicate_links(self, ids: Sequence[str]) -> dict[str, tuple[str, str, float]]:
        """For each duplicate among ``ids``: (original id, kind, similarity)."""
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(f"SELECT id, duplicate_of, duplicate_kind, duplicate_similarity FROM articles "
                               f"WHERE id IN ({marks}) AND duplicate_of IS NOT NULL", list(ids))
        return {r[0]: (r[1], r[2], r[3]) for r in rows}

    def text_keys(self) -> dict[str, str]:
        """Article id -> text key, in arrival order."""
        return dict(self.db.execute("SELECT id, key FROM articles ORDER BY rowid"))

    def text_of(self, article_id: str) -> str | None:
        row = self.db.execute("SELECT text FROM articles WHERE id=?", (article_id,)).fetchone()
        return row[0] if row else None

    def titles(self, ids: Sequence[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for k in range(0, len(ids), 900):  # SQLite's bound-parameter limit is 999 on old builds
            chunk = list(ids[k:k + 900])
            out.update(self.db.execute(f"SELECT id, title FROM articles WHERE id IN ({','.join('?' * len(chunk))})",
                                       chunk))
        return out

    def duplicate_map(self) -> dict[str, str]:
        """Each stored copy -> the article it copies."""
        return dict(self.db.execute("SELECT id, duplicate_of FROM articles WHERE duplicate_of IS NOT NULL"))

    def count(self, table: str) -> int:
        """Rows in one of the store's tables."""
        if table not in _TABLES:
            raise StoreError(f"no table '{table}'", self.path)
        return int(self.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

    # -- stories --------------------------------------------------------------------------------
    def load_clusterer(self, dim: int, level: str = DEFAULT_LEVEL, floor: float = 0.0,
                       read: Callable[[str | None], bool] | None = None,
                       kind: type[Clusterer] = Clusterer) -> Clusterer:
        """Rebuild the clustering state (story sums, vector index) from what is stored; ``read``
        tells from an article's language whether the embedder reads it (default: all); ``kind`` is
        the class to build (curation.CuratedClusterer keeps the user's decisions)."""
        return kind.from_rows(dim, self._saved_stories(), self._saved_members(), level=level, floor=floor,
                              read=read)

    def _saved_stories(self) -> Iterator[SavedStory]:
        for sid, born, n, dense, terms, first, last in self.db.execute(
                "SELECT id, born, n, dense, terms, first_day, last_day FROM stories ORDER BY born"):
            yield SavedStory(sid, born, n, np.frombuffer(dense, dtype=np.float64).copy(), json.loads(terms),
                             first, last)

    def _saved_members(self) -> Iterator[SavedMember]:
        for aid, vector, terms, day, sid, language in self.db.execute(
                "SELECT f.article, f.vector, f.terms, f.day, m.story, a.language FROM features f"
                " JOIN membership m ON m.article=f.article JOIN articles a ON a.id=f.article ORDER BY m.seq"):
            yield SavedMember(aid, sid, np.frombuffer(vector, dtype=np.float32), json.loads(terms), day, language)

    def next_seq(self) -> int:
        return int(self.db.execute("SELECT coalesce(max(seq), 0) + 1 FROM membership").fetchone()[0])

    def put_member(self, article_id: str, story: str, seq: int) -> None:
        self.db.execute("INSERT OR REPLACE INTO membership VALUES (?,?,?)", (article_id, story, seq))

    def save_story(self, s: StoryState, title: str, now: str) -> None:
        """Insert or update a story's sums; bumps its version so cached briefs go stale."""
        self.db.execute(
            "INSERT INTO stories (id, title, born, version, n, dense, terms, first_day, last_day, updated)"
            " VALUES (?,?,?,1,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET title=excluded.title,"
            " version=version+1, n=excluded.n, dense=excluded.dense, terms=excluded.terms,"
            " first_day=excluded.first_day, last_day=excluded.last_day, updated=excluded.updated",
            (s.id, title, s.born, s.n, s.dense.astype(np.float64).tobytes(),
             json.dumps(s.terms, separators=(",", ":")), s.first, s.last, now))

    def move_members(self, moves: dict[str, str]) -> None:
        """Put each article (and every copy linked to it) in the story given for it (after a split)."""
        for article_id, story in moves.items():
            self.db.execute("UPDATE membership SET story=? WHERE article=? OR article IN"
                            " (SELECT id FROM articles WHERE duplicate_of=?)", (story, article_id, article_id))

    def merge_story(self, gone: str, into: str) -> None:
        """Move a merged story's members (duplicates included) to the story that absorbed it."""
        self.db.execute("UPDATE membership SET story=? WHERE story=?", (into, gone))
        self.db.execute("DELETE FROM stories WHERE id=?", (gone,))
        self.db.execute("DELETE FROM briefs WHERE story=?", (gone,))
        self.db.execute("UPDATE story_aliases SET new=? WHERE new=?", (into, gone))
        self.db.execute("INSERT OR REPLACE INTO story_aliases VALUES (?,?)", (gone, into))
        # a title the user gave the story merged away is kept, unless the one that absorbed it has its own
        self.db.execute("UPDATE OR IGNORE titles SET story=? WHERE story=?", (into, gone))

    def existing_stories(self, ids: Iterable[str]) -> set[str]:
        """Which of these story ids are stored."""
        return {i for i in ids if self.db.execute("SELECT 1 FROM stories WHERE id=?", (i,)).fetchone()}

    def story_of(self, article_id: str) -> str | None:
        row = self.db.execute("SELECT story FROM membership WHERE article=?", (article_id,)).fetchone()
        return row[0] if row else None

    def resolve(self, story: str) -> str:
        """The current id of a story (a merged story's id leads to the story that absorbed it)."""
        if self.db.execute("SELECT 1 FROM stories WHERE id=?", (story,)).fetchone():
            return story
        row = self.db.execute("SELECT new FROM story_aliases WHERE old=?", (story,)).fetchone()
        if row is None:
            raise StoreError(f"no story with id '{story}' (see `storylens stories`)", self.path)
        return str(row[0])

    def alias_of(self, story: str) -> str:
        """The current id of a story id, or the id itself (no error for one never stored)."""
        row = self.db.execute("SELECT new FROM story_aliases WHERE old=?", (story,)).fetchone()
        return str(row[0]) if row else story

    # -- the user's decisions (curation.py writes them; ingest keeps them) -----------------------
    def pinned_articles(self) -> dict[str, str]:
        """Article -> the story the user placed it in (current ids)."""
        return {str(a): self.alias_of(str(s)) for a, s in self.db.execute("SELECT article, story FROM pins")}

    def apart_pairs(self) -> set[frozenset[str]]:
        """Pairs of stories the user kept apart (current ids; never merged by clustering)."""
        pairs = (frozenset((self.alias_of(a), self.alias_of(b))) for a, b in self.db.execute("SELECT a, b FROM apart"))
        return {p for p in pairs if len(p) == 2}

    def pinned_title(self, story: str) -> str | None:
        """The title the user gave the story, if any."""
        row = self.db.execute("SELECT title FROM titles WHERE story=?", (story,)).fetchone()
        return str(row[0]) if row else None

    def members(self, story: str) -> list[str]:
        """Article ids of a story, in arrival order (duplicates included)."""
        return [r[0] for r in self.db.execute("SELECT article FROM membership WHERE story=? ORDER BY seq",
                                              (story,))]

    def stories(self, since: str | None = None, *, only: str | None = None) -> list[StoryRow]:
        """Every story (or the one with id ``only``), most recently seen first; ``since`` keeps
        stories seen on or after that date."""
        out = self._story_rows(":only IS NULL OR s.id = :only", {"only": only})
        return [r for r in out if since is None or r.last_seen[:len(since)] >= since]

    def _story_rows(self, where: str, params: dict[str, Any], limit: int = -1, offset: int = 0) -> list[StoryRow]:
        """Story rows matching ``where``, whose values are named placeholders (``:name``) bound from
        ``params``: a value used twice is bound once, and sqlite3 deprecates names bound to a tuple."""
        rows = self.db.execute(
            "SELECT s.id, s.title, count(a.id), count(DISTINCT coalesce(a.outlet, a.url, a.id)),"
            " min(coalesce(a.published, a.added)), max(coalesce(a.published, a.added)), s.version,"
            " sum(a.duplicate_of IS NOT NULL), count(a.published)"
            # the covering index (migration 3) keeps the reads off the rows that hold the text; without
            # statistics the planner does not pick it on its own
            " FROM stories s JOIN membership m ON m.story=s.id JOIN articles a INDEXED BY articles_listing"
            " ON a.id=m.article"
            f" WHERE {where}"
            " GROUP BY s.id ORDER BY max(coalesce(a.published, a.added)) DESC, s.born DESC"
            f" LIMIT {int(limit)} OFFSET {int(offset)}", params)
        return [StoryRow(*r) for r in rows]

    def list_stories(self, query: str | None = None, *, limit: int = -1, offset: int = 0,
                     ) -> tuple[list[StoryRow], int]:
        """A page of stories, most recently seen first, and how many there are in all.

        With ``query``, only the stories holding an article whose title or text has every word of it
        (full-text search; any string is safe, see :func:`fts_query`).
        """
        if query is None or not query.strip():
            total = self.db.execute("SELECT count(*) FROM stories").fetchone()[0]
            return self._story_rows("1", {}, limit, offset), int(total)
        match = fts_query(query)
        if match is None:
            return [], 0
        where = ("s.id IN (SELECT m2.story FROM articles_fts f JOIN articles a2 ON a2.rowid = f.rowid"
                 " JOIN membership m2 ON m2.article = a2.id WHERE articles_fts MATCH :match)")
        params = {"match": match}
        total = self.db.execute(f"SELECT count(*) FROM stories s WHERE {where}", params).fetchone()[0]
        return self._story_rows(where, params, limit, offset), int(total)

    def outlets_of(self, stories: Sequence[str]) -> dict[str, list[str]]:
        """Story id -> the names of its outlets (articles with a known outlet), alphabetically."""
        out: dict[str, list[str]] = {s: [] for s in stories}
        for k in range(0, len(stories), 900):  # SQLite's bound-parameter limit is 999 on old builds
            chunk = list(stories[k:k + 900])
            for story, outlet in self.db.execute(
                    "SELECT DISTINCT m.story, a.outlet FROM membership m JOIN articles a ON a.id = m.article"
                    f" WHERE m.story IN ({','.join('?' * len(chunk))}) AND coalesce(a.outlet, '') != ''"
                    " ORDER BY m.story, a.outlet COLLATE NOCASE", chunk):
                out[story].append(outlet)
        return out

    def stamp(self) -> tuple[int, int, float]:
        """Changes whenever an article is added or a story changes (for caches of listings)."""
        last = self.db.execute("SELECT coalesce(max(rowid), 0) FROM articles").fetchone()[0]
        count, versions = self.db.execute("SELECT count(*), total(version) FROM stories").fetchone()
        return int(last), int(count), float(versions)

    def story_versions(self) -> dict[str, int]:
        """Story id -> version (it goes up each time the story changes)."""
        return dict(self.db.execute("SELECT id, version FROM stories"))

    def story_version(self, story: str) -> int | None:
        row = self.db.execute("SELECT version FROM stories WHERE id=?", (story,)).fetchone()
        return int(row[0]) if row else None

    def reindex_search(self) -> None:
        """Rebuild the full-text index from the articles (needed only after a VACUUM)."""
        with self.transaction():
            self.db.execute("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")
            self.db.execute("INSERT INTO articles_fts(articles_fts, rowid, title, text) SELECT 'delete', rowid,"
                            " title, text FROM articles WHERE duplicate_of IS NOT NULL")  # originals only

    def story_title(self, story: str) -> str:
        """A story's stored title ("" for a story not stored yet)."""
        row = self.db.execute("SELECT title FROM stories WHERE id=?", (story,)).fetchone()
        return row[0] if row else ""

    def story_row(self, story: str) -> StoryRow:
        """One story's listing row (a merged story's old id leads to the story that absorbed it)."""
        return self.stories(only=self.resolve(story))[0]

    # -- curation (curation.py: each decision is one transaction, under writing()) -------------
    def place(self, ids: Iterable[str], story: str) -> list[str]:
        """Put these articles, and the copies linked to them, in ``story``; the ids moved (sorted)."""
        moved: set[str] = set()
        for article_id in ids:
            moved.update(r[0] for r in self.db.execute(
                "SELECT article FROM membership WHERE article=? OR article IN"
                " (SELECT id FROM articles WHERE duplicate_of=?)", (article_id, article_id)))
        self.db.executemany("UPDATE membership SET story=? WHERE article=?", [(story, a) for a in moved])
        return sorted(moved)

    def story_record(self, story: str) -> tuple[str, int, int]:
        """A stored story's (title, born, version)."""
        row = self.db.execute("SELECT title, born, version FROM stories WHERE id=?", (story,)).fetchone()
        if row is None:
            raise StoreError(f"no story with id '{story}' (see `storylens stories`)", self.path)
        return str(row[0]), int(row[1]), int(row[2])

    def new_story(self, founder: str, now: str, *, sid: str | None = None, title: str = "",
                  born: int | None = None, version: int = 0) -> str:
        """Create an empty story (id from ``founder`` as clustering names one, unless ``sid``); fill it
        with :meth:`place` and :meth:`resum`. ``version`` is the one it had if it existed before (a
        page cached under an old version must not pass for the new one)."""
        from .cluster import story_id

        if sid is None:
            sid, k = story_id(founder), 1
            while self.db.execute("SELECT 1 FROM stories WHERE id=:s UNION SELECT 1 FROM story_aliases WHERE"
                                  " old=:s", {"s": sid}).fetchone():
                k += 1
                sid = story_id(f"{founder}#{k}")
        if born is None:
            born = int(self.db.execute("SELECT coalesce(max(born), 0) + 1 FROM stories").fetchone()[0])
        dim = self.db.execute("SELECT length(dense) / 8 FROM stories LIMIT 1").fetchone()
        self.db.execute("DELETE FROM story_aliases WHERE old=?", (sid,))
        self.db.execute("INSERT INTO stories (id, title, born, version, n, dense, terms, updated)"
                        " VALUES (?,?,?,?,0,?,'{}',?)",
                        (sid, title, born, version, np.zeros(int(dim[0]) if dim else 0).tobytes(), now))
        return sid

    def resum(self, story: str, now: str) -> bool:
        """Recompute a story's sums from its members' features (what clustering rebuilds it from),
        bump its version, choose its title again (unless the user gave one); a story left with no
        member is deleted. True when it was deleted."""
        if not self.members(story):
            self._after_removal(story, True, now)
            return True
        dense = np.frombuffer(self.db.execute("SELECT dense FROM stories WHERE id=?", (story,)).fetchone()[0],
                              dtype=np.float64)
        total, terms, days, n = np.zeros_like(dense), {}, [], 0
        for vector, words, day in self.db.execute(
                "SELECT f.vector, f.terms, f.day FROM features f JOIN membership m ON m.article=f.article"
                " WHERE m.story=? ORDER BY m.seq", (story,)):
            total = total + np.frombuffer(vector, dtype=np.float32).astype(np.float64)
            for w, v in json.loads(words).items():
                terms[w] = terms.get(w, 0.0) + v
            days += [day] if day is not None else []
            n += 1
        self.db.execute("UPDATE stories SET n=?, dense=?, terms=? WHERE id=?",
                        (n, total.tobytes(), json.dumps(terms, separators=(",", ":")), story))
        self._after_removal(story, False, now)
        return False

    def set_title(self, story: str, title: str) -> None:
        """Set a story's title (version up: cached briefs and pages go stale)."""
        self.db.execute("UPDATE stories SET title=?, version=version+1 WHERE id=?", (title, story))
        self.db.execute("DELETE FROM briefs WHERE story=?", (story,))

    # -- removal --------------------------------------------------------------------------------
    def remove_article(self, article_id: str, now: str,
                       log: Callable[[Removed], None] | None = None) -> Removed:
        """Delete one article, keeping the rest consistent (one transaction; hold ``writing()``).

        Its first copy (by arrival) becomes the original in its place: it takes over the features
        the clustering reads (a copy's text is its original's, but for a few edits) and enters the
        search index; the other copies point to it. An original with no copy leaves its story's sums
        (vector, terms, count, dates); a story left with no article is deleted, with its cached
        briefs and the old ids that led to it. The story's version goes up, so cached pages go stale.
        """
        row = self.db.execute("SELECT duplicate_of FROM articles WHERE id=?", (article_id,)).fetchone()
        if row is None:
            raise StoreError(f"no article with id '{article_id}' (see `storylens show STORY`)", self.path)
        story = self.story_of(article_id)
        with self.transaction():
            heir = None if row[0] is not None else self._promote_copy(article_id)
            if row[0] is None and heir is None and story is not None:
                self._leave_story(article_id, story)
            for table in ("sentences", "signatures", "membership", "features"):
                self.db.execute(f"DELETE FROM {table} WHERE article=?", (article_id,))
            self.db.execute("DELETE FROM articles WHERE id=?", (article_id,))
            gone = story is not None and not self.members(story)
            if story is not None:
                self._after_removal(story, gone, now)
            done = Removed(article_id, story, heir, gone)
            if log is not None:  # the decision log (curation.py), in the same transaction
                log(done)
        return done

    def _promote_copy(self, article_id: str) -> str | None:
        row = self.db.execute("SELECT id FROM articles WHERE duplicate_of=? ORDER BY rowid LIMIT 1",
                              (article_id,)).fetchone()
        if row is None:
            return None
        heir = str(row[0])
        self.db.execute("UPDATE articles SET duplicate_of=NULL, duplicate_kind=NULL, duplicate_similarity=NULL"
                        " WHERE id=?", (heir,))  # the update trigger adds it to the search index
        self.db.execute("UPDATE articles SET duplicate_of=? WHERE duplicate_of=?", (heir, article_id))
        self.db.execute("UPDATE features SET article=? WHERE article=?", (heir, article_id))
        return heir

    def _leave_story(self, article_id: str, story: str) -> None:
        """Take an original's vector and terms out of its story's sums."""
        f = self.db.execute("SELECT vector, terms FROM features WHERE article=?", (article_id,)).fetchone()
        s = self.db.execute("SELECT n, dense, terms FROM stories WHERE id=?", (story,)).fetchone()
        if f is None or s is None:
            return
        dense = np.frombuffer(s[1], dtype=np.float64) - np.frombuffer(f[0], dtype=np.float32).astype(np.float64)
        terms = json.loads(s[2])
        for w, v in json.loads(f[1]).items():
            terms[w] = terms.get(w, 0.0) - v
        # float sums: a term whose articles have all left is ~0, not exactly 0 (1e-9 is far below any
        # tf-idf weight a stored article carries, ~1e-3 and up)
        terms = {w: v for w, v in terms.items() if v > 1e-9}
        self.db.execute("UPDATE stories SET n=?, dense=?, terms=? WHERE id=?",
                        (max(0, int(s[0]) - 1), dense.tobytes(), json.dumps(terms, separators=(",", ":")), story))

    def _after_removal(self, story: str, gone: bool, now: str) -> None:
        if gone:
            self.db.execute("DELETE FROM stories WHERE id=?", (story,))
            self.db.execute("DELETE FROM briefs WHERE story=?", (story,))
            self.db.execute("DELETE FROM story_aliases WHERE new=?", (story,))
            return
        first, last = self.db.execute("SELECT min(f.day), max(f.day) FROM features f JOIN membership m"
                                      " ON m.article=f.article WHERE m.story=?", (story,)).fetchone()
        self.db.execute("UPDATE stories SET version=version+1, first_day=?, last_day=?, updated=? WHERE id=?",
                        (first, last, now, story))
        self.db.execute("DELETE FROM briefs WHERE story=?", (story,))
        self._retitle(story)

    def _retitle(self, story: str) -> None:
        """The story's title chosen again among the articles left (cluster.central_title, the rule
        ingest uses): a removed article's headline does not stay its story's title."""
        from .cluster import central_title

        vectors = {str(a): np.frombuffer(v, dtype=np.float32) for a, v in self.db.execute(
            "SELECT f.article, f.vector FROM features f JOIN membership m ON m.article=f.article WHERE m.story=?",
            (story,))}
        title, dense = self.db.execute("SELECT title, dense FROM stories WHERE id=?", (story,)).fetchone()
        pinned = self.pinned_title(story)
        if pinned is not None:  # the user's title stays
            if pinned != title:
                self.db.execute("UPDATE stories SET title=? WHERE id=?", (pinned, story))
            return
        ids = self.members(story)
        state = StoryState(story, np.frombuffer(dense, dtype=np.float64), {}, members=[a for a in ids if a in vectors])
        new = central_title(state, self.titles(ids), _Vectors(vectors), previous=title)  # type: ignore[arg-type]
        if new != title:
            self.db.execute("UPDATE stories SET title=? WHERE id=?", (new, story))

    # -- briefs ---------------------------------------------------------------------------------
    def cached_brief(self, story: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT b.brief FROM briefs b JOIN stories s ON s.id=b.story"
                              " WHERE b.story=? AND b.version=s.version", (story,)).fetchone()
        return json.loads(row[0]) if row else None

    def put_brief(self, story: str, brief: dict[str, Any], *, version: int | None = None) -> None:
        """Cache a story's brief under ``version`` (default: the current one). A brief computed from
        an older version is stored under that version, so it never passes for the current one."""
        with self.transaction():
            if version is None:
                self.db.execute("INSERT OR REPLACE INTO briefs SELECT id, version, ? FROM stories WHERE id=?",
                                (json.dumps(brief), story))
            else:
                self.db.execute("INSERT OR REPLACE INTO briefs VALUES (?,?,?)", (story, version, json.dumps(brief)))
