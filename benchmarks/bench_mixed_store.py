"""Clustering precision on a mixed store (issue 16): the development sets and the demo story in one
store, ingested as a user would, scored against their gold story groups.

The store holds (under --data, default ../shared/data; sizes kept modest for a shared 2-core machine):

- WikiRef220 (``wikiref220/wikiref220.jsonl``): every document, gold = ``label`` (subjects followed
  across events: a split of one is recall lost, never precision);
- SemEval-2022 Task 8 en-en pairs (``semeval2022-task8-train/training_set.csv``, bench_cluster's
  reading: Overall <= 1.5 same story, >= 3.5 different): the distinct texts of the first --pairs kept
  pairs; gold = the connected groups of "same story" pairs (a text in none is a story of its own);
- Multi-News (``multi-news-val/validation.jsonl``): the documents of the first --clusters clusters,
  gold = cluster;
- NeuS / AllSides (``neus-allsides-val/val.jsonl``): the three articles of the first --stories stories,
  gold = story;
- the demo story (``examples/russia-day/``, five files), gold = one story.

The demo story is ingested first (``storylens.ingest(["examples/russia-day"])``), then the sets as one
JSONL file of ``{id, title, text}`` records in a seeded random order (``storylens.ingest([FILE])``), in a
child process running the code under test (the working tree's ``src``, or ``--code REF``'s, snapshotted
with ``git archive``: the baseline runs in the same session as the change). None of these articles
carries a publication date (the issue's case: undated articles). ``--dated`` gives each gold group a
simulated date (a day drawn uniformly from a two-year window, each article within two days of it;
the demo story its own date, 2023-06-12): what publication time can do when a stream has dates.

Scored from the store's membership table: B-cubed precision / recall / F1 (bench_cluster.b_cubed),
overall and per set (each set's articles' mean B-cubed precision and recall); how often a story absorbs
an article of another gold story (an article not of its story's majority gold group: count and share of
the stored articles, and how many stories hold one); the stories without a title; and what joined the
demo story. Copies (exact and near) are in their original's story, as the store keeps them.

Writes to --out (default benchmarks/out/mixed): ``mixed.jsonl`` (the input), ``<label>.db``,
``results-<label>.json``, ``results.md``; prints the table.

usage: nice python benchmarks/bench_mixed_store.py [--data DIR] [--code REF ...] [--dated]
                                                  [--pairs N] [--clusters N] [--stories N]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from _util import ROOT, fail, md_table, progress, repo_path, snapshot, write_json, write_results
from bench_cluster import MULTINEWS, NEUS, SEMEVAL, WIKIREF, b_cubed, load_semeval

DATA = "../shared/data"
OUT = "benchmarks/out/mixed"
DEMO = "examples/russia-day"
DEMO_DAY = "2023-06-12"  # the demo story's event (its README); used only by --dated
SEED = 16
# --dated: the window a gold group's day is drawn from, and how far its articles spread from it
WINDOW_DAYS = 730
SPREAD_DAYS = 2.0  # --spread changes it
START = "2015-01-01"


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def semeval_groups(data: Path, pairs: int) -> list[tuple[str, str]]:
    """(text, gold group) for the distinct texts of the first ``pairs`` kept en-en pairs: groups are
    the connected components of the "same story" pairs."""
    sem = load_semeval(data / SEMEVAL, pairs)
    parent = {a.id: a.id for a in sem.articles}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for _, a, b, same in sem.pairs:
        if same:
            parent[root(a)] = root(b)
    return [(a.text, f"semeval-{root(a.id)}") for a in sem.articles]


def records(data: Path, pairs: int, clusters: int, stories: int) -> list[dict[str, Any]]:
    """Every record of the mixed store with its gold group (``gold``) and set (``set``)."""
    out: list[dict[str, Any]] = []
    for k, row in enumerate(_jsonl(data / WIKIREF)):
        out.append({"id": f"wiki-{k:03d}", "title": row.get("title") or "", "text": row.get("text") or "",
                    "gold": f"wiki-{row['label']}", "set": "wikiref"})
    for k, (text, group) in enumerate(semeval_groups(data, pairs)):
        out.append({"id": f"sem-{k:04d}", "title": "", "text": text, "gold": group, "set": "semeval"})
    for row in _jsonl(data / MULTINEWS)[:clusters]:
        for j, doc in enumerate(d for d in row.get("documents", []) if isinstance(d, str) and d.strip()):
            out.append({"id": f"mn-{row['id']}-{j}", "title": "", "text": doc, "gold": f"mn-{row['id']}",
                        "set": "multi-news"})
    for i, row in enumerate(_jsonl(data / NEUS)[:stories]):
        for j, a in enumerate(row.get("articles", [])):
            if (a.get("text") or "").strip():
                out.append({"id": f"neus-{i:03d}-{j}", "title": a.get("title") or "", "text": a["text"],
                            "gold": f"neus-{row.get('id', i)}", "set": "neus"})
    return out


def simulated_dates(recs: list[dict[str, Any]], rng: random.Random, spread: float = SPREAD_DAYS) -> None:
    """--dated: a day per gold group in a two-year window, each article within ``spread`` days of it."""
    from datetime import datetime, timedelta

    start = datetime.fromisoformat(START)
    day = {g: rng.uniform(0, WINDOW_DAYS) for g in sorted({r["gold"] for r in recs})}
    for r in recs:
        r["published"] = (start + timedelta(days=day[r["gold"]] + rng.uniform(0, spread))).isoformat(
            timespec="minutes")


_INGEST = """
import json, sys
sys.path.insert(0, sys.argv[1])
import storylens
out = []
for source in sys.argv[3:]:
    out.append(storylens.ingest([source], db=sys.argv[2]).to_dict())
print(json.dumps(out))
"""


def ingest(src: Path, db: Path, sources: list[str]) -> tuple[list[dict[str, Any]], float]:
    """``storylens.ingest`` of each source in turn, by the code in ``src``, in a child process."""
    for old in db.parent.glob(db.name + "*"):
        old.unlink()
    env = {**os.environ, "PYTHONPATH": str(src)}
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _INGEST, str(src), str(db), *sources], capture_output=True,
                          text=True, env=env, check=False)
    if done.returncode != 0:
        fail(f"ingest by {src} failed: {done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1]), time.perf_counter() - t0


def score(db: Path, gold: dict[str, str], sets: dict[str, str]) -> dict[str, Any]:
    """B-cubed, absorbed articles, untitled stories and the demo story's members, from the store."""
    import sqlite3

    with sqlite3.connect(db) as con:
        member = dict(con.execute("SELECT article, story FROM membership"))
        titles = dict(con.execute("SELECT id, title FROM stories"))
    ids = [a for a in member if a in gold]
    pred, truth = [member[a] for a in ids], [gold[a] for a in ids]
    p, r, f = b_cubed(pred, truth)
    by_story: dict[str, list[str]] = defaultdict(list)
    for a in ids:
        by_story[member[a]].append(a)
    absorbed: list[str] = []
    absorbing = 0
    for members in by_story.values():
        top = Counter(gold[a] for a in members).most_common(1)[0][0]
        foreign = [a for a in members if gold[a] != top]
        absorbed += foreign
        absorbing += bool(foreign)
    per_set = {}
    for name in dict.fromkeys(sets.values()):
        part = [i for i, a in enumerate(ids) if sets[a] == name]
        size_pred, size_gold, both = Counter(pred), Counter(truth), Counter(zip(pred, truth))
        sp = sum(both[pred[i], truth[i]] / size_pred[pred[i]] for i in part) / max(1, len(part))
        sr = sum(both[pred[i], truth[i]] / size_gold[truth[i]] for i in part) / max(1, len(part))
        per_set[name] = {"n": len(part), "p": sp, "r": sr}
    demo = Counter(member[a] for a in ids if gold[a] == "demo").most_common(1)
    demo_story = demo[0][0] if demo else None
    return {"articles": len(ids), "stored": len(member), "stories": len(by_story), "p": p, "r": r, "f1": f,
            "absorbed": len(absorbed), "absorbed_share": len(absorbed) / max(1, len(ids)),
            "absorbing_stories": absorbing,
            "multi_stories": sum(len(m) > 1 for m in by_story.values()),
            "untitled": sum(not (titles.get(s) or "").strip() for s in by_story),
            "per_set": per_set,
            "demo": {"story": demo_story, "title": titles.get(demo_story or ""),
                     "members": sorted(by_story.get(demo_story or "", [])),
                     "foreign": sorted(a for a in by_story.get(demo_story or "", []) if gold[a] != "demo")}}


def pair_scores(feats: list[Any], labels: list[str]) -> tuple[Any, Any]:
    """The clusterer's score (cluster.Clusterer._score for two single articles, the event level's
    weights) of every pair of articles: same-story pairs and different-story pairs, as arrays."""
    import numpy as np
    from scipy.sparse import csr_matrix

    from storylens.levels import DEFAULT_LEVEL, LEVELS

    w = LEVELS[DEFAULT_LEVEL].dense_weight
    dense = np.stack([f.dense for f in feats]).astype(np.float64)
    vocab: dict[str, int] = {}
    rows, cols, vals = [], [], []
    for i, f in enumerate(feats):
        for t, v in f.terms.items():
            rows.append(i)
            cols.append(vocab.setdefault(t, len(vocab)))
            vals.append(v)
    terms = csr_matrix((vals, (rows, cols)), shape=(len(feats), len(vocab)))
    sim = w * (dense @ dense.T) + (1 - w) * (terms @ terms.T).toarray()
    lab = np.array(labels)
    upper = np.triu(np.ones_like(sim, dtype=bool), 1)
    same = (lab[:, None] == lab[None, :]) & upper
    return sim[same], sim[~(lab[:, None] == lab[None, :]) & upper]


# The far bar's reference: different-story pairs that clear the event level's pair bar (what would join
# without time: the confusable ones), less copies (>= COPY: dedup's, not clustering's, to catch).
PAIR_BAR, COPY = 0.3, 0.95
RATES = (0.1, 0.05, 0.025, 0.0125)  # the allowed share at the grace, then halved with each doubling of the gap


def time_bar(data: Path, out: Path) -> str:
    """The far bar's values (cluster.FAR_BAR, FAR_RISE) from the news sets' tuning half
    (bench_cluster.news_halves: even gold story index), reported on the held-out half: the score the
    allowed share of confusable different-story pairs reaches, and its rise as that share halves."""
    import pickle

    import numpy as np
    from bench_cluster import load_news, news_halves

    from storylens.cluster import FAR_BAR, FAR_RISE, GRACE_DAYS, far_bar, featurize
    from storylens.embed import get_embedder

    halves = news_halves(load_news(data, None))
    cache = out / "news-features.pkl"
    if cache.is_file():
        feats = pickle.loads(cache.read_bytes())
    else:
        emb = get_embedder()
        feats = {}
        for h in halves:
            progress(f"features of {len(h.articles)} {h.name} articles")
            feats[h.name] = featurize(h.articles, emb)
        cache.write_bytes(pickle.dumps(feats))
    rows, fits = [], {}
    for h in halves:
        same, diff = pair_scores(feats[h.name], h.labels)
        conf = diff[(diff >= PAIR_BAR) & (diff < COPY)]
        qs = [float(np.quantile(conf, 1 - r)) for r in RATES]
        rise, base = np.polyfit(np.arange(len(RATES)), qs, 1)
        fits[h.name] = (base, rise, qs)
        for k, days in enumerate((GRACE_DAYS * 1.01, GRACE_DAYS * 8, GRACE_DAYS * 64)):
            bar = far_bar(days)
            rows.append([h.name, f"{days:.0f} days: {bar:.3f}", len(same), f"{100 * float((same >= bar).mean()):.1f}%",
                         len(conf), f"{100 * float((conf >= bar).mean()):.1f}%", f"{100 * RATES[0] / 2 ** (3 * k):.2f}%"])
    text = ["### The far bar (cluster.FAR_BAR, FAR_RISE): chosen on news-dev, reported on news-test", "",
            (f"Article pairs of the news halves (bench_cluster.news_halves), scored as the clusterer scores two "
             f"articles at the event level. Confusable different-story pairs: those reaching the level's pair bar "
             f"({PAIR_BAR}), copies (>= {COPY}) left to dedup. The bar's value at a gap is the score that the allowed "
             f"share of them reaches: {100 * RATES[0]:g}% just past the grace ({GRACE_DAYS:g} days), halved with each "
             f"doubling of the gap; FAR_BAR and FAR_RISE are the line fitted to the scores at "
             f"{', '.join(f'{100 * r:g}%' for r in RATES)} on news-dev. Shipped: FAR_BAR {FAR_BAR}, FAR_RISE {FAR_RISE}."),
            "", md_table(["half", "gap: far bar", "same-story pairs", "reaching it", "confusable different-story",
                          "reaching it", "allowed"], rows), ""]
    for name, (base, rise, qs) in fits.items():
        text.append(f"- {name}: scores at {', '.join(f'{100 * r:g}%' for r in RATES)}: "
                    f"{', '.join(f'{q:.3f}' for q in qs)}; fit: {base:.3f} + {rise:.3f} per doubling")
    return "\n".join(text)


def fmt(x: float) -> str:
    return f"{x:.3f}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=repo_path(DATA))
    ap.add_argument("--out", type=Path, default=repo_path(OUT))
    ap.add_argument("--code", nargs="*", default=[], metavar="REF",
                    help="also run the code of these commits (snapshots of src/), before the working tree")
    ap.add_argument("--no-tree", action="store_true", help="skip the working tree's code")
    ap.add_argument("--dated", action="store_true", help="simulated publication dates per gold group")
    ap.add_argument("--spread", type=float, default=SPREAD_DAYS,
                    help="--dated: days a gold group's articles spread over (default %(default)s)")
    ap.add_argument("--time-bar", action="store_true", help="only the far-apart bar's figures (news halves)")
    ap.add_argument("--pairs", type=int, default=200, help="SemEval kept pairs (default %(default)s)")
    ap.add_argument("--clusters", type=int, default=60, help="Multi-News clusters (default %(default)s)")
    ap.add_argument("--stories", type=int, default=60, help="NeuS stories (default %(default)s)")
    args = ap.parse_args()
    if not (args.data / WIKIREF).is_file():
        fail(f"no {WIKIREF} under {args.data} (pass --data)")
    started = time.perf_counter()
    if args.time_bar:
        args.out.mkdir(parents=True, exist_ok=True)
        text = time_bar(args.data, args.out)
        (args.out / "time-bar.md").write_text(text + "\n", encoding="utf-8")
        print(text)
        return 0
    rng = random.Random(SEED)
    recs = records(args.data, args.pairs, args.clusters, args.stories)
    rng.shuffle(recs)
    if args.dated:
        simulated_dates(recs, rng, args.spread)
    args.out.mkdir(parents=True, exist_ok=True)
    suffix = (f"-dated{args.spread:g}" if args.dated else "")
    mixed = args.out / f"mixed{suffix}.jsonl"
    with mixed.open("w", encoding="utf-8") as f:
        for r in recs:
            f.write(json.dumps({k: v for k, v in r.items() if k not in ("gold", "set")}, ensure_ascii=False) + "\n")
    demo_dir = ROOT / DEMO
    sources = [str(demo_dir), str(mixed)]
    if args.dated:  # the demo story as JSONL records with its date
        demo_jsonl = args.out / "demo-dated.jsonl"
        with demo_jsonl.open("w", encoding="utf-8") as f:
            for p in sorted(demo_dir.glob("*.txt")):
                f.write(json.dumps({"id": p.stem, "text": p.read_text(encoding="utf-8"), "published": DEMO_DAY},
                                   ensure_ascii=False) + "\n")
        sources[0] = str(demo_jsonl)
    gold = {r["id"]: r["gold"] for r in recs}
    sets = {r["id"]: r["set"] for r in recs}
    for p in sorted(demo_dir.glob("*.txt")):
        gold[p.stem], sets[p.stem] = "demo", "demo"
    codes = [(ref, *snapshot(ref, args.out)) for ref in args.code]
    if not args.no_tree:
        codes.append(("working tree", ROOT / "src", "tree"))
    rows, results = [], {}
    for ref, src, label in codes:
        progress(f"ingesting {len(recs) + 5} articles with {ref} ({src})")
        reports, secs = ingest(src, args.out / f"{label}{suffix}.db", sources)
        res = score(args.out / f"{label}{suffix}.db", gold, sets)
        res.update({"code": ref, "seconds": secs, "reports": reports})
        results[label] = res
        write_json(args.out / f"results-{label}{suffix}.json", res)
        ps = res["per_set"]
        rows.append([ref if label == "tree" else f"{ref} ({label})", res["articles"], res["stories"], fmt(res["p"]),
                     fmt(res["r"]), fmt(res["f1"]),
                     f"{res['absorbed']} ({100 * res['absorbed_share']:.1f}%)",
                     f"{res['absorbing_stories']} / {res['multi_stories']}",
                     f"{res['untitled']} / {res['stories']}",
                     *(f"{fmt(ps[s]['p'])} / {fmt(ps[s]['r'])}" for s in ps),
                     f"{len(res['demo']['foreign'])}: {', '.join(res['demo']['foreign'][:6]) or '-'}",
                     f"{secs:.0f}"])
    set_names = list(dict.fromkeys(sets.values()))
    counts = Counter(sets.values())
    n_gold = len(set(gold.values()))
    headers = ["code", "articles", "stories", "B3-P", "B3-R", "B3-F1", "absorbed articles",
               "stories absorbing / of 2+", "untitled", *(f"{s} P / R" for s in set_names),
               "foreign in demo story", "ingest s"]
    text = "\n".join([
        f"### Mixed store{' (simulated dates)' if args.dated else ' (undated)'}: B-cubed against the gold groups",
        "", (f"{sum(counts.values())} articles ({', '.join(f'{s} {counts[s]}' for s in set_names)}), "
             f"{n_gold} gold groups; demo story ingested first, then the sets in one JSONL (seed {SEED})."
             + (f" Dates simulated: a day per gold group in {WINDOW_DAYS} days from {START}, articles within "
                f"{args.spread:g} days of it; the demo story {DEMO_DAY}." if args.dated else " No dates.")), "",
        md_table(headers, rows), "",
        (f"Command: `nice python benchmarks/bench_mixed_store.py {' '.join(sys.argv[1:])}` "
        f"({time.perf_counter() - started:.0f} s)"),
    ])
    write_results(args.out, text + "\n")
    (args.out / f"results{suffix}.md").write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
