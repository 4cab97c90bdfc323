"""Time `analyze` on the bundled seed story: cold (a fresh process each run, models loaded from disk)
and warm (models already loaded in the process). Prints medians of N runs and peak memory.

usage: python benchmarks/seed_timing.py [STORY_DIR] [--runs N]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cold(story: str, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "storylens.cli", "analyze", story, "--format", "json", "-o", "/dev/null"],
                       check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    return times


def warm(story: str, runs: int) -> list[float]:
    import storylens

    storylens.analyze(story)  # load every model once
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        storylens.analyze(story)
        times.append(time.perf_counter() - t)
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("story", nargs="?", default=str(ROOT / "examples" / "russia-day"))
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    c = cold(args.story, args.runs)
    w = warm(args.story, args.runs)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print("| run | median s | min s | max s | peak RSS MB |")
    print("|---|---|---|---|---|")
    print(f"| cold (new process, CLI) | {statistics.median(c):.2f} | {min(c):.2f} | {max(c):.2f} | {child_mb:.0f} |")
    print(f"| warm (models loaded) | {statistics.median(w):.2f} | {min(w):.2f} | {max(w):.2f} | {peak_mb:.0f} |")


if __name__ == "__main__":
    main()
