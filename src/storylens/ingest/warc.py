"""WARC archives (.warc, .warc.gz; Common Crawl's CC-NEWS layout included): one article per HTML page.

Only ``response`` records that carry an HTTP 2xx response with an HTML payload are articles; every
other record (warcinfo, request, metadata, revisit, images, scripts, redirects) is skipped silently.
A truncated or malformed record, or a page without article text, gives a ``Problem`` named
``FILE#record-N`` (records counted from 1 in file order) and reading goes on. After damage the reader
looks for the next record start (a gzip member that opens with ``WARC/`` in compressed files, a
``WARC/1.x`` line in plain ones), so one bad record does not lose the rest of a multi-gigabyte archive;
a damaged stretch counts as one record.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ..errors import InputError
from ..model import Article, Problem
from ._files import MAX_BYTES, os_reason, too_large_reason
from .html import article_from_html, decode_html, looks_like_html, url_id

WARC_SUFFIXES = (".warc", ".warc.gz")
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_GZIP_MAGIC = b"\x1f\x8b\x08"
_PLAIN_START = re.compile(rb"(?:\A|\n)(WARC/1\.[01]\r?\n)")
# Bytes read per step while looking for the next record start: big enough that a scan over a damaged
# stretch takes few reads, small enough to keep memory flat.
_SCAN_CHUNK = 1 << 20
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_Item = Article | Problem


def is_warc_name(name: str | Path) -> bool:
    """True for a file name ending in .warc or .warc.gz (any case)."""
    return str(name).lower().endswith(WARC_SUFFIXES)


def looks_like_warc(head: bytes) -> bool:
    """True when the first bytes of a file open a WARC record, plain or gzip-compressed."""
    return head.startswith(b"WARC/") or _gunzips_to_warc(head)


def _gunzips_to_warc(data: bytes) -> bool:
    """True when ``data`` starts a gzip member whose content opens with ``WARC/``."""
    if not data.startswith(_GZIP_MAGIC):
        return False
    try:
        return zlib.decompressobj(31).decompress(data[:4096], 16).startswith(b"WARC/")
    except zlib.error:
        return False


@dataclass
class _Page:
    """An HTML payload taken from one response record."""

    number: int
    url: str | None
    date: str | None
    charset: str | None
    headers: dict[str, str]
    body: bytes


class _Truncated(Exception):
    """A record ends before its declared length (the file was cut, or the length is wrong)."""

    def __init__(self, got: int, expected: int, problem: Problem | None) -> None:
        super().__init__(f"{got} of {expected} bytes")
        self.problem = problem


def read_warc(path: str | Path) -> Iterator[Article | Problem]:
    """Yield the article of each HTML response record of a WARC file, or a Problem per bad record.

    Raises InputError when the file cannot be opened, is empty, or holds no WARC record at all.
    """
    path = Path(path)
    source = str(path)
    try:
        with path.open("rb") as f:
            head = f.read(4096)
            if not head:
                raise InputError("empty file", source)
            if not looks_like_warc(head):
                raise InputError("not a WARC file (no WARC record at its start)", source)
            for item in _Scanner(f, source, head.startswith(_GZIP_MAGIC)).pages():
                yield item if isinstance(item, Problem) else _page_article(item, source)
    except OSError as exc:
        raise InputError(os_reason(exc), source) from exc


def _page_article(page: _Page, path: str) -> Article | Problem:
    """The article of one HTML payload, or the Problem saying why it has none."""
    source = f"{path}#record-{page.number}"
    try:
        html = decode_html(_decode_body(page.body, page.headers), page.charset)
        article_id = url_id(page.url) if page.url else f"{Path(path).name.split('.')[0]}-{page.number}"
        article = article_from_html(html, source=source, url=page.url, article_id=article_id)
    except InputError as exc:
        return Problem(source, exc.reason)
    if page.date and (not article.published or article.published[:10] > page.date):
        article.published = page.date  # no date in the page, or one after the crawl: it cannot be right
    return article


class _Scanner:
    """Walks the records of one open WARC file, resynchronising after damage."""

    def __init__(self, f: IO[bytes], source: str, gz: bool) -> None:
        self.f, self.source, self.gz = f, source, gz
        self.number = 0  # records seen so far, a damaged stretch counting as one
        self.quiet = False  # damage reported and no intact record read since: stay silent

    def pages(self) -> Iterator[_Page | Problem]:
        """HTML pages and Problems of the whole file, in order."""
        pos: int | None = 0
        while pos is not None:
            last, reason = yield from self._pass(pos)
            if last is None and not self.quiet:  # nothing readable where a record starts
                self.number += 1
                yield Problem(f"{self.source}#record-{self.number}", reason or "incomplete WARC record")
                self.quiet = True
            elif reason and not self.quiet:
                self.number += 1
                yield Problem(f"{self.source}#record-{self.number}", reason)
                self.quiet = True
            pos = self._next_start((pos if last is None else last) + 1)

    def _pass(self, pos: int) -> Generator[_Page | Problem, None, tuple[int | None, str | None]]:
        """Read records from ``pos`` on; return (offset of the last record read, damage reason)."""
        from fastwarc.warc import ArchiveIterator

        self.f.seek(pos)
        last = None
        try:
            for record in ArchiveIterator(self.f, parse_http=False):
                last, self.number, self.quiet = record.stream_pos, self.number + 1, False
                item, intact = self._read(record)
                if item is not None:
                    yield item
                if not intact:  # its declared length may have swallowed the records after it
                    self.quiet = item is not None
                    return last, None
        except (OSError, ValueError) as exc:  # fastwarc reports bad bytes as OSError
            return last, f"malformed WARC record ({_lower_first(str(exc))})"
        return last, None

    def _read(self, record: Any) -> tuple[_Page | Problem | None, bool]:
        """The page of one record (or its Problem, or None), and whether the record was intact."""
        source = f"{self.source}#record-{self.number}"
        try:
            return _record_page(record, self.number, source), True
        except _Truncated as exc:
            return exc.problem, False
        except (OSError, ValueError) as exc:  # damage inside the record's payload
            return Problem(source, f"malformed WARC record ({_lower_first(str(exc))})"), False

    def _next_start(self, pos: int) -> int | None:
        """Offset of the first record start at or after ``pos``, or None at the end of the file."""
        overlap = 4096 if self.gz else 16
        while True:
            self.f.seek(pos)
            chunk = self.f.read(_SCAN_CHUNK + overlap)
            if not chunk:
                return None
            found = self._find_in(chunk)
            if found is not None:
                return pos + found
            if len(chunk) <= overlap:
                return None
            pos += len(chunk) - overlap

    def _find_in(self, chunk: bytes) -> int | None:
        if not self.gz:
            match = _PLAIN_START.search(chunk)
            return match.start(1) if match else None
        at = chunk.find(_GZIP_MAGIC)
        while at >= 0:
            if _gunzips_to_warc(chunk[at:]):
                return at
            at = chunk.find(_GZIP_MAGIC, at + 1)
        return None


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _record_page(record: Any, number: int, source: str) -> _Page | Problem | None:
    """The HTML page of one record, None when the record is no article, a Problem when it is bad.

    Raises _Truncated (carrying a Problem when the record would have been an article) when the record
    ends early.
    """
    from fastwarc.warc import WarcRecordType

    is_response = record.record_type in (WarcRecordType.response, WarcRecordType.no_type)
    if record.headers.get("Content-Length") is None and is_response:
        return Problem(source, "truncated WARC record (incomplete header)")
    if record.record_type != WarcRecordType.response or not record.is_http:
        _consume(record, None)
        return None
    try:
        record.parse_http()
    except OSError as exc:
        _consume(record, None)
        return Problem(source, f"malformed HTTP response ({_lower_first(str(exc))})")
    status = record.http_headers.status_code if record.http_headers else None
    if status is None:
        _consume(record, None)
        return Problem(source, "malformed HTTP response (no status line)")
    ctype = (record.http_content_type or "").lower()
    if not 200 <= status < 300 or (ctype and ctype not in HTML_TYPES):
        _consume(record, None)
        return None
    return _html_page(record, number, source, declared=bool(ctype))


def _html_page(record: Any, number: int, source: str, *, declared: bool) -> _Page | Problem | None:
    """The payload of a record declared as HTML (or undeclared and sniffed as HTML)."""
    expected = record.content_length
    if expected > MAX_BYTES:
        problem = Problem(source, too_large_reason(expected, "page"))
        _consume(record, problem if declared else None)
        return problem if declared else None
    body = bytes(record.reader.read())
    if not declared and not looks_like_html(body[:4096].decode("utf-8", "replace")):
        problem = None
    else:
        problem = Problem(source, f"truncated WARC record ({len(body)} of {expected} bytes)")
    if len(body) < expected:
        raise _Truncated(len(body), expected, problem)
    if problem is None:
        return None
    date = _DATE.match(record.headers.get("WARC-Date") or "")
    headers = {k.lower(): v for k, v in record.http_headers.items()}
    return _Page(number, record.headers.get("WARC-Target-URI") or None, date.group(0) if date else None,
                 record.http_charset, headers, body)


def _consume(record: Any, problem: Problem | None) -> None:
    """Skip the rest of a record; raise _Truncated when it ends before its declared length."""
    expected = record.content_length
    got = record.consume()
    if got < expected:
        raise _Truncated(got, expected, problem)


def _decode_body(body: bytes, headers: dict[str, str]) -> bytes:
    """Undo chunked transfer and gzip/deflate content encodings (Common Crawl stores them undone)."""
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = _unchunk(body)
    for coding in reversed([c.strip().lower() for c in headers.get("content-encoding", "").split(",")]):
        if coding in ("", "identity"):
            continue
        if coding not in ("gzip", "x-gzip", "deflate"):
            raise InputError(f"unsupported content encoding '{coding}'")
        try:
            body = zlib.decompress(body, 47 if coding != "deflate" else 15)
        except zlib.error as exc:
            raise InputError(f"could not decode the {coding} content encoding ({exc})") from exc
    return body


def _unchunk(body: bytes) -> bytes:
    """The payload of a chunked HTTP body (raises InputError when the chunking is broken)."""
    parts: list[bytes] = []
    pos = 0
    while True:
        eol = body.find(b"\r\n", pos)
        size_text = body[pos:eol].split(b";", 1)[0].strip() if eol >= 0 else b""
        try:
            size = int(size_text, 16)
        except ValueError:
            raise InputError("malformed chunked transfer encoding") from None
        if size == 0:
            return b"".join(parts)
        parts.append(body[eol + 2:eol + 2 + size])
        pos = eol + 2 + size + 2
