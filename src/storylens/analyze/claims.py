"""Claims aligned across sources, decided by the pair model: who carries each fact, who alone does.

Sentences are the units of decision (judge.py scores the proposed pairs). A consensus claim is a
representative sentence and, from each other article, the one sentence that states its fact: the
same fact (same_fact) or one that entails it (a longer sentence that carries it among others). So
every member states the representative's fact, which is the claim's text; two members need not
entail each other (each may add its own detail, and details.py lists those names as single-source
details). Claims are taken greedily, most articles first, and a sentence belongs to one claim.

A sentence in no claim is a single-source detail unless some other article states it (a proposed
pair the model calls the same fact, or whose other side entails it): a fact that two outlets
report and that could not join a claim is not listed as one outlet's alone.
"""

from __future__ import annotations

import heapq
import re

from ..model import Claim, Span
from .align import add_singles
from .contradict import _dates, date_conflict
from .details import detail_spans, story_texts
from .judge import Judged
from .prepare import Prepared

# A sentence shorter than this many words is not a detail of its own ("He said.", "Read more.");
# the floor the clause-unit alignment used (units.MIN_UNIT_WORDS).
MIN_DETAIL_WORDS = 5
_WORD = re.compile(r"\w+")


def _dated(prep: Prepared, i: int, cache: dict[int, list[str]]) -> list[str]:
    if i not in cache:
        cache[i] = _dates(prep.spacy_span(i))
    return cache[i]


def _members(prep: Prepared, judged: Judged, r: int, used: set[int],
             dates: dict[int, list[str]]) -> tuple[list[int], float]:
    """The representative r and, per other article, the free sentence that best states r's fact.
    Two sentences dated so that they cannot be one day (contradict.date_conflict: "in January"
    against "in March") are two events, however alike their wording."""
    art = prep.sentences[r].article
    best: dict[str, tuple[float, int]] = {}
    for j in judged.partners(r):
        other = prep.sentences[j].article
        if j in used or other == art or not judged.carries(j, r):
            continue
        if date_conflict(_dated(prep, j, dates), _dated(prep, r, dates)) is not None:
            continue
        s = judged.get(j, r)
        assert s is not None
        key = max(s.same_fact, s.entails_ab)
        if key > best.get(other, (-1.0, -1))[0]:
            best[other] = (key, j)
    members = [r] + [j for _, j in sorted(best.values(), key=lambda x: -x[0])]
    score = sum(k for k, _ in best.values()) / max(1, len(best))
    return members, score


def _consensus(prep: Prepared, judged: Judged) -> list[tuple[list[int], float]]:
    """Greedy: the representative whose claim spans the most articles first (then the higher mean
    score, then reading order); members of an accepted claim leave the pool. A claim only loses
    members as others are accepted, so stale heap keys are re-scored when popped (lazy greedy)."""
    used: set[int] = set()
    dates: dict[int, list[str]] = {}
    heap = []
    for r in sorted({i for pair in judged.scores for i in pair}):
        members, score = _members(prep, judged, r, used, dates)
        if len(members) >= 2:
            heap.append((-len(members), -round(score, 3), r))
    heapq.heapify(heap)
    out = []
    while heap:
        key = heapq.heappop(heap)
        r = key[2]
        if r in used:
            continue
        members, score = _members(prep, judged, r, used, dates)
        if len(members) < 2:
            continue
        now = (-len(members), -round(score, 3), r)
        if now != key:
            heapq.heappush(heap, now)
            continue
        out.append((members, score))
        used.update(members)
    return out


def _stated_elsewhere(prep: Prepared, judged: Judged, i: int) -> bool:
    art = prep.sentences[i].article
    return any(prep.sentences[k].article != art and (judged.same(i, k) or judged.carries(k, i))
               for k in judged.partners(i))


def build_claims(prep: Prepared, judged: Judged) -> list[Claim]:
    """Consensus claims (two or more articles, most first) then single-source claims in reading order."""
    claims: list[Claim] = []
    texts = story_texts(prep.articles)
    in_claim: set[int] = set()
    singles: list[tuple[int, Span]] = []
    for members, score in _consensus(prep, judged):
        support = [prep.sentences[m].span() for m in members]
        claims.append(Claim(f"c{len(claims) + 1}", prep.sentences[members[0]].text, "consensus", len(members),
                            support, round(score, 4), list(members)))
        in_claim.update(members)
        for m in members:
            s = prep.sentences[m]
            singles.extend((m, d) for d in detail_spans(prep, m, (s.start, s.end), texts))
    for i, s in enumerate(prep.sentences):
        if i in in_claim or len(_WORD.findall(s.text)) < MIN_DETAIL_WORDS or _stated_elsewhere(prep, judged, i):
            continue
        singles.append((i, s.span()))
    add_singles(claims, singles)
    return claims
