"""Issue 18 benchmark, in parts (``--part``):

- ``reuse``: verbatim-reuse search on repetitive text, before (the committed baseline
  ``git show REV:src/storylens/analyze/reuse.py``) and now, and the same runs on ordinary stories;
- ``html``: HTML bombs (8 MB of tags, lines, attributes) through ``article_from_html``, the source
  tree at ``--baseline-rev`` (``git archive``) against the working tree;
- ``slow``: N connections that send half a request head to ``storylens serve``'s server
  configuration, and how many are still open after the head deadline;
- ``repeats``: a story holding pages of one-letter paragraphs (the ``<p>x</p>`` lines bomb cut at the
  tag limit) beside two good articles, analysed by the tree at ``--baseline-rev`` and the working tree;
- ``generated``: ``--n`` seeded hostile inputs (tests/hostile_gen.py) through the API and the CLI:
  crashes, hangs, unclear errors, good articles lost, peak memory (hostile_generated.py says how).

    .venv/bin/python benchmarks/bench_hostile.py [--part reuse|html|slow|repeats|generated] [--baseline-rev REV]
        [--data ../shared/data/multi-news-val/validation.jsonl] [--rounds 3] [--stories 300]
        [--n 10000 --seed 18 --scale 1 --batch 50 --analyze-every 1 --timeout 60 --batch-timeout 600]

Each timing is the median of ``--rounds`` runs, each in a fresh process (peak RSS is per process).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
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


_BOMB = r"""
import json, resource, sys, time
from storylens.ingest.html import article_from_html
kind, size = sys.argv[1], int(sys.argv[2])
lead = "<p>The mayor of the northern town opened the new bridge across the river on Monday morning.</p>" * 5
bomb = {"tags": lambda: "<div>" * (size // 5), "lines": lambda: "<p>x</p>\n" * (size // 9),
        "attributes": lambda: "<div " + " ".join(f'a{i}="x"' for i in range(size // 12)) + ">x</div>"}[kind]()
t = time.perf_counter()
article = article_from_html(f"<html><body>{lead}{bomb}</body></html>", source=kind)
print(json.dumps({"s": time.perf_counter() - t, "chars": len(article.text),
                  "mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1000}))
"""


def _child(tree: Path, script: str, args: list[str], limit: float) -> dict[str, float] | None:
    """``script``'s JSON line, run under ``nice`` with ``tree`` (a src folder) first on its path;
    None when it takes longer than ``limit`` s."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    try:
        res = subprocess.run(["nice", "-n", "10", sys.executable, "-c", script, *args], env=env,
                             capture_output=True, text=True, timeout=limit, check=True)
    except subprocess.TimeoutExpired:
        return None
    return json.loads(res.stdout)  # type: ignore[no-any-return]


@contextmanager
def _snapshot(rev: str) -> Iterator[Path]:
    """The src folder of ``rev`` (``git archive``), in a temporary folder while the block runs."""
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "archive", rev, "src"], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        yield Path(tmp, "src")


def html_part(rev: str, limit: float) -> None:
    with _snapshot(rev) as old:
        print(f"| HTML bomb | MB | baseline {rev} s | baseline MB RSS | now s | now MB RSS | text kept now |")
        print("|---|---|---|---|---|---|---|")
        for kind in ("tags", "lines", "attributes"):
            for size in (1_000_000, 8_000_000):
                b = _child(old, _BOMB, [kind, str(size)], limit)
                n = _child(ROOT / "src", _BOMB, [kind, str(size)], limit)
                cell = (lambda r: f"{r['s']:.1f} | {r['mb']:.0f}" if r else f"> {limit:.0f} (timeout) | -")
                print(f"| {kind} | {size / 1e6:g} | {cell(b)} | {cell(n)} | {n['chars'] if n else '-'} |",
                      flush=True)


_REPEATS = r"""
import json, random, resource, sys, time
sys.path.insert(0, sys.argv[2])
import hostile_gen, storylens
from storylens.model import Article
rng, arts = random.Random(1), []
for k, m in enumerate(int(x) for x in sys.argv[1].split(",")):
    _, body = hostile_gen.good_text(rng)
    arts.append(Article(f"rep{k}", "\n\n".join(["x"] * m + [body])))
for k in range(2):
    title, body = hostile_gen.good_text(rng)
    arts.append(Article(f"good{k}", body, title=title))
t = time.perf_counter()
brief = storylens.analyze(articles=arts)
print(json.dumps({"s": time.perf_counter() - t, "reuse": len(brief.reuse),
                  "mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1000}))
"""


def repeats_part(rev: str, limit: float) -> None:
    with _snapshot(rev) as old:
        print(f"| x paragraphs per page | baseline {rev} s | MB | reuse entries | now s | MB | reuse entries |")
        print("|---|---|---|---|---|---|---|")
        for pages in ("300,300", "1000,1000", "6000", "4600,1900"):
            b, n = (_child(tree, _REPEATS, [pages, str(ROOT / "tests")], limit) for tree in (old, ROOT / "src"))
            cell = (lambda r: f"{r['s']:.1f} | {r['mb']:.0f} | {r['reuse']:,}" if r else f"> {limit:.0f} | - | -")
            print(f"| {pages} | {cell(b)} | {cell(n)} |", flush=True)


def slow_part(connections: int) -> None:
    import socket
    import threading
    import time

    import uvicorn

    from storylens.web.app import create_app
    from storylens.web.server import HEAD_SECONDS, config

    with tempfile.TemporaryDirectory() as tmp, socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()
        server = uvicorn.Server(config(create_app(str(Path(tmp, "s.db"))), "127.0.0.1", port))
        threading.Thread(target=server.run, daemon=True).start()
        while not server.started:
            time.sleep(0.05)
        socks = []
        for _ in range(connections):
            c = socket.create_connection(("127.0.0.1", port))
            c.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            c.setblocking(False)
            socks.append(c)
        time.sleep(HEAD_SECONDS + 2)
        still = 0
        for c in socks:
            try:
                still += c.recv(1) != b""
            except BlockingIOError:
                still += 1  # nothing to read and not closed: still open
            c.close()
        server.should_exit = True
        print(f"{connections} connections sending half a request head: {still} still open after "
              f"{HEAD_SECONDS + 2:.0f} s (head deadline {HEAD_SECONDS:.0f} s)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--part", choices=["reuse", "html", "slow", "repeats", "generated"], default="reuse")
    ap.add_argument("--data", default=str(ROOT.parent / "shared/data/multi-news-val/validation.jsonl"))
    ap.add_argument("--baseline-rev", default=None, help="default: 6445d2b for reuse, 42c67fe for html, HEAD for repeats")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--stories", type=int, default=300)
    ap.add_argument("--connections", type=int, default=400)
    ap.add_argument("--limit", type=float, default=120.0, help="seconds before a run counts as a hang")
    ap.add_argument("--n", type=int, default=10_000, help="generated: how many inputs")
    ap.add_argument("--seed", type=int, default=18)
    ap.add_argument("--scale", type=float, default=1.0, help="generated: size of the big kinds (1: up to ~1 MB)")
    ap.add_argument("--batch", type=int, default=50, help="generated: inputs per CLI ingest (and analysis)")
    ap.add_argument("--analyze-every", type=int, default=1, help="generated: analyse one batch in this many (0: none)")
    ap.add_argument("--timeout", type=float, default=60.0, help="generated: seconds before an input is a hang")
    ap.add_argument("--batch-timeout", type=float, default=600.0)
    ap.add_argument("--budget", type=float, default=0.0, help="generated: stop after the batch past this many s")
    args = ap.parse_args()
    if args.part == "generated":
        from hostile_generated import run

        run(args.n, args.seed, args.scale, args.batch, args.timeout, args.batch_timeout, args.analyze_every,
            args.budget)
        return
    if args.part == "html":
        html_part(args.baseline_rev or "42c67fe", args.limit)
        return
    if args.part == "repeats":
        repeats_part(args.baseline_rev or "HEAD", args.limit)
        return
    if args.part == "slow":
        slow_part(args.connections)
        return
    args.baseline_rev = args.baseline_rev or "6445d2b"
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
