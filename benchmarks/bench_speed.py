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

Measured per size, medians of --runs runs:
  cold  a new `storylens analyze STORY.jsonl --format json -o FILE` process per run: wall time and
        its peak RSS (os.wait4 rusage of that child alone); includes start-up, model loading, reading
        and cleaning the JSONL.
  warm  one child process per size: reads the warm-up story and the story (storylens.ingest.
        read_inputs), calls storylens.api.analyze(articles=warm-up) once to load every model, then
        times storylens.api.analyze(articles=story) --runs times. Peak RSS is that child's maximum
        (warm-up included). The embedder's embed() is wrapped to count the texts embedded inside
        analyze and the time spent in it.
  raw   the embedding model alone on exactly the texts analyze embedded (one embed() call over all
        of them): the throughput floor nothing in analyze can beat.
  sentences / units: prepare()'s sentences and clause units, counted with a stub embedder.

Writes to --out: stories/*.jsonl, brief-<N>.json (the cold run's output), timings.json (every
measurement), results.md; prints the table. --profile N adds profile-<N>.txt (cProfile of one warm
analyze on the size-N story, top functions by cumulative time).

usage: python benchmarks/bench_speed.py [DATA] [--sizes 3,10,30,100] [--runs 3] [--out DIR]
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

from _util import fail, md_table, progress, repo_path, write_json

DEFAULT_DATA = "../shared/data/multi-news-val/validation.jsonl"
DEFAULT_OUT = "benchmarks/out/speed"
WARMUP_ARTICLES = 3

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


def run_child(cmd: list[str], log: Path) -> tuple[float, float, int]:
    """Run ``cmd`` to the end: (wall seconds, peak RSS MB of that process, exit status)."""
    with log.open("wb") as err:
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024, proc.returncode


def cold(story: Path, runs: int, out: Path) -> dict[str, Any]:
    times, peaks = [], []
    brief = out / f"brief-{story.stem.removeprefix('story-')}.json"
    for r in range(runs):
        log = out / "cold.log"
        wall, peak, status = run_child([*cli_command(), "analyze", str(story), "--format", "json", "-o", str(brief)], log)
        if status != 0:
            fail(f"storylens analyze {story} exited {status}: {log.read_text(errors='replace')[-600:]}")
        times.append(wall)
        peaks.append(peak)
        progress(f"  cold run {r + 1}/{runs}: {wall:.1f} s, {peak:.0f} MB")
    return {"seconds": times, "peak_mb": peaks}


# ------------------------------------------------------------------ warm: a worker child per size


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class _Recorder:
    """Wraps an embedder's embed(): texts passed in and seconds spent, per analyze call."""

    def __init__(self, embed: Any) -> None:
        self.inner, self.texts, self.seconds = embed, [], 0.0

    def __call__(self, texts: Any) -> Any:
        t = time.perf_counter()
        try:
            return self.inner(texts)
        finally:
            self.seconds += time.perf_counter() - t
            self.texts.extend(texts)

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
    except Exception as exc:  # prepare() is being changed by others: report, do not stop the timing
        progress(f"  could not count sentences with prepare(): {type(exc).__name__}: {exc}")
        return None, None


def worker(story: Path, warmup: Path, runs: int, profile: Path | None) -> dict[str, Any]:
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
    rec = _Recorder(embedder.embed)
    embedder.embed = rec  # type: ignore[method-assign]
    times, embed_s, embedded = [], [], []
    for _ in range(runs):
        rec.reset()
        t = time.perf_counter()
        storylens.api.analyze(articles=articles)
        times.append(time.perf_counter() - t)
        embed_s.append(rec.seconds)
        embedded.append(len(rec.texts))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    texts = list(rec.texts)
    raw = []
    for _ in range(runs):
        t = time.perf_counter()
        rec.inner(texts)
        raw.append(time.perf_counter() - t)
    if profile is not None:
        write_profile(lambda: storylens.api.analyze(articles=articles), profile)
    sentences, units = count_units(articles)
    return {"articles": len(articles), "sentences": sentences, "units": units, "ingest_s": ingest_s,
            "warmup_s": warmup_s, "seconds": times, "embed_in_analyze_s": embed_s, "texts_embedded": embedded,
            "raw_embed_s": raw, "rss_after_warmup_mb": base_mb, "peak_mb": peak_mb}


def write_profile(call: Any, path: Path) -> None:
    import cProfile
    import io
    import pstats

    prof = cProfile.Profile()
    prof.runcall(call)
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(40)
    path.write_text(buf.getvalue(), encoding="utf-8")


def warm(story: Path, warmup: Path, runs: int, out: Path, profile: bool) -> dict[str, Any]:
    n = story.stem.removeprefix("story-")
    result, log = out / f"warm-{n}.json", out / "warm.log"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", str(story), "--warmup", str(warmup),
           "--runs", str(runs), "--worker-out", str(result)]
    if profile:
        cmd += ["--profile-out", str(out / f"profile-{n}.txt")]
    wall, child_peak, status = run_child(cmd, log)
    if status != 0:
        fail(f"warm worker on {story} exited {status}: {log.read_text(errors='replace')[-600:]}")
    data = json.loads(result.read_text(encoding="utf-8"))
    result.unlink()
    data["peak_mb"] = max(data["peak_mb"], child_peak)
    progress(f"  warm: {', '.join(f'{s:.1f}' for s in data['seconds'])} s, {data['peak_mb']:.0f} MB "
             f"({wall:.0f} s in all)")
    return data


# ------------------------------------------------------------------ report


def _med(xs: list[float]) -> float:
    return statistics.median(xs)


def table(results: dict[int, dict[str, Any]]) -> str:
    rows, prev = [], None
    for size, r in results.items():
        w, c = r["warm"], r["cold"]
        warm_s, texts = _med(w["seconds"]), _med(w["texts_embedded"])
        sents = w["sentences"] or 0
        growth = "–"
        if prev and sents and prev[0] and sents != prev[0]:
            growth = f"{math.log(warm_s / prev[1]) / math.log(sents / prev[0]):.2f}"
        rows.append([
            size, w["articles"], w["sentences"], w["units"], int(texts),
            f"{_med(c['seconds']):.1f}", f"{max(c['peak_mb']):.0f}",
            f"{warm_s:.2f}", f"{w['peak_mb']:.0f}",
            f"{texts / warm_s:.0f}", f"{texts / _med(w['raw_embed_s']):.0f}",
            f"{100 * _med(w['embed_in_analyze_s']) / warm_s:.0f}%",
            f"{1000 * warm_s / sents:.1f}" if sents else "–",
            f"{1000 * _med(c['seconds']) / sents:.1f}" if sents else "–", growth])
        prev = (sents, warm_s)
    return md_table(["size", "articles", "sentences", "units", "texts embedded", "cold median s",
                     "cold peak MB", "warm median s", "warm peak MB", "analyze texts/s",
                     "raw embedder texts/s", "embed share of warm", "warm ms/sentence",
                     "cold ms/sentence", "growth exponent"], rows)


def report(results: dict[int, dict[str, Any]], args: argparse.Namespace, elapsed: float) -> str:
    return "\n\n".join([
        f"# analyze speed ({args.data.name}, {args.runs} runs per size, {os.cpu_count()} CPUs)",
        table(results),
        "cold = new `storylens analyze FILE.jsonl --format json -o FILE` process (start-up, model loading, "
        "reading and cleaning included); warm = `storylens.api.analyze(articles=...)` after one warm-up "
        "call on another story; peak MB = peak RSS of that process (cold: max over runs). "
        "analyze texts/s = texts embedded / warm median s; raw embedder texts/s = the embedder alone "
        "on the same texts; embed share = time inside embed() / warm time. "
        "growth exponent = log(warm time ratio) / log(sentence ratio) against the previous size "
        "(1 linear, 2 quadratic).",
        f"Total run time {elapsed:.0f} s.",
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
    ap.add_argument("--no-cold", action="store_true", help="skip the cold (new process) runs")
    ap.add_argument("--profile", type=int, action="append", default=[], metavar="N",
                    help="also write a cProfile of one warm analyze of the size-N story (repeatable)")
    ap.add_argument("--out", type=Path, default=repo_path(DEFAULT_OUT), help=f"output folder (default: {DEFAULT_OUT})")
    ap.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--warmup", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--worker-out", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--profile-out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.runs < 1:
        ap.error("--runs must be at least 1")

    if args.worker:
        write_json(args.worker_out, worker(args.worker, args.warmup, args.runs, args.profile_out))
        return 0

    if not args.data.is_file():
        fail(f"{args.data}: no such file (give the Multi-News or NeuS JSONL as DATA)")
    t0 = time.perf_counter()
    args.out.mkdir(parents=True, exist_ok=True)
    pool = article_pool(args.data, args.min_words, args.max_words)
    stories, warmup = write_stories(pool, args.sizes, args.out / "stories")
    progress(f"{len(pool)} documents of {args.min_words}-{args.max_words} words; stories in {args.out / 'stories'}")
    results: dict[int, dict[str, Any]] = {}
    for size, story in stories.items():
        progress(f"size {size}:")
        c = cold(story, args.runs, args.out) if not args.no_cold else {"seconds": [math.nan], "peak_mb": [math.nan]}
        results[size] = {"cold": c, "warm": warm(story, warmup, args.runs, args.out, size in args.profile)}
        write_json(args.out / "timings.json", results)
    text = report(results, args, time.perf_counter() - t0)
    (args.out / "results.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
