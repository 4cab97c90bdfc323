"""How alike two sentences of a story are, read from the candidate pairs of their clause units."""

from __future__ import annotations

import numpy as np
from scipy import sparse


class Similarity:
    """How alike two sentences of a story are: the best centred cosine between their units.

    Sparse: only candidate pairs (different articles, cosine >= units.FLOOR) are stored; any other
    pair reads as 0.0, and two sentences of one article as -1.0. ``sim[i, j]`` reads one pair;
    ``pairs(t)`` lists the pairs at or above ``t`` without touching the rest.
    """

    def __init__(self, n: int, articles: np.ndarray, i: np.ndarray, j: np.ndarray, s: np.ndarray) -> None:
        self.n = n
        self._articles = articles
        lo, hi = np.minimum(i, j), np.maximum(i, j)
        key = lo.astype(np.int64) * max(1, n) + hi
        order = np.lexsort((-s, key))  # per sentence pair, the best unit pair first
        key, s = key[order], s[order]
        first = np.r_[True, key[1:] != key[:-1]] if len(key) else np.zeros(0, dtype=bool)
        self._i, self._j, self._s = key[first] // max(1, n), key[first] % max(1, n), s[first]
        m = sparse.coo_matrix((self._s, (self._i, self._j)), shape=(n, n)).tocsr()
        self._m = (m + m.T).tocsr()
        self._m.sort_indices()

    @property
    def shape(self) -> tuple[int, int]:
        return (self.n, self.n)

    def __getitem__(self, ij: tuple[int, int]) -> float:
        i, j = ij
        if self._articles[i] == self._articles[j]:
            return -1.0
        m = self._m  # read the CSR arrays directly: scipy's element access costs ~10x more
        lo, hi = m.indptr[i], m.indptr[i + 1]
        k = lo + int(np.searchsorted(m.indices[lo:hi], j))
        return float(m.data[k]) if k < hi and m.indices[k] == j else 0.0

    def pairs(self, threshold: float) -> list[tuple[int, int, float]]:
        """Sentence pairs (i < j, different articles) scoring at least ``threshold``, in index order."""
        keep = np.nonzero(self._s >= threshold)[0]
        return [(int(self._i[k]), int(self._j[k]), float(self._s[k])) for k in keep]
