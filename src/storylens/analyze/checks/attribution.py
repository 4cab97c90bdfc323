"""Attribution: one side reports a named party contesting or denying a claim, or (not ``strict``,
``relate`` only) the two sides put the matter in the mouths of different parties with a
contested-claim verb ("argued", "insisted") or a contrast ("however") marking it as one side of an
argument.

It refuses a pair where both sides report the denial ("X denied it" and "X says the claims are not
true") and, for different parties, sources that share a word or initials ("the Department of
Health" and "the DOH" are one party) or a pair with no contested-claim verb or contrast.
"""

from __future__ import annotations

import re
from typing import Any

from .negation import negation_scope
from .parse import _per_span

# Reporting verbs whose subject is the source of a claim.
REPORT_VERBS = {"say", "tell", "state", "add", "write", "testify", "argue", "claim", "contend", "insist",
                "maintain", "assert", "deny", "reject", "dispute", "allege", "accuse", "acknowledge", "admit",
                "concede", "suggest", "warn", "predict", "believe", "announce", "confirm", "note", "explain",
                "counter", "rebut", "refute", "dismiss", "criticize", "condemn", "urge", "call"}
# Verbs by which a party disputes a claim ("X denied that ...", "Y rejected the claim").
DISPUTE_VERBS = {"deny", "dispute", "reject", "refute", "rebut", "contest", "dismiss", "contradict"}
# Verbs that present a statement as one side's contested position rather than a fact.
STANCE_VERBS = {"argue", "claim", "contend", "insist", "maintain", "allege", "accuse", "counter", "concede",
                "admit", "acknowledge", "criticize", "condemn"} | DISPUTE_VERBS
CONTRAST_WORDS = {"but", "however", "although", "though", "despite", "yet", "instead", "nevertheless", "whereas"}
PRONOUNS = {"it", "he", "she", "they", "i", "we", "you", "who", "that", "which", "this", "one"}


@_per_span
def attributions(span: Any) -> list[tuple[str, str, str]]:
    """(source, verb lemma, verb as written) for each claim the sentence attributes to someone:
    "the defense argued", "officials denied", "according to the ministry"."""
    out = []
    for t in span:
        if t.pos_ == "VERB" and t.lemma_.lower() in REPORT_VERBS:
            for c in t.children:
                # "X is accused of ...": the passive subject is who the claim is about, not its source
                if c.dep_ in ("nsubj", "nsubjpass") and c.lower_ not in PRONOUNS:
                    out.append((" ".join(w.text for w in c.subtree), t.lemma_.lower(), t.text))
        elif t.lower_ == "according" and t.i + 1 < len(t.doc) and t.doc[t.i + 1].lower_ == "to":
            out.extend((" ".join(w.text for w in c.subtree), "according to", "according to")
                       for c in t.doc[t.i + 1].children if c.dep_ == "pobj")
    return out


def _source_words(src: str) -> set[str]:
    """A source's words, lower case, with the initials of its capitalised run as one more word, so
    "the Department of Health said" and "the DOH said" name one party."""
    words = [w for w in re.findall(r"[A-Za-z][\w'-]+", src) if w.lower() not in ("the", "a", "an")]
    out = {w.lower() for w in words} - {"his", "her", "their", "of", "and"}
    out.add("".join(w[0] for w in words if w[0].isupper() or w in ("of", "and")).lower())
    out.add("".join(w[0] for w in words if w[0].isupper()).lower())
    return {w for w in out if len(w) > 1}


def check_attribution(a: Any, b: Any, *, strict: bool = True) -> str | None:
    """A named party disputes a claim, or (not ``strict``) the sides give the matter as argued
    positions of different parties.

    Different parties with a contested position is how ClaimDiff's outlets weaken each other's
    claims (0.37 of its 70 such pairs are "weakens", against 0.11 of all pairs), so ``relate`` keeps
    it for the one pair a reader chose. In a story it fires on one fact told two ways ("police say
    the teacher ..." against "the teacher is accused of ...", "the plan called for ..." against "the
    suit says ..."): on 100 development stories (50 NeuS, 50 Multi-News) one of its 11 was a
    contradiction on reading, so ``strict`` (story analysis) keeps only the reported denial."""
    at_a, at_b = attributions(a), attributions(b)
    denies_a = any(lemma in DISPUTE_VERBS for _, lemma, _ in at_a) or negation_scope(a) is not None
    denies_b = any(lemma in DISPUTE_VERBS for _, lemma, _ in at_b) or negation_scope(b) is not None
    if denies_a and denies_b:
        return None  # both report the denial ("X denied it" and "X says the claims are not true")
    for side, ats in (("A", at_a), ("B", at_b)):
        for src, lemma, verb in ats:
            if lemma in DISPUTE_VERBS:
                other = "B" if side == "A" else "A"
                return f"{side} reports a denial, \u201c{src[:60]} {verb}\u201d, of what {other} states"
    if strict or not (at_a and at_b):
        return None
    if set().union(*(_source_words(s) for s, _, _ in at_a)) & set().union(*(_source_words(s) for s, _, _ in at_b)):
        return None
    cues = [v for _, lemma, v in at_a + at_b if lemma in STANCE_VERBS]
    cues += sorted({t.text for t in list(a) + list(b) if t.lower_ in CONTRAST_WORDS})
    if not cues:
        return None
    (sa, _, va), (sb, _, vb) = at_a[0], at_b[0]
    return (f"A gives it as \u201c{sa[:60]} {va}\u201d, B as \u201c{sb[:60]} {vb}\u201d: "
            f"different parties, and \u201c{cues[0]}\u201d marks a contested position")
