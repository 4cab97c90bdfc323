"""Plain-text articles: one paragraph per line, title in the head, strict UTF-8 files."""

from __future__ import annotations

from pathlib import Path

from ..clean import clean_text
from ..errors import InputError
from ..model import Article
from ..nlp import detect_language
from ._files import read_text
from .limits import bound_text, removed_entry

NO_TEXT = "no article text left after cleaning"


def article_from_text(raw: str, *, source: str, article_id: str, title: str | None = None) -> Article:
    """Clean plain text into an Article; ``title`` (when given) is dropped from the body.

    Raises InputError when nothing is left after cleaning. Text past the per-article limit is cut at
    a sentence end before cleaning (limits.py) and the cut recorded in ``removed``.
    """
    text, note = bound_text(raw)
    cleaned = clean_text(text, title=title) if title else clean_text(text)
    if not cleaned.text.strip():
        raise InputError(NO_TEXT, source)
    if note:
        cleaned.removed.append(removed_entry(note, raw[len(text):]))
    return Article(
        id=article_id,
        text=cleaned.text,
        title=title or cleaned.title,
        outlet=cleaned.outlet,
        author=cleaned.author,
        language=detect_language(cleaned.text),
        source=source,
        removed=cleaned.removed,
    )


def read_text_file(path: str | Path, *, article_id: str | None = None) -> Article:
    """Read one UTF-8 text file as an article; the id defaults to the file name without extension."""
    path = Path(path)
    raw = read_text(path, str(path))
    return article_from_text(raw, source=str(path), article_id=article_id or path.stem)
