"""URLs and files of URLs: each URL is read as an HTML article, or as a feed when it serves one."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from ..errors import FetchError, InputError
from ..model import Article, Problem
from ._files import decode_utf8, read_bytes
from .feed import looks_like_feed, read_feed_bytes
from .html import article_from_html, decode_html, looks_like_html, url_id
from .url import FEED_TYPES, HTML_TYPES, fetch_bytes

# Types fetched and then judged by their body: pages, feeds, and text/plain (some servers send feeds
# as text/plain).
_READABLE_TYPES = HTML_TYPES | FEED_TYPES | {"text/plain"}
# How much of a file is looked at to decide that it is a list of URLs: ~500 URLs' worth of lines.
_SNIFF_BYTES = 65536
# Share of lines that must be bare URLs for a text file to be a list of URLs. An article's lines are
# prose, with at most a few bare links among them; a list is nearly all URLs (a typo or two aside).
# Any cut between those works; this one is the midpoint, not tuned on data.
_MIN_URL_SHARE = 0.5
_URL_LINE = re.compile(r"https?://\S+\Z", re.IGNORECASE)


def read_url_items(url: str, *, timeout: float = 20.0) -> Iterator[Article | Problem]:
    """The article of a web page, or the articles of a feed when the URL serves one.

    Raises FetchError (download failed, not a page or feed) or InputError (no article in the page,
    malformed feed); a failing feed entry is yielded as a Problem.
    """
    page = fetch_bytes(url, timeout=timeout, types=_READABLE_TYPES)
    if page.content_type in FEED_TYPES or looks_like_feed(page.body):
        yield from read_feed_bytes(page.body, source=url, url=page.url, timeout=timeout)
        return
    html = decode_html(page.body, page.charset)
    if page.content_type not in HTML_TYPES and page.content_type is not None and not looks_like_html(html):
        raise FetchError(f"not an HTML page (content type {page.content_type})", url)
    yield article_from_html(html, source=url, url=page.url, article_id=url_id(url))


def looks_like_url_list(text: str) -> bool:
    """True when most non-blank, non-``#`` lines of ``text`` are http(s) URLs.

    Most, not all, so that a list with a typo is still read as a list and the bad line reported.
    """
    lines = [s for s in (line.strip() for line in text.splitlines()) if s and not s.startswith("#")]
    urls = sum(1 for line in lines if _URL_LINE.match(line))
    return urls > 0 and urls >= _MIN_URL_SHARE * len(lines)


def is_url_list_file(path: str | Path) -> bool:
    """True when the whole lines of a file's start are all http(s) URLs (False when unreadable)."""
    try:
        with Path(path).open("rb") as f:
            head = f.read(_SNIFF_BYTES + 1)
    except OSError:
        return False
    if len(head) > _SNIFF_BYTES:
        head = head[:head.rfind(b"\n", 0, _SNIFF_BYTES) + 1]  # whole lines only
    return looks_like_url_list(head.decode("utf-8", "replace"))


def read_url_list(path: str | Path, *, timeout: float = 20.0) -> Iterator[Article | Problem]:
    """Read every URL of a text file (one per line; blank lines and ``#`` comments skipped).

    A line that is no http(s) URL is a Problem ``PATH:LINE``; a URL that fails is a Problem naming
    the URL. Raises InputError when the file cannot be read.
    """
    path = Path(path)
    text = decode_utf8(read_bytes(path, str(path)), str(path))
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not _URL_LINE.match(line):
            yield Problem(f"{path}:{number}", "not an http(s) URL")
            continue
        try:
            yield from read_url_items(line, timeout=timeout)
        except InputError as exc:
            yield Problem.of(exc, line)
