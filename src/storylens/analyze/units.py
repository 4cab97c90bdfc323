"""Sub-sentence units: a sentence and its clause windows, embedded for fine-grained alignment.

A news sentence often carries two facts ("... calls the war a proxy war, and condemns Western aid").
Aligning whole sentences only finds the fact the sentence is mostly about; aligning clause windows
finds both. Units are cut at clause punctuation and at the conjunctions that open a new clause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..model import Sentence

_CUT = re.compile(r"(?:[,;:]|\s[–—-])\s+(?=\S)|\s+(?=(?:while|whereas|but|although|though|after|before|as well as)\s)")
_WORD = re.compile(r"\w+")
# A unit shorter than this carries no checkable fact ("he said", "on Monday"); 5 words was the
# shortest gold fact fragment in the seed story that is itself a clause ("condemns Western aid to Kyiv").
MIN_UNIT_WORDS = 5
# Windows of at most this many consecutive pieces: 2 keeps a clause with its attached phrase while
# the number of units stays linear in sentence length.
MAX_WINDOW = 2


@dataclass
class Unit:
    """A stretch of one sentence: ``sentence`` index and offsets relative to the article text."""

    sentence: int
    start: int
    end: int
    text: str


def _pieces(s: Sentence) -> list[tuple[int, int]]:
    bounds, last = [], 0
    for m in _CUT.finditer(s.text):
        bounds.append((last, m.start()))
        last = m.end()
    bounds.append((last, len(s.text)))
    return [(a, b) for a, b in bounds if b > a]


def split_units(sentences: list[Sentence]) -> list[Unit]:
    """Each sentence as a whole, plus its clause windows that are long enough to hold a fact."""
    units: list[Unit] = []
    for i, s in enumerate(sentences):
        units.append(Unit(i, s.start, s.end, s.text))
        pieces = _pieces(s)
        if len(pieces) < 2:
            continue
        for w in range(1, MAX_WINDOW + 1):
            for k in range(len(pieces) - w + 1):
                a, b = pieces[k][0], pieces[k + w - 1][1]
                text = s.text[a:b]
                if len(_WORD.findall(text)) >= MIN_UNIT_WORDS and (a, b) != (0, len(s.text)):
                    units.append(Unit(i, s.start + a, s.start + b, text))
    return units


def unit_similarity(units: list[Unit], vectors: np.ndarray, n_sentences: int, mean: np.ndarray) -> np.ndarray:
    """Sentence-by-sentence matrix: the best centred cosine between any units of the two sentences."""
    v = vectors - mean
    v = v / np.clip(np.linalg.norm(v, axis=1, keepdims=True), 1e-12, None)
    sims = v @ v.T
    owner = np.array([u.sentence for u in units])
    out = np.full((n_sentences, n_sentences), -1.0, dtype=np.float32)
    # reduce rows then columns by owner sentence with maximum.at (linear in the number of units)
    rows = np.full((n_sentences, len(units)), -1.0, dtype=np.float32)
    np.maximum.at(rows, owner, sims)
    np.maximum.at(out.T, owner, rows.T)
    return out

