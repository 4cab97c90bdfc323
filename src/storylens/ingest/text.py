"""Plain-text articles: one paragraph per line, title in the head, strict UTF-8 files."""

from __future__ import annotations

from pathlib import Path

from ..clean import clean_text, headline_only, normalize_line
from ..errors import InputError
from ..model import Article
from ..nlp import detect_language
from ._files import read_text
from .limits import bound_text, removed_entry

NO_TEXT = "no article text left after cleaning"


def article_from_text(raw: str, *, source: str, article_id: str, title: str | None = None,
                      description: str | None = None) -> Article:
    """Clean plain text into an Article; ``title`` (when given) is dropped from the body.

    A title with no body left, or a body shorter than the title (clean.headline_only), gives a
    headline-only article: no text, the short body (or the given ``description``) as its description.
    Raises InputError when nothing is left after cleaning and there is no title. Text past the
    per-article limit is cut at a sentence end before cleaning (limits.py) and the cut recorded in
    ``removed``.
    """
    text, note = bound_text(raw)
    cleaned = clean_text(text, title=title) if title else clean_text(text)
    if headline_only(title or cleaned.title, cleaned.text):
        return headline_article(title or cleaned.title, source=source, article_id=article_id,
                                description=description or cleaned.text, removed=cleaned.removed)
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
        description=" ".join((description or "").split()) or None,
    )


def headline_article(title: str, *, source: str, article_id: str, description: str | None = None,
                     removed: list[dict[str, str]] | None = None) -> Article:
    """A headline-only article: the title (and a short description) and no text (model.Article)."""
    title, description = normalize_line(title), " ".join((description or "").split()) or None
    return Article(id=article_id, text="", title=title, language=detect_language(f"{title} {description or ''}"),
                   source=source, removed=list(removed or []), description=description)


def read_text_file(path: str | Path, *, article_id: str | None = None) -> Article:
    """Read one UTF-8 text file as an article; the id defaults to the file name without extension."""
    path = Path(path)
    raw = read_text(path, str(path))
    return article_from_text(raw, source=str(path), article_id=article_id or path.stem)
