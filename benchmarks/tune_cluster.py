"""Grids over storylens's clustering constants, one per level (cluster.LEVELS), on the sets of
bench_cluster.py: WikiRef220 (B3-F1), SemEval-2022 en-en (pair accuracy) and the news set (B3-F1),
the news set split in two halves by gold story (bench_cluster.news_halves).

- "topic" is tuned on the mean of WikiRef B3-F1 and SemEval accuracy (the two sets issue 4 names);
- "event" on the mean of WikiRef B3-F1, SemEval accuracy and news-dev B3-F1 (news-test is held out,
  only reported).

Features are computed once (cached under --out) and the clusterer rerun per setting; each grid runs
on its level's tuned sets, then the best TOP settings of each are scored on every set for the table.

usage: python benchmarks/tune_cluster.py [--data DIR] [--out DIR] [--levels event topic]
"""

from __future__ import annotations

import argparse
import itertools
import pickle
import sys
import time
from pathlib import Path

from _util import md_table, progress, repo_path
from bench_cluster import (
    DATA,
    LEVEL_SETS,
    SEMEVAL,
    WIKIREF,
    DataSet,
    headline,
    load_news,
    load_semeval,
    load_wikiref,
    news_halves,
    score,
)

# join x pair x decay x dense_weight, pair >= join (the bar falls from pair towards join with size).
GRIDS = {
    "topic": [(j, p, d, w) for j, p, d, w in itertools.product(
        [0.14, 0.16, 0.18, 0.2], [0.3, 0.35, 0.4], [0.5, 0.75], [0.55, 0.6, 0.65, 0.7]) if p >= j],
    "event": [(j, p, d, w) for j, p, d, w in itertools.product(
        [0.2, 0.22, 0.25, 0.28, 0.3], [0.3, 0.35, 0.4], [0.25, 0.5], [0.45, 0.5, 0.55]) if p >= j],
}
TOP = 10  # settings per level scored on every set for the table


def run(data: DataSet, feats: list, setting: tuple[float, float, float, float]) -> dict[str, float]:
    from storylens.cluster import Clusterer, Level

    join, pair, decay, dense = setting
    c = Clusterer(len(feats[0].dense), level=Level(join=join, pair=pair, decay=decay, dense_weight=dense))
    for a, f in zip(data.articles, feats):
        c.add(a.id, f)
    return score(data, [c.story_of[a.id] for a in data.articles])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=None)
    ap.add_argument("--out", default=None)
    ap.add_argument("--levels", nargs="+", default=list(GRIDS), choices=list(GRIDS))
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
    parts, t0 = [], time.perf_counter()
    for level in args.levels:
        tuned_on = LEVEL_SETS[level]
        ranked = []
        for setting in GRIDS[level]:
            s = {k: run(sets[k], feats[k], setting) for k in tuned_on}
            mean = sum(headline(k, s[k]) for k in tuned_on) / len(tuned_on)
            ranked.append((mean, setting))
            progress(f"{level} {setting}: " + " ".join(f"{k} {headline(k, s[k]):.3f}" for k in tuned_on)
                     + f" mean {mean:.3f}")
        ranked.sort(key=lambda r: -r[0])  # stable: grid order breaks ties
        rows = []
        for mean, setting in ranked[:TOP]:
            s = {k: run(d, feats[k], setting) for k, d in sets.items()}
            rows.append([*map(str, setting), *(f"{headline(k, s[k]):.3f}" for k in sets), f"{mean:.3f}"])
        parts.append(f"## {level}: tuned on the mean of {' and '.join(tuned_on)} "
                     f"({len(GRIDS[level])} settings; the best {TOP})\n\n"
                     + md_table(["join", "pair", "decay", "dense_weight", "WikiRef B3-F1", "SemEval acc",
                                 "news-dev B3-F1", "news-test B3-F1", "mean tuned on"], rows))
    text = "\n\n".join(parts) + f"\n\n{time.perf_counter() - t0:.0f}s. Command: `python benchmarks/tune_cluster.py`\n"
    (out / "tune.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
