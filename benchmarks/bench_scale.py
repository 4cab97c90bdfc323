"""Corpus scale (issue 4): `storylens ingest` (read + dedup + cluster + store) of 1k, 10k and 100k articles.

Corpus (deterministic; built once per size and parameters into --out/corpus-<N>.jsonl, then reused):
  Real articles: every Multi-News validation document, NeuS/AllSides article, WikiRef220 text and
  SemEval-2022 task 8 text whose language is "en", of --min-words (default 50) or more words, exact
  repeats (after whitespace normalisation) dropped. (NeuS/AllSides articles are leads of at most
  ~95 words, so a 100-word floor would drop them all.) ClaimDiff is not used: its article_a/article_b fields hold
  titles, not article text. Multi-News clusters and NeuS stories are the "story groups".
  Of the N articles of a size, D = round(--distinct * N) are distinct: half real articles (seeded
  sample of the pool, at most the whole pool) and the rest REWRITES; the other N - D are COPIES.
  Rewrite: a new article on one story group: 2-3 of its members, 30-50% of each one's sentences,
  pooled, shuffled and regrouped into paragraphs of 2-4 sentences, titled with one member's title.
    Each is checked against its sources (5-shingle Jaccard below 0.35; dedup links at 0.5) and
    against every text made so far (no exact repeat), so dedup keeps it and it is embedded.
  Copy (syndication): a real article of at least COPY_MIN_WORDS (100) words (on a shorter one a
    few edits would already push it under dedup's threshold) with 2-4 of these edits: a boilerplate line at the top or the
    bottom; one short paragraph (< 15% of the words) dropped; 2-4 words replaced; straight quotes
    made curly or curly made straight; whitespace changed (paragraph breaks, double spaces). Dedup
    should link each to its original (or to an earlier copy of it), so copies are not embedded.
  Order: each distinct article gets a seeded uniform arrival time in [0, 1); a copy arrives a short
  exponential delay (mean 0.03) after its original, 10% of copies before it; sorted by time, so
  copies mostly follow their originals but interleave with everything else.
  Lines: {"id", "title", "text"}; ids r-<pool index> (real), w-<k> (rewrite), c-<k> (copy).

Measured per size (--runs runs, medians and ranges; default 3 up to 10k articles, 1 above):
  ingest   a new process `storylens ingest corpus-<N>.jsonl --db <fresh temp db> --format json`:
           wall time, CPU time and peak RSS of that child alone (os.wait4 rusage), the counts it
           prints (kept = embedded and clustered, duplicates, new stories), stories in the store and
           the size of the database files. os.getloadavg() before and after each size.
  embed    baseline, one process: storylens.embed.get_embedder().embed() on the title+lead texts
           (storylens.cluster.lead_text) of the kept articles of the last ingest run, read back from
           its store, in one call: the model floor no ingest can beat (--embed-cap limits the texts
           to the first K; the rate then extrapolates the time).
  dedup    baseline, one process: storylens.dedup.NearDuplicates().add_many() over all N texts in
           arrival order: the share of near-duplicate detection.
Code measured: other people edit src/ while benchmarks run, so by default (--code head) every child
runs on a snapshot of the committed src/ at HEAD (`git archive HEAD src`, extracted under --out and
put first on PYTHONPATH); results.md names the commit. --code tree runs the working tree instead.
Growth exponent between consecutive sizes: log(t2/t1) / log(n2/n1), for n = articles and for
n = embedded (kept) articles. Linear is 1, quadratic 2.

--profile [N] (default 10000) adds profile-<N>.txt: cProfile of storylens.corpus.ingest() on the
size-N corpus in a child process, top functions by cumulative and by own time.

Writes to --out: corpus-<N>.jsonl and corpus-<N>.json (composition), timings.json, results.md; prints
the table.

usage: python benchmarks/bench_scale.py [DATA] [--sizes 1000,10000,100000] [--runs R] [--distinct 0.15]
       [--seed 13] [--embed-cap K] [--profile [N]] [--out DIR]
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import math
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _util import fail, md_table, progress, repo_path, snapshot, write_json

DEFAULT_DATA = "../shared/data"
DEFAULT_OUT = "benchmarks/out/scale"
CORPUS_VERSION = 2  # bump when the corpus recipe changes, so old corpus files are rebuilt
COPY_DELAY = 0.03  # mean arrival delay of a copy after its original (fraction of the stream)
EARLY_COPIES = 0.10  # share of copies that arrive before their original
REWRITE_MAX_JACCARD = 0.35
COPY_MIN_WORDS = 100  # copies are made of real articles at least this long  # a rewrite's 5-shingle Jaccard with each source stays below this

# Invented syndication lines (not taken from any data set); {o} is an invented outlet name.
BOILERPLATE = [
    "This story was first published by {o} and is republished with permission.",
    "Copyright {y} {o}. All rights reserved. This material may not be redistributed.",
    "Sign up for the {o} morning newsletter to get stories like this in your inbox.",
    "({o}) -",
    "Follow {o} on social media for the latest updates.",
    "Reporting by {o} staff; editing by the news desk.",
]
OUTLETS = ["Harbor Courier", "Metro Wire", "Valley Dispatch", "Northern Ledger", "Capital Post", "Coastline News"]
SWAPS = ["officials", "people", "report", "week", "statement", "country", "city", "group", "plan", "case"]

_SENTENCE = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)]*\s+(?=[\"'\u201c\u2018(]?[A-Z0-9])")
_PARAGRAPH = re.compile(r"\s*\n\s*")

# ------------------------------------------------------------------ the pool of real articles


def _norm(text: str) -> str:
    return " ".join(text.split())


def _jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def real_pool(data: Path, min_words: int) -> tuple[list[dict[str, Any]], dict[str, list[int]], dict[str, int]]:
    """Real articles ({title, text, group}), the story groups (group -> pool indices), count per set."""
    raw: list[tuple[str, str, str, str | None]] = []  # (set, title, text, group)
    for r in _jsonl(data / "multi-news-val" / "validation.jsonl"):
        raw += [("multi-news", "", d, f"mn-{r['id']}") for d in r.get("documents", []) if isinstance(d, str)]
    for i, r in enumerate(_jsonl(data / "neus-allsides-val" / "val.jsonl")):
        raw += [("neus", a.get("title") or "", a.get("text") or "", f"neus-{r.get('id', i)}")
                for a in r.get("articles", []) if isinstance(a, dict)]
    for r in _jsonl(data / "wikiref220" / "wikiref220.jsonl"):
        raw.append(("wikiref220", r.get("title") or "", r.get("text") or "", None))
    csv.field_size_limit(1 << 30)
    with (data / "semeval2022-task8-train" / "training_set.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            for k in ("1", "2"):
                if row.get(f"lang{k}") == "en":
                    raw.append(("semeval", "", row.get(f"text{k}") or "", None))
    pool, groups, per_set, seen = [], {}, {}, set()
    for name, title, text, group in raw:
        key = _norm(text)
        if len(key.split()) < min_words or key in seen:
            continue
        seen.add(key)
        if group:
            groups.setdefault(group, []).append(len(pool))
        pool.append({"title": title.strip(), "text": text.strip(), "group": group})
        per_set[name] = per_set.get(name, 0) + 1
    return pool, {g: m for g, m in groups.items() if len(m) >= 2}, per_set


# ------------------------------------------------------------------ variants


def _paragraphs(text: str) -> list[str]:
    return [p for p in _PARAGRAPH.split(text) if p.strip()]


def _sentences(text: str) -> list[str]:
    return [s.strip() for p in _paragraphs(text) for s in _SENTENCE.split(p) if s.strip()]


def _shingles(text: str) -> Any:
    from storylens.dedup import _shingle_set, normalize, shingle_hashes

    return _shingle_set(shingle_hashes(normalize(text)))


def syndicate(text: str, rng: random.Random) -> tuple[str, list[str]]:
    """A syndicated copy of ``text`` with 2-4 random edits, and the names of the edits made."""
    paras = _paragraphs(text)
    edits = rng.sample(["boilerplate", "drop", "words", "quotes", "whitespace"], rng.randint(2, 4))
    done = []
    if "drop" in edits and len(paras) >= 4:
        total = sum(len(p.split()) for p in paras)
        short = [i for i, p in enumerate(paras) if len(p.split()) < 0.15 * total]
        if short:
            del paras[rng.choice(short)]
            done.append("drop")
    if "words" in edits:
        i = rng.randrange(len(paras))
        words = paras[i].split(" ")
        spots = [k for k, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
        for k in rng.sample(spots, min(len(spots), rng.randint(2, 4))):
            words[k] = rng.choice(SWAPS)
        paras[i] = " ".join(words)
        done.append("words")
    if "boilerplate" in edits:
        line = rng.choice(BOILERPLATE).format(o=rng.choice(OUTLETS), y=rng.randint(2015, 2024))
        paras = [line, *paras] if rng.random() < 0.5 else [*paras, line]
        done.append("boilerplate")
    out = ("\n\n" if "whitespace" in edits else "\n").join(paras)
    if "whitespace" in edits:
        out = out.replace(". ", ".  ") + "\n"
        done.append("whitespace")
    if "quotes" in edits:
        if any(q in out for q in "\u201c\u201d\u2019"):
            out = out.replace("\u201c", '"').replace("\u201d", '"').replace("\u2019", "'")
        else:
            out = re.sub(r'"(\S[^"]*?)"', "\u201c\\1\u201d", out).replace("'", "\u2019")
        done.append("quotes")
    return out, done


def rewrite(pool: list[dict[str, Any]], members: list[int], rng: random.Random) -> tuple[str, str, list[int]]:
    """(title, text, sources) of a new article built from the sentences of 2-3 members of one story."""
    sources = rng.sample(members, min(len(members), rng.choice([2, 3])))
    taken: list[str] = []
    for m in sources:
        sents = _sentences(pool[m]["text"])
        k = max(2, round(len(sents) * rng.uniform(0.3, 0.5)))
        taken += rng.sample(sents, min(k, len(sents)))
    rng.shuffle(taken)
    paras, i = [], 0
    while i < len(taken):
        n = rng.randint(2, 4)
        paras.append(" ".join(taken[i:i + n]))
        i += n
    title = next((pool[m]["title"] for m in rng.sample(sources, len(sources)) if pool[m]["title"]), "")
    return title, "\n".join(paras), sources


def _make_rewrites(pool: list[dict[str, Any]], groups: dict[str, list[int]], count: int,
                   rng: random.Random, taken: set[str]) -> list[dict[str, Any]]:
    names = sorted(groups)
    rng.shuffle(names)
    sets: dict[int, Any] = {}
    out: list[dict[str, Any]] = []
    tries = 0
    while len(out) < count:
        tries += 1
        if tries > 20 * count + 100:
            fail(f"could not make {count} distinct rewrites (made {len(out)})")
        group = names[tries % len(names)]
        title, text, sources = rewrite(pool, groups[group], rng)
        key = _norm(text)
        if key in taken or len(key.split()) < 50:
            continue
        own = _shingles(text)
        for m in sources:
            if m not in sets:
                sets[m] = _shingles(pool[m]["text"])
        from storylens.dedup import jaccard

        if max(jaccard(own, sets[m]) for m in sources) >= REWRITE_MAX_JACCARD:
            continue
        taken.add(key)
        out.append({"title": title, "text": text, "group": group})
    return out


def build_corpus(pool: list[dict[str, Any]], groups: dict[str, list[int]], n: int, distinct: float,
                 seed: int) -> tuple[list[dict[str, str]], dict[str, Any]]:
    """The N articles of one size in arrival order, and what they are made of."""
    rng = random.Random(f"{seed}-{n}")
    d = max(2, round(distinct * n))
    n_real = min(len(pool), d - d // 2)
    real_idx = rng.sample(range(len(pool)), n_real)
    taken = {_norm(pool[i]["text"]) for i in real_idx}
    rewrites = _make_rewrites(pool, groups, d - n_real, rng, taken)
    timed: list[tuple[float, dict[str, str]]] = []
    for i in real_idx:
        timed.append((rng.random(), {"id": f"r-{i}", "title": pool[i]["title"], "text": pool[i]["text"]}))
    for k, w in enumerate(rewrites):
        timed.append((rng.random(), {"id": f"w-{k}", "title": w["title"], "text": w["text"]}))
    arrival = {rec["id"]: t for t, rec in timed}
    edits: dict[str, int] = {}
    early, copies = 0, 0
    copyable = [i for i in real_idx if len(pool[i]["text"].split()) >= COPY_MIN_WORDS] or real_idx
    while len(timed) < n:
        i = rng.choice(copyable)
        text, done = syndicate(pool[i]["text"], rng)
        key = _norm(text)
        if key in taken:
            continue
        taken.add(key)
        for e in done:
            edits[e] = edits.get(e, 0) + 1
        delay = rng.expovariate(1 / COPY_DELAY)
        if rng.random() < EARLY_COPIES:
            delay, early = -delay, early + 1
        timed.append((arrival[f"r-{i}"] + delay, {"id": f"c-{copies}", "title": pool[i]["title"], "text": text}))
        copies += 1
    timed.sort(key=lambda x: x[0])
    info = {"articles": n, "distinct": d, "real": n_real, "rewrites": len(rewrites), "copies": copies,
            "copies_before_original": early, "copy_edits": dict(sorted(edits.items())),
            "rewrite_groups": len({w["group"] for w in rewrites})}
    return [rec for _, rec in timed], info


def corpus_file(out: Path, data: Path, n: int, args: argparse.Namespace,
                cache: dict[str, Any]) -> tuple[Path, dict[str, Any]]:
    """corpus-<N>.jsonl, rebuilt only when its recipe changed."""
    path, meta_path = out / f"corpus-{n}.jsonl", out / f"corpus-{n}.json"
    recipe = {"version": CORPUS_VERSION, "articles": n, "distinct": args.distinct, "seed": args.seed,
              "min_words": args.min_words}
    if path.is_file() and meta_path.is_file():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("recipe") == recipe:
            return path, meta
    if "pool" not in cache:
        progress(f"reading the real articles under {data}")
        cache["pool"] = real_pool(data, args.min_words)
    pool, groups, per_set = cache["pool"]
    progress(f"building corpus-{n}.jsonl ({len(pool)} real articles, {len(groups)} story groups)")
    records, info = build_corpus(pool, groups, n, args.distinct, args.seed)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        for rec in records:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    tmp.replace(path)
    meta = {"recipe": recipe, "pool": {"real_articles": len(pool), "per_set": per_set,
                                        "story_groups": len(groups)}, **info}
    write_json(meta_path, meta)
    return path, meta


# ------------------------------------------------------------------ children


def run_child(cmd: list[str], stdout: Path, stderr: Path) -> dict[str, float]:
    """Run ``cmd`` to the end: wall s, CPU s and peak RSS MB of that process alone (wait4 rusage)."""
    with stdout.open("wb") as out, stderr.open("wb") as err:
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        fail(f"{' '.join(cmd[-6:])} exited {code}: {stderr.read_text(errors='replace')[-800:]}")
    return {"seconds": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024}


def code_snapshot(out: Path, mode: str) -> str:
    """Put a snapshot of src/ at HEAD first on the children's PYTHONPATH; the code's description."""
    if mode == "tree":
        return "working tree"
    src, sha = snapshot("HEAD", out)
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), os.environ.get("PYTHONPATH")]))
    return f"commit {sha}"


def ingest_cmd(corpus: Path, db: Path) -> list[str]:
    return [sys.executable, "-c", "from storylens.cli import main; main()", "ingest", str(corpus),
            "--db", str(db), "--format", "json"]


def _db_bytes(db: Path) -> int:
    return sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))


def _stories(db: Path) -> int:
    import sqlite3

    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT count(*) FROM stories").fetchone()[0]
    finally:
        con.close()


def child_embed(db: str, cap: int) -> None:
    """Baseline: embed the title+lead texts of the stored non-duplicate articles in one call."""
    import sqlite3

    from storylens.cluster import lead_text
    from storylens.embed import get_embedder
    from storylens.model import Article

    con = sqlite3.connect(db)
    rows = con.execute("SELECT id, title, text FROM articles WHERE duplicate_of IS NULL ORDER BY rowid").fetchall()
    con.close()
    texts = [lead_text(Article(id=i, title=t or "", text=x)) for i, t, x in rows]
    total = len(texts)
    texts = texts[:cap] if cap else texts
    t0 = time.perf_counter()
    embedder = get_embedder()
    load = time.perf_counter() - t0
    t1 = time.perf_counter()
    embedder.embed(texts)
    secs = time.perf_counter() - t1
    print(json.dumps({"texts": len(texts), "kept": total, "load_s": load, "embed_s": secs,
                      "texts_per_s": len(texts) / secs if secs else None,
                      "extrapolated_s": secs * total / len(texts) if texts else 0.0}))


def child_dedup(corpus: str) -> None:
    """Baseline: NearDuplicates().add_many over every text of the corpus, in arrival order."""
    from storylens.dedup import NearDuplicates

    with open(corpus, encoding="utf-8") as f:
        items = [(r["id"], r["text"]) for r in map(json.loads, f)]
    t = time.perf_counter()
    found = NearDuplicates().add_many(items)
    secs = time.perf_counter() - t
    print(json.dumps({"texts": len(items), "linked": len(found), "dedup_s": secs}))


def child_profile(corpus: str, db: str, out: str) -> None:
    import cProfile
    import io
    import pstats

    from storylens.corpus import ingest

    prof = cProfile.Profile()
    prof.enable()
    report = ingest([corpus], db=db)
    prof.disable()
    buf = io.StringIO()
    buf.write(f"storylens.corpus.ingest([{Path(corpus).name}]): {json.dumps({k: v for k, v in report.to_dict().items() if k != 'problems'})}\n\n")
    stats = pstats.Stats(prof, stream=buf).strip_dirs()
    buf.write("== by cumulative time ==\n")
    stats.sort_stats("cumulative").print_stats(40)
    buf.write("== by own time ==\n")
    stats.sort_stats("tottime").print_stats(30)
    Path(out).write_text(buf.getvalue(), encoding="utf-8")


# ------------------------------------------------------------------ measuring


def _load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def measure_size(n: int, corpus: Path, meta: dict[str, Any], runs: int, args: argparse.Namespace,
                 out: Path) -> dict[str, Any]:
    me = str(Path(__file__).resolve())
    load_start = _load()
    progress(f"size {n:,}: load average {load_start}")
    result: dict[str, Any] = {"articles": n, "corpus": meta, "load_start": load_start, "runs": []}
    with tempfile.TemporaryDirectory(prefix="storylens-scale-") as tmp:
        db = Path(tmp) / "run.db"
        for r in range(runs):
            for p in Path(tmp).glob("run.db*"):
                p.unlink()
            m = run_child(ingest_cmd(corpus, db), out / "ingest.out", out / "ingest.log")
            counts = json.loads((out / "ingest.out").read_text(encoding="utf-8").strip().splitlines()[-1])
            counts.pop("problems", None)
            m.update(counts=counts, stories=_stories(db), db_mb=_db_bytes(db) / 2**20, load_after=_load())
            result["runs"].append(m)
            progress(f"  ingest run {r + 1}/{runs}: {m['seconds']:.1f} s (CPU {m['cpu_s']:.1f} s), "
                     f"{m['peak_mb']:.0f} MB, kept {counts['kept']}, duplicates {counts['duplicates']}, "
                     f"stories {m['stories']}, load {m['load_after']}")
        e = run_child([sys.executable, me, "--child", "embed", str(db), str(args.embed_cap)],
                      out / "embed.out", out / "embed.log")
        e.update(json.loads((out / "embed.out").read_text(encoding="utf-8")))
        result["embed"] = e
        progress(f"  embed baseline: {e['texts']} texts in {e['embed_s']:.1f} s ({e['texts_per_s']:.1f}/s), "
                 f"{e['peak_mb']:.0f} MB")
    d = run_child([sys.executable, me, "--child", "dedup", str(corpus)], out / "dedup.out", out / "dedup.log")
    d.update(json.loads((out / "dedup.out").read_text(encoding="utf-8")))
    result["dedup"] = d
    progress(f"  dedup baseline: {d['texts']} texts in {d['dedup_s']:.1f} s, {d['linked']} linked, {d['peak_mb']:.0f} MB")
    result["load_end"] = _load()
    progress(f"size {n:,} done: load average {result['load_end']}")
    return result


def profile(n: int, corpus: Path, out: Path) -> Path:
    me = str(Path(__file__).resolve())
    dest = out / f"profile-{n}.txt"
    with tempfile.TemporaryDirectory(prefix="storylens-scale-") as tmp:
        progress(f"profiling ingest of {n:,} articles")
        run_child([sys.executable, me, "--child", "profile", str(corpus), str(Path(tmp) / "p.db"), str(dest)],
                  out / "profile.out", out / "profile.log")
    return dest


# ------------------------------------------------------------------ report


def _med(xs: list[float]) -> float:
    return statistics.median(xs)


def _range(xs: list[float], fmt: str = "{:.1f}") -> str:
    return fmt.format(min(xs)) + "-" + fmt.format(max(xs)) if len(xs) > 1 else "–"


def _exp(t1: float, t2: float, n1: float, n2: float) -> str:
    if min(t1, t2, n1, n2) <= 0 or n1 == n2:
        return "–"
    return f"{math.log(t2 / t1) / math.log(n2 / n1):.2f}"


def summarize(results: list[dict[str, Any]]) -> tuple[str, list[str], list[list[Any]], list[list[Any]]]:
    headers = ["articles", "real / rewrites / copies", "runs", "wall s (median)", "wall range", "CPU s",
               "peak RSS MB", "embedded (kept)", "duplicates", "stories", "db MB", "embedded/s in ingest",
               "embed floor s (texts/s)", "dedup alone s", "load avg start → end"]
    rows, growth = [], []
    for r in results:
        runs, c = r["runs"], r["corpus"]
        walls = [x["seconds"] for x in runs]
        kept = runs[-1]["counts"]["kept"]
        e, d = r["embed"], r["dedup"]
        floor = f"{e['extrapolated_s']:.1f} ({e['texts_per_s']:.1f}/s" + (f", {e['texts']} timed)" if e["texts"] < e["kept"] else ")")
        rows.append([f"{r['articles']:,}", f"{c['real']:,} / {c['rewrites']:,} / {c['copies']:,}", len(runs),
                     f"{_med(walls):.1f}", _range(walls), f"{_med([x['cpu_s'] for x in runs]):.1f}",
                     f"{max(x['peak_mb'] for x in runs):.0f}", f"{kept:,}",
                     f"{runs[-1]['counts']['duplicates']:,}", f"{runs[-1]['stories']:,}", f"{runs[-1]['db_mb']:.0f}",
                     f"{kept / _med(walls):.1f}", floor, f"{d['dedup_s']:.1f}",
                     f"{r['load_start']} → {r['load_end']}"])
    for a, b in itertools.pairwise(results):
        ta, tb = _med([x["seconds"] for x in a["runs"]]), _med([x["seconds"] for x in b["runs"]])
        ka, kb = a["runs"][-1]["counts"]["kept"], b["runs"][-1]["counts"]["kept"]
        ma, mb = max(x["peak_mb"] for x in a["runs"]), max(x["peak_mb"] for x in b["runs"])
        growth.append([f"{a['articles']:,} → {b['articles']:,}", _exp(ta, tb, a["articles"], b["articles"]),
                       _exp(ta, tb, ka, kb), _exp(ma, mb, a["articles"], b["articles"]),
                       f"{1000 * ta / ka:.1f} → {1000 * tb / kb:.1f}"])
    table = md_table(headers, rows)
    gh = ["sizes", "wall exponent (per article)", "wall exponent (per embedded article)",
          "peak RSS exponent", "ms of wall per embedded article"]
    return table + "\n\nGrowth:\n\n" + md_table(gh, growth), headers, rows, growth


def targets(results: list[dict[str, Any]]) -> list[str]:
    lines = []
    for r in results:
        if r["articles"] >= 100_000:
            wall = _med([x["seconds"] for x in r["runs"]])
            peak = max(x["peak_mb"] for x in r["runs"])
            lines.append(f"- {r['articles']:,} articles: wall {wall / 60:.1f} min "
                         f"({'under' if wall < 900 else 'OVER'} the 15 min target), peak RSS {peak / 1024:.2f} GB "
                         f"({'under' if peak < 4096 else 'OVER'} the 4 GB target)")
    return lines


# ------------------------------------------------------------------ main


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        kind, rest = sys.argv[2], sys.argv[3:]
        {"embed": lambda: child_embed(rest[0], int(rest[1])), "dedup": lambda: child_dedup(rest[0]),
         "profile": lambda: child_profile(*rest)}[kind]()
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data", nargs="?", default=str(repo_path(DEFAULT_DATA)), help="the development data folder")
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--runs", default=None,
                    help="runs per size, one number or one per size (default 3 up to 10k, 1 above)")
    ap.add_argument("--distinct", type=float, default=0.15, help="share of distinct (non-copy) articles")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--min-words", type=int, default=50, help="shortest real article used")
    ap.add_argument("--embed-cap", type=int, default=0, help="embed baseline on at most K texts (0: all)")
    ap.add_argument("--profile", type=int, nargs="?", const=10000, default=None,
                    help="cProfile one ingest of this size (default 10000)")
    ap.add_argument("--code", choices=["head", "tree"], default="head",
                    help="measure src/ as committed at HEAD (a snapshot) or the working tree")
    ap.add_argument("--out", default=str(repo_path(DEFAULT_OUT)))
    args = ap.parse_args()
    data, out = Path(args.data), Path(args.out)
    if not (data / "multi-news-val").is_dir():
        fail(f"{data} does not hold the development data (multi-news-val/ ...)")
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    out.mkdir(parents=True, exist_ok=True)
    code = code_snapshot(out, args.code)
    progress(f"measuring storylens at {code}")
    cache: dict[str, Any] = {}
    corpora = {n: corpus_file(out, data, n, args, cache) for n in sorted(set(sizes) | ({args.profile} - {None}))}
    given = [int(r) for r in args.runs.split(",")] if args.runs else []
    results = []
    for k, n in enumerate(sizes):
        runs = given[min(k, len(given) - 1)] if given else (3 if n <= 10_000 else 1)
        results.append(measure_size(n, *corpora[n], runs, args, out))
        write_json(out / "timings.json", results)
    prof = profile(args.profile, corpora[args.profile][0], out) if args.profile else None
    table, *_ = summarize(results)
    command = "python benchmarks/bench_scale.py " + " ".join(sys.argv[1:])
    text = [f"`{command.strip()}`", "", f"storylens code: {code}", "", table, "", *targets(results)]
    if prof:
        text += ["", f"Profile: {prof.name}"]
    (out / "results.md").write_text("\n".join(text) + "\n", encoding="utf-8")
    print("\n".join(text))


if __name__ == "__main__":
    main()
