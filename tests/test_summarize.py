"""The cited extractive summary on the bundled seed story: contract and the behaviour it is tuned for."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from storylens import summarize as S


@pytest.fixture(scope="module")
def prep(seed_brief):
    from storylens.analyze.prepare import prepare
    from storylens.embed import get_embedder

    return prepare(seed_brief.articles, get_embedder())


def _index(prep, span):
    """The sentence a summary span is (a trimmed part of)."""
    return next(i for i, s in enumerate(prep.sentences)
                if s.article == span.article and s.start <= span.start and span.end <= s.end)


def test_each_sentence_is_a_source_sentence_citing_its_claim(seed_brief):
    texts = {a.id: a.text for a in seed_brief.articles}
    assert seed_brief.summary
    for s in seed_brief.summary:
        own = s.citations[0]
        assert texts[own.article][own.start:own.end] == s.text
        cited = {(c.article, c.start, c.end) for c in s.citations}
        assert len(cited) == len(s.citations)
        for claim in seed_brief.claims:
            if any((x.article, x.start) == (own.article, own.start) for x in claim.support):
                assert {(x.article, x.start, x.end) for x in claim.support} <= cited


def test_no_near_repeats_and_reading_order(prep, seed_brief):
    for words in (120, 250):
        picked = [_index(prep, s.citations[0]) for s in S.summarize(prep, seed_brief.claims, words)]
        for i, j in itertools.combinations(picked, 2):
            assert float(prep.vectors[i] @ prep.vectors[j]) < S.REDUNDANT
        by = prep.by_article()
        rel = [by[prep.sentences[i].article].index(i) / len(by[prep.sentences[i].article]) for i in picked]
        assert rel == sorted(rel)


@pytest.mark.parametrize("words", [60, 120, 250])
def test_budget_is_filled_within_slack(prep, seed_brief, words):
    n = sum(S._words(s.text) for s in S.summarize(prep, seed_brief.claims, words))
    assert 0.9 * words <= n <= (1 + S.SLACK) * words


def test_run_ons_and_fragments_are_left_out(prep, seed_brief):
    long = [i for i, s in enumerate(prep.sentences) if S._words(s.text) > S.MAX_SENTENCE_WORDS]
    assert long, "the seed story has run-on sentences to leave out"
    picked = {_index(prep, s.citations[0]) for s in S.summarize(prep, seed_brief.claims, 250)}
    assert not picked & set(long)
    assert all(S._readable(prep.sentences[i].text) for i in picked)


def test_cross_source_support_ranks_shared_facts_first(prep, seed_brief):
    by_claim = S._claims_by_sentence(prep, seed_brief.claims)
    outlets = np.array([by_claim[i][0].outlets if i in by_claim else 1 for i in range(len(prep.sentences))])
    top = np.argsort(-S.scores(prep))[:10]
    assert outlets[top].mean() > outlets.mean() + 0.25


def test_without_consensus_it_still_fills_the_budget_from_single_sources(prep):
    out = S.summarize(prep, [], 120)
    assert sum(S._words(s.text) for s in out) >= 108
    assert all(len(s.citations) == 1 for s in out)


def test_one_article_story_gets_a_lead_heavy_summary(seed_brief):
    from storylens.analyze.prepare import prepare
    from storylens.embed import get_embedder

    one = prepare(seed_brief.articles[:1], get_embedder())
    picked = [_index(one, s.citations[0]) for s in S.summarize(one, [], 60)]
    assert picked and picked[0] <= 2


@pytest.mark.parametrize("text, kept", [
    ("The plant will close at the end of the year, the company said on Monday.",
     "The plant will close at the end of the year"),
    ("The suspect was arrested on Tuesday and charged, police told reporters.",
     "The suspect was arrested on Tuesday and charged"),
    ("The summit will take place in the capital next week, according to two officials.",
     "The summit will take place in the capital next week"),
    ("SPRINGFIELD (AP) — The city council voted to close the old bridge for good.",
     "The city council voted to close the old bridge for good."),
    ("LONDON -- The city council voted to close the old bridge for good.",
     "The city council voted to close the old bridge for good."),
    # a hyphen alone is no dateline; what follows the verb is a fact of its own, or the comma opens a clause: nothing cut
    ("U.S. - China talks will resume next week in the capital city.", None),
    ("The man fled on foot, police said he was armed.", None),
    ("The man fled on foot, and police said nothing else.", None),
    # a quotation would be left open; too short a rest
    ("\"We will close the plant at the end of the year,\" the company said.", None),
    ("It will close, the company said.", None),
])
def test_trim_drops_datelines_and_closing_attributions_only(text, kept):
    a, b = S.trim(text)
    assert text[a:b] == (text if kept is None else kept)


def test_trimmed_sentences_cite_exactly_the_kept_slice(prep, seed_brief):
    texts = {a.id: a.text for a in seed_brief.articles}
    own = S.kept(prep)
    trimmed = [k for k, s in zip(own, prep.sentences) if k is not s]
    assert trimmed, "the seed story has sentences with a closing attribution"
    for k in trimmed:
        assert texts[k.article][k.start:k.end] == k.text
        assert S._words(k.text) >= S.MIN_SENTENCE_WORDS
    out = S.summarize(prep, seed_brief.claims, 250)
    for s in out:
        c = s.citations[0]
        assert texts[c.article][c.start:c.end] == s.text
        whole = prep.sentences[_index(prep, c)]
        assert s.text == next(k.text for k in own if (k.article, k.start) == (c.article, c.start))
        assert s.text in whole.text


def test_sentences_leaning_on_the_one_before_are_not_picked():
    assert S._readable("The council approved the budget for the coming year after a long debate.")
    assert not S._readable("As a result, the council approved the budget for the coming year after a debate.")
    assert not S._readable("But the council approved the budget for the coming year after a long debate.")
    assert S._readable("Butler County approved the budget for the coming year after a long debate.")
