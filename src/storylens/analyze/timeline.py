"""Dated events: sentences that place something in time, with dates resolved to ISO where possible."""

from __future__ import annotations

import re

from ..model import Event
from .prepare import Prepared, Similarity

MONTHS = {m: i + 1 for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july", "august",
                                           "september", "october", "november", "december"])}
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_MONTH = re.compile(r"\b(" + "|".join(MONTHS) + r")\b(?:\s+(\d{1,2})\b)?", re.IGNORECASE)
# Two dated sentences from different outlets are one event when they align as one fact (params.AlignParams.link).
SAME_EVENT = 0.42


def resolve(expr: str, year_hint: int | None) -> str | None:
    """'June 12, 1991' -> 1991-06-12, 'July 2022' -> 2022-07, '2019' -> 2019; None if it has no anchor."""
    year = _YEAR.search(expr)
    month = _MONTH.search(expr)
    y = int(year.group(1)) if year else year_hint
    if month and y:
        m = MONTHS[month.group(1).lower()]
        day = month.group(2)
        return f"{y:04d}-{m:02d}-{int(day):02d}" if day and 1 <= int(day) <= 31 else f"{y:04d}-{m:02d}"
    if year:
        return f"{int(year.group(1)):04d}"
    return None


def _year_of(published: str | None) -> int | None:
    m = _YEAR.search(published or "")
    return int(m.group(1)) if m else None


def build_timeline(prep: Prepared, sim: Similarity) -> list[Event]:
    """Events sorted by date; the same event told by several outlets is one entry with all sources."""
    hints = {a.id: _year_of(a.published) for a in prep.articles}
    events: list[tuple[str, list[int]]] = []
    for i, s in enumerate(prep.sentences):
        dates = [e.text for e in prep.spacy_span(i).ents if e.label_ == "DATE"]
        iso = next((d for d in (resolve(x, hints[s.article]) for x in dates) if d), None)
        if not iso:
            continue
        for date, members in events:
            if date == iso and all(sim[i, j] >= SAME_EVENT for j in members):
                members.append(i)
                break
        else:
            events.append((iso, [i]))
    out = [Event(date, prep.sentences[m[0]].text, [prep.sentences[j].span() for j in m]) for date, m in events]
    return sorted(out, key=lambda e: (e.date, e.support[0].article, e.support[0].start))
