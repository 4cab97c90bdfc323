"""Seed story benchmark: the brief of the five-outlet seed story against the analyst's gold reading.

    python benchmarks/bench_seed.py [--seeds ../shared/seeds] [--out benchmarks/out/seed]

Runs ``storylens analyze`` on the seed articles, scores the brief with the reference scorer that
sits beside gold.json (score_brief.py, loaded from there by path), and adds what a human needs to
read: which gold facts and unique details were missed (and where the details went), and every
claim the brief reports as consensus that matches no gold consensus fact, printed in full. Writes storylens.json (the brief) and results.md to --out.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _load_scorer(seeds: Path):
    spec = importlib.util.spec_from_file_location("score_brief", seeds / "score_brief.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _score(seeds: Path, brief_path: Path) -> dict[str, str]:
    """The reference scorer's own figures, line by line ("consensus found" -> "10/15 [...]")."""
    run = subprocess.run([sys.executable, str(seeds / "score_brief.py"), str(brief_path), str(seeds / "gold.json")],
                         capture_output=True, text=True, check=False)
    lines = {}
    for line in run.stdout.splitlines():
        key, _, value = line.partition(":")
        lines[key.strip()] = value.strip()
    return lines


def _extra_consensus(scorer, brief: dict, gold: dict) -> list[dict]:
    """Consensus claims of the brief that carry no gold consensus fact in two or more articles."""
    keys = list(gold["articles"])
    by_id = {a["id"]: scorer.article_key(a, keys) for a in brief["articles"]}
    extra = []
    for claim in brief["claims"]:
        if claim["kind"] != "consensus":
            continue
        hits = 0
        for fact in gold["consensus"]:
            docs = {by_id.get(s["article"]) for s in claim["support"]
                    if by_id.get(s["article"]) in fact["fragments"]
                    and scorer.matches(fact["fragments"][by_id.get(s["article"])], s["text"])}
            hits = max(hits, len(docs))
        if hits < 2:
            extra.append(claim)
    return extra


def _missed_unique(scorer, brief: dict, gold: dict) -> list[str]:
    """Gold unique details no single-source claim carries, each with where its text went instead."""
    keys = list(gold["articles"])
    by_id = {a["id"]: scorer.article_key(a, keys) for a in brief["articles"]}
    out = []
    for key, fragments in gold["unique"].items():
        for fragment in fragments:
            spans = [(c, s) for c in brief["claims"] for s in c["support"]
                     if by_id.get(s["article"]) == key and scorer.fold(s["text"])
                     and (scorer.fold(s["text"]) in scorer.fold(fragment) or scorer.fold(fragment) in scorer.fold(s["text"])
                          or scorer.fold(fragment)[:30] in scorer.fold(s["text"]))]
            if any(c["kind"] == "single" and scorer.matches(fragment, s["text"]) for c, s in spans):
                continue
            where = "; ".join(f"{c['kind']} claim {c['id']}: {s['text']}" for c, s in spans) or "in no claim"
            out.append(f"{key}: {fragment} ({where})")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds",
                        help="folder with the seed articles, gold.json and score_brief.py")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "seed")
    args = parser.parse_args(argv)
    seeds = args.seeds.resolve()
    if not (seeds / "gold.json").is_file():
        print(f"{seeds}: no gold.json here", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    brief_path = args.out / "storylens.json"
    storylens = Path(sys.executable).with_name("storylens")
    articles = sorted(str(p) for p in seeds.glob("*.txt"))
    started = time.perf_counter()
    subprocess.run([str(storylens), "analyze", *articles, "--format", "json", "-o", str(brief_path)], check=True)
    seconds = time.perf_counter() - started

    scorer = _load_scorer(seeds)
    gold = json.loads((seeds / "gold.json").read_text())
    brief = json.loads(brief_path.read_text())
    figures = _score(seeds, brief_path)
    extra = _extra_consensus(scorer, brief, gold)
    found = figures.get("consensus found", "")
    found_ids = set(found.split(" ", 1)[1].strip("[]").replace("'", "").split(", ")) if " " in found else set()
    missed = [f"{c['id']} ({c['claim']})" for c in gold["consensus"] if c["id"] not in found_ids]

    rows = [("consensus facts found (of 15)", found.split(" ")[0]),
            ("contradictions found (of 2)", figures.get("contradictions found", "").split(" ")[0]),
            ("unique details found", figures.get("unique details found", "")),
            ("boilerplate lines leaked", figures.get("boilerplate leaked", "").split(" ")[0]),
            ("must_keep lines lost", figures.get("must_keep lost", "").split(" ")[0]),
            ("consensus claims reported", str(sum(c["kind"] == "consensus" for c in brief["claims"]))),
            ("... of which match no gold fact", str(len(extra))),
            ("wall time, one cold CLI run (s)", f"{seconds:.1f}")]
    table = ["| figure | storylens |", "|---|---|", *[f"| {k} | {v} |" for k, v in rows]]
    md = ["# Seed story against gold.json", "", f"Command: `python benchmarks/bench_seed.py --seeds {os.path.relpath(seeds, ROOT)}`", "",
          *table, "", "## Gold consensus facts missed", "", *([f"- {m}" for m in missed] or ["- none"]), "",
          "## Gold unique details missed (and where their text went)", "",
          *([f"- {m}" for m in _missed_unique(scorer, brief, gold)] or ["- none"]), "",
          "## Consensus claims not in the gold (for a human to judge)", ""]
    for claim in extra:
        md.append(f"- **{claim['text']}** ({claim['outlets']} outlets)")
        md.extend(f"  - `{s['article']}`: {s['text']}" for s in claim["support"])
    (args.out / "results.md").write_text("\n".join(md) + "\n", encoding="utf-8")
    print("\n".join(md))
    return 0


if __name__ == "__main__":
    sys.exit(main())
