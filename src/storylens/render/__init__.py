"""Output formats of a Brief: terminal text, JSON, Markdown and a self-contained HTML report."""

from __future__ import annotations

from collections.abc import Callable

from storylens.errors import ConfigError
from storylens.model import Brief

FORMATS = ("text", "json", "markdown", "html")


def _renderer(fmt: str, width: int | None) -> Callable[[Brief], str]:
    # Imported here so that e.g. the JSON output never pays for importing rich or jinja2.
    if fmt == "text":
        from storylens.render.text import render_text
        return lambda brief: render_text(brief, width=width)
    if fmt == "json":
        from storylens.render.json import render_json
        return render_json
    if fmt == "markdown":
        from storylens.render.markdown import render_markdown
        return render_markdown
    from storylens.render.html import render_html
    return render_html


def render(brief: Brief, fmt: str, *, width: int | None = None) -> str:
    """The brief in format ``fmt`` (one of ``FORMATS``); ``width`` only applies to ``text``."""
    if fmt not in FORMATS:
        raise ConfigError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}", source="format")
    return _renderer(fmt, width)(brief)


__all__ = ["FORMATS", "render"]
