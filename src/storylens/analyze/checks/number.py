"""Number: the same counted thing with different values ("12 people" against "30 people").

It refuses figures that can be one figure rounded ("57%" and "57.4%", ``parse.ROUNDING_SHARE``) or
a figure inside the other side's range ("33 to 38"), a figure either side also gives (it counts two
things: "seven of the ten children"), a noun counted twice on one side, a spelled-out number in a
hyphenated word ("one-party rule"), a difference ("three more births") and figures on different
weekdays ("four killed on Tuesday" against "125 died on Monday") or for different places
(``parse.different_places``), or with one verb in two tenses ("had six children" against "has
seven children").
"""

from __future__ import annotations

from typing import Any

from .parse import _joined, _per_span, different_places, same_figure, weekdays

# "three more births a day" is a difference, not a count
_RELATIVE = {"more", "fewer", "less", "extra", "additional", "times"}


@_per_span
def _numbers(span: Any) -> dict[str, str | None]:
    """Numbers keyed by the noun they count; None for a noun the sentence counts more than once
    ("800 gallons of water for 3 gallons of fuel"): which of its figures the other side's matches
    is not known. A spelled-out number joined by a hyphen names a kind of thing, not a count
    ("one-party rule", "a two-state plan"), and a number with "more" gives a difference; both are
    left out. "13.3 billion" is one figure."""
    out: dict[str, str | None] = {}
    for t in span:
        if not t.like_num or t.ent_type_ in ("DATE", "TIME"):
            continue
        after = t.doc[t.i + 1] if t.i + 1 < len(t.doc) else None
        if t.is_alpha and _joined(t) or (after is not None and after.lower_ in _RELATIVE):
            continue
        if t.head.like_num and t.head is not t:
            continue  # part of the figure its head gives ("13.3" of "13.3 billion")
        if t.head.pos_ not in ("NOUN", "PROPN"):
            continue  # counts nothing named ("reached nine billion")
        parts = [*(c for c in t.children if c.like_num), t]
        text = t.doc[min(w.i for w in parts) : t.i + 1].text  # "13.3 billion", "33 to 38"
        key = t.head.lemma_.lower()
        out[key] = text if key not in out or out[key] == text else None
    return out


@_per_span
def _tenses(span: Any) -> dict[str, set[tuple[str, str]]]:
    """For each counted noun (as ``_numbers`` keys them), the (lemma, tense) of the verbs it hangs
    from: "the average woman had six children" -> {("have", "Past")}."""
    out: dict[str, set[tuple[str, str]]] = {}
    for t in span:
        if t.like_num and t.head.pos_ in ("NOUN", "PROPN"):
            v = t.head
            while v.pos_ not in ("VERB", "AUX") and v.head.i != v.i:
                v = v.head
            tense = v.morph.get("Tense")
            if v.pos_ in ("VERB", "AUX") and tense:
                out.setdefault(t.head.lemma_.lower(), set()).add((v.lemma_.lower(), tense[0]))
    return out


def _other_time(a: Any, b: Any, key: str) -> bool:
    """Whether the two count ``key`` with one verb in different tenses: "the average woman had six
    children" (18th-century Europe) against "the average woman has seven children" (today's Niger)
    are two times, not one fact (a false contradiction on a Multi-News validation story)."""
    ta, tb = _tenses(a).get(key, set()), _tenses(b).get(key, set())
    return any(la == lb and xa != xb for la, xa in ta for lb, xb in tb) and not ta & tb


@_per_span
def _all_numbers(span: Any) -> list[str]:
    return [t.text for t in span if t.like_num]


def check_number(a: Any, b: Any) -> str | None:
    """The same counted thing with different values. Not when the figures can be one figure
    rounded (``same_figure``), when either side also gives the other's figure (it counts two
    things: "seven of the ten children"), or when the sides name different days ("four killed on
    Tuesday" against "125 died on Monday") or different places."""
    na, nb = _numbers(a), _numbers(b)
    wa, wb = weekdays(a), weekdays(b)
    if (wa and wb and not wa & wb) or different_places(a, b):
        return None
    for key in na.keys() & nb.keys():
        x, y = na[key], nb[key]
        if x is None or y is None or same_figure(x, y):
            continue
        if any(same_figure(x, o) for o in _all_numbers(b)) or any(same_figure(y, o) for o in _all_numbers(a)):
            continue
        if _other_time(a, b, key):
            continue
        return f"A gives {x} {key}, B gives {y} {key}"
    return None
