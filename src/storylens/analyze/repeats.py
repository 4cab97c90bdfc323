"""Sentences an article repeats: compared with other articles once, not once per copy.

A page can hold one short line thousands of times (issue 18: an HTML page of ``<p>x</p>`` lines,
cut at the tag limit, kept 6,000 one-letter paragraphs). Every copy aligns with every copy in
another article, so the pairwise reads (reuse._near_ratio, contradict.check_pair) ran once per pair
of copies: 90,000 calls each for two articles of 300, and an analysis past 300 s for a story with
two such articles. A repeated sentence says nothing its first copy does not, so only the first
sentence of each article with a given folded text (casefolded words) takes part in pairwise work.
"""

from __future__ import annotations

import re

import numpy as np

from .prepare import Prepared, Similarity

_WORD = re.compile(r"\w+")


def first_copies(prep: Prepared) -> np.ndarray:
    """Per sentence: is it the first sentence of its article with its folded text?"""
    seen: set[tuple[str, str]] = set()
    keep = np.ones(len(prep.sentences), dtype=bool)
    for k, s in enumerate(prep.sentences):
        key = (s.article, " ".join(_WORD.findall(s.text.casefold())))
        if key in seen:
            keep[k] = False
        seen.add(key)
    return keep


def distinct_pairs(prep: Prepared, sim: Similarity, threshold: float) -> list[tuple[int, int, float]]:
    """``sim.pairs(threshold)`` without the pairs that hold a repeated sentence (first_copies).

    Read from the similarity's arrays, so the pairs of the copies never become Python tuples (a
    story of 4,600 and 1,900 repeated lines holds 8.7 million)."""
    keep = first_copies(prep)
    i, j, s = sim._i, sim._j, sim._s  # Similarity (similarity.py) keeps its pairs there
    chosen = np.nonzero((s >= threshold) & keep[i] & keep[j])[0]
    return [(int(i[k]), int(j[k]), float(s[k])) for k in chosen]
