"""Claims shown as sentences (issue 15): how many claims a reader sees as fragments, before and after.

    python benchmarks/bench_claim_sentences.py [--data ../shared/data] [--n 10] [--seed 1515]
                                               [--exclude-ids benchmarks/judged/used-stories.txt]

Stories: sample_briefs.py's sampling (Multi-News test-bucket clusters and NeuS validation stories,
shuffled by --seed, the first --n of each, the listed stories left out). For every claim, the text a
reader saw before (the claim's own span, "…" when cut from inside a sentence) and now (its whole
sentence, the opening pronoun's name in brackets) is scored by shape: a fragment is a text that does
not open like a sentence (a capital, a digit or an opening quote) or does not end like one; an
unresolved opener is a shown text opening with He/She/It/They/The latter/The former with no name
given. A seeded sample of shown claims is printed to read by hand.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "benchmarks")]
from _util import md_table, progress  # noqa: E402
from sample_briefs import stories  # noqa: E402

_OPENS = re.compile(r"^[\"“‘'(]?[A-Z0-9]")
_ENDS = re.compile(r"[.!?…][\"'”’)\]]*$|[\"”’]$")
_PRONOUN = re.compile(r"^[\"“‘(]?(He|She|It|They|The latter|The former)\b")


def fragment(text: str) -> bool:
    text = text.strip()
    return not (_OPENS.match(text) and _ENDS.search(text))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--n", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1515)
    ap.add_argument("--exclude-ids", type=Path, default=ROOT / "benchmarks" / "judged" / "used-stories.txt")
    ap.add_argument("--sample", type=int, default=30)
    args = ap.parse_args()
    import storylens
    from storylens.model import Article
    from storylens.render._common import as_excerpt, claim_plain

    exclude = frozenset()
    if args.exclude_ids and args.exclude_ids.is_file():
        exclude = frozenset(x.strip() for x in args.exclude_ids.read_text(encoding="utf-8").splitlines()
                            if x.strip() and not x.startswith("#"))
    counts = {k: [0, 0, 0, 0, 0] for k in ("consensus", "single")}  # claims, old frag, new frag, old pron, new pron
    shown, ids = [], []
    for sid, docs in stories(args.data, args.n, args.seed, exclude):
        progress(sid)
        ids.append(sid)
        arts = [Article(f"{k}", text, title=title) for k, (title, text) in enumerate(docs) if text.strip()]
        brief = storylens.analyze(articles=arts)
        for c in brief.claims:
            old, new = as_excerpt(c.text), claim_plain(c)
            row = counts[c.kind]
            row[0] += 1
            row[1] += fragment(old)
            row[2] += fragment(new)
            row[3] += bool(_PRONOUN.match(old))
            row[4] += bool(_PRONOUN.match(new)) and c.referent is None
            shown.append((sid, c.kind, new))
    rows = [[k, r[0], f"{r[1]} ({r[1] / max(1, r[0]):.0%})", f"{r[2]} ({r[2] / max(1, r[0]):.0%})",
             r[3], r[4]] for k, r in counts.items()]
    print(f"## Claims shown as sentences (bench_claim_sentences.py --seed {args.seed} --n {args.n})\n")
    print(f"{len(ids)} stories: {', '.join(ids)}\n")
    print(md_table(["kind", "claims", "fragments before", "fragments now", "pronoun openers before",
                    "unresolved openers now"], rows))
    print("\nSample of claims as shown:\n")
    for sid, kind, text in random.Random(args.seed).sample(shown, min(args.sample, len(shown))):
        print(f"- [{sid} {kind}] {text[:300]}")


if __name__ == "__main__":
    main()
