"""relate(a, b): how one sentence stands to another: agree, contradict, related or unrelated."""

from __future__ import annotations

from ..embed import Embedder
from ..model import Relation
from ..nlp import load_spacy
from .contradict import check_date, check_entity, check_negation, check_number

# Raw cosine bands for a lone pair (no story to centre on). Set on the seed story's aligned pairs:
# paraphrases of one fact score 0.6-0.9 raw, sentences on the same topic 0.4-0.6, other topics
# below 0.3. Calibration against ClaimDiff is issue 3.
AGREE = 0.7
RELATED = 0.4
SAME_FACT = 0.6


def relate(a: str, b: str, embedder: Embedder) -> Relation:
    """Compare two sentences; a contradiction always names the check that found it."""
    va, vb = embedder.embed([a, b])
    score = float(va @ vb)
    nlp = load_spacy()
    da, db = nlp(a), nlp(b)
    if score >= RELATED:
        why = check_negation(da[:], db[:])
        if why:
            return Relation("contradict", score, f"negation: {why}")
    if score >= SAME_FACT:
        for kind, check in (("number", check_number), ("date", check_date), ("entity", check_entity)):
            why = check(da[:], db[:])
            if why:
                return Relation("contradict", score, f"{kind}: {why}")
    if score >= AGREE:
        return Relation("agree", score, f"same fact in other words (cosine {score:.2f}), no conflicting detail")
    if score >= RELATED:
        return Relation("related", score, f"same topic, different facts (cosine {score:.2f})")
    return Relation("unrelated", score, f"different topics (cosine {score:.2f})")
