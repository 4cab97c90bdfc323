"""Readers that turn inputs into Articles: text, HTML, JSONL, WARC (.warc, .warc.gz) and RSS/Atom
feed files, directories of them, files of URLs, http(s) URLs (pages or feeds), and ``-`` for JSONL
on standard input.

``iter_records`` streams what the inputs hold, one item at a time, and never raises for bad input:
each input, record, entry or line that cannot be read becomes a ``Problem(source, reason)`` and the
rest is read. ``read_records``/``read_inputs`` collect it with unique article ids. ``read_one`` and
``extract`` raise ``InputError``/``FetchError`` instead.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from ..errors import InputError
from ..model import Article, Problem
from ._files import SNIFF_BYTES, irregular_reason, os_reason
from .feed import FEED_SUFFIXES, looks_like_feed, read_feed_bytes, read_feed_file
from .html import article_from_html, looks_like_html, read_html_file
from .jsonl import read_json, read_jsonl, read_jsonl_stream
from .limits import Truncated, truncation_notes
from .remote import is_url_list_file, read_url_items, read_url_list
from .text import article_from_text, read_text_file
from .url import fetch_bytes, fetch_html, is_url, read_url
from .warc import is_warc_name, looks_like_warc, read_warc

__all__ = [
    "STDIN", "SUFFIXES", "Truncated", "article_from_html", "article_from_text", "extract", "fetch_bytes", "fetch_html",
    "file_kind", "iter_records", "read_feed_bytes", "read_feed_file", "read_html_file", "read_inputs", "read_json", "read_jsonl",
    "read_jsonl_stream", "read_one", "read_records", "read_text_file", "read_url", "read_url_items",
    "read_url_list", "read_warc", "walk",
]

STDIN = "-"
TEXT_SUFFIXES = frozenset({".txt", ".text"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | {".jsonl", ".warc"} | frozenset(FEED_SUFFIXES)
_SKIPPED_NAMES = re.compile(r"^(?:readme|license)", re.IGNORECASE)
_OTHER_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)

# One read item: an article with its extra JSONL fields, or the error of one input.
_Item = tuple[Article, dict[str, Any]] | InputError


def _named(directory: str | Path) -> list[Path]:
    """Files under ``directory`` whose names say they hold articles, recursively, in sorted order."""
    found: list[Path] = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if name.startswith(".") or _SKIPPED_NAMES.match(name):
                continue
            if Path(name).suffix.lower() in SUFFIXES or is_warc_name(name):
                found.append(Path(root, name))
    return sorted(found, key=lambda p: p.parts)


def walk(directory: str | Path) -> list[Path]:
    """Readable files under ``directory``, recursively, in sorted order.

    Takes .txt, .text, .html, .htm, .jsonl, .xml, .rss, .atom, .warc and .warc.gz files that are
    regular files (a symlink to one counts; pipes, devices and sockets do not); skips hidden files
    and folders and files whose name starts with README or LICENSE.
    """
    return [p for p in _named(directory) if _regular(p)]


def _regular(path: Path) -> bool:
    try:
        return irregular_reason(path) is None
    except OSError:
        return False


def _head(path: Path) -> bytes:
    """The start of a file, for sniffing its type (empty when unreadable: the reader says why)."""
    try:
        with path.open("rb") as f:
            return f.read(SNIFF_BYTES)
    except OSError:
        return b""


def file_kind(path: str | Path) -> str:
    """How a file is read: ``warc``, ``jsonl``, ``json``, ``feed``, ``html``, ``urls`` or ``text``.

    Known suffixes decide (a .txt file whose lines are all URLs is ``urls``); other files are sniffed.
    A .json file (an array of JSONL records) is read when named; a directory walk leaves .json files
    alone (they are as often settings or gold files as exports).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if is_warc_name(path.name):
        return "warc"
    if suffix == ".jsonl":
        return "jsonl"
    if suffix == ".json":
        return "json"
    if suffix in FEED_SUFFIXES:
        return "feed"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix not in TEXT_SUFFIXES:
        head = _head(path)
        if looks_like_warc(head):
            return "warc"
        if looks_like_feed(head):
            return "feed"
        if looks_like_html(head.decode("utf-8", "replace")):
            return "html"
    return "urls" if is_url_list_file(path) else "text"


def _articles(found: Iterable[Article | Problem]) -> Iterator[_Item]:
    for item in found:
        yield InputError(item.reason, item.source) if isinstance(item, Problem) else (item, {})


def _records(found: Iterable[tuple[Article | Problem, dict[str, Any]]]) -> Iterator[_Item]:
    for item, extra in found:
        yield InputError(item.reason, item.source) if isinstance(item, Problem) else (item, extra)


def _file_items(path: Path, timeout: float) -> Iterator[_Item]:
    kind = file_kind(path)
    if kind == "jsonl":
        yield from _records(read_jsonl(path))
    elif kind == "json":
        yield from _records(read_json(path))
    elif kind == "warc":
        yield from _articles(read_warc(path))
    elif kind == "feed":
        yield from _articles(read_feed_file(path, timeout=timeout))
    elif kind == "urls":
        yield from _articles(read_url_list(path, timeout=timeout))
    elif kind == "html":
        yield read_html_file(path), {}
    else:
        yield read_text_file(path), {}


def _dir_items(directory: Path, timeout: float) -> Iterator[_Item]:
    files = _named(directory)
    if not files:
        raise InputError("no .txt, .text, .html, .htm or .jsonl files in the directory", str(directory))
    for path in files:
        try:
            reason = irregular_reason(path)  # before any open: opening a FIFO waits for a writer
            if reason is not None:
                raise InputError(reason, str(path))
            yield from _file_items(path, timeout)
        except InputError as exc:
            yield exc
        except OSError as exc:  # a file vanished or became unreadable while it was read
            yield InputError(os_reason(exc), str(path))


def _stdin() -> IO[bytes] | IO[str]:
    """Standard input as bytes when it has a binary buffer (JSONL lines are decoded one by one)."""
    return getattr(sys.stdin, "buffer", None) or sys.stdin


def shown_name(name: str) -> str:
    """A file name as storylens keeps and shows it: a name that is not UTF-8 reaches Python with its
    bad bytes as lone surrogates (``caf\udce9.txt``), which SQLite, JSON and the terminal cannot
    encode; they become ``\xe9`` escapes (``caf\\xe9.txt``). Any other name is unchanged."""
    if name.isascii():
        return name
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _shown(item: _Item) -> _Item:
    """An item with the file names in its ids and sources as :func:`shown_name` gives them."""
    if isinstance(item, InputError):
        if item.source is not None and shown_name(item.source) != item.source:
            return type(item)(item.reason, shown_name(item.source))
        return item
    article = item[0]
    article.id = shown_name(article.id)
    article.source = shown_name(article.source) if article.source is not None else None
    return item


def _items(source: str, timeout: float) -> Iterator[_Item]:
    """Everything one input holds, file names made encodable; errors are yielded, never raised."""
    for item in _raw_items(source, timeout):
        yield _shown(item)


def _raw_items(source: str, timeout: float) -> Iterator[_Item]:
    try:
        if source == STDIN:
            yield from _records(read_jsonl_stream(_stdin()))
        elif is_url(source):
            yield from _articles(read_url_items(source, timeout=timeout))
        elif _OTHER_SCHEME.match(source):
            raise InputError(f"unsupported URL scheme '{source.split(':', 1)[0]}' (http and https are read)",
                             source)
        elif not source.strip():
            raise InputError("empty input name", source)
        elif Path(source).is_dir():
            yield from _dir_items(Path(source), timeout)
        else:
            yield from _file_items(Path(source), timeout)
    except InputError as exc:
        yield exc
    except OSError as exc:  # a file vanished or became unreadable between checks
        yield InputError(os_reason(exc), source)


def iter_records(inputs: str | Path | Iterable[str | Path], *, timeout: float = 20.0, strict: bool = False,
                 ) -> Iterator[tuple[Article, dict[str, Any]] | Problem]:
    """Stream the articles of the inputs, one at a time, each with its extra JSONL fields.

    Inputs are files (text, HTML, JSONL, WARC, feeds, lists of URLs), directories, http(s) URLs
    (pages or feeds) and ``-`` (JSONL on standard input). Never raises for bad input: each input,
    record, entry or line that fails is yielded as one Problem and reading goes on; an article cut at
    a limit (limits.py) is followed by a ``Truncated`` notice (a Problem whose ``kept`` is true), or, with
    ``strict``, is not yielded at all: one Problem names it and the limit instead. Ids are not made
    unique across inputs (see :func:`read_records`). Nothing is collected, so a corpus of any size
    streams in constant memory.
    """
    for source in [inputs] if isinstance(inputs, (str, Path)) else inputs:
        for item in _items(str(source), timeout):
            if isinstance(item, InputError):
                yield Problem.of(item, str(source))
                continue
            notes, name = truncation_notes(item[0].removed), item[0].source or str(source)
            if strict and notes:  # strict: an article cut at a limit is skipped, not kept
                yield Problem(name, "; ".join(notes) + "; skipped (strict)")
                continue
            yield item
            for note in notes:  # the article is kept, cut: say so
                yield Truncated(name, note)


def _unique(article_id: str, seen: set[str]) -> str:
    """``article_id``, or with the first free ``-2``, ``-3``... suffix when it is taken."""
    new, n = article_id, 1
    while new in seen:
        n += 1
        new = f"{article_id}-{n}"
    seen.add(new)
    return new


def read_records(inputs: str | Iterable[str], *, timeout: float = 20.0, strict: bool = False,
                 ) -> tuple[list[tuple[Article, dict[str, Any]]], list[Problem]]:
    """Like :func:`read_inputs`, keeping each article's extra JSONL fields (e.g. ``story``); ``strict``
    skips an article cut at a limit (see :func:`iter_records`)."""
    records: list[tuple[Article, dict[str, Any]]] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for item in iter_records(inputs, timeout=timeout, strict=strict):
        if isinstance(item, Problem):
            problems.append(item)
            continue
        item[0].id = _unique(item[0].id, seen)
        records.append(item)
    return records, problems


def read_inputs(inputs: str | Iterable[str], *, timeout: float = 20.0,
                ) -> tuple[list[Article], list[Problem]]:
    """Read all the inputs (see :func:`iter_records`) into articles with unique ids.

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
        raise InputError("is a directory; extract reads one file or URL", shown_name(source))
    articles = read_one(source, timeout=timeout)
    if len(articles) != 1:  # the name as every other line shows it (a non-UTF-8 name escaped)
        raise InputError(f"holds {len(articles)} articles; extract reads one", shown_name(source))
    return articles[0]
