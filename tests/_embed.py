"""The real embedder behind a per-text cache, shared by the tests that ingest the same texts many times."""

from __future__ import annotations

import numpy as np


class MemoEmbedder:
    """The real embedder, remembering each text's vector so repeated ingests in tests stay fast."""

    def __init__(self) -> None:
        from storylens.embed import get_embedder

        self.inner = get_embedder()
        self.name, self.dim = self.inner.name, self.inner.dim
        self.cache: dict[str, np.ndarray] = {}

    def embed(self, texts: list[str]) -> np.ndarray:
        new = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if new:
            self.cache.update(zip(new, self.inner.embed(new)))
        return np.vstack([self.cache[t] for t in texts]) if texts else np.zeros((0, self.dim), np.float32)
