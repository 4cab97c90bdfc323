"""Plain-text articles: one paragraph per line, title in the head, strict UTF-8 files."""

from __future__ import annotations

from pathlib import Path

from ..clean import clean_text
from ..errors import InputError
from ..model import Article
from ..nlp import detect_language
from ._files import read_text

NO_TEXT = "no article text left after cleaning"


def article_from_text(raw: str, *, source: str, article_id: str, title: str | None = None) -> Article:
    """Clean plain text into an Article; ``title`` (when given) is dropped from the body.

    Raises InputError when nothing is left after cleaning.
    """
    cleaned = clean_text(raw, title=title) if title else clean_text(raw)
    if not cleaned.text.strip():
        raise InputError(NO_TEXT, source)
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
