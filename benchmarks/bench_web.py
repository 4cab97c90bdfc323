"""Web app load (issue 5): 500 concurrent requests of one story page from a store of 10k articles.

Store: the 10k-article corpus of bench_scale.py (`--corpus`, default benchmarks/out/scale/corpus-10000.jsonl,
built with bench_scale's recipe from ../shared/data when missing), ingested by a `storylens ingest`
process into --db (reused when it already holds the corpus).

Server: a `storylens serve` process (one uvicorn worker, as a user runs it) on a free loopback port.
The story measured is the one with the most distinct (not copied) articles among those of at most
--max-articles articles in all, copies included (a typical brief: the largest stories of this corpus
are hundreds of syndicated copies, whose briefs list every copy pair), or --story. Its page is
requested once to warm it (the brief is analysed then, and cached), then each target gets
--requests requests, all --concurrency at once (httpx.AsyncClient, one connection per request in
flight), in this order:
  static    GET /static/web.css: baseline, the cheapest response of the same server
  list      GET /api/stories?limit=50: baseline, a store query over all 10k articles
  story     GET /stories/ID: the story page
  article   GET /articles/ID?hl=..: an article page with its highlights (rendered on every request)
A request counts as an error unless it gets status 200 with the page's expected content. Latency
is from sending the request to the end of the body, connection set-up included; the client runs on
the same 2-core machine as the server.

Writes benchmarks/out/web/timings.json and results.md; prints the table.

usage: python benchmarks/bench_web.py [--corpus PATH] [--db PATH] [--requests 500] [--concurrency 500]
       [--story ID] [--max-articles 20] [--reuse-db] [--targets static,list,story,article]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from _util import fail, md_table, progress, repo_path, write_json

DEFAULT_CORPUS = "benchmarks/out/scale/corpus-10000.jsonl"
DEFAULT_OUT = "benchmarks/out/web"
# Seconds to wait for the server to answer after start, and for one request under load.
START_TIMEOUT, REQUEST_TIMEOUT = 60.0, 300.0


def corpus_path(given: str | None, out: Path) -> Path:
    if given:
        return Path(given)
    path = repo_path(DEFAULT_CORPUS)
    if path.is_file():
        return path
    import bench_scale  # the same corpus recipe; builds corpus-10000.jsonl from ../shared/data

    data = repo_path(bench_scale.DEFAULT_DATA)
    if not (data / "multi-news-val").is_dir():
        fail(f"no corpus at {path} and no development data at {data}; give --corpus")
    recipe = argparse.Namespace(distinct=0.15, seed=13, min_words=50)
    return bench_scale.corpus_file(out, data, 10_000, recipe, {})[0]


def lines(path: Path) -> int:
    with path.open("rb") as f:
        return sum(1 for line in f if line.strip())


def stored(db: Path) -> int:
    if not db.is_file():
        return 0
    with sqlite3.connect(db) as con:
        try:
            return int(con.execute("SELECT count(*) FROM articles").fetchone()[0])
        except sqlite3.DatabaseError:
            return 0


def build_store(corpus: Path, db: Path) -> dict[str, Any]:
    """Ingest the corpus with the CLI unless --db already holds it."""
    n = lines(corpus)
    if stored(db) >= n - 100:  # the cleaner rejects a few empty pages (18 of 10k; RESULTS.md, issue 4)
        progress(f"reusing {db} ({stored(db):,} articles)")
        return {"reused": True, "articles": stored(db)}
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    db.parent.mkdir(parents=True, exist_ok=True)
    progress(f"ingesting {n:,} articles into {db} (a few minutes)")
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "storylens.cli", "ingest", str(corpus), "--db", str(db),
                          "--format", "json"], check=True, capture_output=True, text=True).stdout
    return {"reused": False, "seconds": round(time.perf_counter() - started, 1), **json.loads(out)}


def pick_story(db: Path, wanted: str | None, max_articles: int) -> tuple[str, int, str]:
    """(story id, its articles, one of its article ids)."""
    with sqlite3.connect(db) as con:
        rows = con.execute("SELECT m.story, count(*), sum(a.duplicate_of IS NULL) FROM membership m JOIN articles a"
                           " ON a.id = m.article GROUP BY m.story ORDER BY 3 DESC, 2 DESC").fetchall()
        fit = [r[:2] for r in rows if (r[0] == wanted if wanted else r[1] <= max_articles)]
        if not fit:
            fail(f"no story {'with id ' + wanted if wanted else f'of at most {max_articles} articles'}")
        story, n = fit[0]
        article = con.execute("SELECT article FROM membership WHERE story=? ORDER BY seq LIMIT 1", (story,)).fetchone()[0]
    return story, n, article


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: Path, port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([sys.executable, "-m", "storylens.cli", "serve", "--db", str(db), "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    import httpx

    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            fail(f"the server exited: {proc.stderr.read().decode() if proc.stderr else ''}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/static/web.css", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.terminate()
    fail("the server did not answer within a minute")
    raise AssertionError  # unreachable


async def burst(url: str, expect: str, requests: int, concurrency: int) -> dict[str, Any]:
    """``requests`` GETs of ``url``, ``concurrency`` in flight at once: latencies and errors."""
    import httpx

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=0)
    gate = asyncio.Semaphore(concurrency)
    errors: dict[str, int] = {}

    async def one(client: httpx.AsyncClient) -> float:
        async with gate:
            started = time.perf_counter()
            try:
                r = await client.get(url)
                problem = None if r.status_code == 200 and expect in r.text else f"HTTP {r.status_code}"
            except httpx.HTTPError as exc:
                problem = type(exc).__name__
            if problem:
                errors[problem] = errors.get(problem, 0) + 1
            return time.perf_counter() - started

    async with httpx.AsyncClient(limits=limits, timeout=REQUEST_TIMEOUT) as client:
        started = time.perf_counter()
        took = await asyncio.gather(*(one(client) for _ in range(requests)))
        wall = time.perf_counter() - started
    ms = sorted(t * 1000 for t in took)
    return {"requests": requests, "concurrency": concurrency, "errors": sum(errors.values()), "error_kinds": errors,
            "median_ms": statistics.median(ms), "p99_ms": statistics.quantiles(ms, n=100)[98], "max_ms": ms[-1],
            "wall_s": wall, "rps": requests / wall}


def process_cpu(pid: int | None) -> float:
    """User + system CPU seconds of process ``pid`` so far (Linux /proc; 0.0 elsewhere or for None)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def own_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(base: str, story: str, article: str, requests: int, concurrency: int,
            only: list[str] | None = None, server_pid: int | None = None) -> dict[str, Any]:
    import httpx

    from storylens.web.service import article_path, story_path

    story_url = base + story_path(story)
    started = time.perf_counter()
    warm = httpx.get(story_url, timeout=REQUEST_TIMEOUT)
    if warm.status_code != 200:
        fail(f"story page: HTTP {warm.status_code}: {warm.text[:200]}")
    first = time.perf_counter() - started
    hl = warm.text.split(f'href="{article_path(article)}?hl=', 1)[-1].split("#", 1)[0] if "?hl=" in warm.text else ""
    targets = {
        "static": (base + "/static/web.css", "nav.site"),
        "list": (base + "/api/stories?limit=50", '"storylens.story-list/1"'),
        "story": (story_url, '<section id="consensus">'),
        "article": (base + article_path(article) + (f"?hl={hl}" if "-" in hl else ""), 'class="article-text"'),
    }
    results: dict[str, Any] = {"first_story_page_s": first, "story_page_bytes": len(warm.content)}
    for name, (url, expect) in targets.items():
        if only and name not in only:
            continue
        progress(f"{name}: {requests} requests, {concurrency} at once")
        server, client = process_cpu(server_pid), own_cpu()
        results[name] = {"url": url.removeprefix(base), **asyncio.run(burst(url, expect, requests, concurrency))}
        # where the burst's time went: the server's CPU and this client's (both on the same cores)
        results[name].update(server_cpu_s=round(process_cpu(server_pid) - server, 2),
                             client_cpu_s=round(own_cpu() - client, 2))
    return results


def report(meta: dict[str, Any], results: dict[str, Any], command: str) -> str:
    rows = []
    for name in ("static", "list", "story", "article"):
        if name not in results:
            continue
        r = results[name]
        rows.append([name, f"`GET {r['url'][:60]}`", r["requests"], r["concurrency"], r["errors"],
                     f"{r['median_ms']:.0f}", f"{r['p99_ms']:.0f}", f"{r['max_ms']:.0f}", f"{r['rps']:.0f}",
                     r.get("server_cpu_s", "-"), r.get("client_cpu_s", "-")])
    table = md_table(["target", "request", "requests", "concurrent", "errors", "median ms", "p99 ms", "max ms",
                      "requests/s", "server CPU s", "client CPU s"], rows)
    return "\n".join([
        f"`{command}`", "",
        (f"storylens code: {meta['code']}; store: {meta['store']['articles']:,} articles, {meta['stories']:,} "
         f"stories; story {meta['story']} ({meta['story_articles']} articles), page "
         f"{results['story_page_bytes'] / 1000:.0f} KB, first request (analysis) {results['first_story_page_s']:.1f} s; "
         f"load average {meta['load_before']} → {meta['load_after']} on {os.cpu_count()} cores"), "", table])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", default=None, help=f"JSONL corpus (default {DEFAULT_CORPUS})")
    ap.add_argument("--db", default=None, help="the store to build or reuse (default under --out)")
    ap.add_argument("--requests", type=int, default=500)
    ap.add_argument("--concurrency", type=int, default=500)
    ap.add_argument("--story", default=None, help="story id to request (default: see above)")
    ap.add_argument("--max-articles", type=int, default=20)
    ap.add_argument("--reuse-db", action="store_true", help="use --db as it is, whatever it holds")
    ap.add_argument("--targets", default="static,list,story,article", help="which targets, comma-separated")
    ap.add_argument("--out", default=str(repo_path(DEFAULT_OUT)))
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    corpus = corpus_path(args.corpus, out)
    db = Path(args.db) if args.db else out / f"store-{lines(corpus)}.db"
    meta: dict[str, Any] = {"corpus": str(corpus),
                            "store": {"reused": True} if args.reuse_db else build_store(corpus, db),
                            "load_before": " / ".join(f"{x:.1f}" for x in os.getloadavg())}
    meta["store"]["articles"] = stored(db)
    meta["code"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], check=False, capture_output=True, text=True,
                                  cwd=repo_path(".")).stdout.strip() or "unknown"
    story, n, article = pick_story(db, args.story, args.max_articles)
    with sqlite3.connect(db) as con:
        meta["stories"] = con.execute("SELECT count(*) FROM stories").fetchone()[0]
    meta.update(story=story, story_articles=n, article=article)
    port = free_port()
    server = start_server(db, port)
    try:
        results = measure(f"http://127.0.0.1:{port}", story, article, args.requests, args.concurrency,
                          args.targets.split(","), server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    meta["load_after"] = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    write_json(out / "timings.json", {"meta": meta, "results": results})
    command = "python benchmarks/bench_web.py " + " ".join(sys.argv[1:])
    text = report(meta, results, command.strip())
    (out / "results.md").write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
