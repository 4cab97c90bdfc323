"""Story pages already rendered, answered without the router, the thread pool or a new connection.

A cached story page (``Library.pages``, keyed by the story's id and version) still cost a request
its route: FastAPI's routing and parameter handling, a hop to the thread pool and a fresh SQLite
connection (connect, WAL and foreign-key pragmas, the schema check) to read the story's version.
Under 500 readers at once those were the server's time (bench_web.py: the story page cost as much as
the static style sheet). Here one read of the version, on one connection kept by the event loop's
thread, decides: when the page of that version is cached it is sent at once; anything else (a story
not rendered yet or changed since, a merged id, an unknown one) goes on to the route as before, so
the answers are the same. The guards (Host, cross-site, security headers) sit outside this.

The app's own files (``/static``: its styles, script and icon, and the report's style sheet that
every story and article page links) are answered here from memory too: a browser opening a story page
asks for four of them, and StaticFiles spent about 1 ms of CPU on each (a path check and file reads
in the thread pool), four times what the cached page itself costs.

A cached page is kept as :class:`CachedPage`: its bytes, the same gzip-compressed once (a story page
is 0.1-1.3 MB of HTML that compresses 8-14 times: sending 60 KB instead of 810 KB is what a reader on
a network waits for, and what the server's sockets copy), and an entity tag, so that a browser coming
back to an unchanged story gets ``304 Not Modified`` and no body. The route and this middleware answer
through :func:`page_answer`, so the first response of a page and every later one carry the same
headers. (Compression next to secrets is what BREACH reads; a story page holds none: no token, no
cookie value, nothing of the request echoed.)
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .service import Library

_PREFIX = "/stories/"
# Seconds a version read waits for a writer before the request goes on to the route instead (a
# reader under WAL waits only while a checkpoint or migration holds the database).
READ_TIMEOUT = 0.05
# zlib level of the cached gzip copy: made once per story version (an 810 KB page: 21 ms at 6 for
# 60 KB, 27 ms at 9 for 59 KB, 9 ms at 1 for 90 KB), so the default level costs nothing per request.
GZIP_LEVEL = 6
# A page is revalidated on every visit (its story can change with any ingest); unchanged, it is a 304.
CACHE_CONTROL = b"no-cache"
# The app's own files change only with storylens itself: kept an hour (as /static/report.css was).
FILE_CACHE_CONTROL = b"public, max-age=3600"
HTML = b"text/html; charset=utf-8"
Headers = list[tuple[bytes, bytes]]


@dataclass(frozen=True)
class CachedPage:
    """A rendered page (or one of the app's files) as it is sent: the bytes, their gzip copy, the
    entity tag, the content type and how long a browser may keep it."""

    body: bytes
    gzipped: bytes  # empty when gzip would not make it smaller (the icon)
    etag: bytes  # weak: the identity and the gzip bytes are one page (RFC 9110 8.8.1)
    content_type: bytes = HTML
    cache_control: bytes = CACHE_CONTROL

    @classmethod
    def of(cls, body: bytes, content_type: bytes = HTML, cache_control: bytes = CACHE_CONTROL) -> CachedPage:
        tag = hashlib.blake2b(body, digest_size=12).hexdigest()
        packed = gzip.compress(body, GZIP_LEVEL, mtime=0)
        return cls(body, packed if len(packed) < len(body) else b"", f'W/"{tag}"'.encode(), content_type,
                   cache_control)


def app_files(folder: Path, extra: dict[str, bytes]) -> dict[str, CachedPage]:
    """``/static/NAME`` of every file in ``folder``, and of each ``extra`` NAME: its bytes, read once,
    with the content type StaticFiles gave it."""
    found = {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}
    out = {}
    for name, body in {**found, **extra}.items():
        kind = mimetypes.guess_type(name)[0] or "text/plain"
        kind += "; charset=utf-8" if kind.startswith("text/") else ""
        out["/static/" + name] = CachedPage.of(body, kind.encode(), FILE_CACHE_CONTROL)
    return out


def _values(headers: Iterable[tuple[bytes, bytes]], name: bytes) -> str:
    return ",".join(v.decode("latin-1") for k, v in headers if k == name)


def not_modified(etag: bytes, if_none_match: str) -> bool:
    """Whether an If-None-Match header names ``etag`` (weak comparison, as the RFC asks for GET)."""
    mine = etag.decode("latin-1").removeprefix("W/")
    for tag in if_none_match.split(","):
        tag = tag.strip()
        if tag == "*" or tag.removeprefix("W/") == mine:
            return True
    return False


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header takes gzip (``gzip``, ``x-gzip`` or ``*``, with q above 0)."""
    star = None
    for item in accept_encoding.lower().split(","):
        name, _, params = item.partition(";")
        name, q = name.strip(), 1.0
        for param in params.split(";"):
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if name in ("gzip", "x-gzip"):
            return q > 0
        if name == "*":
            star = q > 0
    return bool(star)


def page_answer(page: CachedPage, request_headers: Iterable[tuple[bytes, bytes]]) -> tuple[int, Headers, bytes]:
    """(status, headers, body) of a cached page for a GET with these headers: 304 when the client
    holds this version, else the gzip copy when it takes gzip, else the HTML."""
    headers = list(request_headers)
    common: Headers = [(b"etag", page.etag), (b"cache-control", page.cache_control), (b"vary", b"accept-encoding")]
    if not_modified(page.etag, _values(headers, b"if-none-match")):
        return 304, common, b""
    common.insert(0, (b"content-type", page.content_type))
    if page.gzipped and accepts_gzip(_values(headers, b"accept-encoding")):
        return 200, [*common, (b"content-encoding", b"gzip"), (b"content-length", str(len(page.gzipped)).encode())], \
            page.gzipped
    return 200, [*common, (b"content-length", str(len(page.body)).encode())], page.body


class CachedStoryPages:
    """ASGI middleware: GET /stories/ID served from ``library.pages`` when its version is current, and
    GET of one of the app's ``files`` (path -> page) from memory."""

    def __init__(self, app: Any, library: Library, files: dict[str, CachedPage] | None = None) -> None:
        self.app, self.library, self.files = app, library, files or {}
        self._db: sqlite3.Connection | None = None

    def _version(self, story: str) -> int | None:
        try:
            if self._db is None:  # made and used by the event loop's thread alone
                self._db = sqlite3.connect(f"file:{quote(self.library.db)}?mode=ro", uri=True,
                                           timeout=READ_TIMEOUT)
            row = self._db.execute("SELECT version FROM stories WHERE id=?", (story,)).fetchone()
        except sqlite3.Error:
            self._db = None
            return None
        return int(row[0]) if row else None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        path = scope.get("path", "") if scope["type"] == "http" and scope.get("method") == "GET" else ""
        page = self.files.get(path)
        if page is None and path.startswith(_PREFIX) and len(path) > len(_PREFIX):
            story = path[len(_PREFIX):]
            version = self._version(story)
            page = None if version is None else self.library.pages.get((story, version, "page"))
        if page is not None:
            status, headers, body = page_answer(page, scope.get("headers", ()))
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, send)
