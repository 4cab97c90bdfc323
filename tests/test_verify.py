"""The pair model's check on the clause alignment (analyze/verify.py)."""

from __future__ import annotations

import pytest

import storylens
from storylens.analyze import align
from storylens.analyze.prepare import prepare
from storylens.analyze.verify import VERIFY, _conflict, _states, verifier
from storylens.embed import get_embedder
from storylens.ingest import read_inputs
from storylens.model import Article
from storylens.pairs import get_pair_scorer


@pytest.fixture(scope="module")
def scorer():
    return get_pair_scorer()


def _candidates(prep):
    by_sentence: dict[int, list[int]] = {}
    for k, u in enumerate(prep.units):
        by_sentence.setdefault(u.sentence, []).append(k)
    groups = [align._refine(prep, g, by_sentence) for g in align._groups(prep)]
    return [(g, g[align._medoid(prep, g)]) for g in groups]


def test_verified_groups_keep_exactly_the_members_the_model_confirms(seed_dir, scorer):
    articles, _ = read_inputs([str(seed_dir)])
    prep = prepare(articles, get_embedder())
    candidates = _candidates(prep)
    kept = verifier(prep, scorer)(candidates)
    assert len(kept) == len(candidates)
    dropped = 0
    for (group, rep), after in zip(candidates, kept):
        assert rep in after and set(after) <= set(group)
        confirmed = [u for u in group if u == rep or (
            _states(scorer.score([(prep.units[rep].text, prep.units[u].text)])[0], VERIFY) and not _conflict(prep, rep, u))]
        dropped += len(group) - len(confirmed)
        if len(confirmed) < 3:
            assert after == confirmed
            continue
        # three or more: a member also reads another member's fact, or is the one left
        assert set(after) <= set(confirmed) and len(after) >= 2
        others = [u for u in after if u != rep]
        if len(others) > 1:
            for u in others:
                assert any(_states(scorer.score([(prep.units[v].text, prep.units[u].text)])[0], VERIFY)
                           or _states(scorer.score([(prep.units[u].text, prep.units[v].text)])[0], VERIFY)
                           for v in others if v != u)
    assert dropped  # the seed story's embedding groups hold members the model turns down (11 measured)


def _story(figure_b: str) -> list[Article]:
    a = ("The carmaker said on Tuesday that it would cut 300 jobs at its plant in Ohio.\n\n"
         "Union leaders called the decision a betrayal of the workers.\n\n"
         "The company blamed falling demand for its larger vehicles.")
    b = (f"The carmaker announced on Tuesday that it will eliminate {figure_b} jobs at its Ohio plant.\n\n"
         "Shares of the company rose slightly in afternoon trading.\n\n"
         "Analysts expect more cuts across the industry this year.")
    return [Article("a", a, title="Cuts"), Article("b", b, title="Cuts")]


def _linked(brief, first: str) -> bool:
    return any(c.kind == "consensus" and any(first in s.text for s in c.support)
               for c in brief.claims)


def test_a_different_figure_is_not_one_fact(scorer):
    """Two outlets giving the same jobs cut share a claim; with another figure they do not, though
    the embeddings alone group them either way."""
    same = storylens.analyze(articles=_story("300"))
    assert _linked(same, "cut 300 jobs")
    other = storylens.analyze(articles=_story("500"))
    assert not _linked(other, "cut 300 jobs")
    assert _linked(storylens.analyze(articles=_story("500"), alignment="clauses"), "cut 300 jobs")


class _NoContradiction:
    """The shipped scorer with its contradiction head read as 0."""

    def __init__(self, inner):
        self.inner = inner

    def score(self, pairs):
        rows = self.inner.score(pairs).copy()
        rows[:, 3] = 0.0
        return rows


def test_same_fact_contradictions_need_the_model_and_negations_stand_on_the_check(seed_dir, scorer):
    from storylens.analyze import analyze_articles

    articles, _ = read_inputs([str(seed_dir)])
    real = {x.type for x in analyze_articles(articles, pair_scorer=scorer).contradictions}
    assert {"entity", "negation"} <= real  # the seed's two gold contradictions, as the model backs them
    muted = {x.type for x in analyze_articles(articles, pair_scorer=_NoContradiction(scorer)).contradictions}
    assert "entity" not in muted and "negation" in muted


def _span(text: str):
    from storylens.nlp import load_spacy

    return load_spacy()(text)[:]


@pytest.mark.parametrize(("a", "b", "disagree"), [
    # different figures throughout: two results (or one told two ways), never one fact
    ("Acme shares fell 30 cents, or 2 percent, to $14.10.", "Acme shares rose 12 cents to $14.52 on the Nasdaq.", True),
    ("The firm reported net income of $3.2 million on revenue of $18.1 million.",
     "The firm reported a net loss of $610,000 on revenue of $11.7 million.", True),
    # one figure in common: the second adds detail
    ("Acme shares rose $1.74 to close at $38.20.", "Shares of Acme rose $1.74, or 4.8 percent, to $38.20.", False),
    # a rounded figure is the same figure; a side with no figure adds nothing to weigh
    ("A turnout of just over 57% was recorded.", "57.4% of voters took part.", False),
    ("Police said 12 people were hurt.", "Police said several people were hurt.", False),
    # a date is not a figure, nor is "one" ("one of the ..."), nor a hyphenated count
    ("The plant closed on 12 March 2019.", "The plant closed in 2019, one of many.", False),
    # close counts are still two counts for one consensus fact (a contradiction check may weigh them)
    ("At least 40 people were killed and more than 100 hurt.", "At least 42 people were killed and 112 hurt.", True),
    ("Acme shares jumped 20 cents.", "Acme shares were up 19 cents.", True),
    ("Sales grew 36% in the year.", "Sales grew 35.6% in the year.", False),
])
def test_figures_disagree(a, b, disagree):
    from storylens.analyze.checks.parse import figures_disagree

    assert figures_disagree(_span(a), _span(b)) is disagree


@pytest.mark.parametrize(("a", "b", "two_facts"), [
    ("The governor signed the bill into law on Tuesday.", "The governor said she would sign the bill on Tuesday.", True),
    ("The mayor plans to close the bridge next month.", "The mayor closed the bridge last month.", True),
    ("The governor signed the bill into law on Tuesday.", "The governor signed the measure on Tuesday.", False),
    ("The council will vote on the plan in May.", "The council is going to vote on the plan in May.", False),
    # a verb in a relative clause is not the fact's main verb
    ("The lawyer was behind the new union, which would take the lead in talks.", "The lawyer took a leading role in the union.", False),
])
def test_done_and_to_come(a, b, two_facts):
    from storylens.analyze.checks.parse import done_and_to_come

    assert done_and_to_come(_span(a), _span(b)) is two_facts


@pytest.mark.parametrize(("rule", "a", "b", "two_facts"), [
    # opposite actions
    ("opposite_actions", "Divers resumed the search for the missing crew.", "Divers suspended the search for the missing crew.", True),
    ("opposite_actions", "The index rose 2 points on Monday.", "The index fell on Monday.", True),
    ("opposite_actions", "Divers resumed the search for the missing crew.", "The search for the crew was resumed by divers.", False),
    # a participle that only modifies a noun is no action of the sentence
    ("opposite_actions", "The court approved the merger announced last week.", "The court approved the deal.", False),
    # the day of the action given two ways; a day that names another event, the same day, or no day
    # on one side is nothing to weigh
    ("weekdays_disagree", "The senator died early Thursday at the hospital.", "The senator died early Tuesday after a long illness.", True),
    ("weekdays_disagree", "The firm added 250 jobs in May, its report said Friday.",
     "The last report before Tuesday's vote showed the firm added 250 jobs.", False),
    ("weekdays_disagree", "The mayor met the council on Monday.", "On Monday the mayor met the council.", False),
    ("weekdays_disagree", "The mayor met the council on Monday.", "The mayor met the council.", False),
    # a crowd given two sizes in words
    ("magnitudes_disagree", "Thousands of mourners filed past the coffin.", "Hundreds of people filed past the coffin.", True),
    ("magnitudes_disagree", "Thousands of mourners filed past the coffin.", "Thousands of people filed past the coffin on Monday.", False),
    ("magnitudes_disagree", "Thousands of mourners filed past the coffin.", "Mourners filed past the coffin.", False),
])
def test_members_that_cannot_be_one_fact(rule, a, b, two_facts):
    from storylens.analyze.checks import parse

    assert getattr(parse, rule)(_span(a), _span(b)) is two_facts


class _Unit:
    def __init__(self, text):
        self.text = text


class _Prep:
    def __init__(self, texts):
        self.units = [_Unit(t) for t in texts]


class _Table:
    """A scorer that reads same_fact from a table of (a, b) unit texts; everything else 0."""

    def __init__(self, same):
        self.same = same

    def score(self, pairs):
        import numpy as np

        return np.array([[self.same.get((a, b), 0.0), 0.0, 0.0, 0.0] for a, b in pairs], dtype=np.float32)


@pytest.mark.parametrize(("same", "kept"), [
    # both others state the representative's fact and each other's: all three stay
    ({("r", "x"): 0.9, ("r", "y"): 0.8, ("x", "y"): 0.7}, [0, 1, 2]),
    # they pass the representative but not each other: the one closer to it stays alone
    ({("r", "x"): 0.9, ("r", "y"): 0.6}, [0, 1]),
    ({("r", "x"): 0.6, ("r", "y"): 0.9}, [0, 2]),
])
def test_a_third_member_must_agree_with_another_member_too(monkeypatch, same, kept):
    from storylens.analyze import verify as v

    monkeypatch.setattr(v, "_conflict", lambda prep, a, b: False)
    assert v.verifier(_Prep(["r", "x", "y"]), _Table(same))([([0, 1, 2], 0)]) == [kept]
