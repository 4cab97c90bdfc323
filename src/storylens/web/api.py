"""The JSON API: the same schemas as the command line (``stories --format json``, ``show --format json``,
``extract --format json``), plus ``POST /api/articles`` running the same ingest as ``storylens ingest``."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field, model_validator

from ..ingest.url import is_url
from ..model import (
    STORY_LIST_SCHEMA,  # noqa: F401  (re-exported: what `storylens stories --format json` prints)
    article_dict,
    story_list_dict,
)
from .app import state
from .forms import MAX_URLS
from .jobs import stage_records

router = APIRouter(prefix="/api", tags=["api"])

# Stories per response when no limit is given, and the most one response may hold.
DEFAULT_LIMIT, MAX_LIMIT = 50, 1000
# Articles in one POST: as many as a full-size request body holds of ~20 KB articles.
MAX_ARTICLES = 1000


class ArticleIn(BaseModel):
    """One article, as a line of the JSONL input of `storylens ingest` (``text`` or ``html``)."""

    id: str | None = None
    title: str = ""
    text: str | None = None
    html: str | None = None
    url: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: str | None = None
    language: str | None = None

    @model_validator(mode="after")
    def _has_body(self) -> ArticleIn:
        if not (self.text or self.html):
            raise ValueError("an article needs 'text' or 'html'")
        return self


class IngestRequest(BaseModel):
    articles: list[ArticleIn] = Field(default_factory=list, max_length=MAX_ARTICLES)
    urls: list[str] = Field(default_factory=list, max_length=MAX_URLS,
                            description="http(s) URLs of pages or RSS/Atom feeds")

    @model_validator(mode="after")
    def _not_empty(self) -> IngestRequest:
        if not self.articles and not self.urls:
            raise ValueError("give 'articles' and/or 'urls'")
        bad = next((u for u in self.urls if not is_url(u)), None)
        if bad is not None:
            raise ValueError(f"not an http(s) URL: {bad[:200]}")
        return self


# SQLite's OFFSET is a signed 64-bit integer; a larger one was a 500 (issue 18), now a 422 like any bad value.
MAX_OFFSET = 2**63 - 1


class IngestOut(BaseModel):
    job: str
    status: str = Field(description="done or failed")
    error: str | None = None
    report: dict[str, Any] = Field(description="the counts of `storylens ingest --format json`, with problems")
    stories: list[str] = Field(description="ids of the stories this ingest created or changed")


@router.get("/stories", summary="List stories, most recently seen first (schema storylens.story-list/1)")
def list_stories(request: Request, q: str = Query("", max_length=500, description="full-text search words"),
                 limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT), offset: int = Query(0, ge=0, le=MAX_OFFSET),
                 ) -> dict[str, Any]:
    found = state(request).library.stories(q or None, limit, offset)
    return story_list_dict(found.rows, outlets=found.outlets, total=found.total, offset=offset)


@router.get("/stories/{story_id:path}", summary="A story's brief (schema storylens.brief/1, as `storylens show`)")
def get_story(request: Request, story_id: str) -> dict[str, Any]:
    return state(request).library.brief(story_id).to_dict()


@router.get("/articles/{article_id:path}", summary="One stored article (schema storylens.article/1)")
def get_article(request: Request, article_id: str) -> dict[str, Any]:
    library = state(request).library
    article, story = library.article(article_id)
    out = article_dict(article)
    dup = library.duplicate_of(article_id)
    out.update(story=story, removed=article.removed,
               duplicate_of={"article": dup[0], "kind": dup[1], "similarity": dup[2]} if dup else None)
    return out


@router.post("/articles", response_model=IngestOut,
             summary="Add articles and/or URLs: the same ingest as `storylens ingest`; waits until it is done")
async def add_articles(request: Request, body: IngestRequest) -> IngestOut:
    jobs = state(request).jobs
    sources, files = list(body.urls), []
    if body.articles:
        records = [a.model_dump(exclude_none=True) for a in body.articles]
        files.append(await asyncio.to_thread(stage_records, records, "api"))
        sources.insert(0, str(files[0]))
    job, future = jobs.submit(sources, f"API: {len(body.articles)} articles, {len(body.urls)} URLs", files)
    await asyncio.wrap_future(future)
    return IngestOut(job=job.id, status=job.status, error=job.error, report=job.report.to_dict(),
                     stories=job.stories)
