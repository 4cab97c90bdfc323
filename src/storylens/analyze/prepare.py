"""Shared preparation for every analysis: sentences, their parses and their embeddings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..embed import Embedder
from ..model import Article, Sentence
from ..nlp import parse_article, sentences_from_docs
from .units import Unit, split_units, unit_similarity


@dataclass
class Prepared:
    """Articles of one story with their sentences (in article order), parses and vectors."""

    articles: list[Article]
    sentences: list[Sentence]
    vectors: np.ndarray
    docs: dict[str, list[tuple[int, Any]]] = field(default_factory=dict)
    units: list[Unit] = field(default_factory=list)
    unit_vectors: np.ndarray | None = None
    _spans: dict[int, Any] = field(default_factory=dict)

    def by_article(self) -> dict[str, list[int]]:
        """Sentence indices of each article, in reading order."""
        out: dict[str, list[int]] = {a.id: [] for a in self.articles}
        for i, s in enumerate(self.sentences):
            out[s.article].append(i)
        return out

    def spacy_span(self, i: int) -> Any:
        """The spaCy span of sentence ``i`` (tokens, entities, dependency parse)."""
        if i not in self._spans:
            s = self.sentences[i]
            for offset, doc in self.docs[s.article]:
                if offset <= s.start < offset + len(doc.text) + 1:
                    span = doc.char_span(s.start - offset, s.end - offset, alignment_mode="expand")
                    self._spans[i] = span if span is not None else doc[:]
                    break
        return self._spans[i]

    def centred(self) -> np.ndarray:
        """Vectors with the story's mean removed and re-normalised.

        Every sentence of a story shares its topic; removing the common direction makes cosine
        measure what two sentences say rather than what the story is about.
        """
        if len(self.vectors) < 3:
            return self.vectors
        v = self.vectors - self.vectors.mean(axis=0, keepdims=True)
        return v / np.clip(np.linalg.norm(v, axis=1, keepdims=True), 1e-12, None)


    def similarity(self) -> np.ndarray:
        """Sentence-by-sentence similarity across articles (-1 within one article).

        The larger of the centred whole-sentence cosine and the best centred clause-unit cosine.
        """
        assert self.unit_vectors is not None
        n = len(self.sentences)
        c = self.centred()
        sim = np.maximum(c @ c.T, unit_similarity(self.units, self.unit_vectors, n, self.vectors.mean(axis=0)))
        arts = np.array([s.article for s in self.sentences])
        sim[arts[:, None] == arts[None, :]] = -1.0
        return sim


def prepare(articles: list[Article], embedder: Embedder) -> Prepared:
    """Split, parse and embed every article of the story (each sentence and clause unit once)."""
    docs: dict[str, list[tuple[int, Any]]] = {}
    sentences: list[Sentence] = []
    for a in articles:
        docs[a.id] = parse_article(a)
        sentences.extend(sentences_from_docs(a.id, docs[a.id]))
    units = split_units(sentences)
    unit_vectors = embedder.embed([u.text for u in units])
    whole = [k for k, u in enumerate(units) if u.start == sentences[u.sentence].start and u.end == sentences[u.sentence].end]
    vectors = unit_vectors[whole] if sentences else np.zeros((0, 384), dtype=np.float32)
    return Prepared(articles, sentences, vectors, docs, units, unit_vectors)
