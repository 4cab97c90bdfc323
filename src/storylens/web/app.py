"""The web app (``storylens serve``): server-rendered pages and a JSON API over one store.

``create_app(db)`` builds it. Pages work without JavaScript; a little script (hover highlight, outlet
filter) is served from ``/static`` like the styles, so the Content-Security-Policy on every response
allows no inline script or style at all. Every value from articles is autoescaped by Jinja2.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, MutableMapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from .. import __version__
from ..errors import StorylensError
from ..model import Brief
from ..render.html import template_env
from ..store import Store, StoreBusy
from .fastpath import CachedStoryPages, app_files
from .guards import LOOPBACK_HOSTS, CrossSiteGuard, HostGuard
from .jobs import Jobs, QueueFull
from .service import Library, NotFound

# Largest request body (an upload form or POST /api/articles). One input file may be up to ingest's
# own limit, 10 MB (ingest/_files.py MAX_BYTES); 20 MB takes two such files or hundreds of ordinary
# articles (~5-100 KB each) and refuses dumps that would hold the one ingest worker for minutes.
MAX_UPLOAD_BYTES = 20_000_000

# Only this app's own files may style or script a page; nothing else may be loaded, framed or posted to.
CSP = ("default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    # same-origin, not no-referrer: no other site learns the app's addresses either way, and under
    # no-referrer browsers send "Origin: null" on the app's own form posts (the cross-site check)
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]

log = logging.getLogger("storylens.web")

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]]


@dataclass
class WebState:
    """What the routes share: the store's reader, the ingest jobs, the templates, the limits."""

    library: Library
    jobs: Jobs
    templates: jinja2.Environment
    max_upload: int
    allow_private: bool


def state(request: Request) -> WebState:
    return request.app.state.web  # type: ignore[no-any-return]


class SecurityHeaders:
    """Adds the CSP and its companions to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def too_large(limit: int) -> HTTPException:
    return HTTPException(413, f"upload too large: at most {limit / 1_000_000:g} MB per request "
                              "(send fewer or smaller files)")


class BodyLimit:
    """Refuses request bodies over ``limit`` bytes: at once when Content-Length says so, else as soon
    as the bytes read pass it (the 413 is raised where the body is read and handled like any error)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            exc = too_large(self.limit)
            response = JSONResponse({"error": exc.detail}, status_code=413, headers={"connection": "close"})
            await response(scope, receive, send)
            return
        seen = 0

        async def counted() -> dict[str, Any]:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise too_large(self.limit)
            return message  # type: ignore[no-any-return]

        await self.app(scope, counted, send)


def one_line(text: object) -> str:
    return " ".join(str(text).split()) or "error"


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


def error_response(request: Request, status: int, message: str) -> Response:
    """One clear line: JSON ``{"error": ...}`` for the API, a small page for a browser."""
    message = one_line(message)
    if wants_json(request):
        return JSONResponse({"error": message}, status_code=status)
    page = state(request).templates.get_template("error.html.j2").render(status=status, message=message,
                                                                          version=__version__)
    return HTMLResponse(page, status_code=status)


def _validation_message(exc: RequestValidationError) -> str:
    errors = exc.errors()
    if not errors:
        return "invalid request"
    first = errors[0]
    where = ".".join(str(x) for x in first.get("loc", ()) if x not in ("body", "query", "path"))
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where + ': ' if where else ''}{first.get('msg', 'invalid')}{more}"


def install_error_handlers(app: FastAPI) -> None:
    """Every error becomes one line (JSON for the API), never a traceback page."""

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        detail = exc.detail if exc.status_code != 404 or exc.detail != "Not Found" else "no such page"
        return error_response(request, exc.status_code, str(detail))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        return error_response(request, 422, _validation_message(exc))

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        return error_response(request, 404, str(exc))

    @app.exception_handler(QueueFull)
    async def queue_full(request: Request, exc: QueueFull) -> Response:
        response = error_response(request, 503, str(exc))
        response.headers["retry-after"] = "60"
        return response

    @app.exception_handler(StoreBusy)
    async def store_busy(request: Request, exc: StoreBusy) -> Response:
        response = error_response(request, 503, str(exc))
        response.headers["retry-after"] = "10"
        return response

    @app.exception_handler(StorylensError)
    async def storylens_error(request: Request, exc: StorylensError) -> Response:
        return error_response(request, 400, str(exc))

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> Response:
        log.error("error serving %s: %s", request.url.path, exc, exc_info=exc)
        return error_response(request, 500, f"internal error ({type(exc).__name__}); see the server log")


def _package_dir(name: str) -> Path:
    return Path(str(resources.files("storylens.web").joinpath(name)))


def create_app(db: str, *, allow_private: bool = False, max_upload_bytes: int = MAX_UPLOAD_BYTES,
               analyze: Callable[[str, str], Brief] | None = None, embedder: Any = None,
               hosts: Iterable[str] = LOOPBACK_HOSTS) -> FastAPI:
    """The web app over the store at ``db`` (created if missing, upgraded in place if older).

    It answers requests whose Host is one of ``hosts`` (loopback names by default; ``"*"`` for any)
    and refuses writes sent from another site's pages (web/guards.py).
    ``allow_private`` lets URL ingest reach loopback and private addresses (refused by default);
    ``analyze(db, story) -> Brief`` and ``embedder`` replace the defaults (``corpus.show`` and the
    configured embedder, loaded once per process) in tests.
    """
    from . import api, pages

    Store(db).close()  # create or upgrade the store now: a bad path fails at start, not on a page
    library = Library(db, analyze)
    jobs = Jobs(db, allow_private=allow_private,
                embedder=(lambda: embedder) if embedder else (lambda: _default_embedder(db)))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        jobs.shutdown()

    app = FastAPI(title="storylens", version=__version__, docs_url=None, redoc_url=None, lifespan=lifespan,
                  description="Stories in a storylens store: briefs, articles, and adding articles. "
                              "The JSON returned uses the same schemas as the command line.")
    templates = template_env(jinja2.PackageLoader("storylens", "web/templates"))
    app.state.web = WebState(library, jobs, templates, max_upload_bytes, allow_private)
    report_css = resources.files("storylens.render").joinpath("templates", "report.css").read_bytes()
    files = app_files(_package_dir("static"), {"report.css": report_css})  # GET answered from memory
    app.add_middleware(CachedStoryPages, library=library, files=files)  # innermost: behind every guard
    app.add_middleware(BodyLimit, limit=max_upload_bytes)
    app.add_middleware(CrossSiteGuard)
    app.add_middleware(HostGuard, hosts=hosts)
    app.add_middleware(SecurityHeaders)  # outermost: refusals carry the headers too
    install_error_handlers(app)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=_package_dir("static")), name="static")
    return app


def _default_embedder(db: str) -> Any:
    """The store's multilingual embedder when it was built with it, else the configured one
    (cached: one model per process)."""
    from ..corpus import embedder_for

    return embedder_for(db)
