"""relate(a, b): how one sentence stands to another: agree, contradict, related or unrelated.

A contradiction comes from the typed checks under cosine bands (``evidence`` and ``decide``);
otherwise the sentence-pair model (storylens.pairs) decides agree / related / unrelated
(``judge_pair``), and its four heads go into the Relation either way.

Two steps, so the bands can be refitted and cross-validated without parsing again:
``evidence`` embeds and parses the pair and runs every typed check (analyze/checks); ``decide``
turns that into a Relation under a set of cosine ``Bands``. A contradiction always names the check
that found it and the words involved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ..embed import Embedder
from ..model import Relation
from ..nlp import load_spacy
from ..pairs import PairScorer, PairScores, get_pair_scorer, rows
from .checks import pair_checks
from .judge import PARAMS, Params

# The registry's checks in the forms a lone pair gets (the looser negation and attribution rules,
# checks.negation / checks.attribution), in the order they are reported when several fire: the most
# specific reading first (Check.pair_rank).
CHECKS = pair_checks()


@dataclass(frozen=True)
class Bands:
    """Raw-cosine bands for a lone pair (no story to centre on), and the least cosine per check."""

    agree: float
    related: float
    gates: dict[str, float]


# Calibrated on ClaimDiff train (Ko et al. 2022; 1,857 same-topic pairs from different outlets,
# labelled "B weakens A" / "B strengthens A" / neither) with `fit_bands` below, which maximises
# F1(contradict vs weakens) + F1(agree vs strengthens); run `python benchmarks/bench_relations.py`
# (table in benchmarks/out/relations/results.md; 5-fold by-topic cross-validation there too):
# - AGREE 0.16: ClaimDiff labels 69% of its same-topic pairs as strengthening, so the best
#   "strengthens" F1 calls nearly every same-topic pair agree (0.70, set on the seed story before,
#   gave F1 0.09 there).
# - RELATED 0.09: ClaimDiff has no unrelated pairs; 98% of its same-topic pairs score above this.
# - gates: attribution 0.15 and negation 0.50 were the fitted optimum. Number, date and entity
#   mismatches never marked a weakening pair there (same-topic pairs report different facts), so
#   the fit puts them at the grid's ceiling, 0.80: only near-paraphrases that differ in a number,
#   date or name count. The grid stops at 0.80 (GATE_GRID) so that no check is switched off.
BANDS = Bands(agree=0.16, related=0.09, gates={"negation": 0.50, "attribution": 0.15, "number": 0.80,
                                              "date": 0.80, "entity": 0.80})
# Above this raw cosine a pair reads as one fact restated (seed story: paraphrases of one gold fact
# score 0.6-0.9 raw); between BANDS.agree and this, "agree" means "consistent", and says so.
SAME_WORDS = 0.6
# Kept as module names for readers of the old interface.
AGREE, RELATED, SAME_FACT = BANDS.agree, BANDS.related, BANDS.gates["number"]


@dataclass(frozen=True)
class Evidence:
    """The raw cosine of a pair and the explanation of every typed check that fired (any cosine)."""

    score: float
    fired: tuple[tuple[str, str], ...]


# Parses and vectors of recently seen sentences, so relating one sentence to many parses it once.
CACHE_SIZE = 4096
_docs: dict[str, Any] = {}
_vectors: dict[tuple[str, str], np.ndarray] = {}


def _remember(cache: dict[Any, Any], key: Any, value: Any) -> None:
    if len(cache) >= CACHE_SIZE:
        cache.pop(next(iter(cache)))
    cache[key] = value


def warm(texts: Sequence[str], embedder: Embedder) -> None:
    """Parse and embed many sentences in batches ahead of many `relate` calls on them."""
    todo = [t for t in dict.fromkeys(texts) if t not in _docs]
    for text, doc in zip(todo, load_spacy().pipe(todo, batch_size=64)):
        _remember(_docs, text, doc)
    todo = [t for t in dict.fromkeys(texts) if (embedder.name, t) not in _vectors]
    for text, vec in zip(todo, embedder.embed(todo) if todo else []):
        _remember(_vectors, (embedder.name, text), vec)


def evidence(a: str, b: str, embedder: Embedder) -> Evidence:
    """Embed and parse both sentences (cached per sentence) and run every typed check."""
    warm([a, b], embedder)
    score = float(_vectors[embedder.name, a] @ _vectors[embedder.name, b])
    da, db = _docs[a][:], _docs[b][:]
    fired = []
    for kind, check in CHECKS.items():
        why = check(da, db)
        if why:
            fired.append((kind, why))
    return Evidence(score, tuple(fired))


def decide(ev: Evidence, bands: Bands = BANDS) -> Relation:
    """The Relation a pair's evidence gives under the cosine bands (no pair model: the calibration
    baseline of bench_relations.py)."""
    score = ev.score
    for kind, why in ev.fired:
        if score >= bands.gates[kind]:
            return Relation("contradict", score, f"{kind}: {why} (cosine {score:.2f})")
    if score >= SAME_WORDS:
        return Relation("agree", score, f"same fact in other words (cosine {score:.2f}), no conflicting detail")
    if score >= bands.agree:
        return Relation("agree", score, f"consistent: same topic and nothing in conflict, though not the same "
                                        f"fact (cosine {score:.2f})")
    if score >= bands.related:
        return Relation("related", score, f"same topic, different facts (cosine {score:.2f})")
    return Relation("unrelated", score, f"different topics (cosine {score:.2f})")


def judge_pair(cosine: float, heads: PairScores, params: Params = PARAMS) -> Relation:
    """agree / related / unrelated from the pair model's heads, by the story's own bars
    (judge.Params): agree needs the same fact, or entailment both ways; related is the topical
    band of the raw cosine. (Contradictions come from the typed checks, see ``relate``.)"""
    extra = heads.to_dict()
    if heads.same_fact >= params.same_fact:
        return Relation("agree", heads.same_fact, f"same fact (pair model {heads.same_fact:.2f})", extra)
    if min(heads.entails_ab, heads.entails_ba) >= params.entails:
        return Relation("agree", min(heads.entails_ab, heads.entails_ba),
                        f"each entails the other (pair model {heads.entails_ab:.2f} / {heads.entails_ba:.2f})", extra)
    if cosine >= BANDS.related:
        what = "B follows from A" if heads.entails_ab >= params.entails else (
            "A follows from B" if heads.entails_ba >= params.entails else "different facts")
        return Relation("related", heads.same_fact, f"same topic, {what} (cosine {cosine:.2f}, same fact "
                                                    f"{heads.same_fact:.2f})", extra)
    return Relation("unrelated", heads.same_fact, f"different topics (cosine {cosine:.2f})", extra)


def relate(a: str, b: str, embedder: Embedder, scorer: PairScorer | None = None) -> Relation:
    """Compare two sentences with the pair model the story analysis uses; a contradiction always
    names the check that found it."""
    ev = evidence(a, b, embedder)
    heads = rows((scorer or get_pair_scorer()).score([(a, b)]))[0]
    old = decide(ev)
    if old.kind == "contradict":
        # the typed checks under the cosine gates: the contradiction head alone lost ClaimDiff's
        # weakening pairs (F1 0.265 -> 0, benchmarks/RESULTS.md section 8)
        return Relation(old.kind, old.score, old.explanation, heads.to_dict())
    return judge_pair(ev.score, heads)


# ---- calibration (used by benchmarks/bench_relations.py; not needed at run time) ----

# Where the search starts: one middling band for everything, so that no fold sees the shipped values.
START = Bands(agree=0.5, related=0.3, gates=dict.fromkeys(CHECKS, 0.5))
GATE_GRID = [round(x, 2) for x in np.arange(0.0, 0.81, 0.05)]
AGREE_GRID = [round(x, 2) for x in np.arange(0.0, 0.91, 0.01)]


def _f1(pred: np.ndarray, gold: np.ndarray) -> float:
    tp = float((pred & gold).sum())
    return 2 * tp / (pred.sum() + gold.sum()) if pred.sum() + gold.sum() else 0.0


def _score(cos: np.ndarray, fired: dict[str, np.ndarray], bands: Bands, weak: np.ndarray,
           strong: np.ndarray) -> float:
    """F1(contradict vs weakens) + F1(agree vs strengthens); `decide` vectorised over pairs."""
    contra = np.zeros(len(cos), bool)
    for kind, hit in fired.items():
        contra |= hit & (cos >= bands.gates[kind])
    return _f1(contra, weak) + _f1(~contra & (cos >= bands.agree), strong)


def fit_bands(evs: Sequence[Evidence], weakens: Sequence[bool], strengthens: Sequence[bool],
              rounds: int = 2) -> Bands:
    """Bands maximising F1(contradict vs weakens) + F1(agree vs strengthens), by coordinate ascent.

    RELATED is not a labelled outcome; it is set below nearly all the (same-topic) pairs.
    """
    weak, strong = np.asarray(weakens, bool), np.asarray(strengthens, bool)
    cos = np.array([e.score for e in evs])
    fired = {kind: np.array([any(k == kind for k, _ in e.fired) for e in evs], bool) for kind in CHECKS}
    bands = START
    for _ in range(rounds):
        for kind in bands.gates:
            # ties go to the higher gate: fewer contradictions for the same score
            best = max(GATE_GRID, key=lambda g: (_score(cos, fired, replace(bands, gates={**bands.gates, kind: g}),
                                                        weak, strong), g))
            bands = replace(bands, gates={**bands.gates, kind: best})
        best_agree = max(AGREE_GRID, key=lambda t: _score(cos, fired, replace(bands, agree=t), weak, strong))
        bands = replace(bands, agree=best_agree)
    # Every pair in the data shares a topic, so "unrelated" is not labelled: below RELATED lie the
    # least similar 2% of same-topic pairs.
    return replace(bands, related=min(bands.agree, round(float(np.percentile(cos, 2)), 2)))
