"""Fetching web pages with the standard library: timeout, size limit, clear reasons for failures.

Inside ``public_only()`` (the web app's ingest, unless started with ``--allow-private``), every
connection, redirects included, first resolves its host and refuses it when any address is loopback,
private, link-local, multicast, reserved or otherwise not global; it then connects to the address it
checked (so a second DNS answer cannot swap in another). Elsewhere (the CLI) any address is read.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import IO, Any

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


class AddressRefused(OSError):
    """A host resolved to an address that ``public_only()`` does not connect to."""


_public_only: ContextVar[bool] = ContextVar("storylens_public_only", default=False)


@contextmanager
def public_only(enabled: bool = True) -> Iterator[None]:
    """Within this block (this thread's context), fetch only from global (public) addresses."""
    token = _public_only.set(enabled)
    try:
        yield
    finally:
        _public_only.reset(token)


# IPv4 blocks this Python's ``is_global`` counts as global (3.12.1) that IANA's special-purpose registry
# does not: 192.0.0.0/24 (IETF protocol assignments, e.g. 192.0.0.8, the IPv4 dummy address) but its
# two globally reachable anycast addresses, and 192.88.99.0/24 (the 6to4 relay anycast, RFC 7526).
_NOT_GLOBAL = (ipaddress.ip_network("192.0.0.0/24"), ipaddress.ip_network("192.88.99.0/24"))
_GLOBAL_ANYCAST = frozenset({ipaddress.ip_address("192.0.0.9"), ipaddress.ip_address("192.0.0.10")})


def address_refusal(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why ``ip`` is not fetched from in public-only mode (None for a global address). An IPv6
    address that carries an IPv4 one (mapped ``::ffff:a.b.c.d``, 6to4 ``2002::/16``) is judged by it."""
    embedded = getattr(ip, "ipv4_mapped", None) or getattr(ip, "sixtofour", None)
    if embedded is not None:
        return address_refusal(embedded)
    if ip.version == 4 and any(ip in net for net in _NOT_GLOBAL) and ip not in _GLOBAL_ANYCAST:
        return "not a public address"
    for kind in ("loopback", "link_local", "multicast", "reserved", "unspecified", "private"):
        if getattr(ip, f"is_{kind}"):
            return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind.replace('_', '-')} address"
    return None if ip.is_global else "not a public address"


def _vetted_connection(address: tuple[str, int], timeout: Any = socket._GLOBAL_DEFAULT_TIMEOUT,  # type: ignore[attr-defined]
                       source_address: Any = None, **_: Any) -> socket.socket:
    """``socket.create_connection`` that checks every address of the host before connecting to one."""
    host, port = address
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    for *_rest, sockaddr in infos:
        why = address_refusal(ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0]))
        if why:
            said = f"{host} is" if host == sockaddr[0] else f"{host} resolves to {sockaddr[0]}, which is"
            raise AddressRefused(f"refused: {said} {why} (private and local addresses are read only with "
                                 "--allow-private)")
    error: OSError = OSError(f"no address for {host}")
    for family, kind, proto, _name, sockaddr in infos:
        sock = socket.socket(family, kind, proto)
        try:
            if timeout is not socket._GLOBAL_DEFAULT_TIMEOUT:  # type: ignore[attr-defined]
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sockaddr)
            return sock
        except OSError as exc:
            sock.close()
            error = exc
    raise error


class _VettedHTTP(http.client.HTTPConnection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _vetted_connection


class _VettedHTTPS(http.client.HTTPSConnection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _vetted_connection


class _VettedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_VettedHTTP, req)


class _VettedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_VettedHTTPS, req, context=self._context)  # type: ignore[attr-defined]


def _public_opener() -> urllib.request.OpenerDirector:
    """http(s) only (a redirect to any other scheme fails), no proxy, every connection vetted."""
    opener = urllib.request.OpenerDirector()
    for handler in (urllib.request.ProxyHandler({}), urllib.request.UnknownHandler(), _VettedHTTPHandler(),
                    _VettedHTTPSHandler(), urllib.request.HTTPDefaultErrorHandler(),
                    urllib.request.HTTPRedirectHandler(), urllib.request.HTTPErrorProcessor()):
        opener.add_handler(handler)
    return opener


def _network_reason(reason: object, timeout: float) -> str:
    """A short reason for what urllib reports as ``URLError.reason``."""
    if isinstance(reason, AddressRefused):
        return str(reason)
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
    the body is read. Raises FetchError; only http(s) URLs are fetched (never file:, ftp: or data:)."""
    if not is_url(url):
        raise FetchError("not an http(s) URL (only http and https are read)", url[:200])
    deadline = time.monotonic() + timeout
    try:
        # inside the try: Request parses the URL, and 'http://[::1' raises ValueError there
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": accept})
        opener = _public_opener().open if _public_only.get() else urllib.request.urlopen
        with opener(request, timeout=timeout) as resp:
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
    except UnicodeError as exc:  # a host the IDNA or latin-1 codec refuses (http://%ff/): its message is Python's
        raise FetchError("invalid URL (a character the host name or request line cannot carry)", url) from exc
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
