"""Run every benchmark in turn with its default data paths (``make bench``).

Each benchmark writes one output file per system and a Markdown results table under
benchmarks/out/<name>/; the figures that matter are copied by hand into benchmarks/RESULTS.md.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = ["bench_seed.py", "bench_extraction.py", "bench_relations.py", "bench_summary.py", "bench_speed.py",
           # corpus mode (issue 4); bench_scale.py runs up to 100k articles, about half an hour
           "bench_dedup.py", "bench_cluster.py", "bench_scale.py",
           # the multilingual embedder option (installed by the bench extra); ~15 minutes of E5
           "bench_multilingual.py",
           # web app (issue 5): 500 concurrent story-page requests on a 10k-article store
           "bench_web.py"]


def main() -> int:
    failed = []
    for name in BENCHES:
        script = HERE / name
        if not script.exists():
            print(f"skip {name}: not present", file=sys.stderr)
            continue
        print(f"== {name}", flush=True)
        if subprocess.call([sys.executable, str(script)]) != 0:
            failed.append(name)
    if failed:
        print("failed: " + ", ".join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
