"""The one function that runs a story's analysis stages (stages.py) and owns their concurrency.

    parse_story -> (model chunks on the worker) -> complete_parse -> read_units -> meanwhile(parsed)
    -> gather_vectors -> propose_pairs  => Prepared

The embedding model reads sentences on one worker thread, a chunk at a time, while spaCy parses the
next articles, then runs its second pass and the units' word lists are read: onnxruntime releases
the GIL, so the two overlap. ``meanwhile`` is the caller's work that needs only the completed parses
(entities, quotes, verbatim copies in analyze_articles); it runs while the model may still be
reading. The worker is shut down before ``run_pipeline`` returns or raises: no thread outlives it,
and a Prepared never has vectors on their way.

It is a module of its own so that this is the only place in the analysis core that starts a thread;
prepare.Prepared only reads the stages it is given.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from ..embed import Embedder, embed_spans
from ..model import Article
from .prepare import Prepared
from .stages import (
    Chunk,
    Parsed,
    complete_parse,
    gather_vectors,
    model_inputs,
    parse_story,
    propose_pairs,
    read_units,
)

T = TypeVar("T")

# Sentences handed to the model at a time while spaCy parses the rest (eight batches of embed.BATCH,
# four per model thread), so the model starts after the first articles instead of after all of them.
CHUNK = 64
# The first chunk is one batch per model thread (2 x embed.BATCH), handed over as soon as the first
# article gives that many, so that the second core works from the start: with it (and the first
# article parsed on its own, nlp.iter_parsed) the model started 0.10-0.13 s into a warm 10-article
# analysis instead of 0.25-0.39 s (three runs each, same load), when the spaCy pass is 0.4-0.5 s.
FIRST_CHUNK = 16


class _Chunks:
    """Hands the parsed sentences to the model on ``worker``, a chunk at a time, and collects them."""

    def __init__(self, worker: ThreadPoolExecutor, embedder: Embedder) -> None:
        self.worker, self.embedder = worker, embedder
        self.sent = 0  # sentences already handed over
        self.pending: list[Future[Chunk]] = []

    def offer(self, parsed: Parsed) -> None:
        """After an article: hand over what is new once it fills a chunk."""
        if len(parsed.sentences) - self.sent >= (CHUNK if self.pending else FIRST_CHUNK):
            self._submit(parsed)

    def rest(self, parsed: Parsed) -> None:
        """After the last article: hand over what is left (one empty call for an empty story)."""
        if len(parsed.sentences) > self.sent or not self.pending:
            self._submit(parsed)

    def _submit(self, parsed: Parsed) -> None:
        # the inputs are sliced here, on the calling thread: the worker never reads a growing list
        texts, spans = model_inputs(parsed, self.sent, len(parsed.sentences))
        self.pending.append(self.worker.submit(embed_spans, self.embedder, texts, spans))
        self.sent = len(parsed.sentences)

    def results(self) -> list[Chunk]:
        return [f.result() for f in self.pending]


def run_pipeline(articles: list[Article], embedder: Embedder, meanwhile: Callable[[Parsed], T]
                 ) -> tuple[Prepared, T]:
    """Every stage of the story, and what ``meanwhile`` made of its parses while the model ran."""
    worker = ThreadPoolExecutor(1, thread_name_prefix="storylens-pipeline")
    try:
        chunks = _Chunks(worker, embedder)
        parsed = parse_story(articles, on_article=chunks.offer)
        chunks.rest(parsed)
        features = read_units(complete_parse(parsed))
        early = meanwhile(parsed)
        embedded = gather_vectors(chunks.results())
    finally:  # on success every chunk is done; on an error the chunks not yet started are dropped
        worker.shutdown(wait=True, cancel_futures=True)
    return Prepared(parsed, embedded, features, propose_pairs(parsed, embedded, features)), early
