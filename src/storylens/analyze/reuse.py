"""Reused passages: text one article shares with another, verbatim or nearly so."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from ..model import Article, Reuse, Span
from .prepare import Prepared, Similarity
from .repeats import distinct_pairs

_TOKEN = re.compile(r"\w+")
# Eight shared words in a row is beyond chance phrasing in news text (the copy-detection literature
# uses 5-10 word shingles; shorter runs are set phrases and names such as "the European Central Bank").
MIN_RUN = 8
# Most places in b one run of MIN_RUN words may have and still start a run (a run goes on through
# such words, it only does not start on them). Text repeating one short cycle (issue 18: two copies of
# an 8-word cycle) matched every place against every place, quadratic in time and in ``covered``;
# with the cap, matching pairs of starts, and so the work, are at most MAX_PLACES per word of a.
# benchmarks/bench_hostile.py (RESULTS, issue 18): 12k-word copies 74.8 s / 2.8 GB before, 0.16 s /
# 57 MB after; the runs of all 250 Multi-News validation stories are identical with the cap (an 8-word
# run repeats at most a few times in a news article: a refrain, a boilerplate line).
MAX_PLACES = 16
# A sentence pair whose folded characters agree this much is a light rewrite of one source
# (difflib ratio; independent paraphrases of one fact in the seed story stay below 0.6).
NEAR = 0.75
# Only pairs already aligned as the same fact are compared character by character (align.STRONG).
ALIGNED = 0.55


def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group().casefold(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _runs(ta: list[tuple[str, int, int]], tb: list[tuple[str, int, int]]) -> list[tuple[int, int, int]]:
    """Maximal shared token runs (start in a, start in b, length) of at least MIN_RUN tokens."""
    index: dict[tuple[str, ...], list[int]] = {}
    for k in range(len(tb) - MIN_RUN + 1):
        index.setdefault(tuple(t[0] for t in tb[k : k + MIN_RUN]), []).append(k)
    index = {gram: places for gram, places in index.items() if len(places) <= MAX_PLACES}
    runs, covered = [], set()
    for i in range(len(ta) - MIN_RUN + 1):
        for j in index.get(tuple(t[0] for t in ta[i : i + MIN_RUN]), []):
            if (i - 1, j - 1) in covered:
                continue
            n = MIN_RUN
            while i + n < len(ta) and j + n < len(tb) and ta[i + n][0] == tb[j + n][0]:
                n += 1
            covered.update((i + d, j + d) for d in range(n))
            runs.append((i, j, n))
    return runs


def verbatim(a: Article, b: Article) -> list[Reuse]:
    """Passages of at least MIN_RUN words that appear word for word in both articles."""
    ta, tb = _tokens(a.text), _tokens(b.text)
    out = []
    for i, j, n in _runs(ta, tb):
        sa, ea = ta[i][1], ta[i + n - 1][2]
        sb, eb = tb[j][1], tb[j + n - 1][2]
        out.append(Reuse(Span(a.id, sa, ea, a.text[sa:ea]), Span(b.id, sb, eb, b.text[sb:eb]), 1.0, "verbatim"))
    return out


def _fold(text: str) -> str:
    return " ".join(_TOKEN.findall(text.casefold()))


def _sharing_pairs(arts: list[Article]) -> set[tuple[int, int]]:
    """Article pairs (x < y) sharing at least one run of MIN_RUN words: one pass over all text,
    so only pairs that can hold a verbatim passage are compared."""
    holders: dict[int, set[int]] = {}
    for x, a in enumerate(arts):
        words = [t[0] for t in _tokens(a.text)]
        for k in range(len(words) - MIN_RUN + 1):
            holders.setdefault(hash(tuple(words[k : k + MIN_RUN])), set()).add(x)
    pairs: set[tuple[int, int]] = set()
    for owners in holders.values():
        if len(owners) > 1:
            ids = sorted(owners)
            pairs.update((p, q) for n, p in enumerate(ids) for q in ids[n + 1 :])
    return pairs


def find_verbatim(articles: list[Article]) -> list[Reuse]:
    """Verbatim runs between every pair of articles that shares one (no vectors needed)."""
    found: list[Reuse] = []
    for x, y in sorted(_sharing_pairs(articles)):
        found.extend(verbatim(articles[x], articles[y]))
    return found


def _near_ratio(a: str, b: str) -> float | None:
    """difflib's ratio of two folded sentences when it can reach NEAR, else None; the cheap upper
    bounds (real_quick_ratio, quick_ratio) rule most pairs out without the full match."""
    m = SequenceMatcher(None, _fold(a), _fold(b), autojunk=False)
    if m.real_quick_ratio() < NEAR or m.quick_ratio() < NEAR:
        return None
    ratio = m.ratio()
    return ratio if ratio >= NEAR else None


def find_reuse(prep: Prepared, sim: Similarity, copied: list[Reuse] | None = None) -> list[Reuse]:
    """Verbatim runs between every pair of articles (``copied``, when find_verbatim already ran),
    then near-copies among aligned sentences (a sentence an article repeats, once: repeats.py)."""
    found = list(copied) if copied is not None else find_verbatim(prep.articles)
    covered = {(r.a.article, r.a.start) for r in found}
    for i, j, _ in distinct_pairs(prep, sim, ALIGNED):
        si, sj = prep.sentences[i], prep.sentences[j]
        if (si.article, si.start) in covered:
            continue
        ratio = _near_ratio(si.text, sj.text)
        if ratio is not None:
            found.append(Reuse(si.span(), sj.span(), ratio, "near"))
    return sorted(found, key=lambda r: (-len(r.a.text), r.a.article, r.a.start))
