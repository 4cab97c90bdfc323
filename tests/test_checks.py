"""The check registry: every check module registered once, one set of names for story analysis and
relate, and each check firing on a plain contradiction but not on a paraphrase."""

from __future__ import annotations

import pkgutil

import pytest

from storylens.analyze import checks
from storylens.analyze.checks import REGISTRY
from storylens.analyze.contradict import check_pair
from storylens.analyze.params import CONTRADICT
from storylens.analyze.relate import BANDS, CHECKS, START
from storylens.nlp import load_spacy

# name -> (a contradiction a reader sees at once, a paraphrase that contradicts nothing)
PAIRS = {
    "negation": (("The minister did not order the audit.", "The minister ordered the audit."),
                 ("The minister did not order the audit.", "The audit was not ordered by the minister.")),
    "number": (("The storm killed 12 people in the town.", "The storm killed 30 people in the town."),
               ("The storm killed 12 people in the town.", "The storm killed twelve people in the town.")),
    "date": (("The bridge opened on June 4, 2011.", "The bridge opened on Nov. 20, 2011."),
             ("The bridge opened on June 4, 2011.", "The bridge was opened in June 2011.")),
    "entity": (("The farm grows wheat and corn.", "The farm grows wheat and rice."),
               ("The farm grows corn and wheat.", "Wheat and corn are grown on the farm.")),
    "attribution": (("The company took the money.", "A spokesman for the company denied the report."),
                    ("The company took the money, its spokesman said.",
                     "A spokesman for the company said it took the money.")),
}


def span(text: str):
    return load_spacy()(text)[:]


def _module(fn) -> str:
    return getattr(fn, "func", fn).__module__  # a functools.partial names its function's module


def test_every_check_module_is_registered_once():
    modules = {m.name for m in pkgutil.iter_modules(checks.__path__)} - {"parse"}
    registered = [_module(c.story).rsplit(".", 1)[1] for c in REGISTRY.values()]
    assert sorted(registered) == sorted(modules) and len(set(registered)) == len(registered)
    for name, c in REGISTRY.items():
        assert c.name == name and _module(c.story) == _module(c.pair) == f"{checks.__name__}.{name}"
    assert sorted(c.pair_rank for c in REGISTRY.values()) == list(range(len(REGISTRY)))


def test_story_and_relate_see_the_same_checks():
    assert set(CHECKS) == set(REGISTRY) == set(BANDS.gates) == set(START.gates) == set(PAIRS)
    # the orders each path has always used: the story's first firing check names the contradiction,
    # relate reports the most specific reading first
    assert list(REGISTRY) == ["negation", "number", "date", "entity", "attribution"]
    assert list(CHECKS) == ["negation", "attribution", "number", "date", "entity"]


@pytest.mark.parametrize("name", list(PAIRS))
def test_each_check_fires_on_a_contradiction_not_on_a_paraphrase(name):
    check = REGISTRY[name]
    (a, b), (p, q) = PAIRS[name]
    assert check.story(span(a), span(b)) and check.pair(span(a), span(b))
    assert check.story(span(p), span(q)) is None and check.pair(span(p), span(q)) is None
    assert check_pair(span(a), span(b), 1.0)[0] == name
    # below the same-fact band only the checks that run from the topic band are tried
    low = check_pair(span(a), span(b), (CONTRADICT.topic_min + CONTRADICT.same_fact_min) / 2)
    assert (low is not None and low[0] == name) == (not check.same_fact)


def test_a_negation_the_cues_leave_out_is_no_statement_to_deny():
    """"No signs were found" (finding: not a denial cue) is not the opposite of "there were no
    signs", in the story form and in relate's."""
    found = span("No signs of forced entry were found at the house.")
    none = span("Police said there were no signs of forced entry at the house.")
    check = REGISTRY["negation"]
    assert check.story(found, none) is None and check.pair(found, none) is None
    assert check.story(span("The gate was locked at the house."),
                       span("The gate was not locked at the house.")) is not None


def test_an_attribution_alone_states_no_fact():
    from storylens.analyze.units import attribution_only

    assert attribution_only(list(span("The county prosecutor's office said on Tuesday.")))
    assert attribution_only(list(span("Graham said on Sunday's program.")))
    assert not attribution_only(list(span("The prosecutor said the suspect had fled the state.")))
    assert not attribution_only(list(span("The storm killed 12 people in the town.")))
    # the one told is no reported content, nor is a participle inside a phrase of the attribution
    assert attribution_only(list(span("Two people familiar with the plan told the newspaper.")))
    assert attribution_only(list(span("The mayor said in a letter obtained by the station.")))
    assert attribution_only(list(span("according to guidance from the agency issued Tuesday.")))
    assert not attribution_only(list(span("The mayor told the council that the bridge would close.")))
    assert not attribution_only(list(span("The mayor confirmed the closure of the bridge.")))


def test_a_clause_cut_short_or_without_a_predicate_states_no_fact():
    from storylens.analyze.units import cut_short, states_fact

    assert cut_short(list(span("The 17-year-old from the town is charged with")))
    assert not cut_short(list(span("The 17-year-old from the town is charged with arson.")))
    words = {"letter", "sent", "mayor", "wednesday"}
    assert not states_fact(list(span("In a letter sent to the mayor Wednesday")), words)
    # a clause piece read inside its sentence's parse: "including" there is a preposition
    whole = list(span("The flaw is found in most versions, including the new version of the program."))
    piece = whole[[t.text for t in whole].index("including"):]
    assert not states_fact(piece, {"include", "new", "version", "program"})
    assert states_fact(list(span("The council sent a letter to the mayor on Wednesday")), words | {"council"})


def test_a_negation_under_a_condition_denies_nothing():
    supposed = span("If the stain is oil, it is not the first oil slick found in the search.")
    stated = span("Searchers said the oil slick was found near the wreck.")
    assert REGISTRY["negation"].story(supposed, stated) is None
    assert REGISTRY["negation"].pair(supposed, stated) is None
