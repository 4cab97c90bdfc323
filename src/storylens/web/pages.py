"""The HTML pages: story list with search, story, article, add articles, job progress, API docs."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from .. import __version__
from ..model import Brief, Story
from ..render.html import View
from .app import WebState, state
from .fastpath import CachedPage, page_answer
from .forms import FormError, read_add_form
from .service import NotFound, WebLinks, article_path, story_path

router = APIRouter(include_in_schema=False)

# Stories per page of the list: one screen of titles with their outlets, like a news index page.
PAGE_SIZE = 50
# Seconds between reloads of a running job's page (no JavaScript needed): progress shows within a
# couple of seconds while costing the server one small page per tab.
REFRESH_SECONDS = 2
_SPAN = re.compile(r"(\d{1,9})-(\d{1,9})")


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    page = state(request).templates.get_template(name).render(version=__version__, **context)
    return HTMLResponse(page, status_code=status)


@router.get("/", response_class=HTMLResponse)
def stories(request: Request, q: str = Query("", max_length=500), page: int = Query(1, ge=1, le=100_000),
            ) -> Response:
    found = state(request).library.stories(q or None, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    pages = max(1, -(-found.total // PAGE_SIZE))
    return render(request, "stories.html.j2", q=q, found=found, page=page, pages=pages, story_path=story_path)


@router.get("/stories/{story_id:path}", response_class=HTMLResponse)
def story(request: Request, story_id: str) -> Response:
    web = state(request)
    sid, version = web.library.version(story_id)
    if sid != story_id:  # a story merged into another: its old address leads there
        return RedirectResponse(story_path(sid), status_code=301)
    key = (sid, version, "page")
    page = web.library.pages.get(key)
    if page is None:
        brief = web.library.brief(sid)
        html = render(request, "story.html.j2", v=View(brief, WebLinks()), curate=story_path(sid)).body
        page = web.library.pages.put(key, CachedPage.of(bytes(html)))
    status, headers, body = page_answer(page, request.scope.get("headers", ()))
    return Response(body, status_code=status, headers={k.decode(): v.decode("latin-1") for k, v in headers})


def _focus(hl: str | None) -> tuple[int, int] | None:
    match = _SPAN.fullmatch(hl or "")
    if not match:
        return None
    start, end = int(match.group(1)), int(match.group(2))
    return (start, end) if start < end else None


@router.get("/articles/{article_id:path}", response_class=HTMLResponse)
def article(request: Request, article_id: str, hl: str | None = Query(None, max_length=40)) -> Response:
    library = state(request).library
    found, sid = library.article(article_id)
    brief = library.brief(sid) if sid else Brief(Story("", found.title, [found.id]), [found])
    view = View(brief, WebLinks())
    return render(request, "article.html.j2", v=view, a=view.article_view(found, focus=_focus(hl)),
                  story=sid, story_href=story_path(sid) if sid else None,
                  duplicate=library.duplicate_of(found.id), remove_href=article_path(found.id) + "/remove")


@router.post("/articles/{article_id:path}/remove")
def remove_article(request: Request, article_id: str) -> Response:
    """Delete the article (a form on its page; refused from other sites like every POST, guards.py),
    then show its story, or the story list when the story went with it."""
    done = state(request).library.remove(article_id)
    where = story_path(done.story) if done.story and not done.story_gone else "/"
    return RedirectResponse(where, status_code=303)


# Fields a curation form may send: a split names articles of the story, which a page lists in full
# (the largest development story has ~40 articles; 1,000 bounds what one request can ask).
MAX_CURATE_FIELDS = 1_000


async def _curation_form(request: Request) -> FormData:
    return await request.form(max_files=0, max_fields=MAX_CURATE_FIELDS)


def _value(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


async def _curate(request: Request, story_id: str, action: str, *args: Any) -> Response:
    """Run a curation decision (curation.py) sent by a form of the story page (a POST, refused from other
    sites like every write: guards.py), then show the story again: its current id (a merged story's
    leads on), or the story list when it is gone."""
    library = state(request).library
    await run_in_threadpool(library.curate, action, *args)
    back = await run_in_threadpool(library.current, story_id)
    return RedirectResponse(story_path(back) if back else "/", status_code=303)


@router.post("/stories/{story_id:path}/move")
async def move_article(request: Request, story_id: str) -> Response:
    """Move the article named in the form to the story ``to`` (an id, or "new")."""
    form = await _curation_form(request)
    return await _curate(request, story_id, "move", _value(form, "article"), _value(form, "to") or "new")


@router.post("/stories/{story_id:path}/merge")
async def merge_story(request: Request, story_id: str) -> Response:
    """Merge the story named in the form (``other``) into this one."""
    form = await _curation_form(request)
    return await _curate(request, story_id, "merge", story_id, _value(form, "other"))


@router.post("/stories/{story_id:path}/split")
async def split_story(request: Request, story_id: str) -> Response:
    """Split the articles ticked in the form (``articles``) off into a new story."""
    form = await _curation_form(request)
    ticked = [v.strip() for v in form.getlist("articles") if isinstance(v, str) and v.strip()]
    return await _curate(request, story_id, "split", story_id, ticked)


@router.post("/stories/{story_id:path}/rename")
async def rename_story(request: Request, story_id: str) -> Response:
    form = await _curation_form(request)
    return await _curate(request, story_id, "rename", story_id, _value(form, "title"))


@router.post("/stories/{story_id:path}/undo")
async def undo_decision(request: Request, story_id: str) -> Response:
    """Undo the newest curation decision (the store's newest, whichever story it changed)."""
    return await _curate(request, story_id, "undo")


@router.get("/add", response_class=HTMLResponse)
def add_form(request: Request) -> Response:
    return _form(request)


def _form(request: Request, error: str | None = None, status: int = 200, **values: str) -> Response:
    web: WebState = state(request)
    return render(request, "add.html.j2", status=status, error=error, values=values,
                  limit_mb=f"{web.max_upload / 1_000_000:g}", allow_private=web.allow_private)


@router.post("/add")
async def add(request: Request) -> Response:
    web = state(request)
    form = await request.form(max_files=100, max_fields=20, max_part_size=web.max_upload)
    try:
        try:
            sources, files, label = await read_add_form(form)
        except FormError as exc:
            fields = {k: v for k, v in form.items() if isinstance(v, str)}
            return _form(request, str(exc), 400, **fields)
    finally:
        for value in form.values():
            if isinstance(value, UploadFile):
                await value.close()
    job, _ = web.jobs.submit(sources, label, files)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job(request: Request, job_id: str) -> Response:
    web = state(request)
    found = web.jobs.get(job_id)
    if found is None:
        raise NotFound(f"no job '{job_id}' (jobs are remembered while the server runs)")
    titles = {}
    if found.finished and found.stories:
        with web.library.store() as store:
            titles = {s: store.story_row(s).title for s in found.stories if store.story_version(s)}
    return render(request, "job.html.j2", job=found, titles=titles, story_path=story_path,
                  refresh=None if found.finished else REFRESH_SECONDS)


@router.get("/docs", response_class=HTMLResponse)
def docs(request: Request) -> Response:
    return render(request, "docs.html.j2", api=request.app.openapi())


@cache
def _report_css() -> str:
    return resources.files("storylens.render").joinpath("templates", "report.css").read_text(encoding="utf-8")


@router.get("/static/report.css")
def report_css() -> Response:
    """The HTML report's own style sheet: the story and article pages share it with the report."""
    return Response(_report_css(), media_type="text/css", headers={"cache-control": "public, max-age=3600"})
