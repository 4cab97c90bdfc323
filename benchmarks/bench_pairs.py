"""The sentence-pair model and the analysis built on it, on the held-out parts of the pair sets.

Every figure is on pairs training never saw: the test part of training/pairdata.py's grouped split
(buckets 0-1 of MRPC components, RTE premises and ClaimDiff topics) and STS-B's own dev file.

  STS-B news dev  Spearman of same_fact against raw MiniLM cosine (the baseline), same run.
  RTE test        accuracy of entails_ab >= 0.5 (majority class beside it).
  ClaimDiff test  "weakens" F1 of contradiction >= 0.5, of relate(a, b).kind == "contradict", and
                  the all-positive floor.
  MRPC test       precision / recall / F1 of same_fact >= 0.5 and of relate(a, b).kind == "agree".
  MRPC stories    the analysis itself: each story is two articles built from K consecutive test
                  pairs, article A holding the first sentences and B the second ones (B shuffled by a
                  seeded generator), one sentence a paragraph. A sentence pair counts as linked when
                  one consensus claim (or one claim of word-for-word copies, which the brief counts as one
                  source) has a support span in both sentences. Over every cross pair of
                  every story: precision = linked true pairs / linked pairs, recall = linked true
                  pairs / true pairs (MRPC label 1).

  --bars        choosing the consensus members' bars (analyze/verify.VerifyParams): for each
                SAME_FACT/ENTAILS given, the MRPC stories of --part (use valid) and the seed story's
                gold facts found and consensus claims outside the gold, in one process.

usage: python benchmarks/bench_pairs.py [--data ../shared/data] [--k 10] [--out benchmarks/out/pairs]
                                        [--part valid --bars 0.5/0.5,0.3/0.4]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "training"), str(ROOT / "benchmarks")]
import pairdata
from _util import md_table, progress, write_json, write_results


def prf(pred: np.ndarray, gold: np.ndarray) -> tuple[float, float, float]:
    tp = float((pred & gold).sum())
    p = tp / pred.sum() if pred.sum() else 0.0
    r = tp / gold.sum() if gold.sum() else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def pair_sets(data: Path, out: dict) -> list[list]:
    from scipy.stats import spearmanr

    import storylens
    from storylens.config import load_settings
    from storylens.embed import get_embedder
    from storylens.pairs import get_pair_scorer

    # the model the pair_model setting names (STORYLENS_PAIR_MODEL: a candidate before it is installed),
    # as storylens.analyze and storylens.relate below read it
    scorer, emb = get_pair_scorer(load_settings().pair_model), get_embedder()
    rows = []
    dev = [p for p in pairdata.stsb(data, "dev") if p.meta["genre"] == "main-news"]
    gold = [p.targets["same_fact"] for p in dev]
    same = scorer.score([(p.a, p.b) for p in dev])[:, 0]
    cos = (emb.embed([p.a for p in dev]) * emb.embed([p.b for p in dev])).sum(axis=1)
    rho, rho_cos = spearmanr(same, gold)[0], spearmanr(cos, gold)[0]
    out["stsb"] = {"pairs": len(dev), "spearman_same_fact": rho, "spearman_cosine": rho_cos}
    rows.append(["STS-B news dev: Spearman", f"{rho:.3f}", f"cosine {rho_cos:.3f}", len(dev)])

    rte = pairdata.split(pairdata.rte(data), "test")
    y = np.array([p.targets["entails_ab"] > 0.5 for p in rte])
    acc = float(((scorer.score([(p.a, p.b) for p in rte])[:, 1] >= 0.5) == y).mean())
    majority = max(y.mean(), 1 - y.mean())
    out["rte"] = {"pairs": len(rte), "accuracy": acc, "majority": majority}
    rows.append(["RTE test: accuracy of entails_ab >= 0.5", f"{acc:.3f}", f"majority {majority:.3f}", len(rte)])

    def versus(pairs: list, target: str, column: int, kind: str) -> tuple:
        """P/R/F1 of one head at 0.5, of relate saying ``kind``, and of calling every pair positive."""
        y = np.array([p.targets[target] > 0.5 for p in pairs])
        head = prf(scorer.score([(p.a, p.b) for p in pairs])[:, column] >= 0.5, y)
        rel = prf(np.array([storylens.relate(p.a, p.b).kind == kind for p in pairs]), y)
        return head, rel, prf(np.ones(len(pairs), bool), y)

    cd = pairdata.split(pairdata.claimdiff(data), "test")
    model, rel, floor = versus(cd, "contradiction", 3, "contradict")
    out["claimdiff"] = {"pairs": len(cd), "contradiction_head": model, "relate": rel, "all_positive": floor}
    rows.append(["ClaimDiff test: weakens F1 (contradiction >= 0.5)", f"{model[2]:.3f}", f"all-positive {floor[2]:.3f}", len(cd)])
    rows.append(["ClaimDiff test: weakens F1 (relate says contradict)", f"{rel[2]:.3f}", f"all-positive {floor[2]:.3f}", len(cd)])

    mr = pairdata.split(pairdata.mrpc(data), "test")
    model, rel, floor = versus(mr, "same_fact", 0, "agree")
    out["mrpc"] = {"pairs": len(mr), "same_fact": model, "relate_agree": rel, "all_positive": floor}
    for name, v in (("same_fact >= 0.5", model), ('relate says "agree"', rel)):
        rows.append([f"MRPC test: P / R / F1 of {name}", f"{v[0]:.3f} / {v[1]:.3f} / {v[2]:.3f}",
                     f"all-positive {floor[0]:.3f} / 1 / {floor[2]:.3f}", len(mr)])
    return rows


def _sentence_of(starts: list[int], pos: int) -> int:
    import bisect

    return bisect.bisect_right(starts, pos) - 1


def mrpc_stories(data: Path, k: int, seed: int, out: dict, part: str = "test", params: object = None) -> list[list]:
    """Link precision / recall / F1 of the analysis on MRPC stories; ``params`` (an
    analyze.params.AnalysisParams) replaces the shipped thresholds when given."""
    import storylens
    from storylens.analyze import analyze_articles
    from storylens.config import load_settings
    from storylens.model import Article
    from storylens.pairs import get_pair_scorer

    def analyze(arts: list) -> object:
        if params is None:
            return storylens.analyze(articles=arts)
        return analyze_articles(arts, params=params, pair_scorer=get_pair_scorer(load_settings().pair_model))

    mr = pairdata.split(pairdata.mrpc(data), part)
    rng = random.Random(seed)
    linked = true = hit = 0
    per_story = []
    t0 = time.perf_counter()
    for s in range(0, len(mr) - k + 1, k):
        chunk = mr[s : s + k]
        order = list(range(k))
        rng.shuffle(order)  # order[j] = the pair whose second sentence is B's j-th sentence
        texts = {"A": [p.a for p in chunk], "B": [chunk[i].b for i in order]}
        starts = {}
        arts = []
        for name, sents in texts.items():
            pos, st = 0, []
            for x in sents:
                st.append(pos)
                pos += len(x) + 2
            starts[name] = st
            arts.append(Article(f"m{s}-{name}", "\n\n".join(sents), title=""))
        brief = analyze(arts)
        links = set()
        for c in brief.claims:
            # a consensus claim links its members; so does a claim of copies (align.count_copies: a
            # passage copied word for word, one source but still one fact in both articles)
            if c.kind != "consensus" and len({sp.article for sp in c.support}) < 2:
                continue
            a = {_sentence_of(starts["A"], sp.start) for sp in c.support if sp.article.endswith("-A")}
            b = {order[_sentence_of(starts["B"], sp.start)] for sp in c.support if sp.article.endswith("-B")}
            links |= {(x, y) for x in a for y in b}
        gold = {(i, i) for i, p in enumerate(chunk) if p.targets["same_fact"] > 0.5}
        linked += len(links)
        true += len(gold)
        hit += len(links & gold)
        per_story.append({"story": s // k, "links": sorted(links), "gold": sorted(gold)})
        if len(per_story) % 10 == 0:
            progress(f"  {len(per_story)} stories, {time.perf_counter() - t0:.0f} s")
    p = hit / linked if linked else 0.0
    r = hit / true if true else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    out["mrpc_stories"] = {"stories": len(per_story), "k": k, "linked": linked, "true": true, "hit": hit,
                           "precision": p, "recall": r, "f1": f, "per_story": per_story}
    return [[f"MRPC {part} stories (k={k}): link P / R / F1", f"{p:.3f} / {r:.3f} / {f:.3f}",
             f"link every pair: P {true / (len(per_story) * k):.3f}, F1 {2 * true / (len(per_story) * k + true):.3f}", len(per_story)]]


def seed_figures(params: object) -> tuple[str, str, int]:
    """The seed story under ``params``: gold consensus facts found, contradictions found, and
    consensus claims that carry no gold fact (bench_seed's reading of the reference scorer)."""
    import json
    import tempfile

    import bench_seed

    from storylens.analyze import analyze_articles
    from storylens.config import load_settings
    from storylens.ingest import read_inputs
    from storylens.pairs import get_pair_scorer
    from storylens.render.json import render_json

    seeds = ROOT.parent / "shared" / "seeds"
    articles, _ = read_inputs(sorted(str(p) for p in seeds.glob("*.txt")))
    brief = render_json(analyze_articles(articles, params=params, pair_scorer=get_pair_scorer(load_settings().pair_model)))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "brief.json"
        path.write_text(brief, encoding="utf-8")
        lines = bench_seed._score(seeds, path)
    extra = bench_seed._extra_consensus(bench_seed._load_scorer(seeds), json.loads(brief),
                                        json.loads((seeds / "gold.json").read_text(encoding="utf-8")))
    return lines.get("consensus found", "?").split()[0], lines.get("contradictions found", "?").split()[0], len(extra)


def bars(data: Path, k: int, seed: int, part: str, specs: str, out: dict) -> list[list]:
    """One row per SAME_FACT/ENTAILS setting of the consensus members' bars."""
    from dataclasses import replace

    from storylens.analyze.params import DEFAULT
    from storylens.analyze.verify import VerifyParams

    rows = []
    for spec in filter(None, specs.split(",")):
        same, entails = (float(x) for x in spec.split("/"))
        params = replace(DEFAULT, verify=VerifyParams(same_fact=same, entails=entails))
        found, contra, extra = seed_figures(params)
        story = mrpc_stories(data, k, seed, out, part, params)[0]
        out.setdefault("bars", {})[spec] = {"seed_found": found, "seed_contradictions": contra, "seed_outside_gold": extra,
                                            "mrpc_stories": {x: out["mrpc_stories"][x] for x in ("precision", "recall", "f1")}}
        progress(f"  bars {spec}: seed {found}, {contra}, {extra} outside; {story[1]}")
        rows.append([f"bars {spec}: seed found, contradictions, outside the gold; {story[0]}",
                     f"{found}, {contra}, {extra}; {story[1]}", "", story[3]])
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "pairs")
    ap.add_argument("--skip-stories", action="store_true")
    ap.add_argument("--part", default="test", help="MRPC part for the stories: test, or valid when choosing settings")
    ap.add_argument("--only-stories", action="store_true", help="the analysis only (e.g. on older code)")
    ap.add_argument("--bars", default="", metavar="SF/EN,...",
                    help="consensus member bars to compare (same_fact/entails), on the --part stories and the seed")
    args = ap.parse_args()
    out: dict = {}
    t0 = time.perf_counter()
    rows = []
    if args.bars:
        rows = bars(args.data, args.k, args.seed, args.part, args.bars, out)
        args.only_stories = args.skip_stories = True
    if not args.only_stories:
        progress("pair sets ...")
        rows = pair_sets(args.data, out)
    if not args.skip_stories:
        progress("MRPC stories ...")
        rows += mrpc_stories(args.data, args.k, args.seed, out, args.part)
    write_json(args.out / "pairs.json", out)
    write_results(args.out, "# Pair model, held-out parts\n\n" + md_table(["measure", "storylens", "baseline", "items"], rows)
                  + f"\n\n{time.perf_counter() - t0:.0f} s\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
