"""The per-article batch stages as engine-neutral functions over pandas batches.

Each takes a DataFrame of articles (``COLUMNS``, one row an article, in arrival order) and returns it
with the stage's columns added, calling the functions the local pipeline calls (ingest readers,
clean.py, nlp.py, dedup.py, cluster.py); so an engine that runs them on partitions (Spark through
``mapInPandas``, or Dask, Ray) computes what ``corpus.ingest`` computes, value for value:

- ``read``: sources -> batches of articles and the inputs that failed; extraction, line cleaning and
  language id happen in the readers, as in ``ingest`` (text and HTML are detected with
  ``nlp.detect_language``; a JSONL record keeps the language it carries, none when it has none);
- ``clean``: lines that unrelated articles of one batch share (``clean.drop_repeated``);
- ``keys``: the normalised-text key and the place (same key + place = the same article);
- ``signatures`` and ``shingles``: the MinHash signature and the shingle hashes near copies are
  verified on (``dedup``);
- ``features``: the embedding vector, the rare terms and the day (``cluster.featurize``).

The order-dependent stages (duplicates, story clustering) are the engines' own. pandas is imported
here only (``pip install 'storylens[batch]'``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from typing import Any

from ..errors import NotInstalled
from ..model import Article, Problem

# The article columns of a batch (model.Article's fields that the store keeps; ``removed`` as JSON).
COLUMNS = ("id", "text", "title", "outlet", "author", "url", "published", "language", "source", "removed",
           "description")


def _pandas() -> Any:
    try:
        import pandas as pd
    except ImportError as e:
        raise NotInstalled("the batch stages (pandas batches)", "storylens[batch]") from e
    return pd


def frame(articles: Iterable[Article]) -> Any:
    """A batch of articles as a DataFrame of ``COLUMNS``."""
    rows = [{c: json.dumps(a.removed) if c == "removed" else getattr(a, c) for c in COLUMNS} for a in articles]
    return _pandas().DataFrame(rows, columns=list(COLUMNS))


def articles(batch: Any) -> list[Article]:
    """The batch's rows as Articles (the inverse of ``frame``)."""
    out = []
    for row in batch[list(COLUMNS)].itertuples(index=False):
        d = {c: (None if _missing(v) else v) for c, v in zip(COLUMNS, row)}
        d["removed"] = json.loads(d["removed"] or "[]")
        d["text"], d["title"] = d["text"] or "", d["title"] or ""
        out.append(Article(**d))
    return out


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def read(sources: Iterable[str], *, size: int, timeout: float = 20.0,
         strict: bool = False) -> Iterator[tuple[Any, list[Problem]]]:
    """Batches of at most ``size`` articles read from ``sources``, each with the problems met since the
    batch before (an input that failed, an article cut at a limit)."""
    from ..ingest import iter_records

    pending: list[Article] = []
    problems: list[Problem] = []
    for item in iter_records(list(sources), timeout=timeout, strict=strict):
        if isinstance(item, Problem):
            problems.append(item)
            continue
        pending.append(item[0])
        if len(pending) >= size:
            yield frame(pending), problems
            pending, problems = [], []
    if pending or problems:
        yield frame(pending), problems


def clean(batch: Any) -> tuple[Any, list[Problem]]:
    """The batch without lines unrelated articles of it share; articles left with no text are problems."""
    from ..clean import REPEATED_ONLY, drop_repeated

    kept, emptied = drop_repeated(articles(batch))
    return frame(kept), [Problem(a.source or a.id, REPEATED_ONLY) for a in emptied]


def keys(batch: Any) -> Any:
    """The batch with ``key`` (normalised text hash: exact copies share it) and ``place``."""
    from ..corpus import body_of
    from ..dedup import text_key

    out = batch.copy()
    arts = articles(batch)
    out["key"] = [text_key(body_of(a)) for a in arts]
    out["place"] = [a.url or a.source or a.id for a in arts]
    return out


def signatures(batch: Any) -> Any:
    """The batch with ``signature``: the stored MinHash signature (None for a headline-only article,
    which is matched as an exact copy only)."""
    from ..dedup import NearDuplicates

    out = batch.copy()
    arts = articles(batch)
    sigs = NearDuplicates().signatures([a.text for a in arts])
    out["signature"] = [None if a.headline_only else s for a, s in zip(arts, sigs)]
    return out


def shingles(batch: Any) -> Any:
    """The batch with ``shingles``: the sorted distinct shingle hashes (uint64 bytes) near copies are
    verified on by their true Jaccard (``dedup.jaccard``)."""
    import numpy as np

    from ..dedup import normalize, shingle_hashes

    out = batch.copy()
    out["shingles"] = [np.unique(shingle_hashes(normalize(t or ""))).astype(np.uint64).tobytes()
                       for t in batch["text"]]
    return out


def features(batch: Any, embedder: Any) -> Any:
    """The batch with ``vector`` (float32 bytes), ``terms`` (JSON, as the store keeps them) and ``day``."""
    from ..cluster import featurize

    out = batch.copy()
    feats = featurize(articles(batch), embedder) if len(batch) else []
    out["vector"] = [f.dense.astype("float32").tobytes() for f in feats]
    out["terms"] = [json.dumps(f.terms, separators=(",", ":")) for f in feats]
    out["day"] = [f.day for f in feats]
    return out
