"""RSS and Atom feeds: one article per entry, from the entry's own content or from its linked page.

An entry that carries the full story (``content:encoded``, Atom ``content``, or a long description)
becomes an article directly; a teaser-only entry has its link fetched and extracted; an entry with a
title and no link (a headline feed's item) is a headline-only article, its teaser its description. The entry's
title, author, date and link fill the article's fields. feedparser only ever sees bytes we read or
fetched ourselves, never a URL or path, so it cannot reach the network or the disk on its own.
"""

from __future__ import annotations

import html as htmlmod
import io
import re
import time
import urllib.parse
import xml.sax
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..model import Article, Problem
from ._files import read_bytes
from .html import NO_ARTICLE, article_from_html, url_id
from .text import headline_article
from .url import is_url, read_url

FEED_SUFFIXES = (".xml", ".rss", ".atom")
# Words an entry's own content needs to be taken as the article instead of fetching its link. The
# gold bodies of the article extraction benchmark (181 news pages) run from 66 words up, 172 at the
# 10th percentile; feed teasers are a sentence or two (RSS descriptions are commonly cut at 200-500
# characters, i.e. under ~80 words). A short story with content below this is fetched, not lost.
MIN_CONTENT_WORDS = 80
_FEED_START = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?[^>]*\?>\s*|<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*<(?:[\w.-]+:)?(rss|feed|RDF)\b",
    re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"\w+")
_SPACED = re.compile(r" ([.,;:!?])")  # "Monday ." left where a closing tag was stripped


def is_feed_name(name: str | Path) -> bool:
    """True for a file name ending in .xml, .rss or .atom (any case)."""
    return str(name).lower().endswith(FEED_SUFFIXES)


def looks_like_feed(head: bytes) -> bool:
    """True when a document opens with an RSS, Atom or RDF root element."""
    return bool(_FEED_START.match(head[:8192]))


def read_feed_file(path: str | Path, *, timeout: float = 20.0) -> Iterator[Article | Problem]:
    """The articles of a feed file; see :func:`read_feed_bytes`. Raises InputError for an unreadable file."""
    path = Path(path)
    yield from read_feed_bytes(read_bytes(path, str(path)), source=str(path), timeout=timeout)


def read_feed_bytes(data: bytes, *, source: str, url: str | None = None,
                    timeout: float = 20.0) -> Iterator[Article | Problem]:
    """Yield an Article or a Problem per entry of a feed document.

    ``source`` names the feed (path or URL) and ``url``, when known, resolves relative links.
    A failing entry is a Problem named ``SOURCE#entry-N`` (its link, when that could not be fetched,
    in the reason). Raises InputError when the document is no feed or holds no entries.
    """
    import feedparser

    headers = {"content-type": "application/xml"} | ({"content-location": url} if url else {})
    parsed = feedparser.parse(io.BytesIO(data), response_headers=headers)
    entries = [e for e in parsed.entries if e.get("link") or e.get("title") or _content(e)]
    error = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if not entries:
        if isinstance(error, xml.sax.SAXException):
            raise InputError(f"malformed feed ({_sax_reason(error)})", source)
        if not parsed.get("version"):
            raise InputError("not an RSS or Atom feed", source)
        raise InputError("no entries in the feed", source)
    feed = _Feed(source, url_id(url) if url else Path(source).stem,
                 " ".join((parsed.feed.get("title") or "").split()) or None, timeout)
    for number, entry in enumerate(entries, 1):
        yield _entry_item(entry, number, feed)
    if isinstance(error, xml.sax.SAXParseException):  # entries past the break may be lost: say so
        read = f"{len(entries)} {'entry' if len(entries) == 1 else 'entries'} read"
        yield Problem(source, f"malformed feed ({_sax_reason(error)}); {read}, some may be missing")


@dataclass(frozen=True)
class _Feed:
    """What every entry of one feed shares."""

    source: str  # the feed's path or URL
    stem: str  # ids of entries without a link: STEM-N
    outlet: str | None  # the feed's title
    timeout: float


def _sax_reason(error: Exception) -> str:
    if isinstance(error, xml.sax.SAXParseException):
        return f"{error.getMessage()} at line {error.getLineNumber()}"
    return str(error)


def _content(entry: Any) -> str:
    """The longest HTML the entry carries: its content blocks or its description."""
    blocks = [c.get("value") or "" for c in entry.get("content") or []] + [entry.get("summary") or ""]
    return max(blocks, key=len)


def _words(html: str) -> int:
    return len(_WORD.findall(htmlmod.unescape(_TAG.sub(" ", html))))


def _text(html: str) -> str:
    """An entry's short HTML (a teaser) as one line of text."""
    return _SPACED.sub(r"\1", " ".join(htmlmod.unescape(_TAG.sub(" ", html)).split()))


def _entry_item(entry: Any, number: int, feed: _Feed) -> Article | Problem:
    """The article of one entry: from its content when that is a full story, else from its link."""
    source = f"{feed.source}#entry-{number}"
    link = _absolute((entry.get("link") or "").strip(), feed.source) or None
    content = _content(entry)
    try:
        article = None
        if _words(content) >= MIN_CONTENT_WORDS:
            article = _from_content(entry, content, link, source, feed, number)
        if article is None:
            if link is None and (entry.get("title") or "").strip():  # a headline feed's item (issue 16)
                headline = headline_article(entry["title"], source=source, article_id=f"{feed.stem}-{number}",
                                            description=_text(content))
                headline.outlet = feed.outlet
                return _fill(headline, entry)
            if link is None:
                return Problem(source, "entry has no link and too little content to be an article")
            if not is_url(link):
                return Problem(source, f"entry link {link[:200]!r} is not an http(s) URL; not followed")
            article = read_url(link, timeout=feed.timeout)
    except InputError as exc:  # named by the feed and entry; a failed link is named in the reason
        if exc.source and exc.source != source and exc.source == link:
            return Problem(source, f"its link {link[:200]}: {exc.reason}")
        return Problem(source, exc.reason)
    return _fill(article, entry)


def _absolute(link: str, feed_source: str) -> str:
    """An entry's link made absolute against the feed's URL (``article.html``, ``//host/x``); a
    relative link in a feed file stays as it is and is refused when fetched (only http(s) is read)."""
    if link and is_url(feed_source) and not is_url(link):
        return urllib.parse.urljoin(feed_source, link)
    return link


def _from_content(entry: Any, content: str, link: str | None, source: str, feed: _Feed,
                  number: int) -> Article | None:
    """The article built from the entry's own HTML; None when it has no article text but a link to try."""
    title = htmlmod.escape(entry.get("title") or "")
    page = f"<html><head><title>{title}</title></head><body><article>{content}</article></body></html>"
    article_id = url_id(link) if link else f"{feed.stem}-{number}"
    try:
        article = article_from_html(page, source=source, url=link, article_id=article_id)
    except InputError as exc:
        if link and exc.reason == NO_ARTICLE:
            return None
        raise
    article.outlet = feed.outlet or article.outlet  # the feed names its publisher; the page has no name
    return article


def _fill(article: Article, entry: Any) -> Article:
    """Let the entry's own metadata win over what extraction guessed."""
    if (entry.get("title") or "").strip():
        article.title = " ".join(entry["title"].split())
    if (entry.get("author") or "").strip():
        article.author = entry["author"].strip()
    date = entry.get("published_parsed") or entry.get("updated_parsed")
    if date:
        article.published = time.strftime("%Y-%m-%d", date)
    return article
