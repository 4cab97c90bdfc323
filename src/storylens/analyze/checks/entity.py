"""Entity: the same list or role filled with different names or things ("wheat and corn" against
"wheat and rice").

It refuses mixed lists (nouns with names), open lists ("bonuses and other rewards"), parts of
hyphenated words, one person's roles in an apposition ("Lee, a lawyer and former judge"), a member
the other side has anywhere in its words, spelling variants ("organisation", "organization"), and lists given for different places.
"""

from __future__ import annotations

from typing import Any

from .parse import _joined, _per_span, _words, different_places


def _member(t: Any) -> bool:
    """A word that can stand in a list: a whole word (not a part of "counter-protest"), and not
    the open end of one ("bonuses and other rewards")."""
    return t.is_alpha and len(t.text) > 2 and not _joined(t) and not any(
        c.lower_ in ("other", "such") for c in t.children if c.dep_ == "amod")


@_per_span
def _lists(span: Any) -> dict[str, set[str]]:
    """For each noun in a coordination, the other members of its list: nouns with nouns, names with
    names. A mixed list is most often a misread apposition ("Smith, a senior judge and ...") or a
    headline run into its text; on 100 development stories (50 NeuS, 50 Multi-News) all seven entity
    contradictions before these rules were mixed or open lists, parts of hyphenated words or a
    member that spaCy counts as a stop word (now looked up among all the other side's words)."""
    out: dict[str, set[str]] = {}
    for t in span:
        if t.pos_ in ("NOUN", "PROPN") and t.conjuncts and _member(t):
            if any(c.pos_ != t.pos_ or not _member(c) for c in t.conjuncts):
                continue
            first = min([t, *t.conjuncts], key=lambda c: c.i)
            if first.dep_ == "appos":
                continue  # one person's roles ("Lee, a lawyer and former judge"): more may be true
            out[t.lemma_.lower()] = {c.lemma_.lower() for c in t.conjuncts}
    return out


def _variant_in(word: str, words: set[str]) -> bool:
    """Whether ``words`` holds a spelling variant of ``word`` ("polarisation", "polarization"): the
    same length give or take one, and all but one or two letters in the same places."""
    from difflib import SequenceMatcher

    return any(abs(len(w) - len(word)) <= 1 and min(len(w), len(word)) >= 6
               and SequenceMatcher(None, w, word).ratio() >= 0.85 for w in words)


def check_entity(a: Any, b: Any) -> str | None:
    """A list that shares a member but differs in another ("wheat and corn" vs "wheat and rice")."""
    if different_places(a, b):
        return None  # two places' lists are two facts
    la, lb = _lists(a), _lists(b)
    words_a, words_b = _words(a), _words(b)
    for key in la.keys() & lb.keys():
        only_a = {w for w in la[key] - words_b if not _variant_in(w, words_b)}
        only_b = {w for w in lb[key] - words_a if not _variant_in(w, words_a)}
        if only_a and only_b:
            return (f"A lists {key} with {', '.join(sorted(only_a))}; "
                    f"B lists {key} with {', '.join(sorted(only_b))}")
    return None
