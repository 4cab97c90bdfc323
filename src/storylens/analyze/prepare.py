"""Shared preparation for every analysis: sentences, their parses, embeddings and candidate pairs."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse

from ..embed import Embedder, embed_spans
from ..model import Article, Sentence
from ..nlp import complete_docs, iter_parsed, sentences_from_docs
from .anaphora import model_text, needs_antecedent, shift
from .units import Unit, blend, candidate_pairs, lexical_vectors, split_units, states_fact


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
    _cache: dict[str, Any] = field(default_factory=dict)
    _pending: list[Future[tuple[np.ndarray, list[np.ndarray]]]] | None = None

    def ready(self) -> Prepared:
        """Wait for the model pass started by ``prepare(..., wait=False)`` and take its vectors."""
        if self._pending is not None:
            done = [f.result() for f in self._pending]
            self._pending = None
            dim = done[0][0].shape[1] if done and len(done[0][0]) else 384
            parts = [p for _, chunk in done for p in chunk]
            self.vectors = np.concatenate([v for v, _ in done]) if done else np.zeros((0, dim), dtype=np.float32)
            self.unit_vectors = np.concatenate(parts) if parts else np.zeros((0, dim), dtype=np.float32)
        return self

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
            for offset, end, doc in self._doc_bounds(s.article):
                if offset <= s.start < end + 1:
                    span = doc.char_span(s.start - offset, s.end - offset, alignment_mode="expand")
                    self._spans[i] = span if span is not None else doc[:]
                    break
        return self._spans[i]

    def _doc_bounds(self, article: str) -> list[tuple[int, int, Any]]:
        """(start, end, doc) of each paragraph doc of the article; ``doc.text`` rebuilds the string
        from its tokens on every call, so each length is read once."""
        key = f"bounds:{article}"
        if key not in self._cache:
            self._cache[key] = [(off, off + len(doc.text), doc) for off, doc in self.docs[article]]
        return self._cache[key]

    def _centre(self, v: np.ndarray) -> np.ndarray:
        self.ready()
        if len(self.vectors) < 3:
            return v
        c = v - self.vectors.mean(axis=0, keepdims=True)
        return c / np.clip(np.linalg.norm(c, axis=1, keepdims=True), 1e-12, None)

    def centred(self) -> np.ndarray:
        """Sentence vectors with the story's mean removed and re-normalised.

        Every sentence of a story shares its topic; removing the common direction makes cosine
        measure what two sentences say rather than what the story is about.
        """
        return self._centre(self.vectors)

    def centred_units(self) -> np.ndarray:
        """Unit vectors centred on the story's mean sentence vector."""
        if "cu" not in self._cache:
            self.ready()
            assert self.unit_vectors is not None
            self._cache["cu"] = self._centre(self.unit_vectors)
        return self._cache["cu"]

    def unit_articles(self) -> np.ndarray:
        """The article index (position in ``articles``) of each unit."""
        if "ua" not in self._cache:
            pos = {a.id: k for k, a in enumerate(self.articles)}
            self._cache["ua"] = np.array([pos[self.sentences[u.sentence].article] for u in self.units], dtype=np.int64)
        return self._cache["ua"]

    def unit_pairs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Candidate unit pairs (i < j, different articles) and their centred cosine."""
        if "pairs" not in self._cache:
            self._cache["pairs"] = candidate_pairs(self.centred_units(), self.unit_articles())
        return self._cache["pairs"]

    def lexical(self) -> sparse.csr_matrix:
        """Tf-idf rows of each unit's content lemmas (see units.lexical_vectors)."""
        if "lex" not in self._cache:
            self._read_units()
        return self._cache["lex"]

    def unit_has_fact(self) -> np.ndarray:
        """Per unit: can it state a fact on its own (see units.states_fact)?"""
        if "fact" not in self._cache:
            self._read_units()
        return self._cache["fact"]

    def _antecedent_terms(self, u: Unit) -> set[str]:
        """The words of the name a unit's "the latter"/"the former" stands for (anaphora.py)."""
        edit = self._cache.get("edits", {}).get(u.sentence)
        if edit is None or u.start - self.sentences[u.sentence].start > edit[0]:
            return set()
        return {w.lower() for w in edit[3].split() if len(w) > 1}

    def _read_units(self) -> None:
        terms: list[set[str]] = []
        fact = np.zeros(len(self.units), dtype=bool)
        for k, u in enumerate(self.units):
            span = self.spacy_span(u.sentence)
            base = self.sentences[u.sentence].start - span.start_char
            tokens = [t for t in span if u.start <= base + t.idx and base + t.idx + len(t.text) <= u.end]
            terms.append({t.lemma_.lower() for t in tokens
                          if not t.is_stop and (t.is_alpha or t.like_num) and len(t.text) > 1})
            terms[-1] |= self._antecedent_terms(u)
            whole = u.start == self.sentences[u.sentence].start and u.end == self.sentences[u.sentence].end
            fact[k] = whole or states_fact(tokens, terms[-1])
        self._cache["lex"] = lexical_vectors(terms, [u.sentence for u in self.units])
        self._cache["fact"] = fact

    def unit_similarity(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Blended similarity (units.blend) of every unit in ``a`` with every unit in ``b``.

        Meant for the small sets alignment compares (a claim's members); word overlap is summed
        over per-unit dictionaries, which beats sparse-matrix calls at that size by far.
        """
        cu = self.centred_units()
        if "rows" not in self._cache:
            lex = self.lexical()
            self._cache["rows"] = [dict(zip(lex.indices[lex.indptr[k]:lex.indptr[k + 1]].tolist(),
                                            lex.data[lex.indptr[k]:lex.indptr[k + 1]].tolist()))
                                   for k in range(lex.shape[0])]
        rows = self._cache["rows"]
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
        lex = self.lexical()
        overlap = np.asarray(lex[i].multiply(lex[j]).sum(axis=1)).ravel()
        return blend(cos, overlap)

    def similarity(self) -> Similarity:
        """Sentence-by-sentence similarity across articles (see Similarity)."""
        if "sim" not in self._cache:
            i, j, s = self.unit_pairs()
            owner = np.array([u.sentence for u in self.units], dtype=np.int64)
            arts = np.array([s.article for s in self.sentences])
            self._cache["sim"] = Similarity(len(self.sentences), arts, owner[i], owner[j], s)
        return self._cache["sim"]


def _unit_spans(sentences: list[Sentence], units: list[Unit]) -> list[list[tuple[int, int]]]:
    """Each sentence's unit spans, as character offsets into the sentence."""
    spans: list[list[tuple[int, int]]] = [[] for _ in sentences]
    for u in units:
        s = sentences[u.sentence]
        spans[u.sentence].append((u.start - s.start, u.end - s.start))
    return spans


def _tokens(pairs: list[tuple[int, Any]], s: Sentence) -> Any:
    """The spaCy tokens of sentence ``s`` in its article's (offset, doc) pairs (empty if none)."""
    for offset, doc in pairs:
        if offset <= s.start and s.end <= offset + len(doc.text):
            span = doc.char_span(s.start - offset, s.end - offset, alignment_mode="expand")
            return span if span is not None else []
    return []


# Sentences handed to the model at a time while spaCy parses the rest (eight batches of embed.BATCH,
# four per model thread), so the model starts after the first articles instead of after all of them.
CHUNK = 64
# The first chunk is one batch per model thread (2 x embed.BATCH), handed over as soon as the first
# article gives that many, so that the second core works from the start: with it (and the first
# article parsed on its own, nlp.iter_parsed) the model started 0.10-0.13 s into a warm 10-article
# analysis instead of 0.25-0.39 s (three runs each, same load), when the spaCy pass is 0.4-0.5 s.
FIRST_CHUNK = 16


def prepare(articles: list[Article], embedder: Embedder, *, wait: bool = True) -> Prepared:
    """Split, parse and embed every article of the story (one model pass per sentence).

    The model reads sentences on a worker thread, a chunk at a time, while spaCy parses the next
    articles and then runs its second pass (POS, lemmas, entities) and the units' word lists are
    read: onnxruntime releases the GIL, so the two overlap. With ``wait=False`` the vectors may
    still be on their way: the caller can do work that needs only the parses and then call
    ``ready()`` (every method that reads vectors calls it too).
    """
    docs: dict[str, list[tuple[int, Any]]] = {}
    sentences: list[Sentence] = []
    units: list[Unit] = []
    pending: list[Future[tuple[np.ndarray, list[np.ndarray]]]] = []
    worker = ThreadPoolExecutor(1, thread_name_prefix="storylens-prepare")
    sent = 0  # sentences already handed to the model
    texts: list[str] = []  # what the model reads for each sentence (anaphora.model_text)
    edits: list[tuple[int, int, int] | None] = []

    def submit() -> None:
        nonlocal sent
        chunk = sentences[sent:]
        local = split_units(chunk)
        for u in local:
            u.sentence += sent
        units.extend(local)
        spans = [shift(sp, edits[sent + k]) for k, sp in enumerate(_unit_spans(sentences, local)[sent:])]
        pending.append(worker.submit(embed_spans, embedder, texts[sent:], spans))
        sent = len(sentences)

    for article, pairs in iter_parsed(articles):
        docs[article.id] = pairs
        own = sentences_from_docs(article.id, pairs)
        for k, s in enumerate(own):
            # the previous sentence's tokens cost a doc.text rebuild per paragraph: only when read
            text, edit = model_text(s, _tokens(pairs, own[k - 1]) if k and needs_antecedent(s) else None)
            texts.append(text)
            edits.append(edit)
        sentences.extend(own)
        if len(sentences) - sent >= (CHUNK if pending else FIRST_CHUNK):
            submit()
    if len(sentences) > sent or not pending:
        submit()
    worker.shutdown(wait=False)  # the thread ends once the model pass is done
    complete_docs(docs)
    prep = Prepared(articles, sentences, np.zeros((0, 384), dtype=np.float32), docs, units, _pending=pending)
    prep._cache["edits"] = {i: (e[0], e[1], e[2], texts[i][e[0] : e[0] + e[2]]) for i, e in enumerate(edits) if e}
    prep.lexical()  # reads every unit's lemmas while the model runs
    return prep.ready() if wait else prep
