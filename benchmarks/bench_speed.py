"""Speed and memory of `storylens analyze` on stories of 3, 10, 30 and 100 articles.

Stories (deterministic, rebuilt on every run into --out/stories/):
  The pool is every document of the development data in file order (clusters in file order, the
  documents of a cluster in their order), keeping only documents of typical news length
  (--min-words..--max-words whitespace words, default 300..1000: about the middle half of
  Multi-News validation documents, whose median is ~480 words) and dropping exact repeats of a text
  already taken. The story of size N is the first N documents of the pool, so each story extends
  the smaller ones and whole clusters (2-10 outlets on one event) come before the next cluster;
  beyond one cluster a "story" pools several events, which is what a 100-article input needs.
  The warm-up story is the last 3 documents of the pool (other clusters, never in a measured story).
  Each story is a JSONL file of lines {"id", "title", "text"}: id = "<cluster id>-<document index>",
  title = "" (Multi-News has none, so storylens takes it from the text as for a .txt file),
  text = the raw document. NeuS/AllSides files ({id, articles:[{title,text}]}) are read the same way,
  keeping their titles.

Measured per size, medians of --runs runs (fewer when another run would take a mode past --budget
seconds for that size; at least one; the table gives the runs made):
  cold  a new `storylens analyze STORY.jsonl --format json -o FILE` process per run: wall time and
        its peak RSS (os.wait4 rusage of that child alone); includes start-up, model loading, reading
        and cleaning the JSONL.
  warm  one child process per size: reads the warm-up story and the story (storylens.ingest.
        read_inputs), calls storylens.api.analyze(articles=warm-up) once to load every model, then
        times storylens.api.analyze(articles=story) --runs times. Peak RSS is that child's maximum
        up to the end of those runs (warm-up included); base = its RSS just before them. The embedder's model entry points (embed(), and embed_spans() when the
        back end has it) are wrapped on the instance to collect the texts the model runs on inside
        analyze ("texts embedded") and the time spent in those calls ("embed share").
  raw   embed() of the embedder alone on exactly those texts, in one call, and (when the back end has
        it) embed_spans() on them with no spans, the same model pass analyze makes: the faster of the
        two is the throughput floor nothing in analyze can beat.
  sentences / units: prepare()'s sentences and clause units, counted with a stub embedder. Units
        are embedded texts when the back end lacks embed_spans (each clause is its own model input);
        with embed_spans only sentences go through the model and units are pooled from them.

Writes to --out: stories/*.jsonl, brief-<N>.json (the cold run's output), timings.json (every
measurement), results.md; prints the table. --profile N adds profile-<N>.txt (cProfile of one warm
analyze on the size-N story, top functions by cumulative time).

--code REF compares instead: warm runs only, the working tree against a `git archive REF src` snapshot
(extracted under --out, put first on the worker's PYTHONPATH), alternating for --rounds rounds so
that both meet the same load; writes compare.md. --new REF2 times a snapshot of REF2 instead of the
working tree (other people's uncommitted edits stay out); --python PATH also times that new code
under another interpreter (a venv holding the project's dependencies), e.g. to weigh a Python upgrade.

usage: python benchmarks/bench_speed.py [DATA] [--sizes 3,10,30,100] [--runs 3] [--budget 600] [--out DIR]
       python benchmarks/bench_speed.py --code HEAD --sizes 10 --runs 3 --rounds 4
       python benchmarks/bench_speed.py --code REF --new HEAD --python ../venv312/bin/python --sizes 10
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from _util import fail, md_table, progress, repo_path, snapshot, write_json

DEFAULT_DATA = "../shared/data/multi-news-val/validation.jsonl"
DEFAULT_OUT = "benchmarks/out/speed"
WARMUP_ARTICLES = 3
NO_COLD: dict[str, list[float]] = {"seconds": [], "cpu_s": [], "peak_mb": []}

# ------------------------------------------------------------------ stories


def _documents(record: dict[str, Any]) -> list[tuple[str, str]]:
    """(title, text) of each document of a Multi-News or NeuS/AllSides record."""
    if isinstance(record.get("documents"), list):
        return [("", d) for d in record["documents"] if isinstance(d, str)]
    if isinstance(record.get("articles"), list):
        return [(a.get("title") or "", a.get("text") or "") for a in record["articles"] if isinstance(a, dict)]
    return []


def article_pool(data: Path, min_words: int, max_words: int) -> list[dict[str, str]]:
    """Every document of typical length, in file order, exact repeats dropped."""
    pool, seen = [], set()
    with data.open(encoding="utf-8") as f:
        for line_no, line in enumerate(f, 1):
            if not line.strip():
                continue
            record = json.loads(line)
            for k, (title, text) in enumerate(_documents(record)):
                key = " ".join(text.split())
                if min_words <= len(key.split()) <= max_words and key not in seen:
                    seen.add(key)
                    pool.append({"id": f"{record.get('id', line_no)}-{k}", "title": title, "text": text})
    return pool


def write_stories(pool: list[dict[str, str]], sizes: list[int], folder: Path) -> tuple[dict[int, Path], Path]:
    """story-<N>.jsonl for each size (the first N of the pool) and warmup.jsonl (the last 3)."""
    if len(pool) < max(sizes) + WARMUP_ARTICLES:
        fail(f"only {len(pool)} documents of typical length; need {max(sizes) + WARMUP_ARTICLES}")
    folder.mkdir(parents=True, exist_ok=True)

    def write(name: str, articles: list[dict[str, str]]) -> Path:
        path = folder / name
        path.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles), encoding="utf-8")
        return path

    stories = {n: write(f"story-{n}.jsonl", pool[:n]) for n in sizes}
    return stories, write("warmup.jsonl", pool[-WARMUP_ARTICLES:])


# ------------------------------------------------------------------ cold: one CLI process per run


def cli_command() -> list[str]:
    script = Path(sys.executable).parent / "storylens"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "storylens.cli"]


def run_child(cmd: list[str], log: Path, env: dict[str, str] | None = None) -> tuple[float, float, float, int]:
    """Run ``cmd`` to the end: (wall s, CPU s (user + system), peak RSS MB of that process, exit status)."""
    with log.open("wb") as err:
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode


def enough(times: list[float], runs: int, budget: float) -> bool:
    """Stop after ``runs`` runs, or earlier when one more run like the last would pass ``budget`` s."""
    return len(times) >= runs or (bool(times) and sum(times) + times[-1] > budget)


def cold(story: Path, runs: int, budget: float, out: Path) -> dict[str, Any]:
    times, cpus, peaks = [], [], []
    brief = out / f"brief-{story.stem.removeprefix('story-')}.json"
    while not enough(times, runs, budget):
        log = out / "cold.log"
        wall, cpu, peak, status = run_child([*cli_command(), "analyze", str(story), "--format", "json", "-o", str(brief)], log)
        if status != 0:
            fail(f"storylens analyze {story} exited {status}: {log.read_text(errors='replace')[-600:]}")
        times.append(wall)
        cpus.append(cpu)
        peaks.append(peak)
        progress(f"  cold run {len(times)}/{runs}: {wall:.1f} s (CPU {cpu:.1f} s), {peak:.0f} MB")
    return {"seconds": times, "cpu_s": cpus, "peak_mb": peaks}


# ------------------------------------------------------------------ warm: a worker child per size


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class _Recorder:
    """Wraps the embedder's model entry points (``embed`` and, when present, ``embed_spans``) on the
    instance: the texts the model was run on and the seconds spent inside, since the last reset."""

    METHODS = ("embed", "embed_spans")

    def __init__(self, embedder: Any) -> None:
        self.embedder = embedder
        self.originals = {m: getattr(embedder, m) for m in self.METHODS if callable(getattr(embedder, m, None))}
        self.texts: list[str] = []
        self.seconds = 0.0
        self.depth = 0
        for name, method in self.originals.items():
            setattr(embedder, name, self._wrap(method))

    def _wrap(self, method: Any) -> Any:
        def timed(texts: Any, *rest: Any, **kw: Any) -> Any:
            self.depth += 1  # embed_spans may call embed: count the outer call only
            t = time.perf_counter()
            try:
                return method(texts, *rest, **kw)
            finally:
                self.depth -= 1
                if self.depth == 0:
                    self.seconds += time.perf_counter() - t
                    self.texts.extend(texts)

        return timed

    def raw_embed(self, texts: list[str]) -> Any:
        return self.originals["embed"](texts)

    def raw_embed_spans(self, texts: list[str]) -> Any:
        """The back end's embed_spans() with no spans: the same model pass analyze makes; None if absent."""
        method = self.originals.get("embed_spans")
        return None if method is None else method(texts, [[] for _ in texts])

    def reset(self) -> None:
        self.texts, self.seconds = [], 0.0


def count_units(articles: list[Any]) -> tuple[int | None, int | None]:
    """Sentences and clause units of prepare(), with a stub embedder (parse only, nothing embedded)."""
    import numpy as np

    class Stub:
        name, dim = "stub", 384

        def embed(self, texts: Any) -> Any:
            return np.zeros((len(texts), self.dim), dtype=np.float32)

    try:
        from storylens.analyze.prepare import prepare

        prep = prepare(articles, Stub())
        return len(prep.sentences), len(prep.units)
    except (ImportError, AttributeError, TypeError, ValueError) as exc:  # prepare() may change: report it
        progress(f"  could not count sentences with prepare(): {type(exc).__name__}: {exc}")
        return None, None


def worker(story: Path, warmup: Path, runs: int, budget: float, profile: Path | None) -> dict[str, Any]:
    """Warm timings of one story, in this (fresh) process; printed as JSON by --worker."""
    import storylens.api
    from storylens.config import load_settings
    from storylens.embed import get_embedder
    from storylens.ingest import read_inputs

    warm_articles, _ = read_inputs([str(warmup)])
    t = time.perf_counter()
    articles, problems = read_inputs([str(story)])
    ingest_s = time.perf_counter() - t
    if problems or not articles:
        raise SystemExit(f"{story}: {len(problems)} lines could not be read ({problems[:1]})")
    t = time.perf_counter()
    storylens.api.analyze(articles=warm_articles)
    warmup_s = time.perf_counter() - t
    base_mb = _rss_mb()
    embedder = get_embedder(load_settings().embedder)
    rec = _Recorder(embedder)
    times, cpus, embed_s, embedded, rss_after, peak_after = [], [], [], [], [], []
    while not enough(times, runs, budget):
        rec.reset()
        t, c = time.perf_counter(), time.process_time()
        storylens.api.analyze(articles=articles)
        times.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
        rss_after.append(_rss_mb())
        peak_after.append(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        embed_s.append(rec.seconds)
        embedded.append(len(rec.texts))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    texts = list(rec.texts)
    raw, raw_spans = [], []
    for _ in times:  # as many runs as analyze had
        t = time.perf_counter()
        rec.raw_embed(texts)
        raw.append(time.perf_counter() - t)
        t = time.perf_counter()
        if rec.raw_embed_spans(texts) is not None:
            raw_spans.append(time.perf_counter() - t)
    if profile is not None:
        write_profile(lambda: storylens.api.analyze(articles=articles), profile)
    sentences, units = count_units(articles)
    return {"storylens": str(Path(storylens.api.__file__).parent), "articles": len(articles), "sentences": sentences, "units": units, "ingest_s": ingest_s,
            "warmup_s": warmup_s, "seconds": times, "cpu_s": cpus, "embed_in_analyze_s": embed_s, "texts_embedded": embedded,
            "raw_embed_s": raw, "raw_embed_spans_s": raw_spans, "rss_after_warmup_mb": base_mb, "peak_mb": peak_mb,
            "rss_after_each_run_mb": rss_after, "peak_after_each_run_mb": peak_after}


def write_profile(call: Any, path: Path) -> None:
    import cProfile
    import io
    import pstats

    prof = cProfile.Profile()
    prof.runcall(call)
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(40)
    path.write_text(buf.getvalue(), encoding="utf-8")


def warm(story: Path, warmup: Path, runs: int, budget: float, out: Path, profile: bool,
         env: dict[str, str] | None = None, quiet: bool = False, python: str | None = None) -> dict[str, Any]:
    n = story.stem.removeprefix("story-")
    result, log = out / f"warm-{n}.json", out / "warm.log"
    cmd = [python or sys.executable, str(Path(__file__).resolve()), "--worker", str(story), "--warmup", str(warmup),
           "--runs", str(runs), "--budget", str(budget), "--worker-out", str(result)]
    if profile:
        cmd += ["--profile-out", str(out / f"profile-{n}.txt")]
    wall, _, _, status = run_child(cmd, log, env)
    if status != 0:
        fail(f"warm worker on {story} exited {status}: {log.read_text(errors='replace')[-600:]}")
    data = json.loads(result.read_text(encoding="utf-8"))
    result.unlink()
    if quiet:
        return data
    progress(f"  warm: {', '.join(f'{s:.1f}' for s in data['seconds'])} s "
             f"(CPU {', '.join(f'{s:.1f}' for s in data['cpu_s'])} s), peak after each run "
             f"{', '.join(f'{m:.0f}' for m in data['peak_after_each_run_mb'])} MB "
             f"({wall:.0f} s in all)")
    return data


# ------------------------------------------------------------------ side by side with other code


def _contenders(args: argparse.Namespace) -> list[tuple[str, str, dict[str, str], Path]]:
    """(label, interpreter, environment, storylens folder the worker must import) of each code timed:
    the snapshot of --code, then the working tree (or the snapshot of --new), then that same new code
    under each --python interpreter (its src folder first on PYTHONPATH, never that venv's own copy)."""

    def on_path(src: Path) -> dict[str, str]:
        return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(src), os.environ.get("PYTHONPATH")]))}

    old_src, old_sha = snapshot(args.code, args.out)
    out = [(f"{args.code} ({old_sha})", sys.executable, on_path(old_src), old_src / "storylens")]
    if args.new:
        new_src, new_sha = snapshot(args.new, args.out)
        new_label, new_env = f"{args.new} ({new_sha})", on_path(new_src)
    else:
        new_src, new_label, new_env = repo_path("src"), "working tree", dict(os.environ)
    out.append((new_label, sys.executable, new_env, new_src / "storylens"))
    for python in args.python:
        version = subprocess.run([python, "-c", "import platform; print(platform.python_version())"],
                                 capture_output=True, text=True, check=False).stdout.strip() or "?"
        out.append((f"{new_label}, Python {version}", python, on_path(new_src), new_src / "storylens"))
    return out


def compare(stories: dict[int, Path], warmup: Path, args: argparse.Namespace) -> str:
    """Warm runs of --code REF against the working tree (or --new REF, and the same under each
    --python), alternating in rounds (the order reverses every round), so all meet the same load;
    medians over every run of each."""
    contenders = _contenders(args)
    rows = []
    for size, story in stories.items():
        got: dict[str, dict[str, list[float]]] = {c[0]: {"seconds": [], "cpu_s": []} for c in contenders}
        loads = []
        for r in range(args.rounds):
            for label, python, env, expected in (contenders if r % 2 == 0 else contenders[::-1]):
                loads.append(os.getloadavg()[0])
                data = warm(story, warmup, args.runs, args.budget, args.out, False, env, quiet=True, python=python)
                if Path(data["storylens"]).resolve() != expected.resolve():
                    fail(f"{label}: the worker ran storylens from {data['storylens']}, not {expected}")
                for key in ("seconds", "cpu_s"):
                    got[label][key].extend(data[key])
                progress(f"  size {size} round {r + 1} {label}: {', '.join(f'{s:.2f}' for s in data['seconds'])} s "
                         f"(CPU {', '.join(f'{s:.2f}' for s in data['cpu_s'])}), load {loads[-1]:.2f}")
        for label, g in got.items():
            rows.append([size, label, len(g["seconds"]), f"{_med(g['seconds']):.2f}",
                         f"{min(g['seconds']):.2f}-{max(g['seconds']):.2f}", f"{_med(g['cpu_s']):.2f}",
                         f"{min(loads):.1f}-{max(loads):.1f}"])
    return md_table(["size", "code", "warm runs", "warm median s", "range s", "warm CPU median s",
                     "load (1 min) at each worker start"], rows)


# ------------------------------------------------------------------ report


def _med(xs: list[float]) -> float:
    return statistics.median(xs)


def table(results: dict[int, dict[str, Any]]) -> str:
    rows, prev = [], None
    for size, r in results.items():
        w, c = r["warm"], r["cold"]
        warm_s, warm_cpu, texts = _med(w["seconds"]), _med(w["cpu_s"]), _med(w["texts_embedded"])
        sents = w["sentences"] or 0
        growth = "–"
        if prev and sents and prev[0] and sents != prev[0]:
            growth = f"{math.log(warm_cpu / prev[1]) / math.log(sents / prev[0]):.2f}"
        rows.append([
            size, w["articles"], f"{len(c['seconds'])}/{len(w['seconds'])}", w["sentences"], w["units"], int(texts),
            *([f"{_med(c['seconds']):.1f}", f"{_med(c['cpu_s']):.1f}", f"{max(c['peak_mb']):.0f}"]
              if c["seconds"] else ["–"] * 3),
            f"{warm_s:.2f}", f"{warm_cpu:.2f}", f"{w['rss_after_warmup_mb']:.0f}", f"{w['peak_mb']:.0f}",
            f"{texts / warm_s:.0f}", f"{texts / _med(w['raw_embed_s']):.0f}",
            f"{texts / _med(w['raw_embed_spans_s']):.0f}" if w.get("raw_embed_spans_s") else "–",
            f"{100 * _med(w['embed_in_analyze_s']) / warm_s:.0f}%",
            f"{1000 * warm_s / sents:.1f}" if sents else "–",
            f"{1000 * warm_cpu / sents:.1f}" if sents else "–", growth])
        prev = (sents, warm_cpu)
    return md_table(["size", "articles", "runs cold/warm", "sentences", "units", "texts embedded", "cold median s",
                     "cold CPU s", "cold peak MB", "warm median s", "warm CPU s", "warm base MB", "warm peak MB",
                     "analyze texts/s", "raw embed() texts/s", "raw embed_spans() texts/s", "embed share of warm", "warm ms/sentence",
                     "warm CPU ms/sentence", "growth exponent (CPU)"], rows)


def report(results: dict[int, dict[str, Any]], args: argparse.Namespace, elapsed: float,
           load: tuple[list[float], list[float]]) -> str:
    return "\n\n".join([
        f"# analyze speed ({args.data.name}, up to {args.runs} runs per size and mode, {os.cpu_count()} CPUs)",
        table(results),
        ("cold = new `storylens analyze FILE.jsonl --format json -o FILE` process (start-up, model loading, "
         "reading and cleaning included); warm = `storylens.api.analyze(articles=...)` after one warm-up "
         "call on another story (reading and cleaning not included); s = median wall seconds, CPU s = median "
         "user + system CPU seconds of the process (all threads; less sensitive to other load on the machine "
         "than wall time); peak MB = peak RSS of that process (cold: max over runs); "
         "warm base MB = its RSS after the warm-up call with the story read (peak − base = what analyzing "
         "the story adds). "
         "analyze texts/s = texts embedded / warm median s; raw embed() texts/s = the embedder's embed() alone "
         "on the same texts; raw embed_spans() texts/s = its embed_spans() with no spans (the model pass "
         "analyze makes; the faster of the two is the floor); embed share = time inside embed() / warm time. "
         "growth exponent = log(warm CPU time ratio) / log(sentence ratio) against the previous size "
         "(1 linear, 2 quadratic; CPU time because wall time moves with other load on the machine)."),
        (f"Load average (1, 5, 15 min) at start {', '.join(f'{x:.1f}' for x in load[0])}, at end "
         f"{', '.join(f'{x:.1f}' for x in load[1])}: wall times are only comparable between runs made under "
         f"similar load. Total run time {elapsed:.0f} s."),
    ]) + "\n"


def parse_sizes(text: str) -> list[int]:
    try:
        sizes = sorted({int(x) for x in text.split(",") if x.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of integers: {text!r}") from None
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError("sizes must be positive integers")
    return sizes


def main() -> int:
    ap = argparse.ArgumentParser(
        description="Time `storylens analyze` (cold and warm, wall time and peak memory) on stories of "
                    "growing size, against the embedding model's own throughput.",
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split("\n\n", 1)[1])
    ap.add_argument("data", nargs="?", type=Path, default=repo_path(DEFAULT_DATA),
                    help=f"Multi-News or NeuS/AllSides JSONL (default: {DEFAULT_DATA})")
    ap.add_argument("--sizes", type=parse_sizes, default=[3, 10, 30, 100],
                    help="story sizes in articles, comma-separated (default: 3,10,30,100)")
    ap.add_argument("--runs", type=int, default=3, help="runs per size and mode; medians are reported (default: 3)")
    ap.add_argument("--min-words", type=int, default=300, help="shortest document kept (default: 300)")
    ap.add_argument("--max-words", type=int, default=1000, help="longest document kept (default: 1000)")
    ap.add_argument("--budget", type=float, default=600,
                    help="seconds per size and mode after which no further run starts (default: 600)")
    ap.add_argument("--no-cold", action="store_true", help="skip the cold (new process) runs")
    ap.add_argument("--profile", type=int, action="append", default=[], metavar="N",
                    help="also write a cProfile of one warm analyze of the size-N story (repeatable)")
    ap.add_argument("--out", type=Path, default=repo_path(DEFAULT_OUT), help=f"output folder (default: {DEFAULT_OUT})")
    ap.add_argument("--code", metavar="REF",
                    help="warm runs only, side by side: the working tree against a `git archive REF src` snapshot "
                         "(put first on the children's PYTHONPATH), alternating in --rounds rounds")
    ap.add_argument("--rounds", type=int, default=3, help="rounds of --code comparison (default: 3)")
    ap.add_argument("--new", metavar="REF",
                    help="with --code: time a `git archive REF src` snapshot instead of the working tree (so that "
                         "others' uncommitted edits stay out of the comparison)")
    ap.add_argument("--python", action="append", default=[], metavar="PATH",
                    help="with --code: also time the new code under this interpreter (a venv with the project's "
                         "dependencies; repeatable)")
    ap.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--warmup", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--worker-out", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--profile-out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.runs < 1:
        ap.error("--runs must be at least 1")

    if args.worker:
        write_json(args.worker_out, worker(args.worker, args.warmup, args.runs, args.budget,
                                                 args.profile_out))
        return 0

    if not args.data.is_file():
        fail(f"{args.data}: no such file (give the Multi-News or NeuS JSONL as DATA)")
    t0, load0 = time.perf_counter(), list(os.getloadavg())
    args.out.mkdir(parents=True, exist_ok=True)
    pool = article_pool(args.data, args.min_words, args.max_words)
    stories, warmup = write_stories(pool, args.sizes, args.out / "stories")
    progress(f"{len(pool)} documents of {args.min_words}-{args.max_words} words; stories in {args.out / 'stories'}")
    if args.code:
        text = "\n\n".join([
            (f"# warm analyze, {args.new or 'working tree'} against {args.code} ({args.data.name}, {args.rounds} rounds of "
             f"{args.runs} warm runs per code and size, {os.cpu_count()} CPUs)"),
            compare(stories, warmup, args),
            (f"Load average (1, 5, 15 min) at start {', '.join(f'{x:.1f}' for x in load0)}, at end "
             f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}. Total run time {time.perf_counter() - t0:.0f} s.")]) + "\n"
        (args.out / "compare.md").write_text(text, encoding="utf-8")
        print(text)
        return 0
    results: dict[int, dict[str, Any]] = {}
    for size, story in stories.items():
        progress(f"size {size}:")
        c = cold(story, args.runs, args.budget, args.out) if not args.no_cold else NO_COLD
        w = warm(story, warmup, args.runs, args.budget, args.out, size in args.profile)
        results[size] = {"cold": c, "warm": w}
        write_json(args.out / "timings.json", results)
    text = report(results, args, time.perf_counter() - t0, (load0, list(os.getloadavg())))
    (args.out / "results.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
