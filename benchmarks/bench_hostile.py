"""Issue 18 benchmark: verbatim-reuse search on repetitive text, before (the committed baseline
``git show REV:src/storylens/analyze/reuse.py``) and now, and the same runs on ordinary stories.

    .venv/bin/python benchmarks/bench_hostile.py [--data ../shared/data/multi-news-val/validation.jsonl]
        [--baseline-rev 6445d2b] [--rounds 3] [--stories 300]

Each timing is the median of ``--rounds`` runs, each in a fresh process (peak RSS is per process).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CYCLE = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]

_ONE = r"""
import json, resource, sys, time, types
src = open(sys.argv[1]).read()
mod = types.ModuleType("storylens.analyze._reuse_bench"); mod.__package__ = "storylens.analyze"
exec(compile(src, "reuse", "exec"), mod.__dict__)
from storylens.model import Article
n = int(sys.argv[2])
text = " ".join(CYCLE[i % 8] for i in range(n))
t = time.perf_counter()
found = mod.find_verbatim([Article("a", text), Article("b", text)])
print(json.dumps({"s": time.perf_counter() - t, "runs": len(found),
                  "mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1000}))
""".replace("CYCLE", repr(CYCLE))


def _timed(source: Path, words: int, rounds: int, limit: float) -> dict[str, float] | None:
    out = []
    for _ in range(rounds):
        try:
            res = subprocess.run([sys.executable, "-c", _ONE, str(source), str(words)], capture_output=True,
                                 text=True, timeout=limit, check=True)
        except subprocess.TimeoutExpired:
            return None
        out.append(json.loads(res.stdout))
    return {k: statistics.median(r[k] for r in out) for k in ("s", "mb", "runs")}


def _same_on_stories(old_src: Path, data: Path, stories: int) -> tuple[int, int, int]:
    """(stories, reuse runs now, stories whose runs differ from the baseline) on real stories."""
    import types

    from storylens.model import Article

    mods = []
    for src in (old_src, ROOT / "src/storylens/analyze/reuse.py"):
        mod = types.ModuleType("storylens.analyze._reuse_bench")
        mod.__package__ = "storylens.analyze"
        exec(compile(src.read_text(), str(src), "exec"), mod.__dict__)  # noqa: S102 - our own file
        mods.append(mod)
    seen = runs = differ = 0
    with data.open() as f:
        for line in f:
            if seen >= stories:
                break
            docs = json.loads(line)["documents"]
            arts = [Article(f"d{k}", d) for k, d in enumerate(docs) if d.strip()]
            old, new = (m.find_verbatim(arts) for m in mods)
            seen += 1
            runs += len(new)
            differ += [r.to_dict() for r in old] != [r.to_dict() for r in new]
    return seen, runs, differ


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(ROOT.parent / "shared/data/multi-news-val/validation.jsonl"))
    ap.add_argument("--baseline-rev", default="6445d2b")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--stories", type=int, default=300)
    ap.add_argument("--limit", type=float, default=120.0, help="seconds before a run counts as a hang")
    args = ap.parse_args()
    old = subprocess.run(["git", "show", f"{args.baseline_rev}:src/storylens/analyze/reuse.py"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as tmp:
        tmp.write(old)
    old_src = Path(tmp.name)
    print("| words per copy | baseline s | baseline MB | now s | now MB |")
    print("|---|---|---|---|---|")
    for words in (4000, 8000, 12000):
        b = _timed(old_src, words, args.rounds, args.limit)
        n = _timed(ROOT / "src/storylens/analyze/reuse.py", words, args.rounds, args.limit)
        cell = (lambda r: f"{r['s']:.2f} | {r['mb']:.0f}" if r else f"> {args.limit:.0f} (timeout) | -")
        print(f"| {words} | {cell(b)} | {cell(n)} |")
    if Path(args.data).exists():
        seen, runs, differ = _same_on_stories(old_src, Path(args.data), args.stories)
        print(f"\nordinary stories: {seen} Multi-News stories, {runs} verbatim runs now, "
              f"{differ} stories whose runs differ from the baseline")


if __name__ == "__main__":
    main()
