"""relate(a, b): how one sentence stands to another: agree, contradict, related or unrelated.

Two steps, so the bands can be refitted and cross-validated without parsing again:
``evidence`` embeds and parses the pair and runs every typed check of contradict.py; ``decide``
turns that into a Relation under a set of cosine ``Bands``. A contradiction always names the check
that found it and the words involved.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ..embed import Embedder
from ..model import Relation
from ..nlp import load_spacy
from .contradict import check_attribution, check_date, check_entity, check_negation, check_number

# Order in which checks are reported when several fire: the most specific reading first.
CHECKS = {"negation": check_negation, "attribution": check_attribution, "number": check_number,
          "date": check_date, "entity": check_entity}


@dataclass(frozen=True)
class Bands:
    """Raw-cosine bands for a lone pair (no story to centre on), and the least cosine per check."""

    agree: float
    related: float
    gates: dict[str, float]


# Calibrated on ClaimDiff train (Ko et al. 2022; 1,857 same-topic pairs from different outlets,
# labelled "B weakens A" / "B strengthens A" / neither) with `fit_bands` below, via
# `python benchmarks/bench_relations.py` (results in benchmarks/out/relations/results.md):
# - AGREE 0.16: the best "strengthens" F1 is reached by calling almost every same-topic pair agree;
#   ClaimDiff labels 69% of its pairs as strengthening, so any higher band loses more recall than it
#   gains precision (0.70 before, set on the seed story, gave F1 0.09).
# - RELATED 0.10: below it most ClaimDiff pairs (30 of 43) carry no relation at all.
# - gates: negation 0.60 and attribution 0.30 maximise weakens F1 + strengthens F1 on that data;
#   number, date and entity mismatches never marked a weakening pair there (same-topic pairs report
#   different facts), so their gate sits at the grid's ceiling, 0.80: only near-paraphrases that
#   differ in a number, date or name count. No gate goes above 0.80 (GATE_GRID), so a plain
#   "X happened" / "X did not happen" pair is still a contradiction.
BANDS = Bands(agree=0.16, related=0.10, gates={"negation": 0.60, "attribution": 0.30, "number": 0.80,
                                              "date": 0.80, "entity": 0.80})
# Kept as module names for readers of the old interface.
AGREE, RELATED, SAME_FACT = BANDS.agree, BANDS.related, BANDS.gates["number"]


@dataclass(frozen=True)
class Evidence:
    """The raw cosine of a pair and the explanation of every typed check that fired (any cosine)."""

    score: float
    fired: tuple[tuple[str, str], ...]


@functools.lru_cache(maxsize=4096)
def _parse(text: str) -> Any:
    return load_spacy()(text)


@functools.lru_cache(maxsize=4096)
def _vector(embedder: Embedder, text: str) -> np.ndarray:
    return embedder.embed([text])[0]


def evidence(a: str, b: str, embedder: Embedder) -> Evidence:
    """Embed and parse both sentences (cached per sentence) and run every typed check."""
    score = float(_vector(embedder, a) @ _vector(embedder, b))
    da, db = _parse(a)[:], _parse(b)[:]
    fired = []
    for kind, check in CHECKS.items():
        why = check(da, db)
        if why:
            fired.append((kind, why))
    return Evidence(score, tuple(fired))


def decide(ev: Evidence, bands: Bands = BANDS) -> Relation:
    """The Relation a pair's evidence gives under the bands."""
    score = ev.score
    for kind, why in ev.fired:
        if score >= bands.gates[kind]:
            return Relation("contradict", score, f"{kind}: {why} (cosine {score:.2f})")
    if score >= bands.agree:
        return Relation("agree", score, f"same fact in other words (cosine {score:.2f}), no conflicting detail")
    if score >= bands.related:
        return Relation("related", score, f"same topic, different facts (cosine {score:.2f})")
    return Relation("unrelated", score, f"different topics (cosine {score:.2f})")


def relate(a: str, b: str, embedder: Embedder) -> Relation:
    """Compare two sentences; a contradiction always names the check that found it."""
    return decide(evidence(a, b, embedder))


# ---- calibration (used by benchmarks/bench_relations.py; not needed at run time) ----

GATE_GRID = [round(x, 2) for x in np.arange(0.0, 0.81, 0.05)]
AGREE_GRID = [round(x, 2) for x in np.arange(0.0, 0.91, 0.01)]


def _f1(pred: np.ndarray, gold: np.ndarray) -> float:
    tp = float((pred & gold).sum())
    return 2 * tp / (pred.sum() + gold.sum()) if pred.sum() + gold.sum() else 0.0


def _score(evs: Sequence[Evidence], bands: Bands, weak: np.ndarray, strong: np.ndarray) -> float:
    kinds = np.array([decide(e, bands).kind for e in evs])
    return _f1(kinds == "contradict", weak) + _f1(kinds == "agree", strong)


def fit_bands(evs: Sequence[Evidence], weakens: Sequence[bool], strengthens: Sequence[bool],
              rounds: int = 2) -> Bands:
    """Bands maximising F1(contradict vs weakens) + F1(agree vs strengthens), by coordinate ascent.

    RELATED is not a labelled outcome; it is set at the cosine below which most pairs carry neither
    label.
    """
    weak, strong = np.asarray(weakens, bool), np.asarray(strengthens, bool)
    bands = BANDS
    for _ in range(rounds):
        for kind in bands.gates:
            best = max(GATE_GRID, key=lambda g: (_score(evs, replace(bands, gates={**bands.gates, kind: g}),
                                                        weak, strong), g))
            bands = replace(bands, gates={**bands.gates, kind: best})
        best_agree = max(AGREE_GRID, key=lambda t: _score(evs, replace(bands, agree=t, related=min(t, bands.related)),
                                                          weak, strong))
        bands = replace(bands, agree=best_agree, related=min(best_agree, bands.related))
    cos = np.array([e.score for e in evs])
    none = ~weak & ~strong
    related = max((t for t in AGREE_GRID if t <= bands.agree
                   and none[cos < t].sum() > 0.5 * max(1, (cos < t).sum())), default=0.0)
    return replace(bands, related=related)
