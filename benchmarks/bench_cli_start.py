"""How long ``storylens --help`` takes to start, today's code beside an older commit, in one run.

Each version's ``src/`` (an older one from ``git archive``, see _util.snapshot) is put first on
PYTHONPATH and run as the ``storylens`` entry point runs it; the runs alternate between the versions
so both see the same machine load, and each version's median of ``--runs`` wall-clock timings is
reported. The default older commit is the last one before issue 19 (the CLI package and the lazy
package root), where ``--help`` imported numpy, scipy and the analysis modules.

    python benchmarks/bench_cli_start.py [--old REV] [--runs N] [--out DIR]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _util import ROOT, md_table, progress, repo_path, snapshot, write_results

# the last commit before issue 19 touched the CLI
BEFORE_ISSUE_19 = "2f39e00"
ENTRY = "import sys; from storylens.cli import main; sys.argv[0] = 'storylens'; sys.exit(main())"


def time_help(src: Path) -> tuple[float, str]:
    """Wall-clock seconds of one ``storylens --help`` run with ``src`` first on the path, and its output."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", ENTRY, "--help"], env=env, capture_output=True, text=True, check=True)
    return time.perf_counter() - started, out.stdout


def commands(help_text: str) -> list[str]:
    """The command names a --help lists."""
    lines = help_text.split("Commands:", 1)[-1].splitlines()
    return sorted(line.split()[0] for line in lines if line.startswith("  ") and line.strip())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--old", default=BEFORE_ISSUE_19, help="the older commit to time beside today's code")
    ap.add_argument("--runs", type=int, default=15, help="timed runs of each version (after one warm-up each)")
    ap.add_argument("--out", type=Path, default=repo_path("benchmarks/out/cli_start"))
    args = ap.parse_args()

    old_src, sha = snapshot(args.old, args.out)
    versions = {f"before ({sha})": old_src, "today (working tree)": ROOT / "src"}
    times: dict[str, list[float]] = {name: [] for name in versions}
    listed = {}
    for name, src in versions.items():  # warm-up: bytecode compiled, files in the page cache
        listed[name] = commands(time_help(src)[1])
    for k in range(args.runs):
        for name, src in (versions.items() if k % 2 == 0 else reversed(versions.items())):
            times[name].append(time_help(src)[0])
        progress(f"run {k + 1}/{args.runs}")
    rows = [[name, f"{statistics.median(t):.3f}", f"{min(t):.3f}", f"{max(t):.3f}", len(t), len(listed[name])]
            for name, t in times.items()]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    text = (f"`storylens --help`, wall-clock seconds, {args.runs} alternating runs each (load average "
            f"{load:.1f}, {os.cpu_count()} cores)\n\n"
            + md_table(["code", "median", "min", "max", "runs", "commands listed"], rows) + "\n")
    if listed[f"before ({sha})"] != listed["today (working tree)"]:
        text += f"\nThe command lists differ: {listed}\n"
    write_results(args.out, text)


if __name__ == "__main__":
    main()
