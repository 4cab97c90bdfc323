"""Parsing the checks share: figures as written (word numbers, scales, rounding), dates as written
(year, month, day; when two cannot be one day), and the per-sentence cache and word sets of a span.

``align`` and ``claims`` read dates through here too (``_dates``, ``date_conflict``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def _per_span(fn: Callable[[Any], T]) -> Callable[[Any], T]:
    """Keep ``fn(span)`` in the span's Doc (``user_data``): a sentence is paired with many others
    (793 candidate pairs over 218 sentences on the 10-article speed story), so each is read once.
    Callers must not change what it returns."""
    name = f"{fn.__module__}.{fn.__qualname__}"

    @functools.wraps(fn)
    def cached(span: Any) -> T:
        doc = getattr(span, "doc", None)
        if doc is None or not hasattr(span, "start"):
            return fn(span)
        key = (name, span.start, span.end)
        if key not in doc.user_data:
            doc.user_data[key] = fn(span)
        return doc.user_data[key]

    return cached


def _joined(t: Any) -> bool:
    """Whether a token is part of a hyphenated word ("counter-protest", "not-so-subtle")."""
    doc = t.doc
    return (t.i + 1 < len(doc) and doc[t.i + 1].text == "-" and not t.whitespace_) or (
        t.i > 0 and doc[t.i - 1].text == "-" and not doc[t.i - 1].whitespace_)


@_per_span
def _words(span: Any) -> set[str]:
    """Every word of the span, as written and as lemma, lower case."""
    return {w for t in span for w in (t.lower_, t.lemma_.lower())}


# Entity labels of places. A figure, date or list given for two different places is two facts
# (a town's death toll against another town's), as figures on two weekdays are (number.py).
PLACES = {"GPE", "LOC", "FAC"}


@_per_span
def _places(span: Any) -> set[str]:
    """The words of the places the span names, lower case ("south", "philadelphia")."""
    return {t.lower_ for e in span.ents if e.label_ in PLACES for t in e if t.is_alpha and not t.is_stop}


def different_places(a: Any, b: Any) -> bool:
    """Whether both spans name a place and no word of one side's places is in the other's
    ("Philadelphia" and "South Philadelphia" share one; "Peru" and "Kenya" do not)."""
    pa, pb = _places(a), _places(b)
    return bool(pa and pb and not pa & pb)


# ---- figures ----

_WORD_NUMBERS = {w: k for k, w in enumerate((
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"))}
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}


def _value(text: str) -> float | None:
    """A number as written ("1,175", "57.4", "seven", "13.3 billion"), or None."""
    low = text.lower().replace(",", "")
    first, _, scale = low.partition(" ")
    if scale:
        base = _value(first)
        return base * _SCALES[scale] if base is not None and scale in _SCALES else None
    if low in _WORD_NUMBERS:
        return float(_WORD_NUMBERS[low])
    try:
        return float(low)
    except ValueError:
        return None


def _unit(text: str) -> float:
    """The rounding step a number is written to: 1 for "57", 0.1 for "57.4", 10 for "19,350"."""
    digits, _, scale = text.lower().replace(",", "").partition(" ")
    if scale:
        return _unit(digits) * _SCALES.get(scale, 1.0)
    if "." in digits:
        return 10.0 ** -len(digits.split(".", 1)[1])
    if not digits.isdigit():
        return 1.0
    return 10.0 ** (len(digits) - len(digits.rstrip("0"))) if digits.strip("0") else 1.0


# Two figures this close are one figure written to different precision, not a disagreement:
# "a turnout of just over 57%" and "57.4% of voters", a height given as "19,350 feet" and as
# "19,356 feet" (both 5,900 m). Within one rounding step of the rounder figure and within this share
# of the larger; on 100 development stories (50 NeuS, 50 Multi-News) two of the 13 number
# contradictions were of this kind, and 5% still keeps 9,000 against 8,000 and 1,175 against 666 apart.
ROUNDING_SHARE = 0.05
# For one consensus fact the figures must be closer: "at least 40 people had been killed" and "at
# least 42 people", or "jumped 20 cents" and "were up 19 cents", are two counts a reader must see,
# not one fact (MRPC validation stories: such pairs were grouped as consensus at 0.05). 2% keeps
# "36%" with "35.6%" and "more than 19,000" with "19,350" together.
CONSENSUS_SHARE = 0.02


def same_figure(a: str, b: str, share: float = ROUNDING_SHARE) -> bool:
    """Whether two written numbers can be one figure (see ``ROUNDING_SHARE``); a range ("33 to
    38") holds the figures between its ends."""
    ra, rb = (re.sub(r"\b(?:to|and|or)\b|[-\u2013]", " ", x).split() for x in (a, b))
    if len(ra) == 2 and ra[1].lower() not in _SCALES:
        return same_figure(ra[0], b, share) or same_figure(ra[1], b, share) or _between(b, ra[0], ra[1])
    if len(rb) == 2 and rb[1].lower() not in _SCALES:
        return same_figure(rb[0], a, share) or same_figure(rb[1], a, share) or _between(a, rb[0], rb[1])
    va, vb = _value(a), _value(b)
    if va is None or vb is None:
        return a.replace(",", "") == b.replace(",", "")
    gap = abs(va - vb)
    return gap == 0 or (gap < max(_unit(a), _unit(b)) and gap <= share * max(abs(va), abs(vb)))


def _between(x: str, lo: str, hi: str) -> bool:
    vx, vlo, vhi = _value(x), _value(lo), _value(hi)
    return None not in (vx, vlo, vhi) and min(vlo, vhi) <= vx <= max(vlo, vhi)  # type: ignore[operator]


# ---- dates ----

WEEKDAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}


@_per_span
def weekdays(span: Any) -> set[str]:
    """The days of the week the span names, lower-cased."""
    return {t.lower_ for t in span if t.lower_ in WEEKDAYS}


def _dates_a_verb(t: Any) -> bool:
    """Does weekday ``t`` say when a verb's action happened ("died early Thursday", "met on Tuesday
    night"), rather than name another event ("before Tuesday's elections")?"""
    while t.dep_ == "compound" and t.head.i != t.i:
        t = t.head
    if t.dep_ == "pobj" and t.head.dep_ == "prep":
        t = t.head
    return t.dep_ in ("npadvmod", "prep", "obl", "advmod") and t.head.pos_ in ("VERB", "AUX")


@_per_span
def _action_days(span: Any) -> frozenset[str]:
    return frozenset(t.lower_ for t in span if t.lower_ in WEEKDAYS and _dates_a_verb(t))


def weekdays_disagree(a: Any, b: Any) -> bool:
    """Whether both spans give the day an action happened and none of one side's days is the
    other's ("died early Thursday" against "died early Tuesday": one outlet has the day wrong,
    which a consensus would hide)."""
    wa, wb = _action_days(a), _action_days(b)
    return bool(wa and wb) and not wa & wb


_MONTHS = {name: k + 1 for k, names in enumerate((
    "jan january", "feb february", "mar march", "apr april", "may", "jun june", "jul july", "aug august",
    "sep sept september", "oct october", "nov november", "dec december")) for name in names.split()}


@_per_span
def _dates(span: Any) -> list[str]:
    return [e.text for e in span.ents if e.label_ == "DATE" and re.search(r"\d|January|February|March|April|May|"
            r"June|July|August|September|October|November|December", e.text)]


@functools.lru_cache(maxsize=8192)
def date_parts(text: str) -> tuple[int | None, int | None, int | None]:
    """(year, month, day) of a date as written, each None when it does not say: "Oct. 3" gives
    (None, 10, 3), "June 4, 2011" (2011, 6, 4), "the 1980s" nothing (a decade is no year)."""
    year = month = day = None
    tokens = re.findall(r"[A-Za-z]+|\d+(?:s\b)?", text)
    for k, tok in enumerate(tokens):
        low = tok.lower()
        if month is None and low in _MONTHS:
            month = _MONTHS[low]
            near = [t for t in tokens[max(0, k - 1) : k + 2] if t.isdigit() and len(t) <= 2]
            day = int(near[0]) if near and 1 <= int(near[0]) <= 31 else None
        elif year is None and tok.isdigit() and len(tok) == 4 and 1000 <= int(tok) <= 2999:
            year = int(tok)
    return year, month, day


def _compatible(a: tuple[int | None, int | None, int | None], b: tuple[int | None, int | None, int | None]) -> bool:
    """Whether two dates can name the same day: no part both give differs ("October" and "Oct. 3"
    can; "June 4" and "Nov. 20" cannot); days count only within the same month."""
    (ya, ma, da), (yb, mb, db) = a, b
    if ya and yb and ya != yb:
        return False
    if ma and mb and ma != mb:
        return False
    return not (ma and ma == mb and da and db and da != db)


def date_conflict(da: list[str], db: list[str]) -> tuple[str, str] | None:
    """The first pair of dates, one from each side, when no date of one side fits any of the other;
    None when they fit, or when a side has no date that gives a year, month or day."""
    if not da or not db:
        return None
    pa = [(d, p) for d in da if any(p := date_parts(d))]
    pb = [(d, p) for d in db if any(p := date_parts(d))]
    if not pa or not pb or any(_compatible(x, y) for _, x in pa for _, y in pb):
        return None
    return pa[0][0], pb[0][0]


# Entity labels whose numbers are figures a fact states; dates, times and ordinals are left to
# date.py (a day written two ways is not two figures).
_FIGURE_NOT = {"DATE", "TIME", "ORDINAL"}


@_per_span
def figures(span: Any) -> list[str]:
    """The figures the span states, each as written with its scale ("13.3 billion", "1,821", "27"):
    runs of number tokens outside dates and times. "one" is left out (it is a pronoun as often as a
    count: "one of the victims")."""
    out: list[str] = []
    run: list[Any] = []
    for t in [*span, None]:
        if t is not None and t.like_num and t.ent_type_ not in _FIGURE_NOT and not (t.is_alpha and _joined(t)):
            run.append(t)
            continue
        if run and not (len(run) == 1 and run[0].lower_ == "one"):
            out.append(" ".join(w.text for w in run))
        run = []
    return out


def figures_disagree(a: Any, b: Any) -> bool:
    """Whether both spans state figures and none of one side's can be one of the other side's
    (``same_figure``, to ``CONSENSUS_SHARE``): "fell 30 cents to $14.10" against "up 12 cents to
    $14.52" do not; "more than 40 percent of tickets" against "a third of seats and 40 percent of
    tickets" share a figure and pass. Two sentences that state one fact give at least one figure
    alike when both give figures."""
    fa, fb = figures(a), figures(b)
    return bool(fa and fb) and not any(same_figure(x, y, CONSENSUS_SHARE) for x in fa for y in fb)


# ---- done or to come ----

# Words that put a verb in the future or in someone's plans: "will sign", "would sign", "plans to
# sign", "is expected to sign", "is set to sign", "is going to sign".
_FUTURE_AUX = {"will", "would", "shall", "'ll", "wo"}
_PLAN_HEADS = {"plan", "expect", "intend", "set", "go", "prepare", "aim", "seek", "promise", "vow", "pledge", "threaten"}


_REPORTS = {"say", "tell", "announce", "report", "write", "add", "state", "confirm", "claim"}


@_per_span
def _main_verb(span: Any) -> tuple[str, str] | None:
    """The lemma of the span's main verb and whether it is "done" (past tense, or perfect) or "to
    come" (a future modal on it, or the complement of a planning verb), read through a reporting
    verb ("the mayor said she would sign" -> ("sign", "to come")); None when neither."""
    inside = {t.i for t in span}
    roots = [t for t in span if t.head.i not in inside or t.head.i == t.i]
    if not roots:
        return None
    v = roots[0]
    if v.lemma_.lower() in _REPORTS:
        v = next((c for c in v.children if c.dep_ == "ccomp" and c.pos_ in ("VERB", "AUX")), v)
    if v.dep_ != "xcomp" and v.lemma_.lower() in _PLAN_HEADS:
        v = next((c for c in v.children if c.dep_ == "xcomp" and c.pos_ == "VERB"), v)
    if v.pos_ != "VERB":
        return None
    aux = {c.lower_ for c in v.children if c.dep_ == "aux"}
    if aux & _FUTURE_AUX or (v.dep_ == "xcomp" and v.head.lemma_.lower() in _PLAN_HEADS):
        return v.lemma_.lower(), "to come"
    if v.tag_ == "VBD" or (v.tag_ == "VBN" and {c.lemma_.lower() for c in v.children if c.dep_ == "aux"} & {"have"}):
        return v.lemma_.lower(), "done"
    return None


def done_and_to_come(a: Any, b: Any) -> bool:
    """Whether one side reports as done what the other reports as still to come, with the same
    main verb ("the mayor signed the order" against "the mayor said she would sign the
    order"): a promise and its keeping are two facts, and the difference is what a reader must check."""
    ma, mb = _main_verb(a), _main_verb(b)
    return ma is not None and mb is not None and ma[0] == mb[0] and ma[1] != mb[1]


# ---- opposite actions, rough magnitudes ----

# Actions that undo or oppose each other. One side doing one and the other side its opposite is two
# facts, or a contradiction, never one ("divers resumed the operation" against "rescuers suspended
# operations for the day": two days of one rescue, grouped as one fact in the 2036 reading).
_OPPOSED = (
    ("resume", "suspend halt pause stop"), ("rise", "fall drop decline sink slip tumble plunge"),
    ("increase", "decrease cut reduce lower"), ("raise", "lower cut"), ("gain", "lose fall drop"),
    ("win", "lose"), ("open", "close shut"), ("accept", "reject refuse decline"),
    ("approve", "reject veto block deny"), ("allow", "ban forbid prohibit block bar"), ("lift", "impose"),
    ("confirm", "deny"), ("support", "oppose"), ("hire", "fire"), ("acquit", "convict"),
    ("expand", "shrink contract"), ("grow", "shrink contract"), ("join", "leave quit"),
    ("arrest", "release free"), ("start", "end stop"), ("begin", "end stop"),
)
_OPPOSITE: dict[str, set[str]] = {}
for _word, _others in _OPPOSED:
    for _other in _others.split():
        _OPPOSITE.setdefault(_word, set()).add(_other)
        _OPPOSITE.setdefault(_other, set()).add(_word)


@_per_span
def _actions(span: Any) -> frozenset[str]:
    """Lemmas of the span's verbs that carry a clause (not a participle that modifies a noun)."""
    return frozenset(t.lemma_.lower() for t in span if t.pos_ == "VERB" and t.dep_ not in ("amod", "acl", "relcl"))


def opposite_actions(a: Any, b: Any) -> bool:
    """Whether one side does what the other side's opposite verb undoes, and neither side has both."""
    va, vb = _actions(a), _actions(b)
    return any(_OPPOSITE.get(x, set()) & (vb - va) for x in va - vb)


# Counts given in words ("hundreds of people", "thousands of mourners"). Two sides that both give
# one and share none give two sizes for the crowd: a discrepancy for the reader, not one fact.
_MAGNITUDES = {"dozens", "hundreds", "thousands", "millions", "billions"}


@_per_span
def _magnitudes(span: Any) -> frozenset[str]:
    return frozenset(t.lower_ for t in span if t.lower_ in _MAGNITUDES)


def magnitudes_disagree(a: Any, b: Any) -> bool:
    """Whether both spans give a count in words and none of one side's is the other's."""
    ma, mb = _magnitudes(a), _magnitudes(b)
    return bool(ma and mb) and not ma & mb
