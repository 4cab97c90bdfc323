"""The sentence-pair model: for two sentences, how far they state one fact, entail, or contradict.

``PairScorer.score(pairs)`` gives one ``PairScores`` row per (a, b) pair, each head in 0..1:

  same_fact      a and b state the same fact
  entails_ab     a entails b;  entails_ba: b entails a
  contradiction  same event, an incompatible detail

The shipped back end is storylens's own cross-encoder (all-MiniLM-L6-v2 fine-tuned on MRPC, STS-B,
RTE, ClaimDiff and silver pairs by ``training/train_pairs.py``), int8 ONNX in ``storylens/data``,
read with onnxruntime and the MiniLM tokenizer; its digest is checked on load (``data/pairs.json``)
and its model card is ``data/pairs-model-card.md``. The setting ``pair_model`` (``STORYLENS_PAIR_MODEL``)
points at another model instead: an ONNX file with the same four outputs, or a folder holding
``tokenizer.json``, ``model.onnx`` (or ``onnx/model.onnx``) and a ``config.json`` whose ``id2label``
names entailment / contradiction / neutral classes (an NLI cross-encoder; see ``NliLabels``).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .embed import WORKERS, _chunks, one_thread_session  # batches side by side on one-thread sessions
from .errors import ConfigError, NotInstalled

HEADS = ("same_fact", "entails_ab", "entails_ba", "contradiction")
# Pair tokens: the training length (training/train_pairs.py MAX_LEN); news sentence pairs run 50-80.
MAX_TOKENS = 128
# Pairs per model call: one. The int8 model quantizes its activations per call, over the whole
# batch, so in a batch a pair's scores depend on the pairs beside it: on the seed story's 47
# verification pairs, batches of 16 moved same_fact by up to 0.14 (mean 0.02) from the pair scored
# alone, enough to flip a verdict at the bar. Alone, a pair always gets the same scores, in a story
# and in ``relate``; it costs 17% of the speed (232 against 279 pairs/s on 2 threads, same run).
BATCH = 1


@dataclass(frozen=True)
class PairScores:
    """The four heads of one pair."""

    same_fact: float
    entails_ab: float
    entails_ba: float
    contradiction: float

    def to_dict(self) -> dict[str, Any]:
        return {"same_fact": round(self.same_fact, 4),
                "entails": {"a_b": round(self.entails_ab, 4), "b_a": round(self.entails_ba, 4)},
                "contradiction": round(self.contradiction, 4)}


class PairScorer(Protocol):
    """Anything that scores sentence pairs on the four heads: an (n, 4) array in HEADS order."""

    name: str

    def score(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray: ...


def rows(scores: np.ndarray) -> list[PairScores]:
    """PairScores of each row of a score array."""
    return [PairScores(*map(float, r)) for r in scores]


def _session(path: Path) -> Any:
    try:
        return one_thread_session(path)
    except NotInstalled:
        raise
    except Exception as exc:  # noqa: BLE001 - onnxruntime raises its own untyped errors on a bad file
        raise ConfigError(f"not a loadable ONNX model ({exc.__class__.__name__})", source=str(path)) from None


class OnnxPairScorer:
    """A cross-encoder in ONNX: reads "[CLS] a [SEP] b [SEP]" and outputs logits.

    ``head`` turns a batch of logits into the four heads; the default reads four sigmoid logits
    in HEADS order (storylens's own model).
    """

    def __init__(self, model_path: Path, tokenizer_path: Path, name: str, head: Any = None) -> None:
        from tokenizers import Tokenizer

        self.session = _session(model_path)
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(MAX_TOKENS, strategy="longest_first")
        self.name = name
        self.head = head or _sigmoid_heads
        self.workers = max(1, min(WORKERS, os.cpu_count() or 1))
        self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="storylens-pairs") if self.workers > 1 else None
        self.scored = 0  # pairs scored since load (the speed benchmark reports it)

    def _logits(self, enc: list[Any]) -> np.ndarray:
        width = max(len(e.ids) for e in enc)
        ids = np.zeros((len(enc), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        types = np.zeros_like(ids)
        for r, e in enumerate(enc):
            n = len(e.ids)
            ids[r, :n], mask[r, :n], types[r, :n] = e.ids, 1, e.type_ids
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        return self.session.run(None, {k: v for k, v in feed.items() if k in self.inputs})[0]

    def score(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """Scores (n, 4) in input order; batches are length-sorted and run on the worker threads."""
        out = np.zeros((len(pairs), len(HEADS)), dtype=np.float32)
        if not pairs:
            return out
        enc = self.tokenizer.encode_batch([(a or " ", b or " ") for a, b in pairs])
        order = sorted(range(len(pairs)), key=lambda i: len(enc[i].ids))
        chunks = _chunks(order, self.workers, BATCH)

        def run(idx: list[int]) -> None:
            out[idx] = self.head(self._logits([enc[i] for i in idx]))

        if self._pool is None or len(chunks) < 2:
            for c in chunks:
                run(c)
        else:
            list(self._pool.map(run, chunks))
        self.scored += len(pairs)
        return out


def _sigmoid_heads(logits: np.ndarray) -> np.ndarray:
    return (1.0 / (1.0 + np.exp(-logits[:, : len(HEADS)].astype(np.float64)))).astype(np.float32)


@dataclass(frozen=True)
class NliLabels:
    """Column positions of an NLI cross-encoder's three classes (from its config's id2label)."""

    entailment: int
    contradiction: int
    neutral: int

    def heads(self, fwd: np.ndarray, back: np.ndarray) -> np.ndarray:
        """Four heads from softmax probabilities of both orders: same fact = entailment both ways."""
        e_ab, e_ba = fwd[:, self.entailment], back[:, self.entailment]
        contra = np.maximum(fwd[:, self.contradiction], back[:, self.contradiction])
        return np.stack([np.minimum(e_ab, e_ba), e_ab, e_ba, contra], axis=1).astype(np.float32)


class NliPairScorer:
    """An NLI cross-encoder (three classes) adapted to the four heads by reading both orders."""

    def __init__(self, inner: OnnxPairScorer, labels: NliLabels) -> None:
        self.inner, self.labels, self.name = inner, labels, inner.name
        inner.head = _softmax

    def score(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        both = self.inner.score(list(pairs) + [(b, a) for a, b in pairs])
        return self.labels.heads(both[: len(pairs)], both[len(pairs):])


def _softmax(logits: np.ndarray) -> np.ndarray:
    z = np.exp(logits - logits.max(axis=1, keepdims=True))
    return (z / z.sum(axis=1, keepdims=True)).astype(np.float32)


def _data(name: str) -> Path:
    return Path(str(resources.files("storylens") / "data" / name))


def digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def shipped() -> OnnxPairScorer:
    """storylens's own pair model, after checking its file against the digest it shipped with."""
    meta = json.loads(_data("pairs.json").read_text(encoding="utf-8"))
    path = verified(_data(meta["file"]), meta["sha256"])
    return OnnxPairScorer(path, _data("minilm-tokenizer.json"), f"storylens-pairs-{meta['sha256'][:8]}")


def verified(path: Path, sha256: str) -> Path:
    """``path`` when the file is there and its SHA-256 is ``sha256``; else a ConfigError saying which."""
    if not path.is_file():
        raise ConfigError("the shipped pair model is missing; reinstall storylens", source=str(path))
    if digest(path) != sha256:
        raise ConfigError("the pair model's digest does not match pairs.json (a damaged or replaced file)",
                          source=str(path))
    return path


def _nli_labels(config: Path) -> NliLabels:
    try:
        labels = {str(v).lower(): int(k) for k, v in json.loads(config.read_text(encoding="utf-8"))["id2label"].items()}
        return NliLabels(labels["entailment"], labels["contradiction"], labels["neutral"])
    except (OSError, ValueError, KeyError, TypeError):
        raise ConfigError("config.json needs id2label with entailment, contradiction and neutral",
                          source=str(config)) from None


def local(path: str | Path) -> PairScorer:
    """A user's model: an ONNX file with the four heads (tokenised like MiniLM) or an NLI folder."""
    p = Path(path)
    if p.is_file():
        return OnnxPairScorer(p, _data("minilm-tokenizer.json"), p.name)
    model = next((c for c in (p / "model.onnx", p / "onnx" / "model.onnx") if c.is_file()), None)
    if model is None or not (p / "tokenizer.json").is_file():
        raise ConfigError("a pair model is an ONNX file, or a folder with tokenizer.json and model.onnx",
                          source=str(p))
    return NliPairScorer(OnnxPairScorer(model, p / "tokenizer.json", p.name), _nli_labels(p / "config.json"))


def get_pair_scorer(spec: str = "") -> PairScorer:
    """The pair model named by ``spec`` ("" or "storylens": the shipped one; else a path). Cached:
    every spelling of one model gives the one loaded copy."""
    return _loaded("" if spec in ("", "storylens", "default") else str(Path(spec).resolve()))


@functools.lru_cache(maxsize=4)
def _loaded(spec: str) -> PairScorer:
    return shipped() if spec == "" else local(spec)
