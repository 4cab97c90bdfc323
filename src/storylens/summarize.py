"""A short extractive brief in which every sentence cites the articles it comes from.

Every sentence of the story is a candidate, scored by four signals, each standardised within the
story so that none dominates by scale:

- cross-source support: how closely the other articles say the same (for each other article, the
  best cosine to one of its sentences, averaged): the embedding form of "most outlets carry it";
- shared wording: the share of the sentence's content words that the other articles also use;
- headline overlap: the share of the articles' headline words the sentence contains;
- lead position: news puts the main facts first.

Sentences that read badly out of context (fragments, quote tails, run-ons, lines without an end
mark) are left out. Sentences are taken best first with maximal marginal relevance (closeness to a
sentence already picked costs score; a sentence too close to one is skipped) until the word budget
is filled, and put in reading order. When the story is too short to fill the budget that way, a
second pass admits long sentences and ones closer to a pick, short of a near-repeat. Each summary
sentence is a real source sentence and cites its own span plus every other supporting span of the
claims it belongs to.
"""

from __future__ import annotations

import re

import numpy as np

from .analyze.prepare import Prepared
from .model import Claim, Span, SummarySentence

_WORD = re.compile(r"\w+")
_TERM = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_STARTS_WELL = re.compile(r"^[\"'“‘(]?[A-Z0-9]")
_ENDS_WELL = re.compile(r"[.!?][\"'”’)]*$")

# Benchmark figures below are ROUGE-1 from benchmarks/bench_summary.py on the development splits
# (Multi-News validation, 249 clusters; NeuS/AllSides validation, 307 stories), tuned only on the
# mean over all clusters of each set.

# Two sentences whose raw cosine reaches this say the same thing (paraphrases of one fact in the
# seed story score 0.6-0.9 raw; distinct facts of one story 0.3-0.6): never both in a brief.
REDUNDANT = 0.7
# First pass: skip a sentence this close to one already picked. 0.6 beat 0.7 on Multi-News (46.6 vs
# 46.2; its clusters hold wire copies) and 0.5 (45.7); stories too short to fill the budget at 0.6
# get the second pass at REDUNDANT instead of a short brief.
DISTINCT = 0.6
# Sentences longer than this many words read as run-ons in a brief; 60 scored within 0.1 of no limit
# on both sets, 45 lost 0.6 on NeuS, whose leads run long.
MAX_SENTENCE_WORDS = 60
# Sentences shorter than this rarely hold a whole fact ("He declined to comment."); 8 beat 6 and
# 10-12 by 0.1-0.2 on both sets.
MIN_SENTENCE_WORDS = 8
# Weights of the standardised signals. Equal weights were the best of 40 random weightings (0-2)
# of these and of centroid cosine, claim outlet share and log length (those three added nothing).
W_SUPPORT = 1.0
W_SHARED = 1.0
W_HEADLINE = 1.0
W_LEAD = 1.0
# MMR: score minus this times the highest raw cosine to a sentence already picked (0.5 vs 0 or 1:
# within 0.2 on both sets; kept for variety).
W_REDUNDANCY = 0.5
# A pick may run past the budget by this share of it (the brief is "about" N words).
SLACK = 0.1
# Function words, not counted as content (a short general English list).
_STOP_WORDS = """a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from further had
has have having he her here hers herself him himself his how i if in into is it its itself just me
more most my myself no nor not now of off on once only or other our ours ourselves out over own said
same says she should so some such than that the their theirs them themselves then there these they
this those through to too under until up very was we were what when where which while who whom why
will with would you your yours yourself yourselves"""
STOP = frozenset(_STOP_WORDS.split())


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def _terms(text: str) -> set[str]:
    """Content words, lower case, a plural 's' or possessive dropped."""
    out = set()
    for w in _TERM.findall(text.lower()):
        w = re.sub(r"['’]s$", "", w)
        if w in STOP or len(w) < 2:
            continue
        out.add(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w)
    return out


def _readable(text: str, longest: int = MAX_SENTENCE_WORDS) -> bool:
    """Starts like a sentence, ends with an end mark, length within bounds."""
    n = _words(text)
    return (MIN_SENTENCE_WORDS <= n <= longest and bool(_STARTS_WELL.match(text))
            and bool(_ENDS_WELL.search(text)))


def _readable_any_length(text: str) -> bool:
    return _readable(text, longest=10**6)


def _standard(x: np.ndarray) -> np.ndarray:
    sd = float(x.std())
    return (x - x.mean()) / sd if sd > 1e-9 else np.zeros_like(x)


def _support(prep: Prepared, groups: list[list[int]]) -> np.ndarray:
    """Per sentence: mean over the other articles of its best cosine to one of their sentences."""
    out = np.zeros(len(prep.sentences))
    if len(groups) < 2:
        return out
    best = np.stack([(prep.vectors @ prep.vectors[ix].T).max(axis=1) for ix in groups], axis=1)
    own = np.zeros_like(best, dtype=bool)
    for k, ix in enumerate(groups):
        own[ix, k] = True
    return np.where(own, 0.0, best).sum(axis=1) / (len(groups) - 1)


def _shared(terms: list[set[str]], groups: list[list[int]]) -> np.ndarray:
    """Per sentence: the share of its content words that other articles use too."""
    vocab = [set().union(*(terms[i] for i in ix)) for ix in groups]
    out = np.zeros(len(terms))
    for k, ix in enumerate(groups):
        others = set().union(*(v for j, v in enumerate(vocab) if j != k))
        for i in ix:
            out[i] = len(terms[i] & others) / max(1, len(terms[i]))
    return out


def _lead(groups: list[list[int]], n: int) -> np.ndarray:
    """1 for an article's first sentence, falling as 1 / (1 + rank) further down."""
    out = np.zeros(n)
    for ix in groups:
        out[ix] = 1.0 / (1.0 + np.arange(len(ix)))
    return out


def scores(prep: Prepared) -> np.ndarray:
    """The salience of each sentence of the story (higher first)."""
    groups = [ix for ix in prep.by_article().values() if ix]
    terms = [_terms(s.text) for s in prep.sentences]
    headline = set().union(*(_terms(a.title or "") for a in prep.articles))
    head = np.array([len(t & headline) / max(1, len(headline)) for t in terms])
    n = len(prep.sentences)
    return (W_SUPPORT * _standard(_support(prep, groups)) + W_SHARED * _standard(_shared(terms, groups))
            + W_HEADLINE * _standard(head) + W_LEAD * _standard(_lead(groups, n)))


def _select(prep: Prepared, salience: np.ndarray, words: int) -> list[int]:
    """Greedy maximal-marginal-relevance picks until about ``words`` words."""
    lengths = [_words(s.text) for s in prep.sentences]
    picked: list[int] = []
    closest = np.zeros(len(prep.sentences))
    used = 0
    # first pass: readable and distinct; second: readable at any length and not a near-repeat
    # (the second pass's filter moved neither set by more than 0.05 against admitting anything)
    for limit, readable in ((DISTINCT, _readable), (REDUNDANT, _readable_any_length)):
        pool = [i for i, s in enumerate(prep.sentences) if i not in picked and readable(s.text)]
        while pool and used < words:
            best = max(pool, key=lambda i: salience[i] - W_REDUNDANCY * closest[i])
            pool.remove(best)
            if closest[best] >= limit or (picked and used + lengths[best] > words * (1 + SLACK)):
                continue
            picked.append(best)
            used += lengths[best]
            closest = np.maximum(closest, prep.vectors @ prep.vectors[best])
    return picked


def _reading_order(prep: Prepared, picked: list[int]) -> list[int]:
    """Sentences nearer the top of their article first; ties in article order."""
    by = prep.by_article()
    rank = {i: r / max(1, len(ix)) for ix in by.values() for r, i in enumerate(ix)}
    return sorted(picked, key=lambda i: (rank[i], i))


def _claims_by_sentence(prep: Prepared, claims: list[Claim]) -> dict[int, list[Claim]]:
    """Sentence index -> the claims that sentence supports (a sentence may carry several facts),
    most outlets first."""
    index = {(s.article, s.start): i for i, s in enumerate(prep.sentences)}
    out: dict[int, list[Claim]] = {}
    for c in claims:
        for i in {index.get((span.article, span.start)) for span in c.support} - {None}:
            out.setdefault(i, []).append(c)
    return {i: sorted(cs, key=lambda c: -c.outlets) for i, cs in out.items()}


def _citations(prep: Prepared, i: int, claims: list[Claim]) -> list[Span]:
    """The sentence's own span, then every other span supporting any of its claims."""
    own = prep.sentences[i].span()
    seen = {(own.article, own.start, own.end)}
    out = [own]
    for s in (s for c in claims for s in c.support):
        if (s.article, s.start, s.end) not in seen:
            seen.add((s.article, s.start, s.end))
            out.append(s)
    return out


def summarize(prep: Prepared, claims: list[Claim], words: int = 120) -> list[SummarySentence]:
    """Pick, order and cite summary sentences within about ``words`` words."""
    if not prep.sentences:
        return []
    by_claim = _claims_by_sentence(prep, claims)
    picked = _select(prep, scores(prep), words)
    return [SummarySentence(prep.sentences[i].text, _citations(prep, i, by_claim.get(i, [])))
            for i in _reading_order(prep, picked)]
