"""Readers that turn inputs (text, HTML and JSONL files, directories, http(s) URLs) into Articles.

``read_inputs`` never raises for bad input: each input that cannot be read becomes a
``Problem(source, reason)`` and the rest is read. ``read_one`` and ``extract`` raise
``InputError``/``FetchError`` instead.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..model import Article, Problem
from ._files import os_reason
from .html import article_from_html, looks_like_html, read_html_file
from .jsonl import read_jsonl
from .text import article_from_text, read_text_file
from .url import fetch_html, is_url, read_url

__all__ = [
    "SUFFIXES", "article_from_html", "article_from_text", "extract", "fetch_html", "read_html_file",
    "read_inputs", "read_jsonl", "read_one", "read_records", "read_text_file", "read_url", "walk",
]

TEXT_SUFFIXES = frozenset({".txt", ".text"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | {".jsonl"}
_SKIPPED_NAMES = re.compile(r"^(?:readme|license)", re.IGNORECASE)
_OTHER_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)

# One read item: an article with its extra JSONL fields, or the error of one input.
_Item = tuple[Article, dict[str, Any]] | InputError


def walk(directory: str | Path) -> list[Path]:
    """Readable files under ``directory``, recursively, in sorted order.

    Takes .txt, .text, .html, .htm and .jsonl files; skips hidden files and folders and files whose
    name starts with README or LICENSE.
    """
    found: list[Path] = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if name.startswith(".") or _SKIPPED_NAMES.match(name):
                continue
            if Path(name).suffix.lower() in SUFFIXES:
                found.append(Path(root, name))
    return sorted(found, key=lambda p: p.parts)


def _read_file(path: Path) -> Article:
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES:
        return read_html_file(path)
    if suffix in TEXT_SUFFIXES:
        return read_text_file(path)
    return read_html_file(path) if looks_like_html(_head(path)) else read_text_file(path)


def _head(path: Path) -> str:
    """The start of a file, for sniffing its type ("" when unreadable: the reader says why)."""
    try:
        with path.open("rb") as f:
            return f.read(4096).decode("utf-8", "replace")
    except OSError:
        return ""


def _file_items(path: Path) -> Iterator[_Item]:
    if path.suffix.lower() != ".jsonl":
        yield _read_file(path), {}
        return
    for found, extra in read_jsonl(path):
        yield InputError(found.reason, found.source) if isinstance(found, Problem) else (found, extra)


def _dir_items(directory: Path) -> Iterator[_Item]:
    files = walk(directory)
    if not files:
        raise InputError("no .txt, .text, .html, .htm or .jsonl files in the directory", str(directory))
    for path in files:
        try:
            yield from _file_items(path)
        except InputError as exc:
            yield exc


def _items(source: str, timeout: float) -> Iterator[_Item]:
    """Everything one input holds; errors are yielded, never raised."""
    try:
        if is_url(source):
            yield read_url(source, timeout=timeout), {}
        elif _OTHER_SCHEME.match(source):
            raise InputError(f"unsupported URL scheme '{source.split(':', 1)[0]}' (http and https are read)",
                             source)
        elif not source.strip():
            raise InputError("empty input name", source)
        elif Path(source).is_dir():
            yield from _dir_items(Path(source))
        else:
            yield from _file_items(Path(source))
    except InputError as exc:
        yield exc
    except OSError as exc:  # a file vanished or became unreadable between checks
        yield InputError(os_reason(exc), source)


def _unique(article_id: str, seen: set[str]) -> str:
    """``article_id``, or with the first free ``-2``, ``-3``... suffix when it is taken."""
    new, n = article_id, 1
    while new in seen:
        n += 1
        new = f"{article_id}-{n}"
    seen.add(new)
    return new


def read_records(inputs: Iterable[str], *, timeout: float = 20.0,
                 ) -> tuple[list[tuple[Article, dict[str, Any]]], list[Problem]]:
    """Like :func:`read_inputs`, keeping each article's extra JSONL fields (e.g. ``story``)."""
    records: list[tuple[Article, dict[str, Any]]] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for source in [inputs] if isinstance(inputs, str) else inputs:
        for item in _items(str(source), timeout):
            if isinstance(item, InputError):
                problems.append(Problem(item.source or str(source), item.reason))
                continue
            item[0].id = _unique(item[0].id, seen)
            records.append(item)
    return records, problems


def read_inputs(inputs: Iterable[str], *, timeout: float = 20.0) -> tuple[list[Article], list[Problem]]:
    """Read files, directories, http(s) URLs and JSONL files into articles with unique ids.

    Never raises for bad input: each input (or JSONL line) that fails is one Problem.
    """
    records, problems = read_records(inputs, timeout=timeout)
    return [article for article, _ in records], problems


def read_one(source: str, *, timeout: float = 20.0) -> list[Article]:
    """The articles of one input; raises InputError/FetchError on its first failure (strict)."""
    articles: list[Article] = []
    seen: set[str] = set()
    for item in _items(source, timeout):
        if isinstance(item, InputError):
            raise item
        item[0].id = _unique(item[0].id, seen)
        articles.append(item[0])
    return articles


def extract(source: str, *, timeout: float = 20.0) -> Article:
    """The article of one file or URL (``storylens extract``); raises InputError/FetchError."""
    if not is_url(source) and Path(source).is_dir():
        raise InputError("is a directory; extract reads one file or URL", source)
    articles = read_one(source, timeout=timeout)
    if len(articles) != 1:
        raise InputError(f"holds {len(articles)} articles; extract reads one", source)
    return articles[0]
