"""Date: the same event placed on different dates ("opened on June 4" against "opened on Nov. 20").

It refuses dates that can name one day ("Oct. 3" and "October", ``parse.date_conflict``), a decade
as a year ("the 1980s"), and dates of two events: the dates must hang from one verb or noun, or
from words both sentences have; and dates given for different places (``parse.different_places``).
"""

from __future__ import annotations

from typing import Any

from .parse import _dates, _per_span, _words, date_conflict, different_places

# Words a date hangs from on its way to the event it dates ("on", "from", "in late 2007").
_DATE_LINKS = {"prep", "pobj", "npadvmod", "nummod", "compound", "appos", "nmod", "amod", "poss", "pcomp", "advmod",
               "conj", "cc"}


@_per_span
def _dated(span: Any) -> dict[str, list[str]]:
    """The span's dates (as ``_dates``) by the lemma of the word each one dates: the verb or noun it
    hangs from ("was suspended on Feb. 1" -> suspend, "a Sept. 25 complaint" -> complaint)."""
    keep = set(_dates(span))
    out: dict[str, list[str]] = {}
    for e in span.ents:
        if e.text not in keep:
            continue
        t = e.root
        while t.dep_ in _DATE_LINKS and t.head is not t and (t.head.i in range(e.start, e.end) or
                                                              t.head.pos_ not in ("VERB", "NOUN")):
            t = t.head
        gov = t.head if t.head is not t and t.dep_ != "ROOT" else t
        out.setdefault(gov.lemma_.lower(), []).append(e.text)
    return out


def check_date(a: Any, b: Any) -> str | None:
    """Both date the same event (the dates hang from one verb or noun, or from words both sentences
    have: "opened on June 4" against "opened on Nov. 20"), with dates that cannot be the same day
    (``date_conflict``). Two sentences of one topic often date two events ("suspended on Feb. 1",
    "incidents in September"): on 100 development stories (50 NeuS, 50 Multi-News) none of the six
    date contradictions before this rule was one event."""
    if date_conflict(_dates(a), _dates(b)) is None:
        return None  # some date of one side fits one of the other: one event may be dated alike
    if different_places(a, b):
        return None  # two places: two events, whatever their dates
    da, db = _dated(a), _dated(b)
    words_a, words_b = _words(a), _words(b)
    for ea, dates_a in da.items():
        for eb, dates_b in db.items():
            # one event: the same word, or each side's dated word is in the other sentence too
            # ("is scheduled for Oct. 6" / "is scheduled to appear in court Oct. 18")
            if ea == eb or ea in words_b or eb in words_a:
                hit = date_conflict(dates_a, dates_b)
                if hit:
                    return f"A dates it {hit[0]}, B dates it {hit[1]}"
    return None
