"""Alignment thresholds on the development data: do consensus claims carry what the story is about?

No development set labels which clauses of a story state one fact, so this is a proxy, read side by
side for several (LINK, COHERE) settings of ``storylens.analyze.align``: the share of a claim's
content words that the story's reference summary uses (Multi-News editors' summaries, NeuS/AllSides
neutral roundups). Facts several outlets carry are what a summary keeps, so consensus claims score
well above single-source claims; consensus claims that a looser setting adds and the shipped one
does not ("added") show whether the loosening finds shared facts (near the consensus figure) or
pairs unrelated clauses (near the single-source figure). The seed story's gold figures for the same
settings come from ``bench_seed.py`` (benchmarks/RESULTS.md section 3).

usage: python benchmarks/bench_align.py [--limit N] [--out DIR]   (the last N clusters of each set)
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import numpy as np
from _util import md_table, progress, repo_path
from bench_summary import MULTI_NEWS, NEUS, load_multi_news, load_neus, read_articles

OUT = "benchmarks/out/align"
SETTINGS = ((0.3, 0.3), (0.28, 0.28), (0.3, 0.25), (0.25, 0.3), (0.25, 0.25))
_WORD = re.compile(r"[a-z0-9]+")


def content(text: str) -> set[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return {w for w in _WORD.findall(text.lower()) if w not in STOP_WORDS and len(w) > 2}


def overlap(text: str, reference: set[str]) -> float:
    words = content(text)
    return len(words & reference) / max(1, len(words))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=60, help="the last N clusters of each data set")
    ap.add_argument("--out", default=None, help=f"output folder (default {OUT})")
    args = ap.parse_args()
    from storylens.analyze import align
    from storylens.analyze.prepare import prepare
    from storylens.embed import get_embedder

    clusters = (load_multi_news(repo_path(MULTI_NEWS), None)[-args.limit :]
                + load_neus(repo_path(NEUS), None)[-args.limit :])
    shipped = (align.LINK, align.COHERE)
    scores: dict[tuple[float, float], list[float]] = {s: [] for s in SETTINGS}
    added: dict[tuple[float, float], list[float]] = {s: [] for s in SETTINGS}
    single: list[float] = []
    start = time.perf_counter()
    for k, cluster in enumerate(clusters, 1):
        articles = read_articles(cluster)
        if len(articles) >= 2:
            prep = prepare(articles, get_embedder())
            reference = content(cluster.reference)
            base: set[tuple[str, int]] = set()
            for setting in SETTINGS:
                align.LINK, align.COHERE = setting
                claims = align.build_claims(prep)
                for c in claims:
                    if c.kind == "consensus":
                        scores[setting].append(overlap(c.text, reference))
                        if setting != shipped and (c.support[0].article, c.support[0].start) not in base:
                            added[setting].append(scores[setting][-1])
                    elif setting == shipped:
                        single.append(overlap(c.text, reference))
                if setting == shipped:
                    base = {(c.support[0].article, c.support[0].start) for c in claims if c.kind == "consensus"}
        if k % 20 == 0:
            progress(f"{k}/{len(clusters)} clusters, {time.perf_counter() - start:.0f}s")
    align.LINK, align.COHERE = shipped

    def mean(x: list[float]) -> str:
        return f"{np.mean(x):.3f}" if x else "-"

    rows = [[f"{s[0]:.2f}", f"{s[1]:.2f}", len(scores[s]), mean(scores[s]),
             "-" if s == shipped else len(added[s]), "-" if s == shipped else mean(added[s])] for s in SETTINGS]
    table = md_table(["LINK", "COHERE", "consensus claims", "reference overlap", "added", "added overlap"], rows)
    text = (f"# Alignment thresholds against reference summaries\n\n{table}\n\nSingle-source claims at the "
            f"shipped setting {shipped}: {len(single)}, reference overlap {mean(single)}. "
            f"{len(clusters)} clusters (last {args.limit} of Multi-News validation and of NeuS). "
            f"Command: `python benchmarks/bench_align.py --limit {args.limit}`.\n")
    out = Path(args.out).resolve() if args.out else repo_path(OUT)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
