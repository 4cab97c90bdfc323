"""JSONL exports: one article per line, as plain text (``text``) or as a page (``html``); and JSON
files (``.json``) holding an array of the same records, read like JSONL.

Fields: ``id``, ``title``, ``text`` or ``html``; optional ``url, outlet, author, published, language,
description``; optional ``story`` (a story label for a later multi-story mode). A record with a title
and no body (a headline feed's item) is a headline-only article (ingest.text.headline_article). Each
line gives an Article or a Problem whose source is ``path:LINE`` (``path:N`` for the Nth item of a JSON
array); the second item of each pair holds the record's fields that Article has no place for
(``story`` and any unknown keys), so nothing in the export is lost.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from ..clean import INVALID_REASON, headline_only, scrub
from ..errors import InputError
from ..model import Article, Problem
from ._files import MAX_BYTES, SNIFF_BYTES, check_text, os_reason, too_large_reason, utf8_reason
from .html import NO_ARTICLE, article_from_html
from .text import article_from_text, headline_article

Record = tuple[Article | Problem, dict[str, Any]]

# How standard input is named in problems (``<stdin>:3``), as Python names it in tracebacks.
STDIN_NAME = "<stdin>"

STRING_FIELDS = ("title", "text", "html", "url", "outlet", "author", "published", "language", "story",
                 "description")
ARTICLE_FIELDS = frozenset({"id", "title", "text", "html", "url", "outlet", "author", "published", "language",
                            "description"})
NO_BODY = "record has no 'text', 'html' or 'title'"
_OVERRIDES = ("title", "url", "outlet", "author", "published", "language")
_JSON_TYPES = {dict: "object", list: "array", str: "string", int: "number", float: "number",
               bool: "boolean", type(None): "null"}


def _json_type(value: Any) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _parse_line(raw: bytes, source: str) -> dict[str, Any]:
    """One line as a JSON object, or InputError saying what is wrong with it."""
    if len(raw) > MAX_BYTES:
        raise InputError(too_large_reason(len(raw), "record"), source)
    try:
        line = raw.decode("utf-8").rstrip("\r\n")  # errors at the end point into the line, not past it
    except UnicodeDecodeError as exc:
        raise InputError(utf8_reason(exc, 1, "column"), source) from exc
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON ({exc.msg} at column {exc.colno})", source) from exc
    except ValueError as exc:  # a number past Python's int digit limit (sys.get_int_max_str_digits)
        raise InputError(f"a JSON number has more than {sys.get_int_max_str_digits()} digits", source) from exc
    except RecursionError as exc:
        raise InputError("JSON nested too deeply to read", source) from exc
    if not isinstance(record, dict):
        raise InputError(f"not a JSON object (a {_json_type(record)})", source)
    return record


def _check_fields(record: dict[str, Any], source: str) -> None:
    for name in STRING_FIELDS:
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            raise InputError(f"field '{name}' must be a string, not {_json_type(value)}", source)
    rid = record.get("id")
    if isinstance(rid, float):  # 1.5, 1e3, or 1e400 (read as inf): no id a person would recognise
        raise InputError(f"field 'id' must be a string or a whole number, not {rid!r} (a number with a "
                         "fraction or an exponent)", source)
    if rid is not None and (isinstance(rid, bool) or not isinstance(rid, (str, int))):
        raise InputError(f"field 'id' must be a string or a whole number, not {_json_type(rid)}", source)
    if not any((record.get(name) or "").strip() for name in ("text", "html", "title")):
        raise InputError(NO_BODY, source)


def article_from_record(record: dict[str, Any], *, source: str, default_id: str) -> Article:
    """Build the Article of one JSONL record; given fields win over extracted ones. Invalid
    characters (lone surrogates, controls) in any string field are replaced (see ``clean.scrub``)."""
    _check_fields(record, source)
    record, replaced = _scrubbed(record)
    article_id = str(record["id"]).strip() if record.get("id") is not None else ""
    article_id = article_id or default_id
    title, description = record.get("title") or None, record.get("description") or None
    if (record.get("text") or "").strip():
        article = article_from_text(record["text"], source=source, article_id=article_id, title=title,
                                    description=description)
    elif (record.get("html") or "").strip():
        article = _from_html(record, source, article_id)
    else:  # a title and no body: a headline feed's item
        article = headline_article(title or "", source=source, article_id=article_id, description=description)
    for name in _OVERRIDES:
        if record.get(name):
            setattr(article, name, record[name])
    if replaced:
        article.removed.append({"line": f"{replaced} characters", "reason": INVALID_REASON})
    return article


def _from_html(record: dict[str, Any], source: str, article_id: str) -> Article:
    """The article of a record's page; a page with no article text and a record with a title is a
    headline-only article (the page held nothing but its frame)."""
    title = (record.get("title") or "").strip()
    try:
        article = article_from_html(record["html"], source=source, url=record.get("url") or None,
                                    article_id=article_id)
    except InputError as exc:
        if not title or exc.reason != NO_ARTICLE:
            raise
        return headline_article(title, source=source, article_id=article_id,
                                description=record.get("description") or None)
    if headline_only(title or article.title, article.text):  # a page whose body is shorter than its title
        return headline_article(title or article.title, source=source, article_id=article_id,
                                description=record.get("description") or article.text, removed=article.removed)
    if record.get("description"):
        article.description = " ".join(record["description"].split())
    return article


def _scrubbed(record: dict[str, Any]) -> tuple[dict[str, Any], int]:
    out, total = dict(record), 0
    for name, value in record.items():
        if isinstance(value, str):
            out[name], n = scrub(value)
            total += n
    return out, total


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """(line number, bytes) of each non-blank line; InputError for an unreadable or binary file."""
    try:
        with path.open("rb") as f:
            check_text(f.read(SNIFF_BYTES), str(path))
            f.seek(0)
            for number, raw in enumerate(f, 1):
                raw = raw.removeprefix(b"\xef\xbb\xbf") if number == 1 else raw
                if raw.strip():
                    yield number, raw
    except OSError as exc:
        raise InputError(os_reason(exc), str(path)) from exc


def read_jsonl_lines(lines: Iterable[tuple[int, bytes]], *, name: str, stem: str) -> Iterator[Record]:
    """Yield (Article or Problem, extra fields) per numbered line; Problems are named ``NAME:LINE``.

    Lines without an ``id`` get ``STEM-LINE``. This is the per-line parsing shared by files and stdin.
    """
    for number, raw in lines:
        source = f"{name}:{number}"
        try:
            record = _parse_line(raw, source)
            article = article_from_record(record, source=source, default_id=f"{stem}-{number}")
        except InputError as exc:
            yield Problem.of(exc, source), {}
            continue
        yield article, {k: v for k, v in record.items() if k not in ARTICLE_FIELDS}


def read_jsonl(path: str | Path) -> Iterator[Record]:
    """Yield (Article or Problem, extra fields) per non-blank line of a JSONL file.

    A malformed line gives a Problem named ``path:LINE`` and reading goes on. Raises InputError
    when the file itself cannot be read, is binary, or holds no records at all.
    """
    path = Path(path)
    count = 0
    for item in read_jsonl_lines(_lines(path), name=str(path), stem=path.stem):
        count += 1
        yield item
    if count == 0:
        raise InputError("empty file" if _is_empty(path) else "no JSON records in the file", str(path))


# Largest .json file read: a JSON array is parsed whole (the standard library cannot stream one), unlike
# JSONL, which is read line by line. 100 MB is ten times the limit of one input file (_files.MAX_BYTES)
# and about 600,000 headline items of ~160 bytes; a bigger export is read as JSONL, in constant memory.
JSON_MAX_BYTES = 100_000_000
# Keys under which a JSON object may hold its array of records ({"items": [...]}, {"articles": [...]}).
_ARRAY_KEYS = ("items", "articles", "records", "data", "entries", "results")


def _json_items(path: Path) -> list[Any]:
    """The records of a .json file: a top-level array, the array of an object's ``items`` (or
    ``articles``, ``records``...), or one object that is itself a record."""
    source = str(path)
    try:
        size = path.stat().st_size
        if size > JSON_MAX_BYTES:
            raise InputError(f"JSON file too large ({size / 1_000_000:.1f} MB > {JSON_MAX_BYTES // 1_000_000} MB "
                             "limit; write it as JSONL, one record a line)", source)
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(os_reason(exc), source) from exc
    if not data.strip():
        raise InputError("empty file", source)
    check_text(data[:SNIFF_BYTES], source)
    try:
        value = json.loads(data.removeprefix(b"\xef\xbb\xbf").decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(utf8_reason(exc), source) from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})", source) from exc
    except (ValueError, RecursionError) as exc:
        raise InputError("JSON nested too deeply or a number too long to read", source) from exc
    if isinstance(value, dict):
        arrays = [value[k] for k in _ARRAY_KEYS if isinstance(value.get(k), list)]
        if arrays:
            return list(arrays[0])
        if any(k in value for k in ("title", "text", "html")):
            return [value]
        raise InputError("a JSON object with no array of records (expected [...] or {\"items\": [...]})", source)
    if not isinstance(value, list):
        raise InputError(f"not a JSON array of records (a {_json_type(value)})", source)
    return value


def read_json(path: str | Path) -> Iterator[Record]:
    """Yield (Article or Problem, extra fields) per record of a .json file, as :func:`read_jsonl` does per
    line: item N (from 1) is named ``path:N`` and gets the id ``STEM-N`` when it has none. Raises
    InputError when the file cannot be read, is not JSON, or holds no records."""
    path = Path(path)
    items = _json_items(path)
    if not items:
        raise InputError("no JSON records in the file (an empty array)", str(path))
    for number, record in enumerate(items, 1):
        source = f"{path}:{number}"
        try:
            if not isinstance(record, dict):
                raise InputError(f"not a JSON object (a {_json_type(record)})", source)
            article = article_from_record(record, source=source, default_id=f"{path.stem}-{number}")
        except InputError as exc:
            yield Problem.of(exc, source), {}
            continue
        yield article, {k: v for k, v in record.items() if k not in ARTICLE_FIELDS}


def _stream_lines(stream: IO[bytes] | IO[str]) -> Iterator[tuple[int, bytes]]:
    for number, raw in enumerate(stream, 1):
        data = raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else raw
        data = data.removeprefix(b"\xef\xbb\xbf") if number == 1 else data
        if data.strip():
            yield number, data


def read_jsonl_stream(stream: IO[bytes] | IO[str], *, name: str = STDIN_NAME,
                      stem: str = "stdin") -> Iterator[Record]:
    """Like :func:`read_jsonl` for an open stream (standard input for ``-``), read line by line.

    Raises InputError naming ``name`` when the stream holds no records.
    """
    count = 0
    for item in read_jsonl_lines(_stream_lines(stream), name=name, stem=stem):
        count += 1
        yield item
    if count == 0:
        raise InputError("no JSON records on the input", name)


def _is_empty(path: Path) -> bool:
    try:
        return path.stat().st_size == 0
    except OSError:
        return False
