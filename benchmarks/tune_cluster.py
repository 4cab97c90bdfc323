"""Grid over storylens's two clustering constants (JOIN = MERGE, DENSE_WEIGHT) on the three sets of
bench_cluster.py: WikiRef220 (B3-F1), SemEval-2022 en-en (pair accuracy) and the news set (B3-F1),
the news set split in two halves by gold story (bench_cluster.news_halves): "dev" is tuned on,
"test" is only reported. Features are computed once (cached under --out) and the clusterer rerun per setting.

usage: python benchmarks/tune_cluster.py [--data DIR] [--out DIR]
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from pathlib import Path

from _util import md_table, progress, repo_path
from bench_cluster import (
    DATA,
    SEMEVAL,
    WIKIREF,
    DataSet,
    load_news,
    load_semeval,
    load_wikiref,
    news_halves,
    score,
)

JOINS = [0.15, 0.2]
DENSE = [0.5, 0.6]
PAIRS = [0.5, 0.55, 0.6, 0.7]  # the bar between two single articles (decaying to JOIN with size)
DECAYS = [0.25, 0.5, 1.0]


def run(data: DataSet, feats: list, join: float, dense: float, pair: float | None, decay: float
        ) -> dict[str, float]:
    from storylens.cluster import Clusterer

    c = Clusterer(len(feats[0].dense), join=join, merge=join, dense_weight=dense, pair=pair, decay=decay)
    for a, f in zip(data.articles, feats):
        c.add(a.id, f)
    return score(data, [c.story_of[a.id] for a in data.articles])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=None)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    data = Path(args.data).resolve() if args.data else repo_path(DATA)
    out = Path(args.out).resolve() if args.out else repo_path("benchmarks/out/cluster")
    out.mkdir(parents=True, exist_ok=True)
    wiki, sem = load_wikiref(data / WIKIREF, None), load_semeval(data / SEMEVAL, None)
    dev, test = news_halves(load_news(data, None))
    sets = {"wikiref": wiki, "semeval": sem, "news-dev": dev, "news-test": test}
    cache = out / "tune-features.pkl"
    if cache.is_file():
        feats = pickle.loads(cache.read_bytes())
    else:
        from storylens.cluster import featurize
        from storylens.embed import get_embedder

        emb = get_embedder()
        feats = {}
        for k, d in sets.items():
            progress(f"features of {len(d.articles)} {k} articles")
            feats[k] = featurize(d.articles, emb)
        cache.write_bytes(pickle.dumps(feats))
    rows, t0 = [], time.perf_counter()
    for join, dense, pair, decay in [(j, d, p, e) for j in JOINS for d in DENSE for p in PAIRS for e in DECAYS]:
            s = {k: run(d, feats[k], join, dense, pair, decay) for k, d in sets.items()}
            tuned = (s["wikiref"]["f1"] + s["semeval"]["acc"] + s["news-dev"]["f1"]) / 3
            rows.append([join, dense, pair, decay, f"{s['wikiref']['f1']:.3f}", f"{s['semeval']['acc']:.3f}",
                         f"{s['news-dev']['f1']:.3f}", f"{s['news-test']['f1']:.3f}", f"{tuned:.3f}"])
            progress(f"join {join} dense {dense} pair {pair} decay {decay}: " + " ".join(rows[-1][4:]))
    rows.sort(key=lambda r: -float(r[-1]))
    text = md_table(["JOIN", "DENSE_WEIGHT", "PAIR", "DECAY", "WikiRef B3-F1", "SemEval acc", "news-dev B3-F1", "news-test B3-F1",
                     "mean of the three tuned on"], rows)
    (out / "tune.md").write_text(text + f"\n\n{time.perf_counter() - t0:.0f}s\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
