"""Sentence relations on ClaimDiff (Ko et al. 2022): storylens.relate against a plain cosine baseline.

ClaimDiff pairs two claims on one news topic from different outlets. Its two training files hold the
same 1,857 pairs with two labels: relation 1 in the weak file means claim B weakens claim A, in the
strength file that B strengthens A. storylens "weakens" = relate(a, b).kind == "contradict";
"strengthens" = kind == "agree". The baseline is raw MiniLM cosine with a threshold chosen on the
same data (an oracle threshold, which flatters it). The relate bands are also calibrated on this
data, so storylens is reported both as shipped and under grouped k-fold cross-validation (bands
refitted on the other topics, scored on the held-out topics), the honest held-out figure.

usage: python benchmarks/bench_relations.py [--data DIR] [--out DIR] [--folds K]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "claimdiff-train"
OUT = ROOT / "benchmarks" / "out" / "relations"
FILES = {"weakens": "ClaimDiff-weak-train.json", "strengthens": "ClaimDiff-strength-train.json"}
CHECKS = ("negation", "number", "date", "entity", "attribution")


def load(data: Path) -> list[dict[str, Any]]:
    """One row per pair with both labels: weakens and strengthens (the files share their pairs)."""
    rows: dict[str, dict[str, Any]] = {}
    for task, name in FILES.items():
        for item in json.loads((data / name).read_text(encoding="utf-8"))["data"]:
            row = rows.setdefault(item["pair_id"], {"pair_id": item["pair_id"], "topic": item["topic"],
                                                    "a": item["claim_a"], "b": item["claim_b"]})
            row[task] = int(item["relation"]) == 1
    return list(rows.values())


def prf(pred: np.ndarray, gold: np.ndarray) -> tuple[float, float, float, int]:
    """Precision, recall, F1 and the number predicted positive."""
    tp = int((pred & gold).sum())
    n_pred, n_gold = int(pred.sum()), int(gold.sum())
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0), n_pred


def best_threshold(score: np.ndarray, gold: np.ndarray, direction: str) -> tuple[float, tuple[float, float, float, int]]:
    """The threshold with the best F1 for `score >= t` (or `score <= t`), chosen on the data itself."""
    best = (-1.0, (0.0, 0.0, 0.0, 0))
    for t in np.unique(np.round(score, 4)):
        pred = score >= t if direction == ">=" else score <= t
        m = prf(pred, gold)
        if m[2] > best[1][2]:
            best = (float(t), m)
    return best


def run_storylens(rows: list[dict[str, Any]]) -> tuple[list[Any], list[Any]]:
    """relate() on every pair, plus the evidence behind it (for the cross-validated figure)."""
    import storylens
    from storylens.analyze.relate import evidence, warm
    from storylens.config import load_settings
    from storylens.embed import get_embedder

    emb = get_embedder(load_settings().embedder)
    warm([r["a"] for r in rows] + [r["b"] for r in rows], emb)  # batch parse/embed; relate() then hits the cache
    rels = [storylens.relate(r["a"], r["b"]) for r in rows]
    evs = [evidence(r["a"], r["b"], emb) for r in rows]
    return rels, evs


def cross_validate(rows: list[dict[str, Any]], evs: list[Any], folds: int) -> dict[str, tuple[float, float, float, int]]:
    """Refit the relate bands on k-1 groups of topics, predict the held-out topics; pool predictions."""
    from storylens.analyze.relate import decide, fit_bands

    topics = sorted({r["topic"] for r in rows})
    rng = np.random.default_rng(0)
    fold_of = {t: i % folds for i, t in enumerate(rng.permutation(topics))}
    kinds = [""] * len(rows)
    for k in range(folds):
        train = [i for i, r in enumerate(rows) if fold_of[r["topic"]] != k]
        bands = fit_bands([evs[i] for i in train], [rows[i]["weakens"] for i in train],
                          [rows[i]["strengthens"] for i in train])
        for i, r in enumerate(rows):
            if fold_of[r["topic"]] == k:
                kinds[i] = decide(evs[i], bands).kind
    out = {}
    for task, kind in (("weakens", "contradict"), ("strengthens", "agree")):
        out[task] = prf(np.array([k == kind for k in kinds]), np.array([r[task] for r in rows]))
    return out


def write_jsonl(path: Path, rows: list[dict[str, Any]], preds: list[tuple[str, float, str]]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for r, (pred, score, why) in zip(rows, preds):
            f.write(json.dumps({"pair_id": r["pair_id"], "predicted": pred, "score": round(score, 4),
                                "explanation": why}) + "\n")


def fmt(m: tuple[float, float, float, int]) -> str:
    return f"{m[0]:.3f} | {m[1]:.3f} | {m[2]:.3f} | {m[3]}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--folds", type=int, default=5)
    args = ap.parse_args()
    if not all((args.data / f).is_file() for f in FILES.values()):
        print(f"error: {args.data} does not hold {', '.join(FILES.values())}", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    rows = load(args.data)
    gold = {task: np.array([r[task] for r in rows]) for task in FILES}

    from storylens.config import load_settings
    from storylens.embed import get_embedder

    emb = get_embedder(load_settings().embedder)
    va, vb = emb.embed([r["a"] for r in rows]), emb.embed([r["b"] for r in rows])
    cos = (va * vb).sum(axis=1)
    rels, evs = run_storylens(rows)
    kinds = np.array([x.kind for x in rels])

    lines = [(f"# Relations on ClaimDiff train ({len(rows)} pairs; weakens positives {gold['weakens'].sum()}, "
             f"strengthens positives {gold['strengthens'].sum()})"), "",
             "| task | system | P | R | F1 | predicted positive |", "|---|---|---|---|---|---|"]
    base_preds: dict[str, np.ndarray] = {}
    for task, kind in (("weakens", "contradict"), ("strengthens", "agree")):
        lines.append(f"| {task} | storylens relate (kind == {kind}) | {fmt(prf(kinds == kind, gold[task]))} |")
        directions = (">=", "<=") if task == "weakens" else (">=",)
        best = None
        for d in directions:
            t, m = best_threshold(cos, gold[task], d)
            lines.append(f"| {task} | cosine {d} {t:.3f} (oracle threshold, tuned on this data) | {fmt(m)} |")
            if best is None or m[2] > best[2][2]:
                best = (d, t, m)
        assert best is not None
        d, t = best[0], best[1]
        base_preds[task] = cos >= t if d == ">=" else cos <= t
        lines.append(f"| {task} | always positive (floor) | {fmt(prf(np.ones(len(rows), bool), gold[task]))} |")
    from storylens.analyze.relate import BANDS, fit_bands

    fitted = fit_bands(evs, gold["weakens"], gold["strengthens"])
    cv = cross_validate(rows, evs, args.folds)
    for task in FILES:
        lines.append(f"| {task} | storylens, bands refit per fold ({args.folds}-fold by topic, held out) "
                     f"| {fmt(cv[task])} |")

    lines += ["", "## storylens contradictions by check (precision against the weakens label)", "",
              "| check | predicted | weakens | strengthens | neither | precision |", "|---|---|---|---|---|---|"]
    by = Counter()
    for r, x in zip(rows, rels):
        if x.kind == "contradict":
            check = x.explanation.split(":", 1)[0]
            by[check, "n"] += 1
            by[check, "weakens" if r["weakens"] else "strengthens" if r["strengthens"] else "neither"] += 1
    for check in CHECKS:
        n = by[check, "n"]
        lines.append(f"| {check} | {n} | {by[check, 'weakens']} | {by[check, 'strengthens']} | "
                     f"{by[check, 'neither']} | {by[check, 'weakens'] / n if n else 0:.3f} |")
    lines += ["", f"Bands fitted on all {len(rows)} pairs (`fit_bands`): {fitted}", f"Bands shipped: {BANDS}",
              "", f"Run time {time.perf_counter() - t0:.0f} s. Command: `python benchmarks/bench_relations.py`."]

    args.out.mkdir(parents=True, exist_ok=True)
    write_jsonl(args.out / "storylens.jsonl", rows, [(x.kind, x.score, x.explanation) for x in rels])
    for task in FILES:
        write_jsonl(args.out / f"cosine-{task}.jsonl", rows,
                    [(("contradict" if task == "weakens" else "agree") if p else "other", float(c), f"cosine {c:.3f}")
                     for p, c in zip(base_preds[task], cos)])
    text = "\n".join(lines) + "\n"
    (args.out / "results.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
