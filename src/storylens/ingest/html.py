"""HTML pages: main text and metadata with trafilatura, then the plain-text cleaner over its output."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ..clean import Cleaned, clean_text, line_reason, normalize_line
from ..errors import InputError
from ..model import Article, Block
from ..nlp import detect_language
from ._files import check_text, read_bytes
from .limits import bound_html, bound_text, extraction_time, removed_entry
from .structure import Line, clean_lines, cleaned_text, tree_lines

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
                               include_tables=True)
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


def _bound_lines(lines: list[Line]) -> tuple[list[Line], str | None, str]:
    """The lines within the per-article limit (limits.bound_text on their text), the note, the cut tail."""
    raw = "\n".join(text for _, text in lines)
    cut, note = bound_text(raw)
    if note is None:
        return lines, None, ""
    out: list[Line] = []
    at = 0
    for kind, text in lines:
        if at + len(text) > len(cut):
            if len(cut) - at > 0:
                out.append((kind, text[: len(cut) - at].rstrip()))
            break
        out.append((kind, text))
        at += len(text) + 1
    return out, note, raw[len(cut):]


def _prose_words(kept: list[tuple[str, str]]) -> int:
    return sum(_nwords(text) for kind, text in kept if kind == "paragraph")


def clean_structure(lines: list[Line], title: str | None) -> tuple[Cleaned, list[Block]]:
    """Clean the lines of a page's extraction tree (structure.clean_lines), with clean_extracted's
    fallback: when full cleaning keeps less than _MIN_KEPT_SHARE of the paragraphs' words and the light
    clean keeps a paragraph-length line, the light clean is used. Headings, list items and table rows
    are kept only on a page with such a line: without one the page is a menu, not an article."""
    full, kept = clean_lines(lines, title, light=False, shape_reasons=_SHAPE_REASONS)
    if _prose_words(kept) < _MIN_KEPT_SHARE * _prose_words(lines):
        light, light_kept = clean_lines(lines, title, light=True, shape_reasons=_SHAPE_REASONS)
        if any(len(text) >= _MIN_PARAGRAPH_CHARS for kind, text in light_kept if kind == "paragraph"):
            full, kept = light, light_kept
    if not any(len(text) >= _MIN_PARAGRAPH_CHARS for _, text in kept):
        dropped = {text for kind, text in kept if kind != "paragraph"}
        full.removed += [{"line": t, "reason": "no paragraph on the page (a menu)"} for t in dropped]
        kept = [(kind, text) for kind, text in kept if kind == "paragraph"]
    full.text, blocks = cleaned_text(kept)
    return full, blocks


def article_from_html(html: str, *, source: str, url: str | None = None,
                      article_id: str | None = None) -> Article:
    """Extract the article of one HTML page. Raises InputError when the page holds no article text.

    Headings, paragraphs, list items and table rows of the main content are kept, one a paragraph of
    ``text`` (a table row's cells joined by " | "), and ``blocks`` says which is which (issue 16).
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
        lines = tree_lines(doc.body) or [("paragraph", normalize_line(x)) for x in doc.text.splitlines()]
        lines, note, tail = _bound_lines([x for x in lines if x[1]])
        cleaned, blocks = clean_structure(lines, doc.title)
    if not cleaned.text.strip():
        raise InputError(NO_ARTICLE, source)
    cleaned.removed += [removed_entry(n, "") for n in notes]
    if note:
        cleaned.removed.append(removed_entry(note, tail))
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
        blocks=blocks,
    )


def read_html_file(path: str | Path, *, article_id: str | None = None) -> Article:
    """Read one HTML file as an article; the id defaults to the file name without extension."""
    path = Path(path)
    data = read_bytes(path, str(path))
    check_text(data, str(path))
    return article_from_html(decode_html(data), source=str(path), article_id=article_id or path.stem)
