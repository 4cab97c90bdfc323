"""The seed story against the analyst's reading in ../shared/seeds/gold.json.

The matching rules are gold.json's own ``how_to_match``: fold case, curly quotes and white space;
a fragment matches a sentence when one contains the other.
"""

from __future__ import annotations

import re

QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})


def fold(s: str) -> str:
    return re.sub(r"\s+", " ", (s or "").translate(QUOTES)).strip().lower()


def matches(fragment: str, text: str) -> bool:
    f, t = fold(fragment), fold(text)
    return bool(t) and (f in t or (len(t) >= 20 and t in f))


def key_of(article_id: str, gold: dict) -> str | None:
    return next((k for k in gold["articles"] if article_id.startswith(k)), None)


def test_no_boilerplate_reaches_clean_text(seed_brief, gold):
    texts = {key_of(a.id, gold): a.text for a in seed_brief.articles}
    leaked = []
    for k, g in gold["articles"].items():
        segments = [fold(s) for line in texts[k].split("\n") for s in re.split(r"(?<=[.!?\"'])\s+", line) if s.strip()]
        for b in g["boilerplate"]:
            fb = fold(b)
            if any(s.startswith(fb) for s in segments) or (len(fb) >= 40 and fb in fold(texts[k])):
                leaked.append((k, b))
    lost = [(k, f) for k, fs in gold["must_keep"].items() for f in fs if fold(f) not in fold(texts[k])]
    print(f"\nboilerplate leaked: {len(leaked)}; must_keep lost: {len(lost)}")
    assert leaked == []
    assert lost == []


def test_consensus_facts_are_single_claims_across_outlets(seed_brief, gold):
    by_id = {a.id: key_of(a.id, gold) for a in seed_brief.articles}
    found = []
    for fact in gold["consensus"]:
        for claim in seed_brief.claims:
            hit = {by_id[s.article] for s in claim.support
                   if by_id[s.article] in fact["fragments"] and matches(fact["fragments"][by_id[s.article]], s.text)}
            if len(hit) >= 2:
                found.append(fact["id"])
                break
    n_cons = sum(c.kind == "consensus" for c in seed_brief.claims)
    print(f"\nconsensus facts found: {len(found)}/{len(gold['consensus'])} {found} ({n_cons} consensus claims)")
    # quality floor: issue 14's 13/15. With the pair model confirming each member (alignment
    # "verified", the default) 13/15 measured: shared facts worded most differently fall below its
    # entailment bar; the embedding alignment alone found 15/15 (benchmarks/RESULTS.md sections 3, 8)
    assert len(found) >= 13


def test_contradiction_x1_is_reported(seed_brief, gold):
    by_id = {a.id: key_of(a.id, gold) for a in seed_brief.articles}

    def side(span, fragments):
        k = by_id[span.article]
        return k in fragments and matches(fragments[k], span.text)

    found = [x["id"] for x in gold["contradictions"]
             if any((side(c.a, x["side_a"]) and side(c.b, x["side_b"])) or
                    (side(c.b, x["side_a"]) and side(c.a, x["side_b"])) for c in seed_brief.contradictions)]
    print(f"\ncontradictions found: {found} of {[x['id'] for x in gold['contradictions']]}")
    assert "X1" in found and "X2" in found  # both gold contradictions, as measured
    assert all(c.type in {"negation", "number", "date", "entity", "attribution"} for c in seed_brief.contradictions)
    assert all(c.explanation for c in seed_brief.contradictions)


def test_unique_details_are_single_source(seed_brief, gold):
    by_id = {a.id: key_of(a.id, gold) for a in seed_brief.articles}
    total = sum(len(v) for v in gold["unique"].values())
    found = sum(1 for k, frags in gold["unique"].items() for f in frags
                if any(c.kind == "single" and any(by_id[s.article] == k and matches(f, s.text) for s in c.support)
                       for c in seed_brief.claims))
    print(f"\nunique details found: {found}/{total}")
    assert found >= 6  # 7/8 measured (benchmarks/RESULTS.md section 3; 5/8 before details.py); one of margin


def test_consensus_text_opens_like_a_sentence_when_a_member_does(seed_brief):
    from storylens.analyze.align import _OPENS_SENTENCE

    consensus = [c for c in seed_brief.claims if c.kind == "consensus"]
    readable = [c for c in consensus if any(_OPENS_SENTENCE.match(s.text) for s in c.support)]
    assert readable  # the demo story has such claims
    assert all(_OPENS_SENTENCE.match(c.text) for c in readable)


def test_no_consensus_claim_restates_an_earlier_one(seed_brief):
    from storylens.analyze.align import _restates

    consensus = [c for c in seed_brief.claims if c.kind == "consensus"]
    assert not [(a.id, b.id) for k, b in enumerate(consensus) for a in consensus[:k] if _restates(b.support, a.support)]


def test_claims_are_shown_in_their_whole_sentence_with_opening_pronouns_named(seed_brief):
    """Issue 15: each claim carries the whole sentence of its first support (an exact slice holding that
    span), and no sentence a reader sees opens with "He", "She" or "The latter" left unresolved when the
    sentence before names the referent (the seed story has both kinds)."""
    texts = {a.id: a.text for a in seed_brief.articles}
    opener = re.compile(r"^[\"“‘(]?(He|She|The latter|The former)\b")
    named = 0
    for c in seed_brief.claims:
        s, fact = c.sentence, c.support[0]
        assert s is not None and s.article == fact.article, c.id
        assert texts[s.article][s.start:s.end] == s.text and s.start <= fact.start < fact.end <= s.end
        if opener.match(s.text):
            assert c.referent is not None, (c.id, s.text)
        if c.referent is not None:
            named += 1
            before = texts[s.article][max(0, s.start - 400):s.start]
            assert texts[s.article][c.referent.start:c.referent.end] == c.referent.text
            assert c.referent.name.split()[-1] in before, (c.id, c.referent)
    assert named >= 2
