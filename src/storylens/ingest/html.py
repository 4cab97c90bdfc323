"""HTML pages: main text and metadata with trafilatura, then the plain-text cleaner over its output."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ..clean import Cleaned, clean_text, line_reason, normalize_line
from ..errors import InputError
from ..model import Article
from ..nlp import detect_language
from ._files import check_text, read_bytes
from .limits import bound_html, bound_text, extraction_time, removed_entry

NO_ARTICLE = "no article text found in the HTML"

# When full cleaning keeps less than this share of trafilatura's words, its shape rules misfired
# (CJK full stops, hard-wrapped lines, lists) and only pattern-matched boilerplate is dropped.
# Benchmark run (181 pages of the article extraction benchmark, bag-of-words F1 against the gold body):
# trafilatura alone 0.956, full cleaning always 0.916, this fallback at 0.8 -> 0.956, at 0.6 -> 0.952.
_MIN_KEPT_SHARE = 0.8
# Without a line this long the fallback text is a menu, not an article: nav items, tags and link titles
# run under 40 characters; the shortest "longest line" of any benchmark page is 72 (a hard-wrapped one).
_MIN_PARAGRAPH_CHARS = 60
# Reasons the cleaner gives for a line's shape alone (no full stop, too few words), asked of the cleaner
# itself so they follow its wording; the fallback keeps such lines, trusting trafilatura's choice.
_SHAPE_REASONS = frozenset({line_reason("A heading without a full stop"), line_reason("Short but final.")})
_WORD = re.compile(r"\w+")
_HTML_START = re.compile(r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b",
                         re.IGNORECASE | re.DOTALL)


def looks_like_html(text: str) -> bool:
    """True when ``text`` starts like an HTML document."""
    return bool(_HTML_START.match(text[:4096]))


def decode_html(data: bytes, charset: str | None = None) -> str:
    """Decode an HTML page: the declared charset, else UTF-8, else trafilatura's encoding guess."""
    if data.startswith(b"\xef\xbb\xbf"):
        data, charset = data[3:], "utf-8"
    for encoding in (charset, "utf-8"):
        if encoding:
            try:
                return data.decode(encoding)
            except (LookupError, UnicodeDecodeError):
                pass
    from trafilatura.utils import decode_file

    return decode_file(data)


def _extract(html: str, url: str | None, source: str) -> Any:
    from trafilatura import bare_extraction

    try:
        return bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                               include_tables=False)
    except Exception as exc:  # malformed markup must not crash a batch, whatever lxml raises
        raise InputError(f"could not parse the HTML ({type(exc).__name__})", source) from exc


def _nwords(text: str) -> int:
    return len(_WORD.findall(text))


def _light_clean(text: str, title: str) -> Cleaned:
    """Drop only pattern-matched boilerplate; keep lines the cleaner rejects for their shape alone."""
    kept: list[str] = []
    removed: list[dict[str, str]] = []
    for line in filter(None, (normalize_line(x) for x in text.splitlines())):
        reason = line_reason(line, title)
        if reason is None or reason in _SHAPE_REASONS:
            kept.append(line)
        else:
            removed.append({"line": line, "reason": reason})
    return Cleaned(title=title, text="\n\n".join(kept), removed=removed)


def clean_extracted(text: str, title: str | None) -> Cleaned:
    """Run the plain-text cleaner over trafilatura's text, falling back when it takes too much."""
    full = clean_text(text, title=title or None)
    if _nwords(full.text) >= _MIN_KEPT_SHARE * _nwords(text):
        return full
    light = _light_clean(text, full.title)
    if any(len(line) >= _MIN_PARAGRAPH_CHARS for line in light.text.split("\n\n")):
        return light
    return full


def host_of(url: str | None) -> str | None:
    """The URL's host name without ``www.``, or None."""
    host = urlsplit(url).hostname if url else None
    return host.removeprefix("www.") if host else None


def url_id(url: str) -> str:
    """Article id for a URL: the last non-empty path segment without extension, else the host."""
    parts = urlsplit(url)
    segments = [s for s in unquote(parts.path).split("/") if s.strip()]
    if segments:
        stem = Path(segments[-1]).stem.strip()
        if stem:
            return stem
    return parts.hostname or url


def article_from_html(html: str, *, source: str, url: str | None = None,
                      article_id: str | None = None) -> Article:
    """Extract the article of one HTML page. Raises InputError when the page holds no article text.

    The page is parsed within the HTML limits and its text cut at the per-article limit (limits.py);
    each cut is recorded in ``removed``. Past ``max_extract_seconds`` the page is skipped
    (InputError naming the limit; limits.extraction_time).
    """
    import trafilatura  # noqa: F401 - imported before the clock starts: an import cut short breaks later ones

    with extraction_time(source):
        html, notes = bound_html(html)
        doc = _extract(html, url, source)
        if doc is None or not (doc.text or "").strip():
            raise InputError(NO_ARTICLE, source)
        text, note = bound_text(doc.text)
        cleaned = clean_extracted(text, doc.title)
    if not cleaned.text.strip():
        raise InputError(NO_ARTICLE, source)
    cleaned.removed += [removed_entry(n, "") for n in notes]
    if note:
        cleaned.removed.append(removed_entry(note, doc.text[len(text):]))
    page_url = url or doc.url
    return Article(
        id=article_id or (url_id(url) if url else Path(source).stem),
        text=cleaned.text,
        title=normalize_line(doc.title or cleaned.title or ""),
        outlet=cleaned.outlet or doc.sitename or host_of(page_url),
        author=doc.author or cleaned.author,
        url=page_url,
        published=doc.date,
        language=detect_language(cleaned.text),
        source=source,
        removed=cleaned.removed,
    )


def read_html_file(path: str | Path, *, article_id: str | None = None) -> Article:
    """Read one HTML file as an article; the id defaults to the file name without extension."""
    path = Path(path)
    data = read_bytes(path, str(path))
    check_text(data, str(path))
    return article_from_html(decode_html(data), source=str(path), article_id=article_id or path.stem)
