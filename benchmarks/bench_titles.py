"""Story titles (issue 15): a headline of the most central article, stable as articles are added.

    python benchmarks/bench_titles.py [--data ../shared/data] [--sample 20] [--seed 15]

Each NeuS story (three outlets, each with its own headline) and each Multi-News cluster (2-10 raw
scraped articles, titles found by the cleaner) is one story. Its articles are added one at a time in
the set's order, the title chosen after each (cluster.central_title, with the previous title), for
several switch margins; reported per margin: title changes per story after the first, and how often
the final title is the one the whole story gives at once (margin 0: the most central headline).
Also: how many stories end with no headline, and a seeded sample of titles chosen and of titles
refused (clean.is_headline) to read by hand.
"""

from __future__ import annotations

import argparse
import importlib
import json
import random
from pathlib import Path

import numpy as np
from _util import md_table, progress, repo_path

from storylens.clean import is_headline
from storylens.cluster import StoryState, central_title, featurize
from storylens.errors import StorylensError
from storylens.ingest.text import article_from_text
from storylens.model import Article

MARGINS = (0.0, 0.02, 0.05, 0.1)


class _Index:
    def __init__(self, vectors: dict[str, np.ndarray]) -> None:
        self.vectors = vectors

    def vector(self, key: str) -> np.ndarray:
        return self.vectors[key]


def neus(path: Path) -> list[list[Article]]:
    out = []
    for line in path.open(encoding="utf-8"):
        d = json.loads(line)
        out.append([Article(f"{d['id']}-{k}", a["text"], title=a["title"]) for k, a in enumerate(d["articles"])])
    return out


def multi_news(path: Path) -> list[list[Article]]:
    out = []
    for line in path.open(encoding="utf-8"):
        d = json.loads(line)
        arts = []
        for k, x in enumerate(d["documents"]):
            try:
                arts.append(article_from_text(x, source=d["id"], article_id=f"{d['id']}-{k}"))
            except StorylensError:  # nothing left after cleaning: not an article of the story
                continue
        if arts:
            out.append(arts)
    return out


def replay(arts: list[Article], vectors: dict[str, np.ndarray], margin: float) -> tuple[str, int]:
    """Add the articles one at a time; the final title and how many times the title changed."""
    cluster = importlib.import_module("storylens.cluster")  # storylens.cluster is also the API function

    saved, cluster.TITLE_SWITCH_MARGIN = cluster.TITLE_SWITCH_MARGIN, margin
    try:
        titles = {a.id: a.title for a in arts}
        index = _Index(vectors)
        s = StoryState("s", np.zeros_like(next(iter(vectors.values()))), {})
        title, switches = "", 0
        for a in arts:
            s.dense = s.dense + vectors[a.id]
            s.members.append(a.id)
            new = central_title(s, titles, index, previous=title)
            if title and new != title:
                switches += 1
            title = new or title
        return title, switches
    finally:
        cluster.TITLE_SWITCH_MARGIN = saved


def run(sets: dict[str, list[list[Article]]], sample: int, seed: int) -> str:
    from storylens.embed import get_embedder

    embedder = get_embedder()
    lines = ["## Story titles (bench_titles.py)", ""]
    rng = random.Random(seed)
    for name, stories in sets.items():
        flat = [a for st in stories for a in st]
        progress(f"{name}: embedding {len(flat)} articles")
        vectors = {a.id: f.dense for a, f in zip(flat, featurize(flat, embedder))}
        batch = {}
        for k, st in enumerate(stories):
            batch[k] = replay(st, vectors, 0.0)[0] if len(st) == 1 else _batch(st, vectors)
        rows = []
        for m in MARGINS:
            res = [replay(st, vectors, m) for st in stories]
            same = sum(t == batch[k] for k, (t, _) in enumerate(res))
            rows.append([f"{m:.2f}", f"{sum(s for _, s in res) / len(res):.2f}", f"{same / len(res):.0%}"])
        untitled = sum(not batch[k] for k in batch)
        titled = sum(bool(a.title) for a in flat)
        refused = [a.title for a in flat if a.title and not is_headline(a.title)]
        head = (f"### {name}: {len(stories)} stories, {len(flat)} articles ({titled} with a title, "
                f"{len(refused)} refused as no headline); {untitled} stories without a headline")
        lines += [head, "",
                  md_table(["margin", "title changes a story", "final = most central headline"], rows), ""]
        chosen = [batch[k] for k in rng.sample(sorted(batch), min(sample, len(batch)))]
        lines += ["Sample of titles chosen:", "", *(f"- {t or '(none)'}" for t in chosen), ""]
        lines += ["Sample of titles refused:", "", *(f"- {t}" for t in rng.sample(refused, min(sample, len(refused)))), ""]
    return "\n".join(lines)


def _batch(st: list[Article], vectors: dict[str, np.ndarray]) -> str:
    s = StoryState("s", sum(vectors[a.id] for a in st), {}, members=[a.id for a in st])
    return central_title(s, {a.id: a.title for a in st}, _Index(vectors))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=repo_path("../shared/data"))
    parser.add_argument("--sample", type=int, default=20)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    sets = {"NeuS val": neus(args.data / "neus-allsides-val" / "val.jsonl"),
            "Multi-News val": multi_news(args.data / "multi-news-val" / "validation.jsonl")}
    print(run(sets, args.sample, args.seed))


if __name__ == "__main__":
    main()
