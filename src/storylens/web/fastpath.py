"""Story pages already rendered, answered without the router, the thread pool or a new connection.

A cached story page (``Library.pages``, keyed by the story's id and version) still cost a request
its route: FastAPI's routing and parameter handling, a hop to the thread pool and a fresh SQLite
connection (connect, WAL and foreign-key pragmas, the schema check) to read the story's version.
Under 500 readers at once those were the server's time (bench_web.py: the story page cost as much as
the static style sheet). Here one read of the version, on one connection kept by the event loop's
thread, decides: when the page of that version is cached it is sent at once; anything else (a story
not rendered yet or changed since, a merged id, an unknown one) goes on to the route as before, so
the answers are the same. The guards (Host, cross-site, security headers) sit outside this.
"""

from __future__ import annotations

import sqlite3
from typing import Any
from urllib.parse import quote

from .service import Library

_PREFIX = "/stories/"
# Seconds a version read waits for a writer before the request goes on to the route instead (a
# reader under WAL waits only while a checkpoint or migration holds the database).
READ_TIMEOUT = 0.05


class CachedStoryPages:
    """ASGI middleware: GET /stories/ID served from ``library.pages`` when its version is current."""

    def __init__(self, app: Any, library: Library) -> None:
        self.app, self.library = app, library
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
        if path.startswith(_PREFIX) and len(path) > len(_PREFIX):
            story = path[len(_PREFIX):]
            version = self._version(story)
            page = None if version is None else self.library.pages.get((story, version, "page"))
            if page is not None:
                await send({"type": "http.response.start", "status": 200,
                            "headers": [(b"content-type", b"text/html; charset=utf-8"),
                                        (b"content-length", str(len(page)).encode())]})
                await send({"type": "http.response.body", "body": page})
                return
        await self.app(scope, receive, send)
