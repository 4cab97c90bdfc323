"""The structure of an extracted page: headings, paragraphs, list items and table rows (issue 16).

trafilatura's extraction tree (``Document.body``: ``head``, ``p``, ``quote``, ``list/item``,
``table/row/cell``, ``lb`` for a line break) is read into lines of one kind each; the cleaner then
decides which lines are boilerplate, and the kept lines become the article's ``text`` (one per
paragraph) and its ``blocks``.
"""

from __future__ import annotations

from typing import Any

from ..clean import Cleaned, clean_text, line_reason, normalize_line
from ..model import Block

Line = tuple[str, str]  # (kind, text)

CELL_SEPARATOR = " | "
_PROSE = "paragraph"


def _text(element: Any, skip: tuple[str, ...] = ()) -> str:
    """An element's text with its children's, a line break as "\\n", leaving out children in ``skip``."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == "lb":
            parts.append("\n")
        elif child.tag not in skip:
            parts.append(_text(child, skip))
        parts.append(child.tail or "")
    return "".join(parts)


def _one_line(text: str) -> str:
    return normalize_line(" ".join(text.split("\n")))


def _list(element: Any, out: list[Line]) -> None:
    for item in element:
        if item.tag != "item":
            _block(item, out)
            continue
        out.append(("list_item", _one_line(_text(item, skip=("list",)))))
        for sub in item:
            if sub.tag == "list":
                _list(sub, out)


def _table(element: Any, out: list[Line]) -> None:
    for row in element:
        if row.tag == "row":
            cells = (_one_line(_text(cell)) for cell in row if cell.tag == "cell")
            out.append(("table_row", CELL_SEPARATOR.join(c for c in cells if c)))


def _block(element: Any, out: list[Line]) -> None:
    if element.tag == "head":
        out.append(("heading", _one_line(_text(element))))
    elif element.tag == "list":
        _list(element, out)
    elif element.tag == "table":
        _table(element, out)
    else:  # p, quote, code and anything else: a line break inside starts a new line, as in trafilatura's text
        out.extend((_PROSE, normalize_line(piece)) for piece in _text(element).split("\n"))


def tree_lines(body: Any) -> list[Line]:
    """The non-empty lines of trafilatura's extraction tree, each with its kind (model.BLOCK_KINDS)."""
    out: list[Line] = []
    if body is None:
        return out
    if (body.text or "").strip():
        out.append((_PROSE, normalize_line(body.text)))
    for element in body:
        _block(element, out)
        if (element.tail or "").strip():
            out.append((_PROSE, normalize_line(element.tail)))
    return [(kind, text) for kind, text in out if text]


def _align(lines: list[str], kept: list[str]) -> list[str | None]:
    """For each line, the text the cleaner kept of it (it trims datelines, agency tags and link residue
    off a line's ends, so a kept line is part of its source line), or None when it was removed."""
    out: list[str | None] = [None] * len(lines)
    j = 0
    for i, line in enumerate(lines):
        if j < len(kept) and kept[j] in line:
            out[i] = kept[j]
            j += 1
    return out


def cleaned_text(kept: list[tuple[str, str]]) -> tuple[str, list[Block]]:
    """The article text (one kept line a paragraph) and its blocks."""
    parts: list[str] = []
    blocks: list[Block] = []
    at = 0
    for kind, text in kept:
        if parts:
            at += 2
        blocks.append(Block(kind, at, at + len(text)))
        parts.append(text)
        at += len(text)
    return "\n\n".join(parts), blocks


def clean_lines(lines: list[Line], title: str | None, *, light: bool,
                shape_reasons: frozenset[str]) -> tuple[Cleaned, list[tuple[str, str]]]:
    """Which lines are article text. Paragraphs go through the plain-text cleaner (``light``: only
    its pattern rules, keeping lines it rejects for their shape alone); a heading, a list item or a
    table row is kept unless a pattern rule names it boilerplate: not ending like a sentence is what
    such a line is, not a sign of boilerplate."""
    texts = [text for _, text in lines]
    full = clean_text("\n".join(texts), title=title or None)
    own = _align(texts, full.text.split("\n\n") if full.text else [])
    reasons = {r["line"]: r["reason"] for r in full.removed}
    kept: list[tuple[str, str]] = []
    removed: list[dict[str, str]] = [r for r in full.removed if r["reason"] == "dateline" and not light]
    for (kind, text), mine in zip(lines, own):
        reason = line_reason(text, full.title)
        if kind != _PROSE or light:
            keep = reason is None or reason in shape_reasons
            mine = text if keep else None
        elif mine is None:
            reason = reasons.get(text, reason)
        if mine is None:
            removed.append({"line": text, "reason": reason or "removed by the cleaner"})
        else:
            kept.append((kind, mine))
    return Cleaned(title=full.title, text="", author=full.author, outlet=full.outlet, removed=removed), kept
