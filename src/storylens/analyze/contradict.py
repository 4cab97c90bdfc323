"""Contradictions: aligned sentence pairs checked by typed tests a reader can verify.

A contradiction is a pair of sentences from different outlets that talk about the same thing
(embedding alignment), differ in a checkable way, and that the pair model (storylens.pairs) reads as
incompatible; the check is the explanation a reader can verify. The checks are one module each in
``analyze/checks`` and are tried in the order of its registry (``checks.REGISTRY``):

- negation: one side denies what the other asserts (a negation cue governs words the other uses);
- number: the same counted thing with different values;
- date: the same event placed on different dates;
- entity: the same list or role filled with different names or things;
- attribution: one side reports a named party contesting or denying a claim, or the two sides put
  the matter in the mouths of different parties with a contested-claim verb ("argued", "insisted")
  or a contrast ("however") marking it as one side of an argument.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from ..model import Contradiction
from ..pairs import PairScorer
from .checks import REGISTRY
from .checks.parse import _dates, date_conflict  # noqa: F401 (re-exported: align.py and claims.py import them here)
from .judge import PARAMS, Judged, more
from .params import CONTRADICT, ContradictParams
from .prepare import Prepared, Similarity
from .repeats import distinct_pairs


def check_pair(a: Any, b: Any, sim: float, params: ContradictParams = CONTRADICT) -> tuple[str, str] | None:
    """(type, explanation) when two aligned spaCy spans disagree in a checkable way: the first
    check of the registry that fires, each from its band (``Check.same_fact``)."""
    for check in REGISTRY.values():
        if sim >= (params.same_fact_min if check.same_fact else params.topic_min):
            why = check.story(a, b)
            if why:
                return check.name, why
    return None


def find_contradictions(prep: Prepared, sim: Similarity, judged: Judged | None = None,
                        scorer: PairScorer | None = None, params: ContradictParams = CONTRADICT,
                        bar: float = PARAMS.contradiction) -> list[Contradiction]:
    """Contradicting sentence pairs across the story's articles, strongest first.

    A typed check proposes (and explains) each contradiction. With ``judged`` (the pairs path) the
    pair stands only when the model's contradiction head agrees (judge.Params.contradiction); with
    only a ``scorer`` (the verified default) the same holds for the same-fact checks
    (``_model_agrees``). Either way a check that misreads two different facts as one is overruled. Each sentence gets at most one contradiction
    per other article, so one denial pairs with its closest counterpart in each outlet rather than
    with every sentence on the topic.
    """
    hits = []
    # candidate pairs only, never all pairs; a sentence an article repeats takes part once (repeats.py)
    for i, j, score in distinct_pairs(prep, sim, params.topic_min):
        hit = check_pair(prep.spacy_span(i), prep.spacy_span(j), score, params)
        if hit:
            hits.append((score, i, j, hit))
    if judged is not None and scorer is not None:
        more(judged, prep, scorer, [(i, j) for _, i, j, _ in hits])
        hits = [h for h in hits if (s := judged.get(h[1], h[2])) is not None
                and s.contradiction >= judged.params.contradiction]
    elif scorer is not None:
        hits = _model_agrees(prep, scorer, hits, bar)
    hits.sort(key=lambda h: -h[0])
    kept: list[tuple[float, int, int, tuple[str, str]]] = []
    taken: set[tuple[int, str]] = set()
    for s, i, j, hit in hits:
        ai, aj = prep.sentences[i].article, prep.sentences[j].article
        if (i, aj) in taken or (j, ai) in taken:
            continue
        taken.update({(i, aj), (j, ai)})
        kept.append((s, i, j, hit))
    found: list[Contradiction] = []
    for s, i, j, (kind, why) in _one_side_first(prep, kept, params):
        found.append(Contradiction(f"x{len(found) + 1}", kind, why, prep.sentences[i].span(),
                                   prep.sentences[j].span(), s))
    return found


def _model_agrees(prep: Prepared, scorer: PairScorer, hits: list[tuple[float, int, int, tuple[str, str]]],
                  bar: float = PARAMS.contradiction) -> list[tuple[float, int, int, tuple[str, str]]]:
    """The hits of the same-fact checks (number, date, entity, attribution) that the model's
    contradiction head backs, read in both orders and averaged (the head is not symmetric: 0.54 one
    way and 0.96 the other on the seed story's substances), at or above ``bar`` (judge.Params.contradiction).
    Negation hits stand on the check: they come from the topic band, pairs of one topic rather
    than one fact, which the head was not taught to judge; the seed story's denial (a message that
    "made no explicit mention" of the war, against reports of support for it) scores low there.
    On 66 development stories (the sample_briefs stories of seeds 2027, 2028 and 2031) the head
    kept the one real contradiction (0.69) and removed a list of synonyms ("pictures and videos"
    against "images and video", 0.09) and two women's family sizes a century apart (0.04)."""
    gated = [h for h in hits if REGISTRY[h[3][0]].same_fact]
    if not gated:
        return hits
    texts = [(prep.sentences[i].text, prep.sentences[j].text) for _, i, j, _ in gated]
    rows = scorer.score(texts + [(b, a) for a, b in texts])
    n = len(gated)
    backed = {(h[1], h[2]) for k, h in enumerate(gated) if (rows[k][3] + rows[n + k][3]) / 2 >= bar}
    return [h for h in hits if not REGISTRY[h[3][0]].same_fact or (h[1], h[2]) in backed]


def _one_side_first(prep: Prepared, hits: list[tuple[float, int, int, tuple[str, str]]],
                    params: ContradictParams = CONTRADICT) -> list[tuple[float, int, int, tuple[str, str]]]:
    """Put as side A the sentence a contradiction shares with others of its type (one denial
    against several outlets' reports), so that a reader's view can group them under it; the
    explanation is re-read in that order. Order and pairs are unchanged."""
    seen = Counter((kind, k) for _, i, j, (kind, _why) in hits for k in (i, j))
    out = []
    for s, i, j, (kind, why) in hits:
        if seen[(kind, j)] > seen[(kind, i)]:
            again = check_pair(prep.spacy_span(j), prep.spacy_span(i), s, params)
            if again is not None and again[0] == kind:
                i, j, why = j, i, again[1]
        out.append((s, i, j, (kind, why)))
    return out
