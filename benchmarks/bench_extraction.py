"""Article body extraction: storylens against trafilatura on the Zyte/Scrapinghub benchmark.

Data: the article extraction benchmark (github.com/scrapinghub/article-extraction-benchmark), a folder
holding ``html/<id>.html`` (or ``.html.gz``) and ``ground-truth.json`` ``{id: {articleBody, url}}``;
or a set in CleanEval's layout, ``input/<id>.html`` and ``GoldStandard/<id>.txt`` (gold text with
``<p>``/``<h>``/``<l>`` segment markers, removed before scoring), such as CleanPortalEval
(github.com/ppke-nlpg/CleanPortalEval: 71 news and blog pages of BBC, MSNBC, the Washington Post and
the WSJ, hand-cleaned), the second set of issue 16.

Systems, all run in one process over the same decoded page text:
  trafilatura              trafilatura.extract(html): default settings, the way a user calls it
  trafilatura-nocomments   extract(html, include_comments=False): the benchmark's own runner
  trafilatura-precision    extract(html, favor_precision=True)
  trafilatura-recall       extract(html, favor_recall=True)
  trafilatura-storylens    trafilatura's text with storylens's settings (bare_extraction,
                           include_comments=False, include_tables=True, with_metadata=True):
                           the text of the tree storylens's cleaner receives
  storylens                storylens.ingest.html.read_html_file(path).text: the cleaned text

Scoring reproduces the benchmark's evaluate.py: text -> tokens (regex \\w+, case kept); tokens ->
shingles of 4 consecutive tokens (a text shorter than 4 tokens is one shorter shingle); per page
TP/FP/FN over shingle multisets (min / excess of counts), normalised to sum 1 so every page weighs
the same; precision = mean over pages with TP+FP > 0, recall = mean over pages with TP+FN > 0 (a page
where both are empty scores 1), F1 = harmonic mean of the two means (not a mean of per-page F1s);
± = 1.96 x standard deviation over 1000 bootstrap resamples of pages (fixed seed). The "F1 words"
column is the same with single tokens (bag of words), the measure quoted in storylens/ingest/html.py.

Pages are split by what storylens did after trafilatura (decided with its own functions
``clean_text`` and ``clean_extracted``): "cleaner" = the plain-text cleaner's output was kept and
it changed the token sequence, "cleaner, no change" = kept but token-identical to trafilatura's text,
"fallback" = the cleaner took too much and the light clean (pattern-matched lines only) was used.

Writes to --out: one ``<system>.json`` per system (``{id: {articleBody}}``, the benchmark's layout),
``pages.json`` (per page: group and each system's P/R/F1) and ``results.md``; prints the tables,
including which of the cleaner's removals (by reason) took text that the gold body keeps.

usage: python benchmarks/bench_extraction.py [DATA_DIR] [--out DIR] [--limit N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _util import fail, md_table, progress, repo_path, write_json

DEFAULT_DATA = "../shared/data/article-extraction-benchmark"
DEFAULT_OUT = "benchmarks/out/extraction"
SHINGLE = 4  # evaluate.py's ngram_n
BOOTSTRAP = 1000  # evaluate.py's --n-bootstrap default
_TOKEN = re.compile(r"\w+")

Scores = tuple[float, float, float]  # normalised TP, FP, FN of one page

# ------------------------------------------------------------------ scoring (evaluate.py's method)


def _shingles(text: str, n: int) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i:i + n])


def tp_fp_fn(true: str, pred: str, n: int = SHINGLE) -> Scores:
    """Per-page TP/FP/FN over shingle multisets, normalised to sum 1."""
    t, p = _shingles(true, n), _shingles(pred, n)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    s = tp + fp + fn
    return (tp / s, fp / s, fn / s) if s else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fp == 0 else tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fn == 0 else tp / (tp + fn)


def metrics(scores: list[Scores]) -> dict[str, float]:
    """Mean precision, mean recall and their harmonic mean, as evaluate.py computes them."""
    ps = [_precision(*s) for s in scores if s[0] + s[1] > 0]
    rs = [_recall(*s) for s in scores if s[0] + s[2] > 0]
    p = statistics.mean(ps) if ps else 0.0
    r = statistics.mean(rs) if rs else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def bootstrap_f1(scores: list[Scores], other: list[Scores] | None = None, n: int = BOOTSTRAP) -> float:
    """1.96 x stdev of F1 (or of the F1 difference to ``other``, same resampled pages) over resamples."""
    rng = random.Random(0)
    values = []
    for _ in range(n):
        idx = [rng.randrange(len(scores)) for _ in scores]
        f1 = metrics([scores[i] for i in idx])["f1"]
        if other is not None:
            f1 -= metrics([other[i] for i in idx])["f1"]
        values.append(f1)
    return 1.96 * statistics.stdev(values) if len(values) > 1 else 0.0


# ------------------------------------------------------------------ systems


def read_page(path: Path) -> bytes:
    """The page's bytes, gunzipped when the file is gzip (by its magic number, whatever its name)."""
    data = path.read_bytes()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def trafilatura_system(**options: Any) -> Callable[[Path, str], str]:
    from trafilatura import extract

    def run(path: Path, html: str) -> str:
        return extract(html, **options) or ""

    return run


def storylens_system(path: Path, html: str) -> str:
    """What ``storylens extract page.html`` returns as text ('' when it finds no article)."""
    from storylens.errors import StorylensError
    from storylens.ingest.html import article_from_html, read_html_file

    try:
        if path.read_bytes()[:2] == b"\x1f\x8b":  # read_html_file does not gunzip: same path in memory
            return article_from_html(html, source=str(path), article_id=page_id(path)).text
        return read_html_file(path).text
    except StorylensError:
        return ""


def storylens_stages(path: Path, html: str) -> dict[str, Any]:
    """trafilatura's text as storylens extracts it, and which branch of the cleaning was taken."""
    from storylens.errors import StorylensError
    from storylens.ingest.html import _SHAPE_REASONS, _extract, clean_structure
    from storylens.ingest.structure import clean_lines, cleaned_text, tree_lines

    t = time.perf_counter()
    try:
        doc = _extract(html, None, str(path))
    except StorylensError:
        doc = None
    seconds = time.perf_counter() - t
    raw = (doc.text or "") if doc is not None else ""
    if not raw.strip():
        return {"raw": "", "chosen": "", "group": "no text", "removed": [], "seconds": seconds}
    lines = tree_lines(doc.body) or [("paragraph", x) for x in raw.splitlines() if x.strip()]
    cleaned, _ = clean_structure(lines, doc.title)
    chosen = cleaned.text
    _, full_kept = clean_lines(lines, doc.title, light=False, shape_reasons=_SHAPE_REASONS)
    if chosen != cleaned_text(full_kept)[0] and _TOKEN.findall(chosen) != _TOKEN.findall(
            cleaned_text([x for x in full_kept if x[0] == "paragraph"])[0]):
        group = "fallback"
    elif _TOKEN.findall(chosen) == _TOKEN.findall(raw):
        group = "cleaner, no change"
    else:
        group = "cleaner"
    return {"raw": raw, "chosen": chosen, "group": group, "removed": cleaned.removed, "seconds": seconds}


def page_id(path: Path) -> str:
    return path.name.split(".")[0]


# ------------------------------------------------------------------ run


_CLEANEVAL_URL = re.compile(r"^\s*URL.*$", re.MULTILINE)
_CLEANEVAL_TAG = re.compile(r"</?[phl]>|<[phl](?=[A-Z])", re.IGNORECASE)


def cleaneval_gold(text: str) -> str:
    """A CleanEval gold file's text: without its URL line and segment markers (<p>, <h>, <l>, as
    CleanEval's own cleaneval.py removes them), HTML entities decoded."""
    import html

    return html.unescape(_CLEANEVAL_TAG.sub("\n", _CLEANEVAL_URL.sub("", text)))


def load_cleaneval(data: Path, limit: int | None) -> tuple[dict[str, dict[str, Any]], dict[str, Path]]:
    """A set in CleanEval's layout (CleanEval, CleanPortalEval): input/<id>.html, GoldStandard/<id>.txt."""
    gold = {p.stem: p for p in sorted((data / "GoldStandard").glob("*.txt"))}
    pages = {p.name.split(".htm")[0]: p for p in sorted((data / "input").iterdir()) if ".htm" in p.name}
    ids = sorted(set(gold) & set(pages))
    if not ids:
        fail(f"{data}: no page of input/ has a gold file in GoldStandard/")
    ids = ids[:limit] if limit else ids
    truth = {i: {"articleBody": cleaneval_gold(gold[i].read_text(encoding="utf-8", errors="replace"))}
             for i in ids}
    return truth, {i: pages[i] for i in ids}


def load(data: Path, limit: int | None) -> tuple[dict[str, dict[str, Any]], dict[str, Path]]:
    truth_file, html_dir = data / "ground-truth.json", data / "html"
    if (data / "GoldStandard").is_dir() and (data / "input").is_dir():
        return load_cleaneval(data, limit)
    if not truth_file.is_file() or not html_dir.is_dir():
        fail(f"{data}: expected ground-truth.json and html/ (the article extraction benchmark), "
             "or input/ and GoldStandard/ (CleanEval's layout)")
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    pages = {page_id(p): p for p in sorted(html_dir.iterdir()) if ".htm" in p.name}
    missing = sorted(set(truth) - set(pages))
    if missing:
        fail(f"{html_dir}: no page for {len(missing)} ground-truth ids (first: {missing[0]})")
    ids = sorted(truth)[:limit] if limit else sorted(truth)
    return {i: truth[i] for i in ids}, {i: pages[i] for i in ids}


Run = tuple[dict[str, dict[str, str]], dict[str, str], dict[str, list[dict[str, str]]], dict[str, float]]


def run_systems(pages: dict[str, Path]) -> Run:
    """Every system's text per page, the storylens group and removed lines per page, seconds per system."""
    from storylens.ingest.html import decode_html

    systems: dict[str, Callable[[Path, str], str]] = {
        "trafilatura": trafilatura_system(),
        "trafilatura-nocomments": trafilatura_system(include_comments=False),
        "trafilatura-precision": trafilatura_system(favor_precision=True),
        "trafilatura-recall": trafilatura_system(favor_recall=True),
        "storylens": storylens_system,
    }
    out: dict[str, dict[str, str]] = {name: {} for name in [*systems, "trafilatura-storylens"]}
    seconds = dict.fromkeys(out, 0.0)
    groups: dict[str, str] = {}
    removed: dict[str, list[dict[str, str]]] = {}
    mismatches = []
    first = next(iter(pages.values()))
    for run in systems.values():  # imports and model loads (language id) stay out of the timings
        run(first, decode_html(read_page(first)))
    for k, (pid, path) in enumerate(pages.items(), 1):
        html = decode_html(read_page(path))
        for name, run in systems.items():
            t = time.perf_counter()
            out[name][pid] = run(path, html)
            seconds[name] += time.perf_counter() - t
        stages = storylens_stages(path, html)
        seconds["trafilatura-storylens"] += stages["seconds"]
        out["trafilatura-storylens"][pid], groups[pid] = stages["raw"], stages["group"]
        removed[pid] = stages["removed"]
        if stages["chosen"] != out["storylens"][pid]:
            mismatches.append(pid)
        if k % 20 == 0 or k == len(pages):
            progress(f"extracted {k}/{len(pages)} pages")
    if mismatches:
        progress(f"warning: the branch check disagrees with storylens's text on {len(mismatches)} pages "
                 f"(first {mismatches[0]}); their group may be wrong")
    return out, groups, removed, seconds


def score(truth: dict[str, dict[str, Any]], outputs: dict[str, dict[str, str]], n: int) -> dict[str, list[Scores]]:
    return {name: [tp_fp_fn(truth[i].get("articleBody", ""), texts[i], n) for i in truth]
            for name, texts in outputs.items()}


def _fmt(m: dict[str, float]) -> list[str]:
    return [f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['f1']:.3f}"]


def overall_table(sc: dict[str, list[Scores]], words: dict[str, list[Scores]], seconds: dict[str, float],
                  n_pages: int) -> str:
    rows = []
    for name, scores in sc.items():
        m = metrics(scores)
        rows.append([name, *_fmt(m)[:2], f"{m['f1']:.3f} ± {bootstrap_f1(scores):.3f}",
                     f"{metrics(words[name])['f1']:.3f}", f"{1000 * seconds[name] / n_pages:.0f}"])
    return md_table(["system", "precision", "recall", "F1 (4-shingles)", "F1 words", "ms/page"], rows)


def diff_table(sc: dict[str, list[Scores]], groups: dict[str, str], ids: list[str]) -> str:
    rows = []
    for base in ("trafilatura", "trafilatura-nocomments", "trafilatura-storylens"):
        for label, keep in [("all pages", None), *[(g, g) for g in sorted(set(groups.values()))]]:
            idx = [k for k, i in enumerate(ids) if keep is None or groups[i] == keep]
            a = [sc["storylens"][k] for k in idx]
            b = [sc[base][k] for k in idx]
            d = metrics(a)["f1"] - metrics(b)["f1"]
            ci = bootstrap_f1(a, b) if len(idx) > 1 else 0.0
            rows.append([f"storylens − {base}", label, len(idx), f"{d:+.3f} ± {ci:.3f}"])
    return md_table(["comparison", "pages", "n", "F1 difference"], rows)


def group_table(sc: dict[str, list[Scores]], groups: dict[str, str], ids: list[str]) -> str:
    rows = []
    for g in sorted(set(groups.values())):
        idx = [k for k, i in enumerate(ids) if groups[i] == g]
        for name in ("trafilatura", "trafilatura-nocomments", "trafilatura-storylens", "storylens"):
            rows.append([g, len(idx), name, *_fmt(metrics([sc[name][k] for k in idx]))])
    return md_table(["storylens branch", "pages", "system", "precision", "recall", "F1"], rows)


def removal_table(removed: dict[str, list[dict[str, str]]], truth: dict[str, dict[str, Any]]) -> str:
    """Per cleaner reason: lines and words removed, and how many of them were in the gold body."""
    stats: dict[str, list[int]] = {}
    for pid, lines in removed.items():
        gold = " " + " ".join(_TOKEN.findall(truth[pid].get("articleBody") or "")) + " "
        for item in lines:
            tokens = _TOKEN.findall(item.get("line", ""))
            hit = bool(tokens) and f" {' '.join(tokens)} " in gold
            row = stats.setdefault(item.get("reason", "?"), [0, 0, 0, 0])
            row[0] += 1
            row[1] += hit
            row[2] += len(tokens)
            row[3] += len(tokens) * hit
    rows = [[reason, n, hit, words, hit_words, f"{1 - hit_words / words:.2f}" if words else "–"]
            for reason, (n, hit, words, hit_words) in sorted(stats.items(), key=lambda kv: -kv[1][3])]
    return md_table(["reason", "lines", "lines in gold", "words", "words in gold", "boilerplate share"], rows)


def verdict(sc: dict[str, list[Scores]], groups: dict[str, str], ids: list[str]) -> str:
    def f1(name: str, group: str | None = None) -> float:
        return metrics([sc[name][k] for k, i in enumerate(ids) if group is None or groups[i] == group])["f1"]

    lines = []
    for base in ("trafilatura", "trafilatura-storylens"):
        ok_all = f1("storylens") >= f1(base)
        lines.append(f"- all pages: storylens F1 {f1('storylens'):.3f} vs {base} {f1(base):.3f}: "
                     f"{'met' if ok_all else 'NOT met'} (not below)")
        if "cleaner" in groups.values():
            ok = f1("storylens", "cleaner") >= f1(base, "cleaner")
            lines.append(f"- pages where the cleaner changed the text: storylens {f1('storylens', 'cleaner'):.3f} "
                         f"vs {base} {f1(base, 'cleaner'):.3f}: {'met' if ok else 'NOT met'} (at or above)")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(
        description="Score storylens's HTML extraction against trafilatura on the article extraction "
                    "benchmark (token-shingle precision/recall/F1, the benchmark's own method).",
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split("\n\n", 1)[1])
    ap.add_argument("data", nargs="?", type=Path, default=repo_path(DEFAULT_DATA),
                    help=f"benchmark folder with html/ and ground-truth.json (default: {DEFAULT_DATA})")
    ap.add_argument("--out", type=Path, default=repo_path(DEFAULT_OUT), help=f"output folder (default: {DEFAULT_OUT})")
    ap.add_argument("--limit", type=int, default=None, help="score only the first N pages (by id), for a quick check")
    args = ap.parse_args()

    truth, pages = load(args.data, args.limit)
    progress(f"{len(pages)} pages from {args.data}")
    t0 = time.perf_counter()
    outputs, groups, removed, seconds = run_systems(pages)
    ids = list(truth)
    sc, words = score(truth, outputs, SHINGLE), score(truth, outputs, 1)

    args.out.mkdir(parents=True, exist_ok=True)
    for name, texts in outputs.items():
        write_json(args.out / f"{name}.json", {i: {"articleBody": texts[i]} for i in ids})
    write_json(args.out / "pages.json", {i: {"group": groups[i], **{
        name: dict(zip(("precision", "recall", "f1"), (round(x, 4) for x in metrics([sc[name][k]]).values())))
        for name in sc}} for k, i in enumerate(ids)})

    counts = Counter(groups.values())
    report = "\n\n".join([
        f"# Article extraction benchmark ({len(ids)} pages, {args.data.name})",
        ("Scores: the benchmark's evaluate.py method (4-token shingles, per-page normalised TP/FP/FN, "
         "mean P and mean R, F1 of the means; ± is 1.96 sd over 1000 bootstrap resamples). "
         "F1 words: the same on single tokens."),
        overall_table(sc, words, seconds, len(ids)),
        "## By what storylens did after trafilatura\n\n"
        + ", ".join(f"{g}: {c} pages" for g, c in sorted(counts.items())),
        group_table(sc, groups, ids),
        "## storylens minus the baselines (F1, paired bootstrap ±)",
        diff_table(sc, groups, ids),
        "## Lines storylens's cleaner removed, by reason",
        ("A removed line is 'in gold' when its token sequence occurs in the page's gold article body "
         "(so removing it cost recall; a very short line can match by chance); boilerplate share = the share "
         "of removed words not in the gold body."),
        removal_table(removed, truth),
        "## Target (storylens not below trafilatura; at or above it where the cleaner runs)",
        verdict(sc, groups, ids),
        f"Run time {time.perf_counter() - t0:.0f} s.",
    ]) + "\n"
    (args.out / "results.md").write_text(report, encoding="utf-8")
    print(report)
    progress(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
