"""A short extractive brief in which every sentence cites the articles it comes from.

Sentences are picked from the consensus claims (the facts most outlets carry first), skipping any
that repeats a sentence already picked, within a word budget; then put in reading order. Each
summary sentence is a real source sentence and cites every supporting span of its claim.
"""

from __future__ import annotations

import re

import numpy as np

from .analyze.prepare import Prepared
from .model import Claim, SummarySentence

_WORD = re.compile(r"\w+")
# Two picks whose raw cosine reaches this say the same thing (paraphrases of one fact in the seed
# story score 0.6-0.9 raw; distinct facts of one story 0.3-0.6).
REDUNDANT = 0.7
# Sentences longer than this many words read as run-ons in a brief; skipped unless nothing else fits.
MAX_SENTENCE_WORDS = 45


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def _position(prep: Prepared, claim: Claim) -> float:
    """Mean relative position of the claim's sentences in their articles (0 = lead)."""
    lengths = {a.id: max(1, len(a.text)) for a in prep.articles}
    return float(np.mean([s.start / lengths[s.article] for s in claim.support]))


def _rank(prep: Prepared, claims: list[Claim]) -> list[Claim]:
    n_articles = max(1, len(prep.articles))
    def key(c: Claim) -> float:
        # share of outlets dominates; alignment strength and a lead position break ties
        return c.outlets / n_articles + 0.3 * c.score + 0.2 * (1 - _position(prep, c))
    pool = [c for c in claims if c.kind == "consensus"] or claims
    return sorted(pool, key=key, reverse=True)


def summarize(prep: Prepared, claims: list[Claim], words: int = 120) -> list[SummarySentence]:
    """Pick, order and cite summary sentences within about ``words`` words."""
    index = {(s.article, s.start): i for i, s in enumerate(prep.sentences)}
    picked: list[tuple[Claim, int]] = []
    used = 0
    for claim in _rank(prep, claims):
        i = index.get((claim.support[0].article, claim.support[0].start))
        if i is None:
            continue
        n = _words(claim.text)
        if n > MAX_SENTENCE_WORDS or (picked and used + n > words * 1.1):
            continue
        if any(float(prep.vectors[i] @ prep.vectors[j]) >= REDUNDANT for _, j in picked):
            continue
        picked.append((claim, i))
        used += n
        if used >= words:
            break
    picked.sort(key=lambda p: _position(prep, p[0]))
    return [SummarySentence(c.support[0].text, list(c.support)) for c, _ in picked]
