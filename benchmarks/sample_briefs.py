"""Briefs of development stories for reading by hand: every consensus claim with all its members,
and every contradiction, as plain text.

Sampling (no story here was used to tune anything): Multi-News validation clusters whose split
bucket is a test bucket (training/pairdata.py; the pair model's silver pairs come from the
training buckets only) and NeuS/AllSides validation stories (never trained on), each list shuffled
by --seed, the first --n of each taken. Multi-News documents are raw scraped text, fed as they are.
--exclude-ids FILE leaves out the stories the file lists (benchmarks/judged/used-stories.txt: every
story read by hand or used to make a rule so far), so a new reading is of stories no rule was made
from; the Multi-News test pool holds only 40 clusters, so a sample may hold fewer than --n of them.
--exclude-seeds leaves out what a seed draws from the whole pool (SEED with --n, or SEED:N); a sample
drawn with exclusions is not reproduced by it, so prefer the file.

usage: python benchmarks/sample_briefs.py [--data ../shared/data] [--n 10] [--seed 2026]
                                          [--exclude-ids benchmarks/judged/used-stories.txt]
                                          [--exclude-seeds 2027,2028,2031:20] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "training")]
import pairdata


def stories(data: Path, n: int, seed: int, exclude: frozenset[str] = frozenset(), mn_pool: str = "test"
            ) -> list[tuple[str, list[tuple[str, str]]]]:
    """The first ``n`` of each corpus after a seeded shuffle; ``mn_pool="all"`` draws Multi-News
    clusters from the whole validation split, not only its test bucket (the quote and title readings
    of issue 15, which no pair model is tuned on)."""
    rng = random.Random(seed)
    mn = [json.loads(x) for x in (data / "multi-news-val" / "validation.jsonl").read_text(encoding="utf-8").splitlines()]
    mn = [c for c in mn if (mn_pool == "all" or pairdata.part("multinews:" + c["id"]) == "test")
          and len(c["documents"]) >= 2]
    ns = [json.loads(x) for x in (data / "neus-allsides-val" / "val.jsonl").read_text(encoding="utf-8").splitlines()]
    rng.shuffle(mn)
    rng.shuffle(ns)
    mn = [c for c in mn if f"multinews:{c['id']}" not in exclude]
    ns = [s for s in ns if f"neus:{s['id']}" not in exclude]
    out = [(f"multinews:{c['id']}", [("", d) for d in c["documents"]]) for c in mn[:n]]
    out += [(f"neus:{s['id']}", [(a.get("title", ""), a["text"]) for a in s["articles"]]) for s in ns[:n]]
    return out


def _in_context(text: str, start: int, end: int) -> str:
    """The span inside the rest of its sentence, marked [[...]] when it is only a part of it (the
    sentence found by the nearest full stop or line break, which is enough to read it by)."""
    dot = text.rfind(". ", 0, start)
    a = max(dot + 2 if dot >= 0 else 0, text.rfind("\n", 0, start) + 1)
    stops = [k for k in (text.find(". ", end), text.find("\n", end)) if k >= 0]
    b = min(stops) + 1 if stops else len(text)
    before, after = text[a:start].strip(), text[end:b].strip()
    if not before and not after:
        return text[start:end]
    return f"{before} [[{text[start:end]}]] {after}".strip()


def _as_shown(sid: str, brief: object) -> list[str]:
    """A story's brief as its reports show it: the title, then every claim and detail numbered (the
    whole sentence, the fact marked [[...]]), then each quote with its speaker; the title as the
    reports show it (a story without a headline: "No headline: <lead sentence>")."""
    from storylens.render._common import claim_plain, story_title

    out = [f"=== {sid}: title {story_title(brief)!r}"]  # type: ignore[arg-type]
    for c in brief.claims:  # type: ignore[attr-defined]
        out.append(f"[{c.id}] {c.kind} ({c.outlets}): {claim_plain(c, mark=('[[', ']]'))}")
    for q in brief.quotes:  # type: ignore[attr-defined]
        out.append(f"  Q {q.speaker}: “{q.text}” ({', '.join(s.article for s in q.support)})")
    return [*out, ""]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--n", type=int, default=10)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--exclude-seeds", default="", help="comma-separated seeds whose samples to leave out (SEED uses --n, SEED:N draws N)")
    ap.add_argument("--exclude-ids", type=Path, help="a file of story ids to leave out, one per line (# comments)")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "sample-briefs.txt")
    ap.add_argument("--mn-pool", choices=("test", "all"), default="test",
                    help="Multi-News clusters from the test bucket only (default) or from the whole validation split")
    ap.add_argument("--ids-out", type=Path, help="also write the sampled story ids, one a line")
    ap.add_argument("--as-shown", action="store_true",
                    help="write what a reader sees instead: the title, every claim and detail as shown, the quotes")
    args = ap.parse_args()
    import storylens
    from storylens.model import Article

    lines = []
    totals = {"stories": 0, "consensus": 0, "contradictions": 0}
    exclude = frozenset(sid for s in filter(None, args.exclude_seeds.split(","))
                        for sid, _ in stories(args.data, int(s.partition(":")[2] or args.n), int(s.partition(":")[0])))
    if args.exclude_ids:
        exclude |= {x.strip() for x in args.exclude_ids.read_text(encoding="utf-8").splitlines()
                    if x.strip() and not x.startswith("#")}
    sample = stories(args.data, args.n, args.seed, exclude, mn_pool=args.mn_pool)
    if args.ids_out:
        args.ids_out.write_text("".join(sid + "\n" for sid, _ in sample), encoding="utf-8")
    for sid, docs in sample:
        arts = [Article(f"{k}", text, title=title) for k, (title, text) in enumerate(docs) if text.strip()]
        brief = storylens.analyze(articles=arts)
        if args.as_shown:
            lines.extend(_as_shown(sid, brief))
            continue
        texts = {a.id: a.text for a in arts}
        consensus = [c for c in brief.claims if c.kind == "consensus"]
        totals["stories"] += 1
        totals["consensus"] += len(consensus)
        totals["contradictions"] += len(brief.contradictions)
        lines.append(f"=== {sid}: {len(arts)} articles, {len(consensus)} consensus, {len(brief.contradictions)} contradictions")
        for c in consensus:
            lines.append(f"[{c.id}] ({c.outlets} outlets, score {c.score:.2f})")
            lines.extend(f"    {s.article}: {_in_context(texts[s.article], s.start, s.end)}" for s in c.support)
        for x in brief.contradictions:
            lines.append(f"[{x.id}] {x.type}: {x.explanation}")
            lines.append(f"    A {x.a.article}: {x.a.text}")
            lines.append(f"    B {x.b.article}: {x.b.text}")
        lines.append("")
    lines.append(json.dumps(totals))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(json.dumps(totals))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
