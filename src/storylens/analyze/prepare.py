"""Prepared: one story's analysis stages (stages.py) and the reads every analysis makes of them.

``pipeline.run_pipeline`` builds a Prepared from its stage results: ``parsed`` (sentences, parses,
model texts, clause units), ``embedded`` (sentence and unit vectors, centred), ``features`` (each
unit's article, content words, whether it states a fact) and ``pairs`` (candidate unit pairs and
the sentence Similarity). A Prepared is complete when it exists: its reads look up or combine the
stored stages (no cache filled behind them, no vectors still on their way, no thread left behind).
``prepare(articles, embedder)`` runs the pipeline for callers that have nothing to do meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse

from ..embed import Embedder
from ..model import Article, Sentence
from .similarity import Similarity
from .stages import Embedded, Pairs, Parsed, UnitFeatures
from .units import Unit, blend

__all__ = ["Prepared", "Similarity", "prepare"]


@dataclass
class Prepared:
    """Articles of one story with their sentences (in article order), parses, vectors and pairs."""

    parsed: Parsed
    embedded: Embedded
    features: UnitFeatures
    pairs: Pairs

    @property
    def articles(self) -> list[Article]:
        return self.parsed.articles

    @property
    def sentences(self) -> list[Sentence]:
        return self.parsed.sentences

    @property
    def docs(self) -> dict[str, list[tuple[int, Any]]]:
        return self.parsed.docs

    @property
    def units(self) -> list[Unit]:
        return self.parsed.units

    @property
    def vectors(self) -> np.ndarray:
        return self.embedded.vectors

    @property
    def unit_vectors(self) -> np.ndarray:
        return self.embedded.unit_vectors

    def ready(self) -> Prepared:
        """The Prepared itself: its vectors are in once it exists (run_pipeline waits for them)."""
        return self

    def by_article(self) -> dict[str, list[int]]:
        """Sentence indices of each article, in reading order."""
        return self.parsed.by_article()

    def spacy_span(self, i: int) -> Any:
        """The spaCy span of sentence ``i`` (tokens, entities, dependency parse)."""
        return self.parsed.spacy_span(i)

    def centred(self) -> np.ndarray:
        """Sentence vectors with the story's mean removed and re-normalised (stages.Embedded)."""
        return self.embedded.centred

    def centred_units(self) -> np.ndarray:
        """Unit vectors centred on the story's mean sentence vector."""
        return self.embedded.centred_units

    def unit_articles(self) -> np.ndarray:
        """The article index (position in ``articles``) of each unit."""
        return self.features.articles

    def unit_pairs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Candidate unit pairs (i < j, different articles) and their centred cosine."""
        return self.pairs.i, self.pairs.j, self.pairs.cos

    def lexical(self) -> sparse.csr_matrix:
        """Tf-idf rows of each unit's content lemmas (see units.lexical_vectors)."""
        return self.features.lexical

    def unit_has_fact(self) -> np.ndarray:
        """Per unit: can it state a fact on its own (see units.states_fact)?"""
        return self.features.has_fact

    def unit_similarity(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Blended similarity (units.blend) of every unit in ``a`` with every unit in ``b``.

        Meant for the small sets alignment compares (a claim's members); word overlap is summed
        over per-unit dictionaries, which beats sparse-matrix calls at that size by far.
        """
        cu, rows = self.embedded.centred_units, self.features.rows
        overlap = np.zeros((len(a), len(b)), dtype=np.float32)
        for r, x in enumerate(np.asarray(a).tolist()):
            wx = rows[x]
            for c, y in enumerate(np.asarray(b).tolist()):
                wy = rows[y]
                small, large = (wx, wy) if len(wx) <= len(wy) else (wy, wx)
                overlap[r, c] = sum(v * large[t] for t, v in small.items() if t in large)
        return blend(cu[a] @ cu[b].T, overlap)

    def pair_similarity(self, i: np.ndarray, j: np.ndarray, cos: np.ndarray) -> np.ndarray:
        """Blended similarity of unit pairs (i[k], j[k]) whose centred cosine is ``cos``."""
        lex = self.features.lexical
        overlap = np.asarray(lex[i].multiply(lex[j]).sum(axis=1)).ravel()
        return blend(cos, overlap)

    def similarity(self) -> Similarity:
        """Sentence-by-sentence similarity across articles (see Similarity)."""
        return self.pairs.similarity


def _nothing(parsed: Parsed) -> None:
    return None


def prepare(articles: list[Article], embedder: Embedder) -> Prepared:
    """Split, parse and embed every article of the story and propose its pairs (run_pipeline)."""
    from .pipeline import run_pipeline  # here, not at the top: pipeline imports Prepared

    return run_pipeline(articles, embedder, _nothing)[0]
