"""Claims aligned across sources: which outlets carry each fact, and which facts only one carries.

Facts live in clauses, so alignment works on clause units (``units.py``) scored by the blended
similarity (centred embedding cosine plus rare-word overlap). Every unit links to its best unit in
each other article when that pair clears ``AlignParams.link``. Links are then taken strongest first, and each
joins the two groups of units it connects when the groups come from different articles and the
mean similarity of all their cross pairs reaches ``AlignParams.cohere`` (average linkage, one unit per article),
so a claim stays one fact. A group spanning two or more articles is a consensus claim; its support
spans are the clauses themselves, and what is left of a sentence outside every consensus clause
stays a single-source detail.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from ..model import Claim, Reuse, Span
from .contradict import _dates, date_conflict
from .details import detail_spans, story_texts
from .params import ALIGN, AlignParams
from .prepare import Prepared
from .units import content_terms, pieces, stands_alone

# verify.verifier's function: (group, representative) pairs -> the groups the pair model keeps
Verify = Callable[[list[tuple[list[int], int]]], list[list[int]]]

_WORD = re.compile(r"\w+")
# A clause that opens with a relative pronoun says something about a noun in the clause before it
# ("..., which had split from X, as sovereign states"): alone it lacks its subject and verb.
_RELATIVE = re.compile(r"^(?:which|who|whom|whose)\b", re.IGNORECASE)
# What a leftover stretch may open or close with that is not part of it: clause punctuation, and at
# the start a closing quote left behind by a member that ended inside it ("... victory,” and has").
_LEAD = re.compile(r"^(?:[\s,;:–—-]|[”’]|\"(?=\s))*")
_TAIL = re.compile(r"[\s,;:–—-]+$")


def _links(prep: Prepared, p: AlignParams = ALIGN) -> list[tuple[float, int, int]]:
    """(score, unit, unit) for each unit's best partner in each other article, strongest first."""
    i, j, cos = prep.unit_pairs()
    fact = prep.unit_has_fact()
    ok = fact[i] & fact[j] & _same_time(prep, i, j)
    i, j, cos = i[ok], j[ok], cos[ok]
    if not len(i):
        return []
    score = prep.pair_similarity(i, j, cos)
    keep = score >= p.link
    i, j, score = i[keep], j[keep], score[keep]
    arts = prep.unit_articles()
    best: dict[tuple[int, int], tuple[float, int]] = {}
    for a, b, s in zip(i.tolist(), j.tolist(), score.tolist()):
        for u, v in ((a, b), (b, a)):
            key = (u, int(arts[v]))
            if s > best.get(key, (-2.0, -1))[0]:
                best[key] = (s, v)
    links = {(s, min(u, v), max(u, v)) for (u, _), (s, v) in best.items()}
    return sorted(links, key=lambda x: (-x[0], x[1], x[2]))


def _same_time(prep: Prepared, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Per unit pair: could the two be one event? Not when both sentences carry an explicit date
    and no date of one fits a date of the other (contradict.date_conflict: "in January" against "in
    March"): two accusations months apart are two facts, however alike their wording."""
    owner = [u.sentence for u in prep.units]
    dates: dict[int, list[str]] = {}

    def dated(k: int) -> list[str]:
        if k not in dates:
            dates[k] = _dates(prep.spacy_span(k))
        return dates[k]

    out = np.ones(len(i), dtype=bool)
    for n, (a, b) in enumerate(zip(i.tolist(), j.tolist())):
        out[n] = date_conflict(dated(owner[a]), dated(owner[b])) is None
    return out


def _join(links: list[tuple[int, int]], article: Callable[[int], int],
          cohere: Callable[[list[int], list[int]], float], bar: float) -> list[list[int]]:
    """Average linkage over ``links`` taken in order: each joins the groups of its two items when
    they come from different articles and the mean similarity of their cross pairs reaches ``bar``."""
    group_of: dict[int, int] = {}  # item -> group id; an item in no group is its own group -1 - item
    members: dict[int, list[int]] = {}
    for u, v in links:
        gu, gv = group_of.get(u, -1 - u), group_of.get(v, -1 - v)
        if gu == gv:
            continue
        a, b = members.get(gu, [u]), members.get(gv, [v])
        if {article(x) for x in a} & {article(x) for x in b}:
            continue
        if cohere(a, b) < bar:
            continue
        new = gu if gu >= 0 else (gv if gv >= 0 else u)
        members.pop(gu, None)
        members.pop(gv, None)
        members[new] = a + b
        for x in a + b:
            group_of[x] = new
    return list(members.values())


def _groups(prep: Prepared, p: AlignParams = ALIGN) -> list[list[int]]:
    """Average-linkage groups of units over the links, at most one unit per article."""
    arts = prep.unit_articles()
    return _join([(u, v) for _, u, v in _links(prep, p)], lambda u: int(arts[u]),
                 lambda a, b: float(prep.unit_similarity(np.array(a), np.array(b)).mean()), p.cohere)


def _lead_groups(prep: Prepared, p: AlignParams = ALIGN) -> list[list[int]]:
    """Average-linkage groups of the whole-sentence units of each article's first ``p.lead``
    sentences that state a fact, by plain cosine (``p.lead_cos``), at most one unit per article."""
    arts = prep.unit_articles()
    fact = prep.unit_has_fact()
    leads: dict[int, list[int]] = {}
    seen: set[int] = set()
    for k, unit in enumerate(prep.units):
        if unit.sentence in seen:
            continue  # a sentence's whole unit comes first (units.split_units)
        seen.add(unit.sentence)
        own = leads.setdefault(int(arts[k]), [])
        if len(own) < p.lead and fact[k]:
            own.append(k)
    idx = np.array([u for own in leads.values() for u in own], dtype=int)
    if len({int(arts[u]) for u in idx}) < 2:
        return []
    v = prep.embedded.unit_vectors[idx]
    v = v / np.clip(np.linalg.norm(v, axis=1, keepdims=True), 1e-12, None)
    cos = v @ v.T
    pairs = sorted(((float(cos[x, y]), x, y) for x in range(len(idx)) for y in range(x + 1, len(idx))
                    if arts[idx[x]] != arts[idx[y]] and cos[x, y] >= p.lead_cos), key=lambda t: (-t[0], t[1], t[2]))
    groups = _join([(x, y) for _, x, y in pairs], lambda x: int(arts[idx[x]]),
                   lambda a, b: float(cos[np.ix_(a, b)].mean()), p.lead_cos)
    return [[int(idx[m]) for m in g] for g in groups]


def _refine(prep: Prepared, group: list[int], by_sentence: dict[int, list[int]], p: AlignParams = ALIGN) -> list[int]:
    """Swap each member for the unit of its sentence (whole, clause or window) that agrees best
    with the other members, so a claim's span is the stretch that carries the shared fact. A
    sentence can only link through a unit that states a fact (units.states_fact), but once linked
    it may narrow to a verbless piece ("due to its weapons programmes"): that frees the rest of the
    sentence for another claim."""
    group = list(group)
    for pos, u in enumerate(group):
        others = np.array([x for x in group if x != u])
        options = np.array(by_sentence[prep.units[u].sentence])
        means = prep.unit_similarity(options, others).mean(axis=1)
        current = float(means[list(options).index(u)])
        best = max(range(len(options)), key=lambda k: (round(float(means[k]), 3), -len(prep.units[options[k]].text)))
        if float(means[best]) >= current + p.refine:
            group[pos] = int(options[best])
    return group


def _coherence(prep: Prepared, group: list[int]) -> float:
    idx = np.array(group)
    s = prep.unit_similarity(idx, idx)
    n = len(group)
    return float((s.sum() - np.trace(s)) / max(1, n * (n - 1)))


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    return max(0, inter) / max(1, max(a[1] - a[0], b[1] - b[0]))


def _bounds(prep: Prepared, u: int) -> tuple[int, int]:
    """A consensus member's span: the unit, reaching back over the clause before it when the unit
    is a relative clause, so the support names what the clause is about."""
    unit = prep.units[u]
    s = prep.sentences[unit.sentence]
    if not _RELATIVE.match(unit.text):
        return unit.start, unit.end
    before = [a for a, z in pieces(s) if s.start + z <= unit.start]
    return (s.start + before[-1], unit.end) if before else (unit.start, unit.end)


def _span(prep: Prepared, u: int) -> Span:
    a, z = _bounds(prep, u)
    s = prep.sentences[prep.units[u].sentence]
    return Span(s.article, a, z, s.text[a - s.start : z - s.start])


def _contained(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    return max(0, inter) / max(1, min(a[1] - a[0], b[1] - b[0]))


def _repeats(prep: Prepared, group: list[int], accepted: list[tuple[list[int], float]], p: AlignParams = ALIGN) -> bool:
    """Does the group restate an accepted claim: in most of its articles, one span inside the other?"""
    arts = prep.unit_articles()
    spans = {arts[u]: (prep.units[u].start, prep.units[u].end) for u in group}
    for other, _ in accepted:
        if not any(arts[u] in spans for u in other):
            continue
        theirs = {arts[u]: (prep.units[u].start, prep.units[u].end) for u in other}
        inside = sum(_contained(spans[a], theirs[a]) >= p.overlap for a in spans if a in theirs)
        if inside == len(spans):
            return True
    return False


def _accept(prep: Prepared, verify: Verify | None = None, p: AlignParams = ALIGN) -> list[tuple[list[int], float]]:
    """Groups best first; one restating an accepted claim is dropped, and members that repeat a
    clause an accepted claim holds are trimmed. With ``verify`` (verify.py), each group first keeps
    only the members the pair model says state its representative's fact."""
    by_sentence: dict[int, list[int]] = {}
    for k, unit in enumerate(prep.units):
        by_sentence.setdefault(unit.sentence, []).append(k)
    linked = _groups(prep, p)
    groups = [_refine(prep, g, by_sentence, p) for g in linked]
    if verify is not None:
        arts = prep.unit_articles()
        # a member refined down to a piece that states no fact ("Kassie Siegel of the Center for
        # ...", "Appearing on ...") is read by the model as agreeing on a name, not a fact: it goes
        # back to the unit it linked through, which states one (_links)
        fact = prep.unit_has_fact()
        groups = [[u if fact[u] else o for u, o in zip(g, before)] for g, before in zip(groups, linked)]
        # the leads' groups (whole sentences, plain cosine) go to the same check; one the clause
        # groups already hold, whole or in part in every article, is dropped below (_repeats)
        groups += _lead_groups(prep, p)
        groups = [g for g in verify([(g, g[_medoid(prep, g)]) for g in groups]) if len({arts[u] for u in g}) >= 2]
    scored = [(g, _coherence(prep, g)) for g in groups]
    scored.sort(key=lambda x: (-len(x[0]), -round(x[1], 2), min(x[0])))
    taken: dict[str, list[tuple[int, int]]] = {}
    accepted: list[tuple[list[int], float]] = []
    for group, score in scored:
        if _repeats(prep, group, accepted, p):
            continue
        keep = []
        for u in group:
            unit = prep.units[u]
            art = prep.sentences[unit.sentence].article
            if not any(_overlap((unit.start, unit.end), t) >= p.overlap for t in taken.get(art, [])):
                keep.append(u)
        if len({prep.sentences[prep.units[u].sentence].article for u in keep}) < 2:
            continue
        for u in keep:
            unit = prep.units[u]
            taken.setdefault(prep.sentences[unit.sentence].article, []).append((unit.start, unit.end))
        accepted.append((keep, score if len(keep) == len(group) else _coherence(prep, keep)))
    return accepted


# A clause that opens like a sentence ("He condemned ...", "“We will ...") reads on its own as a
# claim's text; one cut from inside a sentence ("which had broken away ...", "and condemns ...")
# does not.
_OPENS_SENTENCE = re.compile(r"^[\"'“‘(]?[A-Z0-9]")


def _medoid(prep: Prepared, group: list[int]) -> int:
    """The member whose text stands for the claim: one that opens like a sentence, then one that
    states the fact whole, then the one most like the others."""
    idx = np.array(group)
    s = prep.unit_similarity(idx, idx)
    means = (s.sum(axis=1) - np.diag(s)) / max(1, len(group) - 1)
    fact = prep.unit_has_fact()  # a member that states the fact whole reads better as the claim's text
    return max(range(len(group)), key=lambda k: (bool(_OPENS_SENTENCE.match(prep.units[group[k]].text)),
                                                 bool(fact[group[k]]), round(float(means[k]), 3),
                                                 -len(prep.units[group[k]].text)))


def _leftovers(prep: Prepared, covered: dict[int, list[tuple[int, int]]], p: AlignParams = ALIGN) -> list[tuple[int, Span]]:
    """Stretches of each sentence outside every consensus clause, long enough to be a detail."""
    out = []
    for i, s in enumerate(prep.sentences):
        cuts = sorted(covered.get(i, []))
        pos, gaps = s.start, []
        for a, z in cuts:
            if a > pos:
                gaps.append((pos, a))
            pos = max(pos, z)
        if pos < s.end:
            gaps.append((pos, s.end))
        for a, z in gaps:
            text = s.text[a - s.start : z - s.start]
            lead = len(_LEAD.match(text).group(0))
            m = _TAIL.sub("", text[lead:])
            if len(_WORD.findall(m)) < p.min_detail_words:
                continue
            start = a + lead
            # What is left of a sentence beside its consensus clause is a detail only when it states
            # a fact itself: "In a match made in ...", the opening phrase of a sentence whose main
            # clause another outlet carries, is no detail (issue 15's readings 2050 and 2051: such
            # leftovers were 100 of 158 and 42 of 81 fragments among single-source details).
            # A sentence no claim touches goes through the same test as a whole sentence.
            if not _states_alone(prep, i, start, start + len(m), whole=(a, z) == (s.start, s.end)):
                continue
            out.append((i, Span(s.article, start, start + len(m), m)))
    return out


def _states_alone(prep: Prepared, i: int, start: int, end: int, whole: bool) -> bool:
    """Does the stretch [start, end) of sentence ``i`` (article offsets) state a fact of its own
    (units.stands_alone on its tokens)?"""
    s, span = prep.sentences[i], prep.spacy_span(i)
    base = s.start - span.start_char
    tokens = [t for t in span if start <= base + t.idx and base + t.idx + len(t.text) <= end]
    return stands_alone(tokens, content_terms(tokens), whole, s.text)


def _restates(support: list[Span], earlier: list[Span]) -> bool:
    """Whether every span of a new claim overlaps the earlier claim's span in the same article: the
    units of a story include whole sentences and their clauses, so one passage can make two claims
    ("X has lasted centuries and is an asset, Kim wrote." and "X has lasted centuries and is an
    asset") that a reader sees as one fact told twice."""
    by_article = {s.article: s for s in earlier}
    return all((e := by_article.get(s.article)) is not None and s.start < e.end and e.start < s.end
               for s in support)


def build_claims(prep: Prepared, sim: object = None, verify: Verify | None = None,
                 params: AlignParams = ALIGN) -> list[Claim]:
    """Consensus claims (two or more articles) then single-source claims, in reading order.

    Single-source claims are the stretches of sentences outside every consensus member, and the
    names one outlet adds inside a member that no other outlet gives (details.py)."""
    del sim  # alignment works on units; the sentence similarity is for the other stages
    claims: list[Claim] = []
    covered: dict[int, list[tuple[int, int]]] = {}
    texts = story_texts(prep.articles)
    singles: list[tuple[int, Span]] = []
    for group, score in _accept(prep, verify, params):
        rep = group[_medoid(prep, group)]
        ordered = sorted(group, key=lambda u: (u != rep, prep.unit_articles()[u], prep.units[u].start))
        for u in group:
            covered.setdefault(prep.units[u].sentence, []).append(_bounds(prep, u))
            singles.extend((prep.units[u].sentence, d) for d in detail_spans(prep, prep.units[u].sentence, _bounds(prep, u), texts))
        n = len({prep.sentences[prep.units[u].sentence].article for u in group})
        support = [_span(prep, u) for u in ordered]
        if any(_restates(support, c.support) for c in claims):
            continue  # the same passages as a claim already made (a sentence and its own clause)
        claims.append(Claim(f"c{len(claims) + 1}", prep.units[rep].text, "consensus", n, support, round(score, 4),
                            [prep.units[u].sentence for u in ordered]))
    singles.extend(_leftovers(prep, covered, params))
    add_singles(claims, singles)
    return claims


def add_singles(claims: list[Claim], singles: list[tuple[int, Span]]) -> None:
    """Append one single-source claim per distinct (sentence index, span), in reading order."""
    seen: set[tuple[str, int, int]] = set()
    for i, span in sorted(singles, key=lambda x: (x[0], x[1].start)):
        if (span.article, span.start, span.end) not in seen:
            seen.add((span.article, span.start, span.end))
            claims.append(Claim(f"c{len(claims) + 1}", span.text, "single", 1, [span], 0.0, [i]))


def _copied_share(span: Span, others: list[Span], runs: list[Reuse]) -> float:
    """The share of ``span`` inside verbatim runs whose other side falls in one of ``others``."""
    cuts = []
    for r in runs:
        for mine, theirs in ((r.a, r.b), (r.b, r.a)):
            if mine.article == span.article and any(o.article == theirs.article and o.start < theirs.end
                                                    and theirs.start < o.end for o in others):
                a, z = max(mine.start, span.start), min(mine.end, span.end)
                if a < z:
                    cuts.append((a, z))
    covered, pos = 0, span.start
    for a, z in sorted(cuts):
        a = max(a, pos)
        if z > a:
            covered += z - a
            pos = z
    return covered / max(1, span.end - span.start)


def count_copies(claims: list[Claim], runs: list[Reuse], params: AlignParams = ALIGN) -> list[Claim]:
    """Consensus claims whose every member is copied from another member (``AlignParams.copied``) have one
    source: they become single-source claims (outlets 1) that keep every copy as support, the first
    span the claim's own. The copying itself is in the brief's reuse section."""
    verbatim = [r for r in runs if r.kind == "verbatim"]
    if not verbatim:
        return claims
    out = []
    for c in claims:
        if c.kind == "consensus" and all(
                _copied_share(s, [o for o in c.support if o is not s], verbatim) >= params.copied for s in c.support):
            c = replace(c, kind="single", outlets=1)
        out.append(c)
    return out
