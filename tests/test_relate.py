"""relate() and the typed contradiction checks it shares with story analysis, on real sentences."""

from __future__ import annotations

import pytest

from storylens.analyze.checks.attribution import check_attribution
from storylens.analyze.checks.date import check_date
from storylens.analyze.checks.entity import check_entity
from storylens.analyze.checks.negation import check_negation, negation_scope
from storylens.analyze.checks.number import check_number
from storylens.analyze.relate import BANDS, Evidence, decide, fit_bands
from storylens.nlp import load_spacy

CHECK_NAMES = ("negation", "number", "date", "entity", "attribution")


def span(text: str):
    return load_spacy()(text)[:]


@pytest.fixture(scope="module")
def relate():
    import storylens

    return storylens.relate


# Sentences from the bundled seed story (examples/russia-day/).
NO_MENTION = ("Although it made no explicit mention of the ongoing conflict in Ukraine or Moscow's involvement, "
              "the message lauded President Vladimir Putin's astute decision-making.")
DEFENDS = "The article also said Kim is defending Putin's decision to invade Ukraine."
DRUGS = "Kim Jong Un could be suffering from insomnia as well as alcohol and drug abuse."
TOBACCO = "South Korea's intelligence service believes Kim could be suffering from insomnia while abusing alcohol and tobacco."


def test_seed_negation_names_the_negated_words():
    why = check_negation(span(DEFENDS), span(NO_MENTION))
    assert why and "no explicit mention" in why and "ukraine" in why


def test_seed_entity_lists_differ():
    why = check_entity(span(DRUGS), span(TOBACCO))
    assert why and "drug" in why and "tobacco" in why


def test_negation_denies_its_arguments_not_their_modifiers():
    # the denial is about curbing the thefts; the season they are tied to is a modifier, and a
    # sentence sharing only that says nothing against it
    denial = span("Officials say the council failed to curb thefts tied to a winter of strikes.")
    assert check_negation(denial, span("The region saw long strikes this winter.")) is None
    why = check_negation(denial, span("The council curbed thefts across the district."))
    assert why and "curb" in why and "theft" in why
    assert check_negation(span("The council did not curb thefts."), span("The council curbed thefts.")) is not None


def test_one_shared_common_word_is_no_contradiction():
    # the same verb with another subject, or only the place in common
    assert check_negation(span("The alarm bell in the cabin did not work."), span("He was working on the lift.")) is None
    assert check_negation(span("Both pumps were not running in the plant."), span("The plant hired a manager.")) is None
    # a name the negation denies is enough on its own
    assert check_negation(span("The statement made no mention of the dispute with Norway."),
                          span("The minister backed the fishing fleet in its dispute with Norway.")) is not None


def test_dates_contradict_only_when_they_cannot_be_one_day():
    inspected = span("The boiler was last serviced on Oct. 3, the landlord said.")
    assert check_date(inspected, span("The boiler was last serviced in October, the landlord said.")) is None
    assert check_date(span("The bridge opened on June 4, 2011."), span("The bridge opened in 2011.")) is None
    why = check_date(inspected, span("The boiler was last serviced on Nov. 20, the landlord said."))
    assert why and "Oct. 3" in why and "Nov. 20" in why
    assert check_date(span("The plant opened in the 1980s."), span("The plant opened in 1984.")) is None


def test_an_acronym_and_its_name_are_one_party():
    a = span("The Department of Transport said the road was closed, but it reopened later.")
    b = span("The DOT said the road was closed, but it reopened later.")
    assert check_attribution(a, b) is None


def test_unknowing_and_idioms_are_not_denials():
    for text in ("Police have not confirmed the recording.", "The firm did not respond to requests for comment.",
                 "We don't know about his business ties.", "There is no doubt the plan worked.",
                 "It was not only a win but a rout."):
        assert negation_scope(span(text)) is None, text
    assert negation_scope(span("The army did not attack the town.")).denied == {"attack", "town"}


def test_two_reports_of_one_denial_agree():
    a = span("The mayor's lawyer denied that any bribe was paid.")
    b = span("Speaking for the mayor, the lawyer said he denies that a bribe was paid.")
    assert check_attribution(a, b) is None
    assert check_attribution(a, span("The council's records show a payment to the mayor's firm.")) is not None


def test_spelling_variants_are_one_list_member():
    a = span("He thanked the council and the organization for the grant.")
    assert check_entity(a, span("He thanked the organisation and the council for the grant.")) is None
    assert check_entity(a, span("He thanked the council and the union for the grant.")) is not None


def test_story_negations_need_the_negated_predicate():
    train, march = span("The train did not stop in Lyon."), span("Unions in Lyon marched on Tuesday.")
    assert check_negation(train, march, strict=False) is not None  # relate's lone pair: a shared name
    assert check_negation(train, march) is None  # a story: two facts about one city
    assert check_negation(span("The minister never asked the board to resign."),
                          span("The minister asked the board to resign in March.")) is not None
    assert check_negation(span("Whether or not the board resigns, the plan stands."),
                          span("The board resigned."), strict=False) is None


def test_hedged_negation_is_not_a_denial():
    assert negation_scope(span("All may not be well for the North Korean leader.")) is None


def test_number_mismatch(relate):
    rel = relate("The storm killed 12 people in the coastal town.", "The storm killed 30 people in the coastal town.")
    assert rel.kind == "contradict" and rel.explanation.startswith("number:")
    assert "12" in rel.explanation and "30" in rel.explanation


def test_date_mismatch(relate):
    rel = relate("The bridge opened to traffic in 1998.", "The bridge opened to traffic in 2004.")
    assert rel.kind == "contradict" and rel.explanation.startswith("date:") and "1998" in rel.explanation


def test_negation_in_relate(relate):
    rel = relate("The vaccine is safe for children.", "The vaccine is not safe for children.")
    assert rel.kind == "contradict" and rel.explanation.startswith("negation:") and "not safe" in rel.explanation


def test_attribution_denial_names_the_party(relate):
    rel = relate("The mayor took money from the developer.", "The mayor's office denied that he took any money.")
    assert rel.kind == "contradict" and rel.explanation.startswith(("attribution:", "negation:"))
    why = check_attribution(span("The mayor took money from the developer."),
                            span("A spokesman for the mayor denied the report."))
    assert why and "A spokesman for the mayor denied" in why


def test_attribution_different_parties_with_stance_verb():
    defense = span("The defense argued that the officer acted within the law.")
    prosecutors = span("Prosecutors said the officer used excessive force.")
    why = check_attribution(defense, prosecutors, strict=False)
    assert why and "The defense argued" in why and "Prosecutors said" in why and "argued" in why
    # a story (strict) keeps only reported denials
    assert check_attribution(defense, prosecutors) is None


def test_attribution_needs_different_parties():
    assert check_attribution(span("Police said the fire was started deliberately."),
                             span("Police argued that the fire was an accident."), strict=False) is None


def test_no_false_number_for_different_counted_things():
    assert check_number(span("Five soldiers were wounded."), span("The convoy had 40 trucks.")) is None


def test_paraphrase_agrees_and_other_topic_is_unrelated(relate):
    same = relate("Kim sent a message to Putin on Russia Day.", "Kim Jong Un congratulated Putin on Russia Day in a message.")
    assert same.kind == "agree"
    other = relate("Kim sent a message to Putin on Russia Day.", "The central bank raised interest rates by half a point.")
    assert other.kind == "unrelated"


def test_every_contradiction_names_its_check(relate):
    pairs = [(DEFENDS, NO_MENTION), (DRUGS, TOBACCO),
             ("Officials said 20 people died.", "Officials denied that anyone died.")]
    for a, b in pairs:
        rel = relate(a, b)
        if rel.kind == "contradict":
            assert rel.explanation.split(":", 1)[0] in CHECK_NAMES


def test_decide_respects_gates():
    ev = Evidence(0.40, (("number", "A gives 3 ships, B gives 5 ships"),))
    assert decide(ev).kind == "agree"  # below the number gate: different facts on one topic
    assert decide(Evidence(0.90, ev.fired)).kind == "contradict"
    assert decide(Evidence(0.40, (("attribution", "x"),))).kind == "contradict"
    assert decide(Evidence(BANDS.related - 0.01, ())).kind == "unrelated"


def test_fit_bands_finds_the_informative_gate():
    # negation fires on every weakening pair, number fires only on strengthening ones
    evs = ([Evidence(0.5, (("negation", "n"),))] * 10 + [Evidence(0.5, (("number", "x"),))] * 10
           + [Evidence(0.6, ())] * 30)
    weak = [True] * 10 + [False] * 40
    strong = [False] * 10 + [True] * 40
    bands = fit_bands(evs, weak, strong)
    kinds = [decide(e, bands).kind for e in evs]
    assert kinds[:10] == ["contradict"] * 10 and set(kinds[10:]) == {"agree"}


def test_numbers_written_to_other_precision_are_one_figure():
    assert check_number(span("Turnout was just over 61% in the city."), span("Turnout was 61.3% in the city.")) is None
    assert check_number(span("The peak stands at 4,480 feet above the valley."),
                        span("The peak stands at 4,487 feet above the valley.")) is None
    why = check_number(span("The storm destroyed 400 homes in the county."),
                       span("The storm destroyed 460 homes in the county."))
    assert why and "400" in why and "460" in why


def test_numbers_of_two_counted_things_or_two_days_do_not_contradict():
    # the other side also gives this side's figure: it counts two things
    assert check_number(span("Three of the twelve ferries were cancelled."),
                        span("Three ferries were cancelled by the operator.")) is None
    assert check_number(span("Nine boats sank on Sunday, the coast guard said."),
                        span("Forty boats sank on Saturday, the coast guard said.")) is None
    assert check_number(span("The city kept its one-car rule for taxis."), span("Each taxi may carry three cars.")) is None


def test_dates_of_two_events_do_not_contradict():
    assert check_date(span("The museum was closed on March 3 after the flood."),
                      span("The museum reopened on May 9 after the flood.")) is None
    why = check_date(span("The museum was closed on March 3 after the flood."),
                     span("The museum was closed on April 2 after the flood."))
    assert why and "March 3" in why and "April 2" in why
    # one event told with other words around its date
    why = check_date(span("He is scheduled to appear before the judge Dec. 14."),
                     span("His next hearing before the judge is scheduled for Dec. 2."))
    assert why and "Dec. 14" in why and "Dec. 2" in why
    # both sides date the flight alike; only one also dates the arrest
    assert check_date(span("He fled to Chile in 1962, where he lived until he was arrested."),
                      span("He fled to Chile in 1962 and was arrested there in June 1971.")) is None


def test_mixed_open_or_hyphenated_lists_are_no_entity_contradiction():
    # an apposition read as a list (a name with a common noun)
    assert check_entity(span("Smith, a veteran drummer and Jones left the band."),
                        span("Jones and Brown left the band.")) is None
    # an open list ("and other ...") is no closed set of members
    assert check_entity(span("He lost his pension and other benefits."), span("He lost his pension and his car.")) is None
    # parts of a hyphenated word are no list members
    assert check_entity(span("Six supporters and seven counter-protesters were held."),
                        span("Six supporters and four bystanders were held.")) is None


def test_story_negation_needs_a_shared_word_beyond_names_and_light_verbs():
    a = span("There wouldn't be a Harbour Lights without you, the singer wrote.")
    b = span("Harbour Lights played their last show in Leeds.")
    assert check_negation(a, b) is None


def test_a_noun_counted_twice_or_a_difference_is_no_number_contradiction():
    assert check_number(span("It takes 900 litres of water to make 4 litres of fuel."),
                        span("The plant makes 7 litres of fuel an hour.")) is None
    assert check_number(span("The ward saw three more births a day in May."), span("The ward sees 11 births a day.")) is None
    assert check_number(span("The state made 4.1 billion dollars from the tax."),
                        span("The state made 4.1 billion dollars from the tax last year.")) is None


def test_negation_idioms_and_hedged_positive_side():
    # an upper bound, and "did not stop X from" (X happened), deny nothing
    assert check_negation(span("Runners should train no more than three days a week."),
                          span("The runners trained three days a week with the coach."), strict=False) is None
    assert check_negation(span("The rain did not stop the crowd from marching to the square."),
                          span("The crowd marched to the square in the rain."), strict=False) is None
    # the other side's own negation is hedged: it is no plain statement to deny
    assert check_negation(span("The gunman did not act alone in the raid on the depot."),
                          span("The inquiry found the gunman could not have acted alone in the raid on the depot."),
                          strict=False) is None
    # a hyphenated "not" is part of a word
    assert check_negation(span("The film is a not-so-faithful remake of the 1962 thriller."),
                          span("The film is a remake of the 1962 thriller."), strict=False) is None


def test_story_negation_needs_what_is_denied_not_only_the_verb():
    a = span("The driver has not been charged over the cyclist's death, police said.")
    assert check_negation(a, span("The driver was charged over a string of burglaries, police said.")) is None
    why = check_negation(a, span("The driver was charged over the cyclist's death on Friday, police said."))
    assert why and "charged" in why


def test_one_persons_roles_are_no_entity_contradiction():
    assert check_entity(span("Okafor, a surgeon and former minister, spoke first."),
                        span("Okafor, a surgeon and novelist, spoke first.")) is None


def test_a_figure_inside_a_range_is_no_number_contradiction():
    assert check_number(span("The levy is 12 to 15 percent of the price."), span("The levy is 14 percent of the price.")) is None
    assert check_number(span("The levy is 12 to 15 percent of the price."), span("The levy is 30 percent of the price.")) is not None


def test_story_negation_needs_more_than_a_shared_name_in_what_is_denied():
    a = span("In a year like this, it isn't really the time for Harvest Fair Day.")
    assert check_negation(a, span("The Harvest Fair Day parade drew a large crowd this time.")) is None


def test_figures_for_two_places_or_two_times_do_not_contradict():
    # the places differ: two facts (and the same places still contradict)
    assert check_number(span("In Peru, the average farm had six goats in the survey."),
                        span("In Kenya, the average farm had nine goats in the survey.")) is None
    assert check_number(span("In Peru, the average farm had six goats in the survey."),
                        span("In Peru, the average farm had nine goats in the survey.")) is not None
    # one verb in two tenses: two times
    assert check_number(span("The average household owned three cars."),
                        span("The average household owns two cars.")) is None
    assert check_date(span("The fair in Oslo opened on June 4, 2011."),
                      span("The fair in Madrid opened on Nov. 20, 2011.")) is None


def test_story_negation_needs_the_same_party():
    # subjects with no word in common, or of another grammatical number, are two parties
    assert check_negation(span("The river level hasn't fallen since the storm, officials said."),
                          span("The reservoir's inflow also falls below the seasonal level, officials said.")) is None
    assert check_negation(span("He has not faced a contested primary since his first election to the council."),
                          span("Several councillors facing contested primaries next year backed the plan.")) is None
    # a pronoun whose own sentence names the other side's subject apart from it is someone else
    assert check_negation(span("She is due to appear in court on May 2, while Okafor's hearing is not set."),
                          span("Okafor has not yet appeared in court on the fraud charges.")) is None
    # the same party still contradicts
    why = check_negation(span("The mayor has not signed the budget bill."), span("The mayor signed the budget bill on Monday."))
    assert why and "signed" in why


def test_deontic_negation_and_dropped_qualifiers_are_no_denial():
    assert check_negation(span("You can't use the station's camera crew for another network."),
                          span("The reporter requested the use of the station's camera crew for the interview.")) is None
    assert check_negation(span("The agency said the owl was not facing sudden and severe threats."),
                          span("The owl does face a serious threat, the agency said.")) is None
    why = check_negation(span("The agency said the owl was not facing severe threats."),
                         span("The owl does face severe threats, the agency said."))
    assert why and "fac" in why


def test_a_count_with_no_verb_is_read_without_looping():
    # a headline counts with no verb above the figure: the tense rule has nothing to compare
    assert check_number(span("Six goats, two dogs and a horse in Peru"), span("Nine goats, two dogs and a horse in Peru")) is not None
