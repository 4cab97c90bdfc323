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
sentence is a real source sentence, or one less its dateline or closing attribution (``trim``: the
kept slice, cited by its exact offsets), and cites its own span plus every other supporting span of
the claims its sentence belongs to.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from .analyze.prepare import Prepared
from .model import Claim, Sentence, Span, SummarySentence

_WORD = re.compile(r"\w+")
_TERM = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_STARTS_WELL = re.compile(r"^[\"'“‘(]?[A-Z0-9]")
# Openings that lean on the sentence before ("As a result, ...", "However, ..."): out of their
# article they read as a non sequitur.
_POINTS_BACK = re.compile(r"^(?:As a result|However|Meanwhile|Instead|Moreover|Furthermore|In addition|"
                          r"Nevertheless|Therefore|Thus|Still|Also|Yet|But|And|So|Then|That is why|This is why)\b")
_ENDS_WELL = re.compile(r"[.!?][\"'”’)]*$")
# Sentence trimming (``trim``): a summary sentence may be the source sentence less a dateline
# ("CITY (Agency) — ") or less a closing attribution (", the police said on Monday." / ", according
# to ..."): who said it is in the citation, and the words go to another fact. The attribution's
# subject is at most six words and opens with no conjunction or relative word (", and police said"
# is a clause of its own); after the verb only time and channel words or names may follow (", police
# said he was armed" keeps its fact). ROUGE-1 on the development sets, cached preparation: closing
# attributions +0.25 on NeuS, -0.03 on Multi-News; datelines +0.03 on Multi-News, 0 on NeuS; both
# 46.79 -> 46.80 and 43.02 -> 43.24 (a dateline needs a dash, two hyphens or a hyphen after a
# bracketed agency, so "U.S. - China ..." stays whole: -0.04 on Multi-News, kept for safety). Cutting more lost or did nothing (-0.1 to +0.0 on each set):
# closing "which"/"who" clauses, "..., saying ..." tails, closing dash or bracket asides, ", he
# said" after a quotation, opening connectives ("However,"), and any cut leaving a lower-case start.
_DATELINE = re.compile(r"^(?=[A-Z .,'’-]*[A-Z]{3})[A-Z][A-Z .,'’-]{2,40}"
                       r"(?:\s*\([A-Za-z .]{1,20}\))?\s*(?:[—–]|--|(?<=\))\s*-)\s*(?=[A-Z\"“])")
_AFTER = ("on|in|at|to|during|late|early|last|this|a|an|the|statement|interview|reporters|"
          "news|conference|briefing|email|emailed|night|morning|afternoon|evening|week|month|year|"
          "monday|tuesday|wednesday|thursday|friday|saturday|sunday|earlier|later|today|yesterday")
_ATTRIBUTION = re.compile(
    r",\s+(?:(?i:according\s+to)\s+[^,;\"“”]{1,60}"
    r"|(?!(?i:and|but|or|which|who|that|while|as|because|although|though|after|before|when|if)\b)"
    r"(?:[^\s,;\"“”]+\s+){1,6}?(?i:said|says|told|reported|reports|wrote|announced|added|noted|stated)"
    rf"(?:\s+(?:(?i:{_AFTER})\b|[A-Z][^\s,;\"“”]*))*)\s*\.$")

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
# Lead position falls as 1 / (LEAD_OFFSET + rank): 2 rates an article's first sentence (often a
# hook or a scene) less far above its second than 1 did. Cached preparation, ROUGE-1: 1 -> 2 moved
# Multi-News 46.76 -> 47.02 and NeuS 43.24 -> 43.25; each random half of the clusters (seeded) gave
# Multi-News +0.30 / +0.21, NeuS -0.01 / +0.02; 1.5 and 3 gave 46.95 / 47.07 and 43.27 / 43.26.
LEAD_OFFSET = 2.0
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


def trim(text: str) -> tuple[int, int]:
    """The (start, end) offsets in ``text`` of the part a brief keeps: without a dateline or a
    closing attribution (see _DATELINE, _ATTRIBUTION); the whole text when nothing is cut or the
    rest would not read as a sentence (lower-case start, an open quotation, too few words)."""
    start = m.end() if (m := _DATELINE.match(text)) else 0
    end = len(text)
    if (m := _ATTRIBUTION.search(text, start)) and _closed(text[start:m.start()]):
        end = m.start()
    if _words(text[start:end]) < MIN_SENTENCE_WORDS:
        return 0, len(text)
    return start, end


def _closed(text: str) -> bool:
    """No quotation left open."""
    return text.count('"') % 2 == 0 and text.count("“") == text.count("”")


def _readable(text: str, longest: int = MAX_SENTENCE_WORDS, whole: str | None = None) -> bool:
    """Starts like a sentence (not with a connective that points back at a sentence the brief may
    not have), ends with an end mark (or is trimmed from ``whole``, which does), length within
    bounds."""
    n = _words(text)
    return (MIN_SENTENCE_WORDS <= n <= longest and bool(_STARTS_WELL.match(text))
            and not _POINTS_BACK.match(text) and bool(_ENDS_WELL.search(text if whole is None else whole)))


def _readable_any_length(text: str, whole: str | None = None) -> bool:
    return _readable(text, longest=10**6, whole=whole)


def kept(prep: Prepared) -> list[Sentence]:
    """Each sentence as a brief would quote it: trimmed (see ``trim``), with its offsets moved to
    the kept slice of the article's text."""
    out = []
    for s in prep.sentences:
        a, b = trim(s.text)
        out.append(s if (a, b) == (0, len(s.text)) else replace(s, start=s.start + a, end=s.start + b,
                                                                  text=s.text[a:b]))
    return out


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
    """1 / (LEAD_OFFSET + rank) for an article's sentences, rank 0 at its top."""
    out = np.zeros(n)
    for ix in groups:
        out[ix] = 1.0 / (LEAD_OFFSET + np.arange(len(ix)))
    return out


def scores(prep: Prepared, texts: list[str] | None = None) -> np.ndarray:
    """The salience of each sentence of the story (higher first); its words are read from
    ``texts`` (the kept parts, see ``kept``) when given."""
    groups = [ix for ix in prep.by_article().values() if ix]
    terms = [_terms(t) for t in (texts or [s.text for s in prep.sentences])]
    headline = set().union(*(_terms(a.title or "") for a in prep.articles))
    head = np.array([len(t & headline) / max(1, len(headline)) for t in terms])
    n = len(prep.sentences)
    return (W_SUPPORT * _standard(_support(prep, groups)) + W_SHARED * _standard(_shared(terms, groups))
            + W_HEADLINE * _standard(head) + W_LEAD * _standard(_lead(groups, n)))


def _select(prep: Prepared, salience: np.ndarray, words: int, texts: list[str]) -> list[int]:
    """Greedy maximal-marginal-relevance picks of the sentences (read as ``texts``, their kept
    parts) until about ``words`` words."""
    lengths = [_words(t) for t in texts]
    picked: list[int] = []
    closest = np.zeros(len(prep.sentences))
    used = 0
    # first pass: readable and distinct; second: readable at any length and not a near-repeat
    # (the second pass's filter moved neither set by more than 0.05 against admitting anything)
    for limit, readable in ((DISTINCT, _readable), (REDUNDANT, _readable_any_length)):
        pool = [i for i, s in enumerate(prep.sentences) if i not in picked and readable(texts[i], whole=s.text)]
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
    most outlets first (a claim names its sentences: Claim.sentences)."""
    out: dict[int, list[Claim]] = {}
    for c in claims:
        for i in set(c.sentences):
            out.setdefault(i, []).append(c)
    return {i: sorted(cs, key=lambda c: -c.outlets) for i, cs in out.items()}


def _citations(own: Span, claims: list[Claim]) -> list[Span]:
    """The summary sentence's own span, then every other span supporting any of its claims."""
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
    own = kept(prep)
    texts = [s.text for s in own]
    picked = _select(prep, scores(prep, texts), words, texts)
    return [SummarySentence(own[i].text, _citations(own[i].span(), by_claim.get(i, [])))
            for i in _reading_order(prep, picked)]
