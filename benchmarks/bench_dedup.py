"""Near-duplicate detection (storylens.dedup): quality and speed of the rensa and datasketch back ends.

Test set (deterministic, seeded, rebuilt on every run):
  Originals: every Multi-News validation document and every NeuS/AllSides article of DATA with at
  least --min-words words, in file order; exact repeats are dropped, and so is any document whose
  true 5-word-shingle Jaccard with an earlier document of the same story is >= 0.5 (the same wire
  copy carried by two outlets: such pairs are real duplicates, not negatives). The counts dropped
  are reported.
  Variants: for each original, one copy of each kind a syndicated copy shows:
    boilerplate  a wire/copyright line before and a subscribe/share line after
    drop         one sentence (not the first) left out
    reorder      two adjacent sentences swapped
    edit         3% of the words replaced by other words of the pool
    format       whitespace doubled and broken into lines, straight quotes made curly, dashes varied
    syndicated   boilerplate + drop + 2% edits together
  Labels: an original and its variants form one group; different articles of one story (the other
  documents of its Multi-News cluster / NeuS story) are in other groups and must not be linked.
  Order: all originals in pool order, then all variants shuffled, as a feed brings copies later.
  Scoring: an article flagged as a duplicate is a true positive when the article it is linked to is
  in its group, a false positive otherwise; recall is over all variants. "same-story links" counts
  false positives whose two articles belong to one story.

Parameters (default back end, shown before the comparison): exact Jaccard of each variant kind to its
original and of same-story pairs, for 3-, 5- and 7-word shingles; F1 against the verification
threshold; recall and time against num_perm.

Scale: N = 1k, 10k, 100k articles. The stream is the pool's originals, then "mosaic" originals
(10-30 sentences drawn at random from all pool sentences, seeded: distinct articles with real
wording), with every 5th article a variant (kinds in turn) of a random earlier original, so 20% are
duplicates. The stream is written once to --out/streams/stream-N.jsonl; each run is a fresh child
process that reads it, then times
NearDuplicates.add_many over it (normalise, shingle, sign, query, verify, insert); peak RSS is the
child's VmHWM, base its RSS once the stream is read. Medians of --runs runs (fewer when
another run would pass --budget seconds for that back end and size).

Writes --out/results.md and timings.json; prints the tables.

usage: python benchmarks/bench_dedup.py [DATA] [--sizes 1000,10000,100000] [--runs 3] [--budget 900]
       [--backends rensa,datasketch] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from _util import fail, md_table, progress, repo_path, write_json

from storylens import dedup

DEFAULT_DATA = "../shared/data"
DEFAULT_OUT = "benchmarks/out/dedup"
KINDS = ("boilerplate", "drop", "reorder", "edit", "format", "syndicated")
POOL_JACCARD = 0.5  # same-story documents at or above this are one wire copy: dropped from the pool
# Generic lines of the kind syndication adds (written for this benchmark, no outlet named).
PREFIXES = ["Advertisement", "(Wire service) —", "Share this article", "Listen to this story",
            "Copyright 2019 by the news service. All rights reserved.", "Breaking news update:"]
SUFFIXES = ["Subscribe to our newsletter for the latest headlines delivered to your inbox every morning.",
            "This material may not be published, broadcast, rewritten or redistributed without permission.",
            "Follow us on social media for more updates. Comments are closed for this story.",
            "Reporting by our staff; additional reporting by wire services. Editing by the news desk."]
_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'“])")

# ------------------------------------------------------------------ pool and variants


def _records(data: Path) -> list[tuple[str, list[str]]]:
    """(story id, documents) of Multi-News and NeuS/AllSides files under DATA."""
    out = []
    for path in sorted(data.glob("multi-news-val/*.jsonl")) + sorted(data.glob("neus-allsides-val/*.jsonl")):
        with path.open(encoding="utf-8") as f:
            for n, line in enumerate(f):
                if line.strip():
                    r = json.loads(line)
                    docs = r.get("documents") or [a.get("text") or "" for a in r.get("articles", [])]
                    out.append((f"{path.parent.name}:{r.get('id', n)}", [d for d in docs if isinstance(d, str)]))
    return out


def build_pool(data: Path, min_words: int) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Originals {id, story, text}; counts of documents dropped as short, exact or near repeats."""
    pool, seen, dropped = [], set(), {"short": 0, "exact": 0, "near": 0}
    for story, docs in _records(data):
        kept: list[Any] = []
        for k, text in enumerate(docs):
            key = dedup.text_key(text)
            if len(text.split()) < min_words:
                dropped["short"] += 1
            elif key in seen:
                dropped["exact"] += 1
            else:
                seen.add(key)
                own = dedup._shingle_set(dedup.shingle_hashes(dedup.normalize(text)))
                if any(dedup.jaccard(own, other) >= POOL_JACCARD for other in kept):
                    dropped["near"] += 1
                    continue
                kept.append(own)
                pool.append({"id": f"{story}-{k}", "story": story, "text": text})
    return pool, dropped


def _sentences(text: str) -> list[str]:
    return [s for s in _SENT.split(text.strip()) if s]


def _edit(text: str, share: float, vocab: list[str], rng: random.Random) -> str:
    words = text.split(" ")
    for i in rng.sample(range(len(words)), max(1, int(len(words) * share))):
        words[i] = rng.choice(vocab)
    return " ".join(words)


def variant(text: str, kind: str, vocab: list[str], rng: random.Random) -> str:
    """One syndicated copy of ``text`` (see the module doc for the kinds)."""
    sents = _sentences(text)
    if kind == "boilerplate":
        return f"{rng.choice(PREFIXES)}\n\n{text}\n\n{rng.choice(SUFFIXES)}"
    if kind == "drop" and len(sents) > 2:
        del sents[rng.randrange(1, len(sents))]
        return " ".join(sents)
    if kind == "reorder" and len(sents) > 2:
        i = rng.randrange(len(sents) - 1)
        sents[i], sents[i + 1] = sents[i + 1], sents[i]
        return " ".join(sents)
    if kind == "edit":
        return _edit(text, 0.03, vocab, rng)
    if kind == "format":
        out = text.replace(". ", ".\n\n").replace(" ", "  ").replace('"', "“").replace("'", "’")
        return out.replace(" - ", " — ")
    if kind == "syndicated":
        dropped = variant(text, "drop", vocab, rng)
        return variant(_edit(dropped, 0.02, vocab, rng), "boilerplate", vocab, rng)
    return f"{text}\n{rng.choice(SUFFIXES)}"  # too short to drop or reorder a sentence


def quality_set(pool: list[dict[str, Any]], seed: int = 0) -> list[dict[str, Any]]:
    """Originals, then their variants shuffled; each item {id, group, story, kind, text}."""
    rng = random.Random(seed)
    vocab = sorted({w for p in pool[:200] for w in p["text"].split() if w.isalpha()})
    items = [{"id": p["id"], "group": p["id"], "story": p["story"], "kind": "original", "text": p["text"]}
             for p in pool]
    copies = [{"id": f"{p['id']}~{kind}", "group": p["id"], "story": p["story"], "kind": kind,
               "text": variant(p["text"], kind, vocab, rng)} for p in pool for kind in KINDS]
    rng.shuffle(copies)
    return items + copies


# ------------------------------------------------------------------ quality


def score(items: list[dict[str, Any]], found: dict[str, tuple[str, float]]) -> dict[str, Any]:
    """Precision, recall, F1 and per-kind recall of links against the groups."""
    by_id = {it["id"]: it for it in items}
    tp = sum(by_id[d]["group"] == by_id[o]["group"] for d, (o, _) in found.items())
    fp = len(found) - tp
    same_story = sum(by_id[d]["group"] != by_id[o]["group"] and by_id[d]["story"] == by_id[o]["story"]
                     for d, (o, _) in found.items())
    positives = sum(it["kind"] != "original" for it in items)
    p, r = tp / max(len(found), 1), tp / max(positives, 1)
    kinds = {k: sum(1 for it in items if it["kind"] == k and it["id"] in found
                    and by_id[found[it["id"]][0]]["group"] == it["group"])
             / max(1, sum(it["kind"] == k for it in items)) for k in KINDS}
    return {"tp": tp, "fp": fp, "same_story_links": same_story, "precision": p, "recall": r,
            "f1": 2 * p * r / max(p + r, 1e-9), "recall_by_kind": kinds}


def shingle_table(items: list[dict[str, Any]]) -> list[list[Any]]:
    """Exact Jaccard per variant kind (5th percentile, min) and of same-story pairs (max, 99th pct)."""
    rows = []
    for k in (3, 5, 7):
        sets = {it["id"]: dedup._shingle_set(dedup.shingle_hashes(dedup.normalize(it["text"]), k)) for it in items}
        row: list[Any] = [k]
        for kind in KINDS:
            sims = sorted(dedup.jaccard(sets[it["id"]], sets[it["group"]]) for it in items if it["kind"] == kind)
            row.append(f"{sims[len(sims) // 20]:.2f} / {sims[0]:.2f}")
        neg = sorted(_same_story_pairs(items, sets))
        row.append(f"{neg[-1]:.2f} / {neg[int(len(neg) * 0.99)]:.2f}" if neg else "-")
        rows.append(row)
    return rows


def _same_story_pairs(items: list[dict[str, Any]], sets: dict[str, Any]) -> list[float]:
    stories: dict[str, list[str]] = {}
    for it in items:
        if it["kind"] == "original":
            stories.setdefault(it["story"], []).append(it["id"])
    return [dedup.jaccard(sets[a], sets[b]) for ids in stories.values()
            for i, a in enumerate(ids) for b in ids[i + 1:]]


def run_quality(items: list[dict[str, Any]], backend: str, **kw: Any) -> tuple[dict[str, Any], float]:
    index = dedup.NearDuplicates(backend, **kw)
    t = time.perf_counter()
    found = index.add_many((it["id"], it["text"]) for it in items)
    seconds = time.perf_counter() - t
    return score(items, {d: (m.article, m.similarity) for d, m in found.items()}), seconds


# ------------------------------------------------------------------ scale


def stream(pool: list[dict[str, Any]], n: int, seed: int = 1) -> list[tuple[str, str]]:
    """N (id, text): pool originals then mosaics, every 5th a variant of an earlier original."""
    rng = random.Random(seed)
    sentences = [s for p in pool for s in _sentences(p["text"])]
    vocab = sorted({w for p in pool[:200] for w in p["text"].split() if w.isalpha()})
    originals: list[str] = []
    out: list[tuple[str, str]] = []
    while len(out) < n:
        i = len(out)
        if i % 5 == 4 and originals:
            kind = KINDS[(i // 5) % len(KINDS)]
            out.append((f"v{i}", variant(rng.choice(originals), kind, vocab, rng)))
            continue
        k = len(originals)
        text = pool[k]["text"] if k < len(pool) else " ".join(rng.sample(sentences, rng.randint(10, 30)))
        originals.append(text)
        out.append((f"o{i}", text))
    return out


def _status_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (peak) of this process in MB. VmHWM starts afresh at exec, unlike the
    rusage maximum a child inherits from the (larger) parent it was forked from."""
    with open("/proc/self/status") as f:
        line = next(x for x in f if x.startswith(field + ":"))
    return int(line.split()[1]) / 1024


def write_stream(pool: list[dict[str, Any]], n: int, folder: Path) -> Path:
    """stream-<N>.jsonl: the stream of size N, one [id, text] a line, for the child runs to read."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"stream-{n}.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for item in stream(pool, n):
            f.write(json.dumps(item, ensure_ascii=False) + "\n")
    return path


def child(backend: str, path: Path) -> None:
    """One timed run in this process; prints {seconds, base_mb, duplicates} as JSON."""
    with path.open(encoding="utf-8") as f:
        items = [tuple(json.loads(line)) for line in f]
    base = _status_mb("VmRSS")
    index = dedup.NearDuplicates(backend)
    t = time.perf_counter()
    found = index.add_many(items)
    seconds = time.perf_counter() - t
    print(json.dumps({"seconds": seconds, "base_mb": base, "peak_mb": _status_mb("VmHWM"),
                      "duplicates": len(found),
                      "true_variants": sum(i.startswith("v") for i, _ in items)}))


def run_child(args: list[str]) -> dict[str, Any]:
    """Run this script as a child and return the JSON it prints."""
    proc = subprocess.run([sys.executable, __file__, *args], check=False, capture_output=True)
    if proc.returncode != 0:
        fail(f"child {' '.join(args)} failed: {proc.stderr.decode(errors='replace')[-800:]}")
    return json.loads(proc.stdout)


def run_scale(args: argparse.Namespace, backend: str, n: int) -> dict[str, Any]:
    runs: list[dict[str, Any]] = []
    while len(runs) < args.runs:
        if runs and sum(r["seconds"] for r in runs) + runs[-1]["seconds"] > args.budget:
            break
        result = run_child(["--child", backend, str(args.streams[n])])
        runs.append(result)
        progress(f"  {backend} N={n}: {result['seconds']:.1f} s, peak {result['peak_mb']:.0f} MB "
                 f"(base {result['base_mb']:.0f})")
    return {"runs": runs, **{k: statistics.median(r[k] for r in runs) for k in ("seconds", "peak_mb", "base_mb")}}


# ------------------------------------------------------------------ report


def parameter_report(items: list[dict[str, Any]]) -> list[str]:
    """The shingle table, the threshold sweep and the num_perm sweep (default back end)."""
    lines = [("### Shingle size: exact Jaccard to the original, 5th percentile / min per variant kind; "
              "same-story pairs max / 99th percentile"), "",
             md_table(["k", *KINDS, "same story"], shingle_table(items)), ""]
    rows = []
    for th in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        s, _ = run_quality(items, dedup.DEFAULT_BACKEND, threshold=th)
        rows.append([th, f"{s['precision']:.4f}", f"{s['recall']:.4f}", f"{s['f1']:.4f}", s["same_story_links"]])
    lines += [f"### Verification threshold ({dedup.DEFAULT_BACKEND}, {dedup.NUM_PERM} perms)", "",
              md_table(["threshold", "P", "R", "F1", "same-story links"], rows), ""]
    rows = []
    for perms in (64, 128, 256):
        s, sec = run_quality(items, dedup.DEFAULT_BACKEND, num_perm=perms, bands=perms // dedup.ROWS)
        rows.append([perms, perms // dedup.ROWS, f"{s['recall']:.4f}", f"{s['f1']:.4f}", f"{sec:.2f}"])
    lines += [f"### num_perm ({dedup.ROWS} rows per band)", "",
              md_table(["num_perm", "bands", "R", "F1", "seconds"], rows), ""]
    return lines


def comparison(items: list[dict[str, Any]], args: argparse.Namespace, timings: dict[str, Any]) -> list[str]:
    rows, kind_rows = [], []
    for backend in args.backends:
        runs = [run_quality(items, backend) for _ in range(args.runs)]
        s = runs[0][0]
        timings[f"quality-{backend}"] = {"score": s, "seconds": [r[1] for r in runs]}
        rows.append([backend, s["tp"], s["fp"], s["same_story_links"], f"{s['precision']:.4f}",
                     f"{s['recall']:.4f}", f"{s['f1']:.4f}", f"{statistics.median(r[1] for r in runs):.2f}"])
        kind_rows.append([backend, *(f"{s['recall_by_kind'][k]:.3f}" for k in KINDS)])
    return [f"### Quality ({len(items)} articles; seconds = median of {args.runs})", "",
            md_table(["back end", "TP", "FP", "same-story links", "P", "R", "F1", "seconds"], rows), "",
            "Recall by variant kind:", "", md_table(["back end", *KINDS], kind_rows), ""]


def scale_report(args: argparse.Namespace, timings: dict[str, Any]) -> list[str]:
    rows = []
    for n in args.sizes:
        for backend in args.backends:
            r = run_scale(args, backend, n)
            timings[f"scale-{backend}-{n}"] = r
            rows.append([n, backend, len(r["runs"]), f"{r['seconds']:.2f}", f"{n / r['seconds']:.0f}",
                         f"{r['peak_mb']:.0f}", f"{r['peak_mb'] - r['base_mb']:.0f}",
                         r["runs"][0]["duplicates"], r["runs"][0]["true_variants"]])
    return ["### Scale (median of runs; MB = peak RSS of the child, dedup = peak - RSS once the stream was read)",
            "", md_table(["N", "back end", "runs", "seconds", "articles/s", "peak MB", "dedup MB",
                          "duplicates found", "variants made"], rows), ""]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data", nargs="?", default=str(repo_path(DEFAULT_DATA)))
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--budget", type=float, default=900.0)
    ap.add_argument("--backends", default=",".join(dedup.BACKENDS))
    ap.add_argument("--min-words", type=int, default=50)
    ap.add_argument("--out", default=str(repo_path(DEFAULT_OUT)))
    ap.add_argument("--child", nargs=2, metavar=("BACKEND", "STREAM"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return child(args.child[0], Path(args.child[1]))
    args.data = Path(args.data)
    if not args.data.is_dir():
        fail(f"{args.data}: no such data folder")
    args.sizes = [int(s) for s in args.sizes.split(",")]
    args.backends = args.backends.split(",")
    t = time.perf_counter()
    pool, dropped = build_pool(args.data, args.min_words)
    items = quality_set(pool)
    progress(f"pool: {len(pool)} originals (dropped {dropped}); {len(items)} articles with variants")
    args.streams = {n: write_stream(pool, n, Path(args.out) / "streams") for n in args.sizes}
    timings: dict[str, Any] = {"pool": len(pool), "dropped": dropped}
    lines = ["# Near-duplicates: rensa vs datasketch", "",
             (f"Pool {len(pool)} originals ({dropped['short']} short, {dropped['exact']} exact and "
              f"{dropped['near']} near repeats dropped), {len(items)} articles with variants."), ""]
    lines += comparison(items, args, timings)
    lines += parameter_report(items)
    lines += scale_report(args, timings)
    lines.append(f"Total run time {time.perf_counter() - t:.0f} s.")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    write_json(out / "timings.json", timings)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
