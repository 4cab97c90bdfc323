"""Claims shown as sentences (issue 15): how many claims a reader sees as fragments, before and after.

    python benchmarks/bench_claim_sentences.py [--data ../shared/data] [--n 10] [--seed 1515]
                                               [--exclude-ids benchmarks/judged/used-stories.txt]
    python benchmarks/bench_claim_sentences.py --judged benchmarks/judged/fragments-2050.jsonl [--details]

Stories: sample_briefs.py's sampling (Multi-News test-bucket clusters and NeuS validation stories,
shuffled by --seed, the first --n of each, the listed stories left out). For every claim, the text a
reader saw before (the claim's own span, "…" when cut from inside a sentence) and now (its whole
sentence, the opening pronoun's name in brackets) is scored by shape: a fragment is a text that does
not open like a sentence (a capital, a digit or an opening quote) or does not end like one; an
unresolved opener is a shown text opening with He/She/It/They/The latter/The former with no name
given. A seeded sample of shown claims is printed to read by hand.

--judged re-scores claims judged by hand (benchmarks/judged/fragments-*.jsonl): a header line
``{"header", "sampling", "rules", "stories"}``, then one line per shown claim, keyed by story, kind
and the claim's first support span (``article``, ``start``, ``end``), with ``shown`` (the text as
the reports show it: claim_plain, the fact marked [[...]]), ``plain`` when the pronoun's name in
brackets makes it differ (the same without the name), ``fragment``, ``junk``, ``named_detail`` and,
for a pronoun opener, ``referent`` ``{"judged": name the previous sentence gives, "shown": name shown
or null}``; and one line per story title (``kind`` "title", ``shown``, ``headline``, ``lead_ok``).
The current code's claims are matched to those lines by key and shown text (the name in brackets
left out, so a changed name keeps the judgement); a claim whose key or text is new is "unjudged",
to be read. Referents are scored on the claims that have a judged one: right, wrong, none shown.
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
from bench_quotes import load_story  # noqa: E402  (the judged files' story ids, as the quotes benchmark reads them)

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
    ap.add_argument("--judged", type=Path, nargs="+", help="re-score claims judged by hand (fragments-*.jsonl)")
    ap.add_argument("--details", action="store_true", help="with --judged: print every fragment, unjudged claim and referent error")
    args = ap.parse_args()
    if args.judged:
        for path in args.judged:
            rescore(path, args.data, args.details)
        return
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


def _name_key(name: str | None) -> str:
    return " ".join((name or "").casefold().split())


def rescore(path: Path, data: Path, details: bool) -> dict[str, object]:
    """The current code's briefs of a judged file's stories, scored on its judgements (printed as JSON)."""
    import json
    from dataclasses import replace

    import storylens
    from storylens.render._common import claim_plain, story_title

    lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    header = lines[0] if lines and "header" in lines[0] else {}
    rows = [r for r in lines if "header" not in r]
    sids = header.get("stories") or list(dict.fromkeys(r["story"] for r in rows))
    claims = {(r["story"], r["kind"], r["article"], r["start"], r["end"]): r for r in rows if r["kind"] != "title"}
    titles = {r["story"]: r for r in rows if r["kind"] == "title"}
    out: dict[str, dict[str, int]] = {k: {"claims": 0, "judged": 0, "fragments": 0, "junk": 0, "unjudged": 0}
                                      for k in ("consensus", "single")}
    title = {"stories": 0, "headline": 0, "lead ok": 0, "unjudged": 0}
    refs = {"judged": 0, "right": 0, "wrong": 0, "none shown": 0}
    notes = []
    for sid in sids:
        progress(f"claims: {sid}")
        brief = storylens.analyze(articles=load_story(data, sid))
        t, seen = titles.get(sid), story_title(brief)
        title["stories"] += 1
        if t is None or t["shown"] != seen:
            title["unjudged"] += 1
            notes.append(f"UNJUDGED title {sid}: {seen}")
        else:
            title["headline"] += bool(t["headline"])
            title["lead ok"] += bool(t.get("lead_ok"))
        for c in brief.claims:
            s, row = c.support[0], None
            row = claims.get((sid, c.kind, s.article, s.start, s.end))
            count = out[c.kind]
            count["claims"] += 1
            plain = claim_plain(replace(c, referent=None), mark=("[[", "]]"))
            if row is None or row.get("plain", row["shown"]) != plain:
                count["unjudged"] += 1
                notes.append(f"UNJUDGED {sid} {c.id} {c.kind}: {claim_plain(c, mark=('[[', ']]'))[:240]}")
                continue
            count["judged"] += 1
            count["fragments"] += bool(row["fragment"])
            count["junk"] += bool(row["junk"])
            if row["fragment"] and details:
                notes.append(f"FRAGMENT {sid} {c.id} {c.kind}: {row['shown'][:240]}")
            judged = row.get("referent")
            if judged:
                shown = c.referent.name if c.referent else None
                refs["judged"] += 1
                if shown is None:
                    refs["none shown"] += 1
                elif _name_key(shown) == _name_key(judged["judged"]):
                    refs["right"] += 1
                else:
                    refs["wrong"] += 1
                    notes.append(f"REFERENT {sid} {c.id}: shown {shown!r}, judged {judged['judged']!r}")
    for count in out.values():
        count["fragment share"] = round(count["fragments"] / count["judged"], 3) if count["judged"] else None  # type: ignore[assignment]
    result = {"judged": path.name, "stories": len(sids), **out, "titles": title, "referents": refs}
    if details:
        print("\n".join(notes))
    print(json.dumps(result, ensure_ascii=False), flush=True)
    return result


if __name__ == "__main__":
    main()
