"""Web app load (issue 5, issue 18): 500 concurrent requests of one story page from a store of 10k articles.

Store: the 10k-article corpus of bench_scale.py (`--corpus`, default benchmarks/out/scale/corpus-10000.jsonl,
built with bench_scale's recipe from ../shared/data when missing), ingested by a `storylens ingest`
process into --db (reused when it already holds the corpus).

Server: a `storylens serve` process (one uvicorn worker, as a user runs it) on a free loopback port.
The story measured is the one with the most distinct (not copied) articles among those of at most
--max-articles articles in all, copies included (a typical brief: the largest stories of this corpus
are hundreds of syndicated copies, whose briefs list every copy pair), or --story. Its page is
requested once to warm it (the brief is analysed then, and cached), then each target gets
--requests requests, all --concurrency at once (one new connection per request), in this order:
  static    GET /static/web.css: baseline, the cheapest response of the same server
  list      GET /api/stories?limit=50: baseline, a store query over all 10k articles
  story     GET /stories/ID: the story page
  article   GET /articles/ID?hl=..: an article page with its highlights (rendered on every request)

Each target is read by each --clients client with each --encodings request:
  httpx     httpx.AsyncClient, as before: a full HTTP client that parses, decompresses and decodes each
            body to text (its CPU time is a browser's, spent on the server's cores)
  raw       asyncio sockets writing one fixed GET and counting the body's bytes to its Content-Length,
            checking only the status, the length and (uncompressed) the page's marker: as little client
            work as a load client can do, so the burst measures the server
  identity  Accept-Encoding: identity (the HTML as it is)
  gzip      Accept-Encoding: gzip, as every browser sends (a server that does not compress answers the HTML)
  revisit   gzip and If-None-Match with the entity tag of the warm-up answer: a reader coming back to an
            unchanged story (304 when the server sends tags, the page again when it does not)
A request counts as an error unless it gets status 200 (or 304 for revisit) with the page the warm-up
got (its marker in the text; the same length in bytes). Latency is from opening the connection to the
end of the body; both clients run in this process, on the same 2-core machine as the server.

--code REF compares committed code: the server runs from a `git archive REF src` snapshot, against the
working tree (or --new REF's snapshot), --rounds times, the order reversed every round, so both meet
the same load; each burst records the load average, the server's CPU seconds and this client's.

Writes benchmarks/out/web/timings.json and results.md; prints the table.

usage: python benchmarks/bench_web.py [--corpus PATH] [--db PATH] [--requests 500] [--concurrency 500]
       [--story ID] [--max-articles 20] [--reuse-db] [--targets static,list,story,article]
       [--clients httpx,raw] [--encodings identity,gzip,revisit] [--code REF [--new REF]] [--rounds 3]
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

from _util import fail, md_table, progress, repo_path, snapshot, write_json

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


def start_server(db: Path, port: int, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([sys.executable, "-m", "storylens.cli", "serve", "--db", str(db), "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
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


# What each --encodings value sends (revisit adds If-None-Match with the warm-up's entity tag).
ENCODINGS = {"identity": {"accept-encoding": "identity"}, "gzip": {"accept-encoding": "gzip, deflate"},
             "revisit": {"accept-encoding": "gzip, deflate"}}


def summary(took: list[float], errors: dict[str, int], statuses: dict[int, int], received: int,
            requests: int, concurrency: int, wall: float) -> dict[str, Any]:
    ms = sorted(t * 1000 for t in took)
    return {"requests": requests, "concurrency": concurrency, "errors": sum(errors.values()), "error_kinds": errors,
            "statuses": {str(k): v for k, v in sorted(statuses.items())}, "body_bytes": received,
            "median_ms": statistics.median(ms), "p99_ms": statistics.quantiles(ms, n=100)[98], "max_ms": ms[-1],
            "wall_s": wall, "rps": requests / wall}


async def httpx_burst(url: str, want: dict[str, Any], headers: dict[str, str], requests: int,
                      concurrency: int) -> dict[str, Any]:
    """``requests`` GETs of ``url`` with httpx, ``concurrency`` in flight at once: latencies and errors."""
    import httpx

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=0)
    gate = asyncio.Semaphore(concurrency)
    errors: dict[str, int] = {}
    statuses: dict[int, int] = {}
    received = 0

    async def one(client: httpx.AsyncClient) -> float:
        nonlocal received
        async with gate:
            started = time.perf_counter()
            try:
                r = await client.get(url, headers=headers)
                statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
                received += len(r.content)
                ok = (r.status_code == 304 and want["revisit"]) or (r.status_code == 200 and want["marker"] in r.text)
                problem = None if ok else f"HTTP {r.status_code}"
            except httpx.HTTPError as exc:
                problem = type(exc).__name__
            if problem:
                errors[problem] = errors.get(problem, 0) + 1
            return time.perf_counter() - started

    async with httpx.AsyncClient(limits=limits, timeout=REQUEST_TIMEOUT) as client:
        started = time.perf_counter()
        took = await asyncio.gather(*(one(client) for _ in range(requests)))
        wall = time.perf_counter() - started
    return summary(list(took), errors, statuses, received, requests, concurrency, wall)


class _Counted(asyncio.Protocol):
    """One GET on a connection of its own: the head parsed once, the body's bytes only counted (and, when
    it is not compressed, searched for the page's marker, a C-speed ``in`` over each chunk)."""

    def __init__(self, request: bytes, marker: bytes, done: asyncio.Future[tuple[int, int, int, bool]]) -> None:
        self.request, self.marker, self.done = request, marker, done
        self.head = b""
        self.status, self.length, self.got, self.found, self.tail = 0, -1, 0, False, b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.transport.write(self.request)  # type: ignore[union-attr]

    def data_received(self, data: bytes) -> None:
        if self.length < 0:
            self.head += data
            end = self.head.find(b"\r\n\r\n")
            if end < 0:
                return
            head, data = self.head[:end].lower(), self.head[end + 4:]
            self.status = int(head.split(b" ", 2)[1])
            fields = dict(line.split(b":", 1) for line in head.split(b"\r\n")[1:] if b":" in line)
            self.length = int(fields.get(b"content-length", b"0").strip() or 0)
            self.found = not self.marker or b"content-encoding" in fields  # a compressed body is checked by length
        self.got += len(data)
        if not self.found:  # the marker in this chunk, or across its start
            self.found = self.marker in data or self.marker in self.tail + data[:len(self.marker)]
            self.tail = data[-len(self.marker):]
        if self.got >= self.length:
            self._finish()

    def _finish(self) -> None:
        if not self.done.done():
            self.done.set_result((self.status, self.length, self.got, self.found))
        if self.transport is not None:
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            self.done.set_exception(exc or ConnectionError("closed before the end of the body"))


async def raw_burst(host: str, port: int, path: str, want: dict[str, Any], headers: dict[str, str],
                    requests: int, concurrency: int) -> dict[str, Any]:
    """``requests`` GETs of ``path`` on raw asyncio connections, ``concurrency`` at once."""
    loop = asyncio.get_running_loop()
    request = (f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
               + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "Connection: close\r\n\r\n").encode()
    marker = want["marker"].encode()
    gate = asyncio.Semaphore(concurrency)
    errors: dict[str, int] = {}
    statuses: dict[int, int] = {}
    received = 0

    async def one() -> float:
        nonlocal received
        async with gate:
            started = time.perf_counter()
            done: asyncio.Future[tuple[int, int, int, bool]] = loop.create_future()
            try:
                transport, _ = await loop.create_connection(lambda: _Counted(request, marker, done), host, port)
                try:
                    status, length, got, found = await asyncio.wait_for(done, REQUEST_TIMEOUT)
                finally:
                    transport.close()
                statuses[status] = statuses.get(status, 0) + 1
                received += got
                if status == 304 and want["revisit"]:
                    problem = None
                elif status != 200:
                    problem = f"HTTP {status}"
                elif got != length or length != want["lengths"].get(status, length):
                    problem = "wrong length"
                else:
                    problem = None if found else "marker missing"
            except (OSError, asyncio.TimeoutError) as exc:
                problem = type(exc).__name__
            if problem:
                errors[problem] = errors.get(problem, 0) + 1
            return time.perf_counter() - started

    started = time.perf_counter()
    took = await asyncio.gather(*(one() for _ in range(requests)))
    wall = time.perf_counter() - started
    return summary(list(took), errors, statuses, received, requests, concurrency, wall)


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


def load1() -> float:
    return round(os.getloadavg()[0], 2)


def warm_up(base: str, url: str, marker: str, encoding: str) -> dict[str, Any]:
    """One request as the burst will send it (httpx, checked in full): what every answer must match."""
    import httpx

    headers = dict(ENCODINGS[encoding])
    r = httpx.get(url, headers=headers, timeout=REQUEST_TIMEOUT)
    if r.status_code != 200 or marker not in r.text:
        fail(f"{url.removeprefix(base)}: HTTP {r.status_code}: {r.text[:200]}")
    want: dict[str, Any] = {"marker": marker, "revisit": False, "etag": r.headers.get("etag"),
                            "encoded": r.headers.get("content-encoding", "identity"),
                            "lengths": {200: int(r.headers.get("content-length", len(r.content)))},
                            "page_bytes": len(r.content), "headers": headers}
    if encoding == "revisit" and want["etag"]:
        want.update(revisit=True, headers={**headers, "if-none-match": want["etag"]})
    return want


def measure(base: str, story: str, article: str, requests: int, concurrency: int, only: list[str],
            clients: list[str], encodings: list[str], server_pid: int | None = None) -> dict[str, Any]:
    import httpx

    from storylens.web.service import article_path, story_path

    story_url = base + story_path(story)
    started = time.perf_counter()
    warm = httpx.get(story_url, headers=ENCODINGS["identity"], timeout=REQUEST_TIMEOUT)
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
    host, port = base.removeprefix("http://").rsplit(":", 1)
    results: dict[str, Any] = {"first_story_page_s": first, "story_page_bytes": len(warm.content), "bursts": []}
    for name, (url, marker) in targets.items():
        if name not in only:
            continue
        for encoding in encodings:
            want = warm_up(base, url, marker, encoding)
            for client in clients:
                progress(f"  {name} / {client} / {encoding}: {requests} requests, {concurrency} at once")
                load, server, mine = load1(), process_cpu(server_pid), own_cpu()
                if client == "raw":
                    path = url.removeprefix(base)
                    burst = asyncio.run(raw_burst(host, int(port), path, want, want["headers"], requests, concurrency))
                else:
                    burst = asyncio.run(httpx_burst(url, want, want["headers"], requests, concurrency))
                # where the burst's time went: the server's CPU and this client's (both on the same cores)
                results["bursts"].append({
                    "target": name, "client": client, "encoding": encoding, "url": url.removeprefix(base),
                    "answered_as": "304" if want["revisit"] else want["encoded"],
                    "sent_bytes": 0 if want["revisit"] else want["lengths"][200],
                    **burst, "server_cpu_s": round(process_cpu(server_pid) - server, 2),
                    "client_cpu_s": round(own_cpu() - mine, 2), "load1": load})
    return results


def _med(values: list[float], fmt: str = "{:.0f}") -> str:
    return fmt.format(statistics.median(values)) if values else "-"


def report(meta: dict[str, Any], runs: list[dict[str, Any]], command: str) -> str:
    """One row per target, client, encoding and code: p99 of each run, medians over the runs."""
    groups: dict[tuple[str, str, str, str], list[dict[str, Any]]] = {}
    for run in runs:
        for b in run["results"]["bursts"]:
            groups.setdefault((b["target"], b["client"], b["encoding"], run["code"]), []).append(b)
    order = {name: i for i, name in enumerate(("static", "list", "story", "article"))}
    rows = []
    for (target, client, encoding, code), bursts in sorted(groups.items(), key=lambda kv: (
            order.get(kv[0][0], 9), kv[0][1], kv[0][2], [r["code"] for r in runs].index(kv[0][3]))):
        rows.append([target, client, encoding, code, bursts[0]["answered_as"], f"{bursts[0]['sent_bytes'] / 1000:.0f}",
                     " / ".join(f"{b['p99_ms']:.0f}" for b in bursts), _med([b["p99_ms"] for b in bursts]),
                     _med([b["median_ms"] for b in bursts]), sum(b["errors"] for b in bursts),
                     _med([b["server_cpu_s"] for b in bursts], "{:.2f}"), _med([b["client_cpu_s"] for b in bursts], "{:.2f}"),
                     "-".join(f"{x:.1f}" for x in (min(b["load1"] for b in bursts), max(b["load1"] for b in bursts)))])
    table = md_table(["target", "client", "asks", "code", "answered", "KB sent", "p99 ms per run", "p99 median",
                      "median ms", "errors", "server CPU s", "client CPU s", "load 1 min"], rows)
    first = runs[0]["results"]
    return "\n".join([
        f"`{command}`", "",
        (f"store: {meta['store']['articles']:,} articles, {meta['stories']:,} stories; story {meta['story']} "
         f"({meta['story_articles']} articles), page {first['story_page_bytes'] / 1000:.0f} KB; "
         f"{meta['requests']} requests per burst, {meta['concurrency']} at once, one new connection each; "
         f"{len(runs)} server runs ({', '.join(r['code'] for r in runs)}); load average {meta['load_before']} → "
         f"{meta['load_after']} on {os.cpu_count()} cores; client and server on this machine"), "", table])


def contenders(args: argparse.Namespace, out: Path) -> list[tuple[str, dict[str, str] | None]]:
    """(label, server environment) of each code measured: --code's snapshot, then --new's or the tree."""
    def on_path(src: Path) -> dict[str, str]:
        return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(src), os.environ.get("PYTHONPATH")]))}

    tree = subprocess.run(["git", "rev-parse", "--short", "HEAD"], check=False, capture_output=True, text=True,
                          cwd=repo_path(".")).stdout.strip() or "unknown"
    if not args.code:
        return [(f"working tree ({tree})", None)]
    old_src, old_sha = snapshot(args.code, out)
    found = [(old_sha[:9], on_path(old_src))]
    if args.new and Path(args.new, "storylens").is_dir():  # a src folder made by hand (a snapshot with a patch)
        return [*found, (Path(args.new).resolve().parent.name, on_path(Path(args.new).resolve()))]
    if args.new:
        new_src, new_sha = snapshot(args.new, out)
        return [*found, (new_sha[:9], on_path(new_src))]
    return [*found, (f"working tree ({tree})", on_path(repo_path("src")))]


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
    ap.add_argument("--clients", default="raw,httpx", help="load clients, comma-separated: raw, httpx")
    ap.add_argument("--encodings", default="gzip,identity", help="requests, comma-separated: identity, gzip, revisit")
    ap.add_argument("--code", metavar="REF", default=None, help="also serve from a snapshot of this commit")
    ap.add_argument("--new", metavar="REF", default=None,
                    help="with --code: a snapshot instead of the working tree (or a src folder holding storylens)")
    ap.add_argument("--rounds", type=int, default=1, help="server runs per code, interleaved (default 1)")
    ap.add_argument("--out", default=str(repo_path(DEFAULT_OUT)))
    args = ap.parse_args()
    clients, encodings = args.clients.split(","), args.encodings.split(",")
    if not set(clients) <= {"raw", "httpx"} or not set(encodings) <= set(ENCODINGS):
        fail(f"--clients takes raw, httpx; --encodings takes {', '.join(ENCODINGS)}")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    corpus = corpus_path(args.corpus, out)
    db = Path(args.db) if args.db else out / f"store-{lines(corpus)}.db"
    meta: dict[str, Any] = {"corpus": str(corpus),
                            "store": {"reused": True} if args.reuse_db else build_store(corpus, db),
                            "load_before": " / ".join(f"{x:.1f}" for x in os.getloadavg()),
                            "requests": args.requests, "concurrency": args.concurrency}
    meta["store"]["articles"] = stored(db)
    story, n, article = pick_story(db, args.story, args.max_articles)
    with sqlite3.connect(db) as con:
        meta["stories"] = con.execute("SELECT count(*) FROM stories").fetchone()[0]
    meta.update(story=story, story_articles=n, article=article)
    codes = contenders(args, out)
    runs = []
    for round_ in range(args.rounds):
        for label, env in (codes if round_ % 2 == 0 else codes[::-1]):
            progress(f"round {round_ + 1}: {label}")
            port = free_port()
            server = start_server(db, port, env)
            try:
                results = measure(f"http://127.0.0.1:{port}", story, article, args.requests, args.concurrency,
                                  args.targets.split(","), clients, encodings, server.pid)
            finally:
                server.terminate()
                server.wait(timeout=30)
            runs.append({"code": label, "round": round_ + 1, "results": results})
    meta["load_after"] = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    write_json(out / "timings.json", {"meta": meta, "runs": runs})
    command = "python benchmarks/bench_web.py " + " ".join(sys.argv[1:])
    text = report(meta, runs, command.strip())
    (out / "results.md").write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
