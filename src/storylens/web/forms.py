"""The add-articles form: pasted text, uploaded files and URLs, turned into inputs for ingest."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from starlette.datastructures import FormData, UploadFile

from ..errors import StorylensError
from ..ingest.url import is_url
from .jobs import stage, stage_records

# Most URLs taken from one form: a feed or a list of links of an evening's coverage. More belongs in a
# file of URLs (uploaded) or `storylens ingest`, where progress is not tied to one browser tab.
MAX_URLS = 200
_META = ("title", "outlet", "author", "url", "published")


class FormError(StorylensError):
    """The form cannot be used as it was filled in."""


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def pasted_record(form: FormData) -> dict[str, Any] | None:
    """The pasted article as a JSONL record (None when no text was pasted)."""
    text = _text(form, "text")
    if not text:
        return None
    record: dict[str, Any] = {"text": text}
    record.update({k: v for k in _META if (v := _text(form, k))})
    if record.get("url") and not is_url(record["url"]):
        raise FormError("the original URL must start with http:// or https://", "url")
    return record


def url_lines(form: FormData) -> list[str]:
    lines = [line.strip() for line in _text(form, "urls").splitlines()]
    urls = [line for line in lines if line and not line.startswith("#")]
    bad = next((u for u in urls if not is_url(u)), None)
    if bad is not None:
        raise FormError("not an http(s) URL; give one URL per line", bad[:200])
    if len(urls) > MAX_URLS:
        raise FormError(f"{len(urls)} URLs; at most {MAX_URLS} per form (upload a file of URLs instead)", "urls")
    return urls


async def uploads(form: FormData) -> list[Path]:
    paths = []
    for value in form.getlist("files"):
        if isinstance(value, UploadFile) and value.filename:
            data = await value.read()
            paths.append(await asyncio.to_thread(stage, value.filename, data))  # disk writes off the loop
    return paths


async def read_add_form(form: FormData) -> tuple[list[str], list[Path], str]:
    """(sources for ingest, staged files, a label for the job). Raises FormError."""
    record = pasted_record(form)
    urls = url_lines(form)
    files = await uploads(form)
    if record is not None:
        files.append(await asyncio.to_thread(stage_records, [record]))
    if not files and not urls:
        raise FormError("nothing to add: paste a text, choose files or give URLs")
    parts = [f"{len(files)} file{'s' if len(files) != 1 else ''}" if files else "",
             f"{len(urls)} URL{'s' if len(urls) != 1 else ''}" if urls else ""]
    label = " and ".join(p for p in parts if p)
    if record is not None and record.get("title"):
        label = f"“{record['title'][:80]}”" + (f" and {label}" if len(files) > 1 or urls else "")
    return [str(p) for p in files] + urls, files, label
