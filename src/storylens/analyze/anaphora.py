""""The latter" and "the former" read as the name they stand for, for the embedding model.

A sentence that opens with "The latter is under sanctions" says nothing the model can match with
"<the country> faces sanctions" in another outlet: "latter" is a stop word and carries no meaning.
The antecedent is the last (latter) or first (former) proper-noun name of the sentence before it in
the same article, found from the tagger's NNP/NNPS tags (available in spaCy's first pass, before
entities). Only the model's input changes; sentence text and offsets stay those of the article.
"""

from __future__ import annotations

import calendar
import re
from typing import Any

from ..model import Sentence

_ANAPHOR = re.compile(r"^[\"'“‘(]?(the (latter|former))\b", re.IGNORECASE)
_PROPER = ("NNP", "NNPS")
# Day and month names are tagged NNP too, but a date is never what "the latter" stands for.
_CALENDAR = {n.lower() for n in [*calendar.day_name, *calendar.month_name, *calendar.day_abbr, *calendar.month_abbr] if n}


def names(tokens: Any) -> list[str]:
    """Runs of proper-noun tokens in reading order ("New Zealand", "European Central Bank")."""
    out: list[str] = []
    run: list[str] = []
    for t in list(tokens) + [None]:
        if t is not None and t.tag_ in _PROPER and t.lower_.rstrip(".") not in _CALENDAR:
            run.append(t.text)
            continue
        if run:
            out.append(" ".join(run))
            run = []
    return out


def antecedent(previous: Any, which: str) -> str | None:
    """The name "the latter" (last) or "the former" (first) points to in the previous sentence."""
    found = names(previous)
    if not found:
        return None
    return found[-1] if which.lower() == "latter" else found[0]


def needs_antecedent(sentence: Sentence) -> bool:
    """Does the sentence open with "the latter"/"the former" (so model_text reads the sentence before)?"""
    return _ANAPHOR.match(sentence.text) is not None


def model_text(sentence: Sentence, previous: Any | None) -> tuple[str, tuple[int, int, int] | None]:
    """The sentence as the model should read it, and the edit made: (start, end, new length) of
    the replaced stretch in the sentence, or None when the text is unchanged."""
    m = _ANAPHOR.match(sentence.text)
    if m is None or previous is None:
        return sentence.text, None
    name = antecedent(previous, m.group(2))
    if not name:
        return sentence.text, None
    a, z = m.span(1)
    return sentence.text[:a] + name + sentence.text[z:], (a, z, len(name))


def shift(spans: list[tuple[int, int]], edit: tuple[int, int, int] | None) -> list[tuple[int, int]]:
    """Character spans of the original sentence moved onto the edited text."""
    if edit is None:
        return spans
    a, z, n = edit
    delta = n - (z - a)

    def start(x: int) -> int:
        return x + delta if x >= z else min(x, a)

    def end(x: int) -> int:
        return x + delta if x >= z else (a + n if x > a else x)

    return [(start(s), end(e)) for s, e in spans]
