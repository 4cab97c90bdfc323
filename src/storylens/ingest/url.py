"""Fetching web pages with the standard library: timeout, size limit, clear reasons for failures."""

from __future__ import annotations

import http.client
import socket
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import IO

from .. import __version__
from ..errors import FetchError
from ..model import Article
from ._files import MAX_BYTES, too_large_reason
from .html import article_from_html, decode_html, url_id

USER_AGENT = f"storylens/{__version__}"
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml",
                        "application/x-rss+xml", "application/xml", "text/xml"})
ACCEPT_HTML = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
ACCEPT_ANY = ("text/html,application/xhtml+xml;q=0.9,application/rss+xml,application/atom+xml;q=0.8,"
              "application/xml,text/xml;q=0.5,*/*;q=0.1")
# Bytes read per call while downloading: small enough to check the size limit and deadline often,
# large enough that a 2 MB page takes ~30 reads.
_CHUNK = 65536


def is_url(source: str) -> bool:
    """True for an http(s) URL."""
    return source[:8].lower().startswith(("http://", "https://"))


def _network_reason(reason: object, timeout: float) -> str:
    """A short reason for what urllib reports as ``URLError.reason``."""
    if isinstance(reason, TimeoutError):
        return f"timed out after {timeout:g} s"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused (nothing listening at that address)"
    if isinstance(reason, socket.gaierror):
        return "host not found"
    if isinstance(reason, ssl.SSLError):
        return f"TLS error ({reason.reason or reason})"
    if isinstance(reason, OSError):
        return f"unreachable ({(reason.strerror or str(reason)).lower()})"
    return str(reason)  # urllib's own words, e.g. "no host given"


def _check_content_type(resp: http.client.HTTPResponse, url: str, types: frozenset[str] | None) -> None:
    if types is None or resp.headers.get("Content-Type") is None:
        return  # anything goes, or undeclared: let the reader judge the body
    ctype = resp.headers.get_content_type()
    if ctype not in types:
        raise FetchError(f"not an HTML page (content type {ctype})", url)


def _read_body(resp: IO[bytes], url: str, max_bytes: int, deadline: float, timeout: float) -> bytes:
    """The response body, refusing more than ``max_bytes`` or reading past ``deadline``."""
    length = resp.headers.get("Content-Length", "")  # type: ignore[attr-defined]
    if length.isdigit() and int(length) > max_bytes:
        raise FetchError(too_large_reason(int(length), "page"), url)
    chunks: list[bytes] = []
    size = 0
    while chunk := resp.read(_CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"page too large (more than {max_bytes // 1_000_000} MB)", url)
        if time.monotonic() > deadline:
            raise FetchError(f"timed out after {timeout:g} s", url)
        chunks.append(chunk)
    return b"".join(chunks)


@dataclass(frozen=True)
class Fetched:
    """A downloaded document: final URL after redirects, declared type and charset, raw body."""

    url: str
    content_type: str | None
    charset: str | None
    body: bytes


def fetch_bytes(url: str, *, timeout: float = 20.0, max_bytes: int = MAX_BYTES,
                types: frozenset[str] | None = None, accept: str = ACCEPT_ANY) -> Fetched:
    """Download a document. A declared content type outside ``types`` (when given) is refused before
    the body is read. Raises FetchError."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": accept})
    deadline = time.monotonic() + timeout
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            _check_content_type(resp, url, types)
            body = _read_body(resp, url, max_bytes, deadline, timeout)
            declared = resp.headers.get("Content-Type") is not None
            return Fetched(resp.geturl(), resp.headers.get_content_type() if declared else None,
                           resp.headers.get_content_charset(), body)
    except urllib.error.HTTPError as exc:
        exc.close()
        raise FetchError(f"HTTP {exc.code} {exc.reason}".rstrip(), url) from exc
    except urllib.error.URLError as exc:
        raise FetchError(_network_reason(exc.reason, timeout), url) from exc
    except TimeoutError as exc:
        raise FetchError(f"timed out after {timeout:g} s", url) from exc
    except (http.client.HTTPException, OSError) as exc:
        raise FetchError(f"connection failed ({type(exc).__name__})", url) from exc
    except ValueError as exc:
        raise FetchError(f"invalid URL ({exc})", url) from exc


def fetch_html(url: str, *, timeout: float = 20.0, max_bytes: int = MAX_BYTES) -> tuple[str, str]:
    """Download an HTML page: (final URL after redirects, decoded HTML). Raises FetchError."""
    page = fetch_bytes(url, timeout=timeout, max_bytes=max_bytes, types=HTML_TYPES, accept=ACCEPT_HTML)
    return page.url, decode_html(page.body, page.charset)


def read_url(url: str, *, timeout: float = 20.0, article_id: str | None = None) -> Article:
    """Fetch a page and extract its article; the id defaults to the URL's last path segment."""
    final_url, html = fetch_html(url, timeout=timeout)
    return article_from_html(html, source=url, url=final_url, article_id=article_id or url_id(url))
