"""Quotes benchmark: the current code's quotes re-scored against quotations judged by hand.

    python benchmarks/bench_quotes.py [--judged benchmarks/judged/quotes-*.jsonl] [--data ../shared/data] [--details]
    python benchmarks/bench_quotes.py --rev d71fa7c          (the code of a past commit, same judged items)
    python benchmarks/bench_quotes.py --candidates FILE --stories multinews:ID,neus:ID,...   (for judging)

A judged file has one line per quotation in the stories' articles (every stretch between quotation
marks, whether a quote or not), keyed by story, article id and character offsets into the text the
analysis reads: ``{"story", "article", "start", "end", "quote": true|false, "speaker": full name or
null, "text"}`` (``text`` is there for the reader; scoring uses the offsets only). Its first line is
a header ``{"header", "sampling", "rules", "stories"}`` saying how the stories were drawn and
judged, and naming every story read (some have no quotation at all).

Scoring, per shown occurrence (one support span of one Quote):
  right   the span overlaps a judged quotation that is a quote, and the speaker is the judged one
          (names compared as entities.name_key does: case, possessives, punctuation folded);
  wrong   otherwise (a non-quote, or the right words given to someone else).
precision = right / shown; recall = judged quotes with at least one right occurrence / judged quotes.
Story ids: ``seed`` (examples/russia-day, read as ``storylens analyze`` reads it), ``multinews:ID``
(Multi-News validation; article ids are the document's index), ``neus:ID`` (NeuS/AllSides validation).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from _util import progress

# Opening and closing quotation marks a judged quotation is cut at (curly pairs, straight toggles).
_MARKS = re.compile(r"[“”\"]")


def load_story(data: Path, sid: str) -> list[Any]:
    """The articles of one story id, as the analysis reads them."""
    from storylens.model import Article

    if sid == "seed":
        from storylens.ingest import read_inputs

        return read_inputs([str(ROOT / "examples" / "russia-day")])[0]
    kind, _, key = sid.partition(":")
    if kind == "multinews":
        for line in (data / "multi-news-val" / "validation.jsonl").open(encoding="utf-8"):
            c = json.loads(line)
            if c["id"] == key:
                return [Article(f"{k}", d) for k, d in enumerate(c["documents"]) if d.strip()]
    if kind == "neus":
        for line in (data / "neus-allsides-val" / "val.jsonl").open(encoding="utf-8"):
            s = json.loads(line)
            if s["id"] == key:
                return [Article(f"{k}", a["text"], title=a.get("title", ""))
                        for k, a in enumerate(s["articles"]) if a["text"].strip()]
    raise SystemExit(f"Error: no story {sid!r} in {data}")


def run_quotes(articles: list[Any]) -> list[Any]:
    """The quotes the analysis finds: the same stages analyze_articles runs for them (no embeddings)."""
    from storylens.analyze.entities import find_entities
    from storylens.analyze.quotes import find_quotes
    from storylens.analyze.stages import complete_parse, parse_story

    parsed = complete_parse(parse_story(articles))
    _, names = find_entities(parsed)
    return find_quotes(parsed, names)


def quotations(text: str) -> list[tuple[int, int]]:
    """(start, end) of every stretch between quotation marks, paragraph by paragraph."""
    out: list[tuple[int, int]] = []
    for para in re.finditer(r"[^\n]+", text):
        opened: int | None = None
        for m in _MARKS.finditer(para.group()):
            ch, at = m.group(), para.start() + m.start()
            if opened is None and ch != "”":
                opened = at + 1
            elif opened is not None and ch != "“":
                if at > opened:
                    out.append((opened, at))
                opened = None
            elif ch == "“":
                opened = at + 1
    return out


def _key(name: str | None) -> str:
    from storylens.analyze.entities import name_key

    return name_key(name or "")


def same_speaker(judged: str | None, shown: str) -> bool:
    """Whether the shown speaker is the judged one: "A|B" accepts either, "~word" an unnamed speaker
    whose shown description contains the word ("~friend": "the friend", "a close friend of ...")."""
    for option in (judged or "").split("|"):
        if option.startswith("~"):
            if _key(option[1:]) in _key(shown).split():
                return True
        elif option and _key(option) == _key(shown):
            return True
    return False


def score(judged: list[dict[str, Any]], shown: dict[str, list[tuple[str, int, int, str]]]) -> dict[str, Any]:
    """Precision and recall of shown occurrences (story -> (article, start, end, speaker)) on the judged rows.

    A shown occurrence that overlaps only borderline rows (``quote`` null) counts neither way."""
    by_place: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in judged:
        by_place[(row["story"], row["article"])].append(row)
    right, wrong, found, borderline = 0, [], set(), 0
    for sid, items in shown.items():
        for article, start, end, speaker in items:
            hits = [r for r in by_place[(sid, article)] if r["start"] < end and start < r["end"]]
            good = [r for r in hits if r["quote"] and same_speaker(r["speaker"], speaker)]
            if good:
                right += 1
                found.update(id(r) for r in good)
            elif hits and all(r["quote"] is None for r in hits):
                borderline += 1
            else:
                wrong.append({"story": sid, "article": article, "start": start, "end": end, "speaker": speaker,
                              "judged": [(r["quote"], r["speaker"], r["text"][:60]) for r in hits]})
    real = [r for r in judged if r["quote"]]
    missed = [r for r in real if id(r) not in found]
    n = right + len(wrong)
    return {"shown": n, "right": right, "precision": round(right / n, 3) if n else None,
            "borderline shown": borderline, "judged quotes": len(real), "found": len(real) - len(missed),
            "recall": round((len(real) - len(missed)) / len(real), 3) if real else None,
            "wrong": wrong, "missed": [{k: r[k] for k in ("story", "article", "start", "end", "speaker", "text")}
                                       for r in missed]}


def shown_occurrences(quotes: list[Any]) -> list[tuple[str, int, int, str]]:
    return [(s.article, s.start, s.end, q.speaker) for q in quotes for s in q.support]


def write_candidates(data: Path, sids: list[str], path: Path) -> None:
    """Every quotation of the stories, with its paragraph and the current code's speaker, for judging."""
    rows = []
    for sid in sids:
        progress(f"candidates: {sid}")
        arts = load_story(data, sid)
        shown = shown_occurrences(run_quotes(arts))
        for a in arts:
            for start, end in quotations(a.text):
                said = [sp for art, s, e, sp in shown if art == a.id and s < end and start < e]
                lo, hi = a.text.rfind("\n", 0, start) + 1, a.text.find("\n", end)
                rows.append({"story": sid, "article": a.id, "start": start, "end": end, "text": a.text[start:end],
                             "system": said, "context": a.text[max(lo, start - 300): hi if hi >= 0 else end + 300][:900]})
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    progress(f"{len(rows)} quotations -> {path}")


def score_file(path: Path, data: Path, details: bool) -> dict[str, Any]:
    """Run the current code on the stories of one judged file and score it (printing the details)."""
    lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    header = lines[0] if lines and "header" in lines[0] else {}
    judged = [r for r in lines if "header" not in r]
    sids = header.get("stories") or list(dict.fromkeys(r["story"] for r in judged))
    shown = {}
    for sid in sids:
        progress(f"quotes: {sid}")
        shown[sid] = shown_occurrences(run_quotes(load_story(data, sid)))
    result = score(judged, shown)
    if details:
        for w in result["wrong"]:
            print("WRONG", json.dumps(w, ensure_ascii=False))
        for m in result["missed"]:
            print("MISSED", json.dumps(m, ensure_ascii=False))
    summary = {k: v for k, v in result.items() if k not in ("wrong", "missed")}
    return {"judged": path.name, "stories": len(sids), **summary}


def at_revision(rev: str, argv: list[str]) -> int:
    """Re-run this script with the package source of git revision ``rev`` (the judged files and this
    script stay the current ones), so the code before a change is scored on the same items."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "src"], capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", tmp], input=archive.stdout, check=True)
        env = {**os.environ, "PYTHONPATH": str(Path(tmp) / "src")}
        return subprocess.run([sys.executable, __file__, *argv], env=env, check=False).returncode


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--judged", type=Path, nargs="+", default=sorted((ROOT / "benchmarks" / "judged").glob("quotes-*.jsonl")))
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--rev", help="score the package as it was at this git revision (e.g. the commit before a change)")
    ap.add_argument("--candidates", type=Path, help="write the stories' quotations for judging instead of scoring")
    ap.add_argument("--stories", default="", help="comma-separated story ids (with --candidates)")
    ap.add_argument("--details", action="store_true", help="print every wrong and missed item")
    args = ap.parse_args()
    if args.rev:
        argv = sys.argv[1:]
        k = argv.index("--rev")
        return at_revision(args.rev, argv[:k] + argv[k + 2 :])
    if args.candidates:
        write_candidates(args.data, [s for s in args.stories.split(",") if s], args.candidates)
        return 0
    for path in args.judged:
        print(json.dumps(score_file(path, args.data, args.details), ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
