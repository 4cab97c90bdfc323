"""``bench_hostile.py --part generated``: N seeded hostile inputs (tests/hostile_gen.py) through the
API and the CLI, in a worker process the parent watches.

Each input is read on its own (``read_inputs`` and ``extract``: the API) within ``--timeout`` s;
every ``--batch`` inputs, the batch's folder is ingested by the CLI (``storylens ingest``, one store
for the whole run) and analysed by the API (``storylens.analyze``) within ``--batch-timeout`` s.
Counted:

- crashes: any exception but StorylensError out of the API, a CLI exit other than 0/1 or an
  exception out of it, or the worker dying;
- hangs: an input or batch past its timeout (the worker is killed and a new one goes on);
- unclear errors: a problem or error line that does not start with the input's name (file, line,
  record, entry or URL) and give a reason, or that carries a Python message;
- good articles lost: a good input not read, not stored by the ingest, or absent from the brief;
- peak memory: the largest peak RSS of a worker.
"""

from __future__ import annotations

import collections
import json
import os
import select
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import hostile_gen as hg

# --- the worker: reads requests on stdin, answers one JSON line each on its own stdout ---

def _read_one(path: str) -> dict[str, Any]:
    import storylens
    from storylens.cli import one_line
    from storylens.errors import StorylensError
    from storylens.ingest import read_inputs

    out: dict[str, Any] = {"crash": None, "lines": [], "ids": []}
    try:
        articles, problems = read_inputs([path], timeout=2)
        out["ids"] = [a.id for a in articles]
        out["lines"] = [one_line(str(p)) for p in problems]
    except Exception as exc:  # noqa: BLE001 - what the benchmark counts
        out["crash"] = f"read_inputs: {type(exc).__name__}: {exc}"[:300]
        return out
    try:
        storylens.extract(path, timeout=2)
    except StorylensError as exc:
        out["lines"].append(one_line(str(exc)))
    except Exception as exc:  # noqa: BLE001
        out["crash"] = f"extract: {type(exc).__name__}: {exc}"[:300]
    return out


def _batch(folder: str, db: str, analyze: bool) -> dict[str, Any]:
    from click.testing import CliRunner

    import storylens
    from storylens.cli import main
    from storylens.errors import StorylensError
    from storylens.store import Store

    out: dict[str, Any] = {"crash": None, "lines": [], "stored": [], "analysed": []}
    res = CliRunner().invoke(main, ["ingest", folder, "--db", db, "--format", "json"])
    if res.exit_code not in (0, 1) or (res.exception and not isinstance(res.exception, SystemExit)):
        out["crash"] = f"ingest exit {res.exit_code}: {res.exception!r}"[:300]
    out["lines"] = [ln for ln in res.stderr.splitlines() if ln.startswith(("Skipped: ", "Warning: ", "Error: "))]
    with Store(db) as store:
        out["stored"] = [store.article(a).id for s in store.stories() for a in store.members(s.id)]
    if analyze:
        try:
            out["analysed"] = [a.id for a in storylens.analyze(folder).articles]
        except StorylensError as exc:
            out["lines"].append("Error: " + str(exc))
        except Exception as exc:  # noqa: BLE001
            out["crash"] = f"analyze: {type(exc).__name__}: {exc}"[:300]
    return out


def worker() -> None:
    import resource

    answer = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # anything a library prints goes to stderr, not into the answers
    for line in sys.stdin:
        req = json.loads(line)
        if req["op"] == "read":
            out = _read_one(req["path"])
        else:
            out = _batch(req["folder"], req["db"], req["analyze"])
        out["peak_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        answer.write(json.dumps(out) + "\n")
        answer.flush()


# --- the parent ---

class _Worker:
    def __init__(self) -> None:
        self.proc = subprocess.Popen(["nice", "-n", "10", sys.executable, __file__, "--worker"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     text=True, cwd=ROOT)

    def ask(self, req: dict[str, Any], timeout: float) -> dict[str, Any] | str:
        """The answer, or "hang" / "died"."""
        assert self.proc.stdin and self.proc.stdout
        try:
            self.proc.stdin.write(json.dumps(req) + "\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            return "died"
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            return "hang"
        line = self.proc.stdout.readline()
        return json.loads(line) if line else "died"

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait()


def _names(case: hg.Case, path: Path) -> list[str]:
    from storylens.cli import one_line
    from storylens.ingest import shown_name

    return [one_line(shown_name(str(path))), *hg.listed_urls(case)]


def _good_id(case: hg.Case, path: Path) -> str:
    return json.loads(case.data)["id"] if path.suffix == ".jsonl" else path.stem


class _Tally:
    def __init__(self) -> None:
        self.count: collections.Counter[str] = collections.Counter()
        self.examples: dict[str, list[str]] = collections.defaultdict(list)
        self.peak_kb = 0

    def note(self, what: str, example: str) -> None:
        self.count[what] += 1
        if len(self.examples[what]) < 5:
            self.examples[what].append(example)

    def lines(self, lines: list[str], names: list[str], where: str) -> None:
        for line in lines:
            text = line.split(": ", 1)[1] if line.startswith(("Skipped: ", "Warning: ", "Error: ")) else line
            why = hg.unclear(text, names)
            self.count["problem lines"] += 1
            if why:
                self.note("unclear", f"{where}: {why}: {line[:200]}")


def run(n: int, seed: int, scale: float, batch: int, timeout: float, batch_timeout: float, analyze_every: int,
        budget: float = 0.0) -> None:
    """Run ``n`` inputs; with a ``budget`` (s), stop after the batch in which it runs out."""
    tally, start, w = _Tally(), time.monotonic(), _Worker()
    kinds: collections.Counter[str] = collections.Counter()
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp, "bench.db"))
        pending: list[tuple[hg.Case, Path]] = []
        for i, case in enumerate(hg.cases(seed, n, scale)):
            folder = Path(tmp, f"b{i // batch:04d}")
            folder.mkdir(exist_ok=True)
            path = hg.write(case, folder)
            kinds[case.kind] += 1
            ans = w.ask({"op": "read", "path": str(path)}, timeout)
            if isinstance(ans, str):
                tally.note("hang" if ans == "hang" else "crash", f"{case.kind} {case.name!r} ({ans})")
                w.stop()
                w = _Worker()
            else:
                tally.peak_kb = max(tally.peak_kb, ans["peak_kb"])
                if ans["crash"]:
                    tally.note("crash", f"{case.kind} {case.name!r}: {ans['crash']}")
                tally.lines(ans["lines"], _names(case, path), f"{case.kind} {case.name!r}")
                if case.good and _good_id(case, path) not in ans["ids"]:
                    tally.note("good not read", case.name)
            pending.append((case, path))
            if len(pending) == batch or i == n - 1:
                w = _run_batch(w, tally, pending, folder, db, batch_timeout, analyze=analyze_every > 0 and (i // batch) % analyze_every == 0)
                pending = []
                print(f"{i + 1} inputs, {time.monotonic() - start:.0f} s: {dict(tally.count)}", file=sys.stderr, flush=True)
                if budget and time.monotonic() - start > budget:
                    break
        ans = w.ask({"op": "read", "path": os.devnull}, timeout)
        if isinstance(ans, dict):
            tally.peak_kb = max(tally.peak_kb, ans["peak_kb"])
        w.stop()
    _report(tally, sum(kinds.values()), seed, scale, batch, kinds, time.monotonic() - start)


def _run_batch(w: _Worker, tally: _Tally, cases: list[tuple[hg.Case, Path]], folder: Path, db: str,
               timeout: float, analyze: bool) -> _Worker:
    ans = w.ask({"op": "batch", "folder": str(folder), "db": db, "analyze": analyze}, timeout)
    if isinstance(ans, str):
        tally.note("hang" if ans == "hang" else "crash", f"batch {folder.name} ({ans}, analyze={analyze})")
        w.stop()
        return _Worker()
    tally.peak_kb = max(tally.peak_kb, ans["peak_kb"])
    tally.count["batches ingested"] += 1
    tally.count["batches analysed"] += analyze
    if ans["crash"]:
        tally.note("crash", f"batch {folder.name}: {ans['crash']}")
    tally.lines(ans["lines"], [n for c, p in cases for n in _names(c, p)], f"batch {folder.name}")
    for case, path in cases:
        if case.good:
            tally.count["good inputs"] += 1
            if _good_id(case, path) not in ans["stored"]:
                tally.note("good not stored", case.name)
            if analyze and _good_id(case, path) not in ans["analysed"]:
                tally.note("good not analysed", case.name)
    return w


def _report(tally: _Tally, n: int, seed: int, scale: float, batch: int, kinds: collections.Counter[str],
            seconds: float) -> None:
    c = tally.count
    print(f"inputs: {n} (seed {seed}, scale {scale:g}, batches of {batch}); kinds: {dict(sorted(kinds.items()))}")
    print(f"crashes: {c['crash']}; hangs: {c['hang']}; unclear errors: {c['unclear']} "
          f"(of {c['problem lines']} problem lines); good inputs: {c['good inputs']}, not read {c['good not read']}, "
          f"not stored {c['good not stored']}, not analysed {c['good not analysed']} "
          f"({c['batches analysed']} of {c['batches ingested']} batches analysed)")
    print(f"peak RSS of a worker: {tally.peak_kb / 1000:.0f} MB; {seconds:.0f} s")
    for what, examples in tally.examples.items():
        for ex in examples:
            print(f"  {what}: {ex}")


if __name__ == "__main__" and sys.argv[1:] == ["--worker"]:
    worker()
