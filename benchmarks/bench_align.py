"""Alignment thresholds on the development data: do consensus claims carry what the story is about?

No development set labels which clauses of a story state one fact, so this is a proxy, read side by
side for several (link, cohere) settings of ``storylens.analyze.params.AlignParams`` and weightings of the
content-word overlap (``units.IDF_POWER``): the share of a claim's
content words that the story's reference summary uses (Multi-News editors' summaries, NeuS/AllSides
neutral roundups). Facts several outlets carry are what a summary keeps, so consensus claims score
well above single-source claims; consensus claims that a looser setting adds and the shipped one
does not ("added") show whether the loosening finds shared facts (near the consensus figure) or
pairs unrelated clauses (near the single-source figure). "Facts only here" are the consensus claims
none of whose spans touches a consensus span of the shipped setting (a fact it does not report at
all, not the same fact with other members); "facts lost" are the reverse. The seed story's gold figures for the same
settings come from ``bench_seed.py`` (benchmarks/RESULTS.md section 3).

usage: python benchmarks/bench_align.py [--limit N] [--out DIR]   (the last N clusters of each set)
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from _util import fail, md_table, progress, repo_path, write_results
from bench_summary import MULTI_NEWS, NEUS, load_multi_news, load_neus, read_articles

OUT = "benchmarks/out/align"
# (link, cohere, IDF_POWER); the shipped setting is read from the modules and must be among them
SETTINGS = ((0.3, 0.3, 0.4), (0.3, 0.3, 1.0), (0.28, 0.28, 1.0), (0.3, 0.3, 0.5), (0.3, 0.3, 0.3),
            (0.28, 0.28, 0.4), (0.3, 0.25, 0.4), (0.25, 0.3, 0.4))
Setting = tuple[float, float, float]
Spans = list[tuple[str, int, int]]
_WORD = re.compile(r"[a-z0-9]+")


def content(text: str) -> set[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return {w for w in _WORD.findall(text.lower()) if w not in STOP_WORDS and len(w) > 2}


def overlap(text: str, reference: set[str]) -> float:
    words = content(text)
    return len(words & reference) / max(1, len(words))


def _touches(claim: Any, spans: Spans) -> bool:
    """Does any support span of the claim overlap one of ``spans`` (same article)?"""
    return any(a == s.article and min(z, s.end) > max(b, s.start) for s in claim.support for a, b, z in spans)


def _consensus_spans(claims: list[Any]) -> Spans:
    return [(s.article, s.start, s.end) for c in claims if c.kind == "consensus" for s in c.support]


def _weigh(prep: Any, power: float) -> Any:
    """Use ``power`` as units.IDF_POWER: the story's word rows (its UnitFeatures stage) are read
    again when it changes; returns the Prepared to use."""
    from dataclasses import replace

    from storylens.analyze import units
    from storylens.analyze.stages import read_units

    if units.IDF_POWER == power:
        return prep
    units.IDF_POWER = power
    return replace(prep, features=read_units(prep.parsed))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=60, help="the last N clusters of each data set")
    ap.add_argument("--out", default=None, help=f"output folder (default {OUT})")
    args = ap.parse_args()
    from dataclasses import replace

    from storylens.analyze import align, units
    from storylens.analyze.params import ALIGN
    from storylens.analyze.prepare import prepare
    from storylens.embed import get_embedder

    clusters = (load_multi_news(repo_path(MULTI_NEWS), None)[-args.limit :]
                + load_neus(repo_path(NEUS), None)[-args.limit :])
    shipped: Setting = (ALIGN.link, ALIGN.cohere, units.IDF_POWER)
    if shipped not in SETTINGS:
        fail(f"the shipped setting {shipped} is not among SETTINGS")
    order = sorted(SETTINGS, key=lambda s: s != shipped)  # the shipped claims first: the others compare to them
    scores: dict[Setting, list[float]] = {s: [] for s in SETTINGS}
    added: dict[Setting, list[float]] = {s: [] for s in SETTINGS}
    only: dict[Setting, list[float]] = {s: [] for s in SETTINGS}
    lost: dict[Setting, list[float]] = {s: [] for s in SETTINGS}
    single: list[float] = []
    start = time.perf_counter()
    for k, cluster in enumerate(clusters, 1):
        articles = read_articles(cluster)
        if len(articles) >= 2:
            prep = prepare(articles, get_embedder())
            reference = content(cluster.reference)
            base: list[Any] = []
            for setting in order:
                prep = _weigh(prep, setting[2])
                claims = align.build_claims(prep, params=replace(ALIGN, link=setting[0], cohere=setting[1]))
                cons = [c for c in claims if c.kind == "consensus"]
                scores[setting].extend(overlap(c.text, reference) for c in cons)
                if setting == shipped:
                    base = cons
                    single.extend(overlap(c.text, reference) for c in claims if c.kind == "single")
                    continue
                first = {(c.support[0].article, c.support[0].start) for c in base}
                added[setting].extend(overlap(c.text, reference) for c in cons
                                      if (c.support[0].article, c.support[0].start) not in first)
                mine, theirs = _consensus_spans(cons), _consensus_spans(base)
                only[setting].extend(overlap(c.text, reference) for c in cons if not _touches(c, theirs))
                lost[setting].extend(overlap(c.text, reference) for c in base if not _touches(c, mine))
            units.IDF_POWER = shipped[2]  # the next story is prepared with the shipped weights
        if k % 20 == 0:
            progress(f"{k}/{len(clusters)} clusters, {time.perf_counter() - start:.0f}s")

    def mean(x: list[float]) -> str:
        return f"{np.mean(x):.3f}" if x else "-"

    def versus(s: Setting, x: dict[Setting, list[float]]) -> list[Any]:
        return ["-", "-"] if s == shipped else [len(x[s]), mean(x[s])]

    rows = [[f"{s[0]:.2f}", f"{s[1]:.2f}", f"{s[2]:.2f}", len(scores[s]), mean(scores[s]),
             *versus(s, added), *versus(s, only), *versus(s, lost)] for s in SETTINGS]
    table = md_table(["LINK", "COHERE", "IDF power", "consensus claims", "reference overlap", "added",
                      "added overlap", "facts only here", "their overlap", "facts lost", "their overlap"], rows)
    text = (f"# Alignment thresholds against reference summaries\n\n{table}\n\nSingle-source claims at the "
            f"shipped setting {shipped}: {len(single)}, reference overlap {mean(single)}. "
            f"{len(clusters)} clusters (last {args.limit} of Multi-News validation and of NeuS). "
            f"Command: `python benchmarks/bench_align.py --limit {args.limit}`.\n")
    out = Path(args.out).resolve() if args.out else repo_path(OUT)
    write_results(out, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
