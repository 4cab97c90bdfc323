"""Story clustering on WikiRef220 and SemEval-2022 Task 8 (en-en): storylens against two baselines.

Two data sets (development splits under --data, default ../shared/data):

- WikiRef220 (``wikiref220/wikiref220.jsonl``, ``{file, label, title, text}``): all 220 documents are
  clustered at once and scored against ``label`` (16 labels; the one-document "noise" labels are
  stories of their own) with B-cubed precision / recall / F1 (per-document precision and recall,
  averaged over documents) and the adjusted Rand index (scikit-learn).
- SemEval-2022 Task 8 (``semeval2022-task8-train/training_set.csv``): only rows with
  lang1 == lang2 == "en"; Overall <= 1.5 is "same story", >= 3.5 "different", the rest is ignored.
  Every distinct text of the kept pairs goes into one pool (identical texts once), the pool is
  clustered once per system, and a pair is predicted "same" when its two texts share a cluster.
  Scored: pairwise accuracy, and precision / recall / F1 of "same". Pairs with an empty text are
  skipped and counted.

- News (``multi-news-val/validation.jsonl`` and ``neus-allsides-val/val.jsonl``, skipped with
  --no-news or when absent): every Multi-News validation document and NeuS/AllSides article, labelled
  by cluster / story, split by gold story into two pools (even / odd story index, ~800 articles and
  ~280 stories each): ``news-dev`` is tuned on, ``news-test`` is held out (no setting of any system
  was chosen on it). Many of these stories share people and topics (US politics above all), which is
  where a loose bar merges different events; WikiRef's 16 far-apart events cannot show that.

Every system gets the same ``Article`` objects. WikiRef documents go through
``storylens.ingest.text.article_from_text`` with their title (the cleaning ``storylens cluster``
applies to plain text; a document it would empty keeps its raw text). SemEval texts are used as
given, with no title: they are already-extracted text, nearly all on one line, and the plain-text
cleaner takes a one-line text for a title and leaves no body. Neither set has usable publication
dates. Systems:

- ``storylens``: ``storylens.cluster.cluster_articles(articles, level=...)`` at the protocol's level
  (``storylens cluster --level``). Skipped with a note while that module does not exist.
- ``tfidf-agglomerative``: TfidfVectorizer(sublinear_tf=True, stop_words="english") fitted per set on
  title + text; AgglomerativeClustering on cosine distance, average linkage, distance_threshold t.
- ``minilm-hdbscan``, the BERTopic recipe: MiniLM (``storylens.embed.get_embedder()``) embeddings of
  the title + the first 200 words of the text (the model cuts at 256 tokens, about 200 words, so
  nothing past that would be read anyway); reduced with UMAP (n_neighbors 15, 5 dims, min_dist 0,
  cosine, BERTopic's defaults; random_state 42) when ``umap-learn`` is importable, else PCA to 10
  dims; then sklearn HDBSCAN (euclidean, eom). Noise points are singleton stories. Embeddings are
  cached under --out (keyed by a hash of the model name and the texts); the time column includes the
  embedding time measured when the cache was filled.
- ``singletons``: every article its own story, the floor (SemEval accuracy = share of "different").

Two protocols, one per granularity of story (LEVEL_SETS): at the "topic" level (issue 4's
protocol) every system's free parameters are set once by a grid search that maximises the mean of
(WikiRef B-cubed F1, SemEval accuracy); at the "event" level, the mean of (WikiRef B-cubed F1,
SemEval accuracy, news-dev B-cubed F1). The baselines are thus tuned on the data they are scored on (optimistic baselines);
storylens's two levels were tuned the same way (benchmarks/tune_cluster.py, cluster.LEVELS). The grids
are TFIDF_GRID and HDBSCAN_GRID below; each baseline's best value per set alone is printed too.
Without the news sets (--no-news) only the topic protocol runs.

Writes to --out (default benchmarks/out/cluster): ``<system>-<level>-<set>.json`` for each set
(wikiref, semeval, news-dev, news-test; schema ``storylens.stories/1`` plus the system's parameters;
SemEval's also lists every scored pair), and ``results.md``; prints the same tables.

usage: python benchmarks/bench_cluster.py [--data DIR] [--systems NAME ...] [--limit N] [--out DIR]
                                          [--reduce auto|umap|pca]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from _util import fail, md_table, progress, repo_path, write_json

DATA = "../shared/data"
OUT = "benchmarks/out/cluster"
WIKIREF = "wikiref220/wikiref220.jsonl"
SEMEVAL = "semeval2022-task8-train/training_set.csv"
MULTINEWS = "multi-news-val/validation.jsonl"
NEUS = "neus-allsides-val/val.jsonl"
# Two protocols, one per granularity of story (storylens.cluster.LEVELS); in each, every system gets
# one setting, the grid value with the best mean headline figure over these sets (news-test is held
# out of both). "topic" is issue 4's protocol: WikiRef's gold stories are Wikipedia subjects (a
# football league, a politician, a product line) followed across many events. "event" adds what a
# brief needs: the news sets' stories are single events, many about the same people (WikiRef stays:
# its big stories include single events covered for days).
LEVEL_SETS = {"topic": ("wikiref", "semeval"), "event": ("wikiref", "semeval", "news-dev")}
SYSTEMS = ("storylens", "tfidf-agglomerative", "minilm-hdbscan", "singletons")
SAME_MAX, DIFFERENT_MIN = 1.5, 3.5  # issue 4: Overall <= 1.5 same story, >= 3.5 different
EMBED_WORDS = 200  # MiniLM truncates at 256 word pieces, roughly 200 English words
# Cosine distance thresholds for average-linkage agglomerative clustering.
TFIDF_GRID = [round(float(t), 3) for t in np.arange(0.30, 0.9751, 0.025)]
# (min_cluster_size, min_samples); None = min_samples equal to min_cluster_size (sklearn's default).
HDBSCAN_GRID = [(m, s) for m in (2, 3, 4, 5, 6, 8, 10) for s in (1, 2, 3, 5, None)
                if s is None or s <= m]


# ---------------------------------------------------------------- scoring


def b_cubed(pred: Sequence[Any], gold: Sequence[Any]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1: per-item precision |C(i) & L(i)| / |C(i)| and recall
    |C(i) & L(i)| / |L(i)| (C = the item's predicted cluster, L = its gold class), each averaged
    over items; F1 is the harmonic mean of the two averages.

    >>> b_cubed([0, 1, 2], ["a", "a", "b"])  # singletons: precise, recall (1/2 + 1/2 + 1) / 3
    (1.0, 0.6666666666666666, 0.8)
    """
    if len(pred) != len(gold):
        raise ValueError("pred and gold differ in length")
    if not pred:
        return 0.0, 0.0, 0.0
    both = Counter(zip(pred, gold))
    size_pred, size_gold = Counter(pred), Counter(gold)
    p = sum(both[c, g] / size_pred[c] for c, g in zip(pred, gold)) / len(pred)
    r = sum(both[c, g] / size_gold[g] for c, g in zip(pred, gold)) / len(pred)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _check_b_cubed() -> None:
    """A hand-worked example, checked at import."""
    # gold {0,1,2} {3,4}; predicted {0,1} {2,3,4}.
    # precision: items 0,1: 2/2; item 2: 1/3; items 3,4: 2/3 -> (1+1+1/3+2/3+2/3)/5 = 11/15
    # recall:    items 0,1: 2/3; item 2: 1/3; items 3,4: 2/2 -> (2/3+2/3+1/3+1+1)/5 = 11/15
    p, r, f = b_cubed([0, 0, 1, 1, 1], ["x", "x", "x", "y", "y"])
    assert abs(p - 11 / 15) < 1e-12 and abs(r - 11 / 15) < 1e-12 and abs(f - 11 / 15) < 1e-12
    # one cluster for all: precision (3/5*3 + 2/5*2)/5 = 13/25, recall 1.
    p, r, _ = b_cubed([7] * 5, ["x", "x", "x", "y", "y"])
    assert abs(p - 13 / 25) < 1e-12 and r == 1.0
    assert b_cubed([0, 1, 2], ["a", "a", "b"]) == (1.0, 2 / 3, 0.8)


_check_b_cubed()


def pair_scores(same_pred: Sequence[bool], same_gold: Sequence[bool]) -> dict[str, float]:
    """Accuracy over pairs, and precision / recall / F1 of the "same story" class."""
    pred, gold = np.asarray(same_pred, bool), np.asarray(same_gold, bool)
    tp, n_pred, n_gold = int((pred & gold).sum()), int(pred.sum()), int(gold.sum())
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"acc": float((pred == gold).mean()) if len(gold) else 0.0, "p": p, "r": r,
            "f1": 2 * p * r / (p + r) if p + r else 0.0, "pred_same": n_pred}


# ---------------------------------------------------------------- data


@dataclass
class DataSet:
    """One set to cluster: the articles, and either gold labels (WikiRef) or gold pairs (SemEval)."""

    name: str
    articles: list[Any]
    labels: list[str] = field(default_factory=list)
    pairs: list[tuple[str, str, str, bool]] = field(default_factory=list)  # pair_id, a, b, same
    notes: list[str] = field(default_factory=list)


def make_article(aid: str, raw: str, title: str | None) -> Any:
    """The cleaned article, or None when nothing is left after cleaning."""
    from storylens.errors import StorylensError
    from storylens.ingest.text import article_from_text

    try:
        return article_from_text(raw, source=aid, article_id=aid, title=title or None)
    except StorylensError:
        return None


def load_wikiref(path: Path, limit: int | None) -> DataSet:
    """Every document, with its label; a document the cleaner empties keeps its raw text."""
    from storylens.model import Article

    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = rows[:limit] if limit else rows
    data, seen, raw_kept = DataSet("wikiref", []), Counter[str](), 0
    for row in rows:
        stem = Path(row["file"]).stem
        seen[stem] += 1
        aid = stem if seen[stem] == 1 else f"{stem}~{seen[stem]}"
        art = make_article(aid, row.get("text") or "", row.get("title"))
        if art is None:
            raw_kept += 1
            art = Article(id=aid, text=(row.get("text") or "").strip(), title=row.get("title") or "")
        data.articles.append(art)
        data.labels.append(row["label"])
    data.notes.append(f"WikiRef220: {len(data.articles)} documents, {len(set(data.labels))} gold stories"
                      + (f", {raw_kept} left uncleaned (cleaning emptied them)" if raw_kept else ""))
    return data


def load_news(data: Path, limit: int | None) -> DataSet:
    """Held-out set: every Multi-News validation document and NeuS/AllSides article pooled, labelled
    by its cluster (Multi-News) or story (NeuS). Many stories share people and topics (US politics
    above all), so it tests that different events about the same people stay apart, at 1.6k articles."""
    from storylens.model import Article

    rows: list[tuple[str, str, str]] = []  # label, title, text
    for r in (json.loads(x) for x in (data / MULTINEWS).read_text(encoding="utf-8").splitlines() if x.strip()):
        rows += [(f"mn-{r['id']}", "", d) for d in r.get("documents", []) if isinstance(d, str) and d.strip()]
    for i, r in enumerate(json.loads(x) for x in (data / NEUS).read_text(encoding="utf-8").splitlines() if x.strip()):
        rows += [(f"neus-{r.get('id', i)}", a.get("title") or "", a.get("text") or "")
                 for a in r.get("articles", []) if isinstance(a, dict) and (a.get("text") or "").strip()]
    rows = rows[:limit] if limit else rows
    data_set = DataSet("news", [])
    for k, (label, title, text) in enumerate(rows):
        aid = f"n{k:04d}"
        art = make_article(aid, text, title) or Article(id=aid, text=text.strip(), title=title)
        data_set.articles.append(art)
        data_set.labels.append(label)
    data_set.notes.append(f"News: {len(data_set.articles)} Multi-News validation documents "
                          f"and NeuS/AllSides articles, {len(set(data_set.labels))} gold stories")
    return data_set


def news_halves(news: DataSet) -> tuple[DataSet, DataSet]:
    """The news set split by gold story: even story index (in file order) to dev, odd to test."""
    order = {lab: k for k, lab in enumerate(dict.fromkeys(news.labels))}
    dev, test = DataSet("news-dev", []), DataSet("news-test", [])
    for art, lab in zip(news.articles, news.labels):
        part = dev if order[lab] % 2 == 0 else test
        part.articles.append(art)
        part.labels.append(lab)
    dev.notes += news.notes
    for part in (dev, test):
        part.notes.append(f"{part.name}: {len(part.articles)} articles, {len(set(part.labels))} gold stories")
    return dev, test


def _semeval_rows(path: Path) -> list[dict[str, str]]:
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8", newline="") as f:
        return [r for r in csv.DictReader(f) if r["lang1"] == "en" and r["lang2"] == "en"]


def load_semeval(path: Path, limit: int | None) -> DataSet:
    """The pool of distinct texts of the kept en-en pairs, and the pairs over article ids."""
    from storylens.model import Article

    rows = _semeval_rows(path)
    kept, middle, empty = [], 0, 0
    for r in rows:
        score = float(r["Overall"])
        if SAME_MAX < score < DIFFERENT_MIN:
            middle += 1
        elif not (r["text1"] or "").strip() or not (r["text2"] or "").strip():
            empty += 1
        else:
            kept.append((r["pair_id"], r["text1"].strip(), r["text2"].strip(), score <= SAME_MAX))
    kept = kept[:limit] if limit else kept
    ids: dict[str, str] = {}
    for _, a, b, _ in kept:
        for text in (a, b):
            ids.setdefault(text, f"t{len(ids):04d}")
    data = DataSet("semeval", [Article(id=aid, text=text) for text, aid in ids.items()])
    data.pairs = [(pid, ids[a], ids[b], same) for pid, a, b, same in kept]
    identical = sum(a == b for _, a, b, _ in kept)
    n_same = sum(p[3] for p in data.pairs)
    data.notes.append(
        f"SemEval-2022 Task 8 en-en: {len(rows)} rows; {middle} with 1.5 < Overall < 3.5 ignored; "
        f"{empty} skipped for an empty text; "
        f"{len(data.pairs)} pairs scored ({n_same} same, {len(data.pairs) - n_same} different; "
        f"{identical} with two identical texts) over a pool of {len(data.articles)} distinct texts")
    return data


# ---------------------------------------------------------------- systems


def labels_from_stories(stories: Sequence[Any], articles: Sequence[Any], notes: list[str], where_from: str
                        ) -> list[int]:
    """One cluster number per article from a system's stories; checks they partition the input."""
    where: dict[str, int] = {}
    repeated = 0
    for k, story in enumerate(stories):
        for aid in story.articles:
            repeated += aid in where
            where.setdefault(aid, k)
    missing = [a.id for a in articles if a.id not in where]
    for j, aid in enumerate(missing):
        where[aid] = len(stories) + j
    if repeated or missing:
        notes.append(f"{where_from}: not a partition: {repeated} article(s) in more than one story (first kept), "
                     f"{len(missing)} in none (scored as singletons)")
    return [where[a.id] for a in articles]


def stories_from_labels(labels: Sequence[int], articles: Sequence[Any]) -> list[dict[str, Any]]:
    """Stories in ``storylens.stories/1`` form, biggest first; titled by their first article."""
    groups: dict[int, list[Any]] = {}
    for lab, art in zip(labels, articles):
        groups.setdefault(lab, []).append(art)
    ordered = sorted(groups.values(), key=lambda g: (-len(g), g[0].id))
    return [{"id": f"s{k:04d}", "title": g[0].title or g[0].text[:80],
             "articles": [a.id for a in g]} for k, g in enumerate(ordered)]


def tfidf_distances(articles: Sequence[Any]) -> np.ndarray:
    """Cosine distances between TF-IDF vectors of title + text (rows are L2-normalised)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(sublinear_tf=True, stop_words="english")
    x = vec.fit_transform([f"{a.title}\n{a.text}" for a in articles])
    return np.clip(1.0 - (x @ x.T).toarray(), 0.0, 2.0)


def agglomerative(dist: np.ndarray, threshold: float) -> list[int]:
    from sklearn.cluster import AgglomerativeClustering

    if len(dist) < 2:
        return list(range(len(dist)))
    model = AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average",
                                    distance_threshold=threshold)
    return [int(x) for x in model.fit_predict(dist)]


def embed_text(article: Any) -> str:
    words = article.text.split()[:EMBED_WORDS]
    return f"{article.title}\n{' '.join(words)}" if article.title else " ".join(words)


def cached_embeddings(articles: Sequence[Any], cache: Path) -> tuple[np.ndarray, float, bool]:
    """MiniLM vectors of the articles' embed texts, the seconds embedding took, and whether cached."""
    from storylens.embed import get_embedder

    emb = get_embedder()
    texts = [embed_text(a) for a in articles]
    key = hashlib.sha256("\x00".join([emb.name, *texts]).encode("utf-8")).hexdigest()[:20]
    vec_path, meta_path = cache / f"emb-{key}.npy", cache / f"emb-{key}.json"
    if vec_path.is_file() and meta_path.is_file():
        return np.load(vec_path), float(json.loads(meta_path.read_text())["seconds"]), True
    t0 = time.perf_counter()
    vecs = emb.embed(texts)
    seconds = time.perf_counter() - t0
    cache.mkdir(parents=True, exist_ok=True)
    np.save(vec_path, vecs)
    meta_path.write_text(json.dumps({"model": emb.name, "n": len(texts), "seconds": seconds}))
    return vecs, seconds, False


def reducer_name(choice: str) -> str:
    if choice != "auto":
        return choice
    try:
        import umap  # noqa: F401
    except ImportError:
        return "pca"
    return "umap"


def reduce(vecs: np.ndarray, method: str) -> np.ndarray:
    """UMAP to 5 dims with BERTopic's settings, or PCA to 10 dims."""
    n = len(vecs)
    if n <= 3:
        return vecs
    if method == "umap":
        import umap

        model = umap.UMAP(n_neighbors=min(15, n - 1), n_components=5, min_dist=0.0, metric="cosine",
                          random_state=42)
        return np.asarray(model.fit_transform(vecs))
    from sklearn.decomposition import PCA

    return PCA(n_components=min(10, n - 1), random_state=0).fit_transform(vecs)


def hdbscan(points: np.ndarray, param: tuple[int, int | None]) -> list[int]:
    """HDBSCAN cluster numbers; each noise point becomes a cluster of its own."""
    from sklearn.cluster import HDBSCAN

    size, samples = param
    if len(points) < max(2, size):
        return list(range(len(points)))
    raw = HDBSCAN(min_cluster_size=size, min_samples=samples, copy=True).fit_predict(points)
    top = int(raw.max()) + 1
    out = []
    for lab in raw:
        if lab < 0:
            lab, top = top, top + 1
        out.append(int(lab))
    return out


# ---------------------------------------------------------------- running and scoring


def score(data: DataSet, labels: Sequence[int]) -> dict[str, float]:
    """WikiRef: B-cubed and ARI; SemEval: pair accuracy and "same" P/R/F1."""
    if data.labels:
        from sklearn.metrics import adjusted_rand_score

        p, r, f = b_cubed(list(labels), data.labels)
        return {"p": p, "r": r, "f1": f, "ari": float(adjusted_rand_score(data.labels, labels)),
                "clusters": len(set(labels))}
    where = {a.id: lab for a, lab in zip(data.articles, labels)}
    return pair_scores([where[a] == where[b] for _, a, b, _ in data.pairs], [p[3] for p in data.pairs])


def headline(key: str, scores: dict[str, float]) -> float:
    """The figure a set is judged by: SemEval pair accuracy, else B-cubed F1."""
    return scores["acc"] if key == "semeval" else scores["f1"]


def objective(scores: dict[str, dict[str, float]], keys: Sequence[str]) -> float:
    """What every system is tuned on at a level: the mean headline figure over its sets."""
    return sum(headline(k, scores[k]) for k in keys) / len(keys)


@dataclass
class Result:
    system: str
    level: str
    labels: dict[str, list[int]] = field(default_factory=dict)
    scores: dict[str, dict[str, float]] = field(default_factory=dict)
    seconds: float = 0.0
    params: dict[str, Any] = field(default_factory=dict)
    stories: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    failed: bool = False


def tune(name: str, level: str, sets: dict[str, DataSet], grid: Sequence[Any],
         cluster: Callable[[str, Any], list[int]]) -> tuple[Any, list[str]]:
    """The grid value with the best objective over the level's sets, and notes on the per-set bests."""
    keys = LEVEL_SETS[level]
    table = []
    for value in grid:
        s = {k: score(sets[k], cluster(k, value)) for k in keys}
        table.append((value, {k: headline(k, s[k]) for k in keys}, objective(s, keys)))
    best = max(table, key=lambda row: row[2])  # max keeps the first of equals: grid order breaks ties
    alone = "; ".join(f"best for {k} alone {top[0]} ({top[1][k]:.3f})"
                      for k in keys for top in [max(table, key=lambda row, k=k: row[1][k])])
    return best[0], [f"{name} ({level}): chosen {best[0]} (objective {best[2]:.3f}); {alone}"]


_FEATURES: dict[str, tuple[Any, float]] = {}  # system -> (its features of every set, seconds): both levels share them


def run_tfidf(sets: dict[str, DataSet], res: Result) -> None:
    if res.system not in _FEATURES:
        t0 = time.perf_counter()
        _FEATURES[res.system] = ({k: tfidf_distances(d.articles) for k, d in sets.items()}, time.perf_counter() - t0)
    dist, featurise = _FEATURES[res.system]
    chosen, notes = tune(res.system, res.level, sets, TFIDF_GRID, lambda k, t: agglomerative(dist[k], t))
    t1 = time.perf_counter()
    res.labels = {k: agglomerative(dist[k], chosen) for k in sets}
    res.seconds = featurise + time.perf_counter() - t1
    res.params = {"distance_threshold": chosen, "linkage": "average", "metric": "cosine",
                  "tfidf": {"sublinear_tf": True, "stop_words": "english"}}
    res.notes += notes


def run_hdbscan(sets: dict[str, DataSet], res: Result, out: Path, method: str) -> None:
    if res.system not in _FEATURES:
        embed_seconds, cached = 0.0, []
        vecs = {}
        for k, d in sets.items():
            progress(f"embedding {len(d.articles)} {k} texts")
            vecs[k], secs, hit = cached_embeddings(d.articles, out)
            embed_seconds += secs
            cached.append(hit)
        t0 = time.perf_counter()
        points = {k: reduce(v, method) for k, v in vecs.items()}
        _FEATURES[res.system] = ((points, embed_seconds, all(cached)), time.perf_counter() - t0)
    (points, embed_seconds, all_cached), reduce_seconds = _FEATURES[res.system]
    chosen, notes = tune(res.system, res.level, sets, HDBSCAN_GRID, lambda k, p: hdbscan(points[k], p))
    t1 = time.perf_counter()
    res.labels = {k: hdbscan(points[k], chosen) for k in sets}
    res.seconds = embed_seconds + reduce_seconds + time.perf_counter() - t1
    res.params = {"min_cluster_size": chosen[0], "min_samples": chosen[1],
                  "reduction": "UMAP(n_neighbors=15, n_components=5, min_dist=0, cosine)" if method == "umap"
                  else "PCA(n_components=10)", "embedding": f"MiniLM on title + first {EMBED_WORDS} words"}
    res.notes += notes
    res.notes.append(f"{res.system}: reduction {res.params['reduction']}; embeddings "
                     + ("from the cache" if all_cached else "computed") + f" ({embed_seconds:.1f}s "
                     "embedding time, counted in the time column)")


def run_storylens(sets: dict[str, DataSet], res: Result) -> bool:
    """False when storylens.cluster cannot be imported (the row is skipped)."""
    try:
        from storylens.cluster import cluster_articles
    except ImportError as exc:
        res.notes.append(f"storylens skipped: storylens.cluster.cluster_articles not importable ({exc})")
        return False
    for k, d in sets.items():
        t0 = time.perf_counter()
        stories = cluster_articles(d.articles, level=res.level)
        res.seconds += time.perf_counter() - t0
        res.labels[k] = labels_from_stories(stories, d.articles, res.notes, f"storylens on {k}")
        res.stories[k] = [{"id": s.id, "title": s.title, "articles": list(s.articles)} for s in stories]
    return True


def run_system(name: str, level: str, sets: dict[str, DataSet], out: Path, method: str) -> Result | None:
    res = Result(name, level)
    progress(f"running {name} ({level} level)")
    if name == "storylens":
        try:
            ok = run_storylens(sets, res)
        except Exception as exc:  # noqa: BLE001 - a module under construction must not sink the baselines
            res.failed = True
            ok = False
            res.notes.append(f"storylens failed: {type(exc).__name__}: {exc}")
        if not ok:
            print(res.notes[-1], flush=True)
            res.labels = {}
            return res
    elif name == "tfidf-agglomerative":
        run_tfidf(sets, res)
    elif name == "minilm-hdbscan":
        run_hdbscan(sets, res, out, method)
    else:
        t0 = time.perf_counter()
        res.labels = {k: list(range(len(d.articles))) for k, d in sets.items()}
        res.seconds = time.perf_counter() - t0
    res.scores = {k: score(d, res.labels[k]) for k, d in sets.items()}
    return res


def write_outputs(res: Result, sets: dict[str, DataSet], out: Path) -> None:
    for k, d in sets.items():
        stories = res.stories.get(k) or stories_from_labels(res.labels[k], d.articles)
        doc: dict[str, Any] = {"schema": "storylens.stories/1", "system": res.system, "level": res.level, "data": k,
                               "params": res.params, "scores": res.scores[k], "stories": stories}
        if d.pairs:
            where = {a.id: lab for a, lab in zip(d.articles, res.labels[k])}
            doc["pairs"] = [{"pair_id": pid, "a": a, "b": b, "same": same, "predicted_same": where[a] == where[b]}
                            for pid, a, b, same in d.pairs]
        write_json(out / f"{res.system}-{res.level}-{k}.json", doc)


def _cells(res: Result, key: str, fields: Sequence[str]) -> list[str]:
    sc = res.scores.get(key)
    if sc is None:
        return [""] * len(fields)
    return [str(int(sc[f])) if f == "clusters" else f"{sc[f]:.3f}" for f in fields]


# Columns of each level's table: (set, score fields, headers); the first sets are the tuned-on ones.
COLUMNS = {
    "topic": [("wikiref", ("p", "r", "f1", "ari", "clusters"),
               ("WikiRef B3-P", "B3-R", "B3-F1", "ARI", "#clusters (gold {gold})")),
              ("semeval", ("acc", "p", "r", "f1"), ("SemEval acc", "P (same)", "R (same)", "F1 (same)")),
              ("news-test", ("p", "f1"), ("news-test B3-P", "B3-F1"))],
    "event": [("wikiref", ("p", "r", "f1"), ("WikiRef B3-P", "B3-R", "B3-F1")),
              ("semeval", ("acc", "f1"), ("SemEval acc", "F1 (same)")),
              ("news-dev", ("f1",), ("news-dev B3-F1",)),
              ("news-test", ("p", "r", "f1", "ari", "clusters"),
               ("news-test B3-P", "B3-R", "B3-F1", "ARI", "#clusters (gold {gold})"))],
}


def level_table(level: str, results: list[Result], sets: dict[str, DataSet]) -> str:
    cols = [c for c in COLUMNS[level] if c[0] in sets]
    headers = ["system"]
    for key, _, heads in cols:
        gold = len(set(sets[key].labels)) if sets[key].labels else 0
        headers += [h.format(gold=gold) for h in heads]
    headers.append("time (s)")
    rows = []
    for r in results:
        if r.level != level:
            continue
        if not r.scores:
            rows.append([r.system, "failed" if r.failed else "skipped"] + [""] * (len(headers) - 2))
            continue
        rows.append([r.system] + [c for key, fields, _ in cols for c in _cells(r, key, fields)] + [f"{r.seconds:.1f}"])
    return md_table(headers, rows)


def report(results: list[Result], sets: dict[str, DataSet], elapsed: float, command: str) -> str:
    lines = ["# Story clustering: WikiRef220, SemEval-2022 Task 8 (en-en), news stories (tuned half, held-out half)", ""]
    for level in dict.fromkeys(r.level for r in results):
        tuned = " and ".join(LEVEL_SETS[level])
        title = {"topic": "Topic level: issue 4's protocol (storylens `--level topic`)",
                 "event": "Event level (storylens's default)"}[level]
        lines += [f"## {title}", "",
                  f"Every system tuned once on the mean of {tuned}; news-test is held out.", "",
                  level_table(level, results, sets), ""]
    lines += [f"- {n}" for d in sets.values() for n in d.notes]
    lines += [
        ("- Every system tuned the same way at each level: one setting per system and level, the grid value "
         "maximising the mean headline figure (WikiRef and news B3-F1, SemEval accuracy) of that level's sets; "
         "storylens's constants (cluster.LEVELS) were chosen so by benchmarks/tune_cluster.py (not re-tuned by "
         "this run). news-test is held out from all of them."),
        (f"- Grids: tfidf-agglomerative distance_threshold in {TFIDF_GRID[0]}..{TFIDF_GRID[-1]} step 0.025; "
         "minilm-hdbscan (min_cluster_size, min_samples) in min_cluster_size {2,3,4,5,6,8,10} x "
         "min_samples {1,2,3,5,= min_cluster_size} (min_samples <= min_cluster_size)."),
        (f"- MiniLM embeds title + the first {EMBED_WORDS} words of the text: the model truncates at 256 "
         "tokens anyway. HDBSCAN noise points are singleton stories."),
        ("- Time: all sets; for baselines, features (TF-IDF / embedding + reduction) plus clustering at "
         "the chosen setting, without the grid search."),
    ]
    lines += [f"- {n}" for r in results for n in r.notes]
    lines += ["", f"Run time {elapsed:.0f}s. Command: `{command}`."]
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=None, help=f"folder holding {WIKIREF} and {SEMEVAL} (default {DATA})")
    ap.add_argument("--systems", nargs="+", default=list(SYSTEMS), choices=SYSTEMS, metavar="NAME",
                    help=f"systems to run (default all: {' '.join(SYSTEMS)})")
    ap.add_argument("--limit", type=int, default=None,
                    help="only the first N WikiRef documents and the first N kept SemEval pairs")
    ap.add_argument("--out", default=None, help=f"output folder (default {OUT})")
    ap.add_argument("--reduce", choices=("auto", "umap", "pca"), default="auto",
                    help="dimension reduction before HDBSCAN (auto: UMAP when umap-learn is installed)")
    ap.add_argument("--no-news", action="store_true", help="skip the Multi-News + NeuS news sets")
    args = ap.parse_args()
    data = Path(args.data).resolve() if args.data else repo_path(DATA)
    out = Path(args.out).resolve() if args.out else repo_path(OUT)
    for rel in (WIKIREF, SEMEVAL):
        if not (data / rel).is_file():
            fail(f"{data / rel}: no such file (give --data, the folder holding {WIKIREF} and {SEMEVAL})")
    start = time.perf_counter()
    progress("loading and cleaning the data")
    sets = {"wikiref": load_wikiref(data / WIKIREF, args.limit), "semeval": load_semeval(data / SEMEVAL, args.limit)}
    if (data / MULTINEWS).is_file() and (data / NEUS).is_file() and not args.no_news:
        sets["news-dev"], sets["news-test"] = news_halves(load_news(data, args.limit))
    method = reducer_name(args.reduce)
    levels = [lv for lv, keys in LEVEL_SETS.items() if all(k in sets for k in keys)]
    results = [r for level in levels for name in dict.fromkeys(args.systems)
               if (r := run_system(name, level, sets, out, method))]
    out.mkdir(parents=True, exist_ok=True)
    for r in results:
        if r.scores:
            write_outputs(r, sets, out)
    command = "python benchmarks/bench_cluster.py" + (" " + " ".join(sys.argv[1:]) if sys.argv[1:] else "")
    text = report(results, sets, time.perf_counter() - start, command)
    (out / "results.md").write_text(text, encoding="utf-8")
    print(text)
    return 1 if any(r.failed for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
