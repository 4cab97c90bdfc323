"""What the cleaner drops and keeps on raw scraped articles, for reading by hand (issue 15).

    python benchmarks/bench_cleaning.py [--data ../shared/data] [--sample 40] [--seed 15] [--judged FILE]

Every Multi-News validation document is cleaned as ``storylens analyze`` cleans a plain-text input
(ingest.text.article_from_text), then the whole set is cleaned by repetition as one corpus
(clean.drop_repeated). Printed: how many lines each rule removed, datelines trimmed, short sentences
kept; and seeded samples of removed lines (all rules, then repetition alone) and of kept paragraphs,
to judge by hand. With ``--judged FILE`` (JSONL of {kind, line, boilerplate}, as written by a reader
of these samples), the two error kinds are scored: real text removed (removed lines judged not
boilerplate) and boilerplate kept (kept paragraphs judged boilerplate).
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter
from pathlib import Path

from _util import md_table, progress, repo_path

from storylens.clean import REPEATED_REASON, drop_repeated, fold
from storylens.errors import StorylensError
from storylens.ingest.text import article_from_text
from storylens.model import Article


def articles(path: Path) -> list[Article]:
    out = []
    for line in path.open(encoding="utf-8"):
        d = json.loads(line)
        for k, doc in enumerate(d["documents"]):
            try:
                out.append(article_from_text(doc, source=d["id"], article_id=f"{d['id']}-{k}"))
            except StorylensError:
                continue
    return out


def kept_paragraphs(arts: list[Article]) -> list[str]:
    return [p for a in arts for p in a.text.split("\n") if p.strip()]


def score(judged: Path) -> str:
    rows = [json.loads(x) for x in judged.open(encoding="utf-8") if x.strip()]
    lines = []
    for kind, wrong, label in (("removed", False, "real text removed"), ("repeated", False, "real text removed"),
                               ("kept", True, "boilerplate kept")):
        items = [r for r in rows if r["kind"] == kind]
        if items:
            bad = sum(r["boilerplate"] == wrong for r in items)
            lines.append([kind, len(items), f"{bad} ({bad / len(items):.0%}) {label}"])
    return md_table(["sample", "judged", "errors"], lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=repo_path("../shared/data"))
    parser.add_argument("--sample", type=int, default=40)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--judged", type=Path, default=None)
    args = parser.parse_args()
    arts = articles(args.data / "multi-news-val" / "validation.jsonl")
    progress(f"{len(arts)} articles cleaned one by one; now by repetition across them")
    before = {a.id: len(a.removed) for a in arts}
    after, emptied = drop_repeated(arts)
    reasons = Counter(r["reason"] for a in after for r in a.removed)
    repeated = [r["line"] for a in after for r in a.removed if r["reason"] == REPEATED_REASON]
    removed = [(r["reason"], r["line"]) for a in after for r in a.removed[:before[a.id]]]
    rng = random.Random(args.seed)
    print("## Cleaning on Multi-News validation (bench_cleaning.py)\n")
    print(f"{len(after)} articles; {sum(len(a.text.split()) for a in after)} words kept; lines removed by rule:\n")
    print(md_table(["reason", "lines"], reasons.most_common()))
    repeated += [r["line"] for a in emptied for r in a.removed if r["reason"] == REPEATED_REASON]
    print(f"\ndistinct lines removed by repetition: {len({fold(x) for x in repeated})}; articles touched: "
          f"{sum(any(r['reason'] == REPEATED_REASON for r in a.removed) for a in after)}, and {len(emptied)} "
          "left with no text (skipped)\n")
    print("### Sample: removed by any rule but repetition\n")
    for reason, line in rng.sample(removed, min(args.sample, len(removed))):
        print(f"- [{reason}] {line[:200]}")
    print("\n### Sample: removed by repetition (one per distinct line)\n")
    distinct = list(dict.fromkeys(repeated))
    for line in rng.sample(distinct, min(args.sample, len(distinct))):
        print(f"- {line[:200]}")
    print("\n### Sample: kept paragraphs\n")
    for line in rng.sample(kept_paragraphs(after), args.sample):
        print(f"- {line[:200]}")
    if args.judged:
        print("\n### Judged\n")
        print(score(args.judged))


if __name__ == "__main__":
    main()
