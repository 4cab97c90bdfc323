"""Summaries against references: storylens's cited extractive summary and four baselines, ROUGE-1/2/L.

Two data sets (development splits in ../shared/data): Multi-News validation (2-10 scraped articles
per cluster, boilerplate included, an editor's summary as reference) and NeuS / AllSides validation
(a left, a centre and a right article per story, the AllSides neutral roundup as reference).

Every system gets the same input: each raw document is read the way a user's plain-text input is
(``storylens.ingest.text.article_from_text``, which cleans it; documents with nothing left after
cleaning are skipped, a cluster with no article left is not scored by any system), and the
baselines choose among the same sentences storylens splits those articles into. Systems:

- ``storylens``: ``storylens.api.analyze(articles=..., summary_words=N)``, the brief's summary.
- ``lexrank``, ``textrank``: sumy 0.13, Stemmer("english") and sumy's English stop words; sumy's
  default tokenizer needs nltk punkt data, which is not available offline, so sumy is given the
  storylens sentences and a regex word tokenizer. Sentences are taken best rated first until the
  budget is reached, then put in document order (sumy's own behaviour).
- ``lead``: round-robin leads: the first sentence of each article in input order, then the second
  of each, and so on until the budget is reached, in that order.
- ``random``: sentences in random order (seeded per cluster id, fixed seed) until the budget is
  reached, then in document order: the floor.

The word budget N is the reference's word count (tokens with a letter or digit). Every system's
output is cut to N words before scoring, so none gains from length. ROUGE F1 from ``rouge_score``
(rouge1, rouge2, rougeL; Porter stemmer), mean over clusters. Writes one JSONL file per system and
data set (``{id, summary, words}``; ``summary`` is the scored, cut text) and ``results.md`` to --out.

``--cache DIR`` is for iterating on the summarizer only: it keeps each cluster's cleaned articles,
sentences, embeddings and claims (keyed by data set and cluster id; delete it when cleaning,
sentence splitting, embedding or alignment change) and then runs only ``summarize`` on them, the
call ``analyze`` makes, skipping the analysis stages the summary does not read. Reported figures
come from a fresh run without --cache.

usage: python benchmarks/bench_summary.py [--multi-news PATH] [--neus PATH] [--limit N] [--out DIR]
                                          [--cache DIR]
"""

from __future__ import annotations

import argparse
import json
import pickle
import random
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from _util import fail, md_table, progress, repo_path

MULTI_NEWS = "../shared/data/multi-news-val/validation.jsonl"
NEUS = "../shared/data/neus-allsides-val/val.jsonl"
OUT = "benchmarks/out/summary"
SYSTEMS = ("storylens", "lexrank", "textrank", "lead", "random")
SEED = 13
_WORD = re.compile(r"\w")
_SUMY_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


@dataclass
class Cluster:
    """One story: raw documents as (title or None, text), and the reference summary."""

    dataset: str
    id: str
    documents: list[tuple[str | None, str]]
    reference: str
    outputs: dict[str, str] = field(default_factory=dict)


def load_multi_news(path: Path, limit: int | None) -> list[Cluster]:
    """Multi-News JSONL ``{id, documents, summary}``; a document holding "|||||" is split there."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines()[:limit]:
        row = json.loads(line)
        docs = [d for doc in row["documents"] for d in doc.split("|||||")]
        out.append(Cluster("multi-news", row["id"], [(None, d) for d in docs], row["summary"]))
    return out


def load_neus(path: Path, limit: int | None) -> list[Cluster]:
    """NeuS JSONL ``{id, articles:[{title,text}], reference:{title,text}}``."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines()[:limit]:
        row = json.loads(line)
        docs = [(a.get("title") or None, a.get("text") or "") for a in row["articles"]]
        out.append(Cluster("neus", str(row["id"]), docs, row["reference"]["text"]))
    return out


def read_articles(cluster: Cluster) -> list[Any]:
    """Cleaned storylens Articles, as plain-text input is read; unreadable documents are skipped."""
    from storylens.errors import InputError
    from storylens.ingest.text import article_from_text

    arts = []
    for k, (title, text) in enumerate(cluster.documents):
        try:
            arts.append(article_from_text(text, source=f"{cluster.id}/{k}", article_id=f"{k:02d}", title=title))
        except InputError:
            continue
    return arts


def words(text: str) -> list[str]:
    """Whitespace tokens that hold a letter or digit (a lone dash or bullet is not a word)."""
    return [t for t in text.split() if _WORD.search(t)]


def cut(text: str, n: int) -> str:
    """``text`` up to and including its ``n``-th word."""
    out, k = [], 0
    for t in text.split():
        if k >= n:
            break
        out.append(t)
        k += bool(_WORD.search(t))
    return " ".join(out)


def until_budget(order: list[int], sents: list[str], n: int) -> list[int]:
    """The prefix of ``order`` whose sentences first reach ``n`` words."""
    picked, used = [], 0
    for i in order:
        if used >= n:
            break
        picked.append(i)
        used += len(words(sents[i]))
    return picked


# --- baselines ---------------------------------------------------------------------------------


def lead(per_article: list[list[str]], n: int) -> str:
    """Round-robin leads: sentence 1 of every article, then sentence 2 of every article, ..."""
    flat = [s for k in range(max(map(len, per_article), default=0)) for a in per_article if k < len(a) for s in [a[k]]]
    return " ".join(flat[i] for i in until_budget(list(range(len(flat))), flat, n))


def random_floor(per_article: list[list[str]], n: int, key: str) -> str:
    """Random sentences (seeded by the cluster id) until the budget, in document order."""
    flat = [s for a in per_article for s in a]
    order = list(range(len(flat)))
    random.Random(f"{SEED}:{key}").shuffle(order)
    return " ".join(flat[i] for i in sorted(until_budget(order, flat, n)))


class _Words:
    """A sumy tokenizer that needs no nltk data: sentences are given, words by regex."""

    language = "english"

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        return (paragraph,)

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(_SUMY_WORD.findall(sentence))


def sumy_system(kind: str) -> Callable[[list[list[str]], int], str]:
    """LexRank or TextRank from sumy over the given sentences, best rated first up to the budget."""
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
    from sumy.nlp.stemmers import Stemmer
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer
    from sumy.utils import get_stop_words

    summarizer = (LexRankSummarizer if kind == "lexrank" else TextRankSummarizer)(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    tokenizer = _Words()

    def run(per_article: list[list[str]], n: int) -> str:
        doc = ObjectDocumentModel(tuple(Paragraph([Sentence(s, tokenizer) for s in a]) for a in per_article if a))
        if not doc.sentences:
            return ""
        def take(infos: list[Any]) -> list[Any]:
            texts = [str(i.sentence) for i in infos]
            return infos[: len(until_budget(list(range(len(infos))), texts, n))]
        with np.errstate(invalid="ignore", divide="ignore"):  # LexRank on a story with no shared words
            return " ".join(str(s) for s in summarizer(doc, take))

    return run


# --- storylens ---------------------------------------------------------------------------------


def split_sentences(articles: list[Any]) -> list[list[str]]:
    """storylens's own sentences of each article (the input every system chooses from)."""
    from storylens.nlp import parse_article, sentences_from_docs

    return [[s.text for s in sentences_from_docs(a.id, parse_article(a))] for a in articles]


def storylens_fresh(articles: list[Any], n: int) -> str:
    from storylens.api import analyze

    return " ".join(s.text for s in analyze(articles=articles, summary_words=n).summary)


def cached_prep(cluster: Cluster, articles: list[Any], cache: Path) -> tuple[Any, list[Any]]:
    """The cluster's prepared sentences and vectors and its claims, from the cache or computed
    (as ``analyze`` does) and stored there; parses are not kept."""
    from storylens.analyze.align import build_claims
    from storylens.analyze.prepare import Prepared, prepare
    from storylens.embed import get_embedder

    path = cache / cluster.dataset / f"{cluster.id}.stages.pkl"  # stage results (earlier caches: *.pkl)
    if path.is_file():
        stages, claims = pickle.loads(path.read_bytes())
        return Prepared(*stages), claims
    p = prepare(articles, get_embedder())
    claims = build_claims(p, p.similarity())
    path.parent.mkdir(parents=True, exist_ok=True)
    parsed = replace(p.parsed, docs={}, bounds={}, _spans={})
    path.write_bytes(pickle.dumps(((parsed, p.embedded, p.features, p.pairs), claims)))
    return p, claims


def storylens_cached(prep: Any, claims: list[Any], n: int) -> str:
    from storylens.summarize import summarize

    return " ".join(s.text for s in summarize(prep, claims, n))


# --- run and score -----------------------------------------------------------------------------


def run_cluster(c: Cluster, baselines: dict[str, Callable[..., str]], cache: Path | None,
                seconds: dict[str, float]) -> bool:
    """Fill ``c.outputs`` for every system; False when no article of the cluster could be read."""
    articles = read_articles(c)
    if not articles:
        return False
    n = len(words(c.reference))
    t = time.perf_counter()
    if cache is None:
        c.outputs["storylens"] = storylens_fresh(articles, n)
        seconds["storylens"] += time.perf_counter() - t
        sents = split_sentences(articles)
    else:
        prep, claims = cached_prep(c, articles, cache)
        c.outputs["storylens"] = storylens_cached(prep, claims, n)
        seconds["storylens"] += time.perf_counter() - t
        by = prep.by_article()
        sents = [[prep.sentences[i].text for i in by[a.id]] for a in prep.articles]
    for name, system in baselines.items():
        t = time.perf_counter()
        c.outputs[name] = system(sents, n, c.id)
        seconds[name] += time.perf_counter() - t
    c.outputs = {k: cut(v, n) for k, v in c.outputs.items()}
    return True


def score(clusters: list[Cluster]) -> dict[str, dict[str, float]]:
    """Mean ROUGE-1/2/L F1 (x100) per system over the clusters."""
    from rouge_score.rouge_scorer import RougeScorer

    scorer = RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    sums = {s: {"rouge1": 0.0, "rouge2": 0.0, "rougeL": 0.0} for s in SYSTEMS}
    for c in clusters:
        for s in SYSTEMS:
            for m, v in scorer.score(c.reference, c.outputs[s]).items():
                sums[s][m] += v.fmeasure
    return {s: {m: 100 * v / max(1, len(clusters)) for m, v in ms.items()} for s, ms in sums.items()}


def write_outputs(out: Path, dataset: str, clusters: list[Cluster]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for s in SYSTEMS:
        with (out / f"{dataset}.{s}.jsonl").open("w", encoding="utf-8") as f:
            for c in clusters:
                f.write(json.dumps({"id": c.id, "summary": c.outputs[s], "words": len(words(c.outputs[s]))},
                                   ensure_ascii=False) + "\n")


def run_dataset(name: str, clusters: list[Cluster], cache: Path | None, out: Path) -> tuple[list[list[Any]], str]:
    lex, text = sumy_system("lexrank"), sumy_system("textrank")
    baselines: dict[str, Callable[..., str]] = {
        "lexrank": lambda s, n, _k: lex(s, n), "textrank": lambda s, n, _k: text(s, n),
        "lead": lambda s, n, _k: lead(s, n), "random": random_floor}
    seconds = dict.fromkeys(SYSTEMS, 0.0)
    done: list[Cluster] = []
    start = time.perf_counter()
    for k, c in enumerate(clusters, 1):
        if run_cluster(c, baselines, cache, seconds):
            done.append(c)
        if k % 10 == 0 or k == len(clusters):
            progress(f"{name}: {k}/{len(clusters)} clusters, {time.perf_counter() - start:.0f}s elapsed")
    write_outputs(out, name, done)
    means = score(done)
    rows = [[name, s, len(done), f"{means[s]['rouge1']:.2f}", f"{means[s]['rouge2']:.2f}",
             f"{means[s]['rougeL']:.2f}", f"{seconds[s] / max(1, len(done)):.2f}"] for s in SYSTEMS]
    skipped = len(clusters) - len(done)
    note = f"{name}: {len(done)} clusters scored" + (f", {skipped} with no readable article skipped" if skipped else "")
    return rows, note


def given(arg: str | None, default: str) -> Path:
    """A path given on the command line (relative to the working directory), else the default
    resolved against the repository root."""
    return Path(arg).resolve() if arg else repo_path(default)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--multi-news", default=None, help=f"Multi-News JSONL (default {MULTI_NEWS})")
    ap.add_argument("--neus", default=None, help=f"NeuS / AllSides JSONL (default {NEUS})")
    ap.add_argument("--limit", type=int, default=None, help="only the first N clusters of each data set")
    ap.add_argument("--out", default=None, help=f"output folder (default {OUT})")
    ap.add_argument("--cache", default=None, help="cache folder for prepared clusters (iterating only)")
    args = ap.parse_args()
    sets = {"multi-news": (given(args.multi_news, MULTI_NEWS), load_multi_news),
            "neus": (given(args.neus, NEUS), load_neus)}
    for path, _ in sets.values():
        if not path.is_file():
            fail(f"{path}: no such file (give --multi-news / --neus)")
    out, cache = given(args.out, OUT), Path(args.cache).resolve() if args.cache else None
    start = time.perf_counter()
    rows, notes = [], []
    for name, (path, loader) in sets.items():
        r, note = run_dataset(name, loader(path, args.limit), cache, out)
        rows += r
        notes.append(note)
    elapsed = time.perf_counter() - start
    table = md_table(["data set", "system", "clusters", "ROUGE-1", "ROUGE-2", "ROUGE-L", "s/cluster"], rows)
    text = (f"# Summary benchmark\n\n{table}\n\nROUGE F1 x100, mean over clusters; every output cut to the "
            f"reference's word count. {'; '.join(notes)}. Run time {elapsed:.0f}s"
            f"{' (cached preparation: not for reporting)' if cache else ''}.\n")
    (out / "results.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
