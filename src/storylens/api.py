"""The Python API; the CLI is a thin layer over these functions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .errors import InputError
from .model import Article, Brief, Relation


def _inputs(inputs: str | Iterable[str]) -> list[str]:
    return [inputs] if isinstance(inputs, str) else list(inputs)


def analyze(inputs: str | Iterable[str] | None = None, *, articles: list[Article] | None = None,
            **settings: Any) -> Brief:
    """Analyse the inputs (files, directories, URLs, JSONL) or given Articles as one story.

    Inputs that cannot be read are listed in ``Brief.skipped``; InputError is raised only when no
    article at all could be read.
    """
    from .analyze import analyze_articles
    from .config import load_settings
    from .embed import get_embedder
    from .ingest import read_inputs

    cfg = load_settings(**settings)
    arts, problems = list(articles or []), []
    if inputs is not None:
        read, problems = read_inputs(_inputs(inputs), timeout=cfg.timeout)
        arts.extend(read)
    if not arts:
        why = "; ".join(str(p) for p in problems[:3]) or "no input given"
        raise InputError(f"no article could be read ({why})", source=", ".join(_inputs(inputs or [])) or None)
    brief = analyze_articles(arts, embedder=get_embedder(cfg.embedder), summary_words=cfg.summary_words)
    brief.skipped = problems
    return brief


def extract(source: str, **settings: Any) -> Article:
    """Read one file or URL into a cleaned Article."""
    from .config import load_settings
    from .ingest import extract as _extract

    return _extract(source, timeout=load_settings(**settings).timeout)


def relate(a: str, b: str, **settings: Any) -> Relation:
    """How sentence ``b`` stands to sentence ``a``: agree, contradict, related or unrelated."""
    from .analyze.relate import relate as _relate
    from .config import load_settings
    from .embed import get_embedder

    return _relate(a, b, get_embedder(load_settings(**settings).embedder))
