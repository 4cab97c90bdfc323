"""Alignment on the seed story: clause spans, one clause per outlet, and the large-story index."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import numpy as np
import pytest

from storylens.analyze import details, units
from storylens.analyze.pipeline import run_pipeline
from storylens.analyze.prepare import prepare
from storylens.embed import get_embedder
from storylens.ingest import read_inputs
from storylens.model import Sentence
from storylens.nlp import load_spacy


@pytest.fixture(scope="module")
def prep(seed_dir):
    articles, _ = read_inputs([str(seed_dir)])
    return prepare(articles, get_embedder())


def test_consensus_claims_hold_one_clause_per_outlet(seed_brief):
    texts = {a.id: a.text for a in seed_brief.articles}
    consensus = [c for c in seed_brief.claims if c.kind == "consensus"]
    assert consensus
    for claim in consensus:
        arts = [s.article for s in claim.support]
        assert len(arts) == len(set(arts)) == claim.outlets >= 2
        for s in claim.support:
            assert texts[s.article][s.start : s.end] == s.text


def test_a_sentence_can_carry_a_shared_clause_and_a_detail_of_its_own(seed_brief):
    """The rest of a sentence outside a consensus clause stays a single-source detail."""
    consensus = {(s.article, s.start, s.end) for c in seed_brief.claims if c.kind == "consensus" for s in c.support}
    singles = [s for c in seed_brief.claims if c.kind == "single" for s in c.support]
    # a detail that starts right after a consensus clause ends (", which ...") or ends right before one
    shared_sentence = [s for s in singles
                       if any(a == s.article and (0 <= s.start - e <= 2 or 0 <= b - s.end <= 2) for a, b, e in consensus)]
    assert shared_sentence, "no sentence was split between a consensus clause and a detail"
    for s in singles:  # a detail overlaps a consensus clause only as a name-bearing phrase inside it
        for a, b, e in consensus:
            if a == s.article and max(b, s.start) < min(e, s.end):
                assert b <= s.start and s.end <= e and (s.end - s.start) < details.MAX_SHARE * (e - b)


def test_a_name_only_one_outlet_gives_is_a_detail_inside_a_shared_clause(seed_brief):
    """A consensus clause that adds a name no other outlet mentions yields that phrase as a
    single-source detail, and the phrase holds a word found in no other article."""
    texts = {a.id: " " + re.sub(r"[\W_]+", " ", a.text.casefold()) + " " for a in seed_brief.articles}
    consensus = [s for c in seed_brief.claims if c.kind == "consensus" for s in c.support]
    nested = [s for c in seed_brief.claims if c.kind == "single" for s in c.support
              if any(m.article == s.article and m.start <= s.start and s.end <= m.end for m in consensus)]
    assert nested
    for s in nested:
        words = set(re.findall(r"\w+", s.text.casefold()))
        assert any(not any(f" {w}" in t for aid, t in texts.items() if aid != s.article) for w in words)


def test_clause_vectors_come_from_one_pass_and_differ_from_the_sentence(prep):
    assert prep.unit_vectors is not None and len(prep.unit_vectors) == len(prep.units)
    norms = np.linalg.norm(prep.unit_vectors, axis=1)
    assert np.allclose(norms, 1.0, atol=1e-3)
    whole = [k for k, u in enumerate(prep.units)
             if (u.start, u.end) == (prep.sentences[u.sentence].start, prep.sentences[u.sentence].end)]
    parts = [k for k in range(len(prep.units)) if k not in set(whole)]
    assert parts
    owner = {prep.units[k].sentence: k for k in whole}
    cos = [float(prep.unit_vectors[k] @ prep.unit_vectors[owner[prep.units[k].sentence]]) for k in parts]
    assert max(cos) < 0.9999 and min(cos) > 0.3  # a clause is its own vector, still close to its sentence


def test_index_finds_nearly_all_pairs_exact_comparison_finds(prep, monkeypatch):
    v, group = prep.centred_units(), prep.unit_articles()
    i, j, s = units.candidate_pairs(v, group)
    exact = set(zip(i.tolist(), j.tolist()))
    strong = {(a, b) for a, b, x in zip(i.tolist(), j.tolist(), s.tolist()) if x >= 0.4}
    assert strong
    monkeypatch.setattr(units, "EXACT_MAX", 10)  # force the inverted-file index on this small story
    ii, jj, _ = units.candidate_pairs(v, group)
    found = set(zip(ii.tolist(), jj.tolist()))
    assert found <= exact and len(found) < len(exact)  # a subset, and not all pairs
    assert len(found & strong) >= 0.8 * len(strong)  # yet the close pairs are nearly all there


def test_a_relative_clause_member_reaches_back_to_the_clause_it_qualifies(seed_brief):
    """No consensus support opens with a bare relative pronoun: the span names what it is about."""
    for claim in seed_brief.claims:
        if claim.kind == "consensus":
            for s in claim.support:
                assert not re.match(r"(?i)(which|who|whom|whose)\b", s.text), s.text


def test_the_latter_reads_as_its_antecedent_for_the_model(prep):
    from storylens.analyze import anaphora

    s = Sentence("x", 0, 0, 26, "The latter faces sanctions.", 0)
    doc = load_spacy()("Russia spoke with North Korea on Monday.")
    text, edit = anaphora.model_text(s, doc)
    assert text == "North Korea faces sanctions."
    assert anaphora.shift([(0, 26), (11, 26)], edit) == [(0, 27), (12, 27)]
    former, _ = anaphora.model_text(Sentence("x", 0, 0, 25, "The former said no more.", 0), doc)
    assert former == "Russia said no more."
    assert anaphora.model_text(s, None) == (s.text, None)
    assert prep.parsed.edits and all(prep.parsed.antecedent(i) for i in prep.parsed.edits)


def test_two_pass_parse_gives_the_one_pass_annotations(seed_dir):
    """spaCy's first pass (up to the parser) then complete_docs annotate exactly as the full pipeline."""
    from storylens.nlp import complete_docs, parse_article, parse_articles

    articles, _ = read_inputs([str(seed_dir)])
    two = parse_articles(articles)
    complete_docs(two)

    def marks(doc):
        return [(t.text, t.pos_, t.lemma_, t.dep_, t.head.i, t.is_sent_start, t.ent_type_) for t in doc]

    for a in articles:
        one = parse_article(a)
        assert [off for off, _ in one] == [off for off, _ in two[a.id]]
        assert [marks(d) for _, d in one] == [marks(d) for _, d in two[a.id]]


def _pipeline_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("storylens-pipeline")]


def test_parse_only_work_runs_while_the_model_does_and_no_thread_outlives_the_pipeline(prep, seed_dir):
    """run_pipeline hands the completed parses to ``meanwhile`` while its model thread is alive,
    then waits for the vectors (prepare()'s own) and shuts the thread down before returning."""
    articles, _ = read_inputs([str(seed_dir)])

    def meanwhile(parsed):
        return _pipeline_threads(), sum(len(doc.ents) for pairs in parsed.docs.values() for _, doc in pairs)

    later, (threads, entities) = run_pipeline(articles, get_embedder(), meanwhile)
    assert threads and entities  # the model thread was there, and spaCy's second pass was done
    assert not _pipeline_threads()
    assert later.vectors.shape == prep.vectors.shape
    assert np.allclose(later.vectors, prep.vectors, atol=1e-5)
    assert np.allclose(later.unit_vectors, prep.unit_vectors, atol=1e-5)


def test_an_error_inside_the_pipeline_leaves_no_thread_behind(seed_dir):
    articles, _ = read_inputs([str(seed_dir)])

    def fail(parsed):
        raise RuntimeError("parse-only work failed")

    with pytest.raises(RuntimeError, match="parse-only work failed"):
        run_pipeline(articles, get_embedder(), fail)
    assert not _pipeline_threads()


def test_no_consensus_claim_joins_two_differently_dated_events(seed_brief):
    """Clauses from sentences dated by month or number with no date word in common stay apart."""
    from storylens.analyze.checks.parse import _dates
    from storylens.nlp import load_spacy

    nlp = load_spacy()
    texts = {a.id: a.text for a in seed_brief.articles}
    for claim in seed_brief.claims:
        if claim.kind != "consensus":
            continue
        dated = []
        for s in claim.support:
            sentence = next(sent for sent in nlp(texts[s.article]).sents
                            if sent.start_char <= s.start < sent.end_char + 1)
            words = {w.lower() for d in _dates(sentence) for w in re.findall(r"\w+", d)}
            if words:
                dated.append(words)
        assert all(a & b for k, a in enumerate(dated) for b in dated[k + 1 :]), claim.text


def _cut(text: str) -> list[str]:
    return [text[a:b] for a, b in units.pieces(Sentence("a", 0, 0, len(text), text))]


def test_clause_cuts_read_punctuation_inside_quotes_and_keep_repeated_phrases():
    assert _cut("He praised “their history of victory,” and has doubled down on his support.") == [
        "He praised “their history of victory", "and has doubled down on his support."]
    assert _cut("A friendship that lasted generation after generation.") == [
        "A friendship that lasted generation after generation."]
    assert _cut("It faces sanctions due to its weapons programmes.") == [
        "It faces sanctions", "due to its weapons programmes."]


def test_a_detail_phrase_is_the_name_with_its_noun_not_its_coordinated_neighbours():
    from storylens.model import Article

    text = "Officials were hoarding insomnia medications such as Zolpidem and large amounts of alcohol, he said."
    doc = load_spacy()(text)
    texts = details.story_texts([Article("a", text), Article("b", "Officials were hoarding medicines, he said.")])
    found = [text[a:z] for a, z in details.specifics(doc[:], 0, (0, len(text)), "a", texts)]
    assert found == ["insomnia medications such as Zolpidem"]
    texts = details.story_texts([Article("a", text), Article("b", "They named Zolpidem.")])
    assert details.specifics(doc[:], 0, (0, len(text)), "a", texts) == []  # another outlet names it too


def test_single_source_details_open_on_a_word_not_on_leftover_punctuation(seed_brief):
    singles = [c.text for c in seed_brief.claims if c.kind == "single"]
    assert singles and not [t for t in singles if re.match(r"[”’,;:\s–—-]", t)]


def test_an_amount_another_outlet_also_gives_is_not_a_detail():
    from storylens.model import Article

    text = ("Prosecutors said on Monday that the former treasurer of the charity remains free on a "
            "$100,000 bond until her trial.")
    doc = load_spacy()(text)
    alone = details.story_texts([Article("a", text), Article("b", "Her trial opens in May.")])
    assert [text[a:z] for a, z in details.specifics(doc[:], 0, (0, len(text)), "a", alone)] == ["on a $100,000 bond"]
    texts = details.story_texts([Article("a", text), Article("b", "Her bond was set at $100,000.")])
    assert details.specifics(doc[:], 0, (0, len(text)), "a", texts) == []


def test_a_shared_common_word_keeps_part_of_its_weight(monkeypatch):
    """Word rows weigh idf ** IDF_POWER: two clauses that share only a word most sentences of the
    story use still overlap, by more than plain tf-idf (idf squared in the product) leaves them."""
    terms = [{"vote", "budget"}, {"vote", "harbour"}, {"vote", "orchard"}, {"ships"}]

    def shared(power: float) -> float:
        monkeypatch.setattr(units, "IDF_POWER", power)
        x = units.lexical_vectors(terms, [0, 1, 2, 3])
        return float(x[0].multiply(x[2]).sum())

    power = units.IDF_POWER
    weights = np.array([np.log(5 / (3 + 0.5)), np.log(5 / (1 + 0.5))]) ** power  # "vote", "budget"
    x = units.lexical_vectors(terms, [0, 1, 2, 3]).toarray()
    assert sorted(x[0][x[0] > 0]) == pytest.approx(sorted(weights / np.linalg.norm(weights)))
    assert 0 < shared(1.0) < shared(power)


def test_claim_text_prefers_a_member_that_opens_like_a_sentence() -> None:
    from storylens.analyze.align import _OPENS_SENTENCE

    assert _OPENS_SENTENCE.match("He has also condemned the ferry strike.")
    assert _OPENS_SENTENCE.match("“We will reopen the port,” the mayor said.")
    assert not _OPENS_SENTENCE.match("and condemns the ferry strike.")
    assert not _OPENS_SENTENCE.match("which had closed the port for a week")


def test_restates_needs_an_overlapping_span_in_every_article() -> None:
    from storylens.analyze.align import _restates
    from storylens.model import Span

    earlier = [Span("a", 0, 100, "x" * 100), Span("b", 50, 120, "y" * 70)]
    assert _restates([Span("a", 10, 60, "x" * 50), Span("b", 100, 200, "y" * 100)], earlier)
    assert not _restates([Span("a", 10, 60, "x" * 50), Span("b", 130, 200, "y" * 70)], earlier)  # b apart
    assert not _restates([Span("a", 10, 60, "x" * 50), Span("c", 0, 10, "z" * 10)], earlier)  # another outlet


def test_a_claim_copied_word_for_word_is_one_source():
    from storylens.analyze.align import count_copies
    from storylens.model import Claim, Reuse, Span

    copy_a, copy_b = Span("a", 100, 160, "x" * 60), Span("b", 10, 70, "x" * 60)
    own = Span("c", 0, 50, "y" * 50)
    run = Reuse(Span("a", 90, 170, ""), Span("b", 0, 80, ""), 1.0, "verbatim")
    copied = Claim("c1", "copied", "consensus", 2, [copy_a, copy_b])
    told = Claim("c2", "told", "consensus", 3, [copy_a, copy_b, own])  # one outlet tells it in its own words
    half = Claim("c3", "half", "consensus", 2, [Span("a", 140, 240, ""), Span("b", 50, 150, "")])
    out = count_copies([copied, told, half], [run])
    assert [(c.kind, c.outlets) for c in out] == [("single", 1), ("consensus", 3), ("consensus", 2)]
    assert out[0].support == [copy_a, copy_b]  # every copy stays cited
    near = Reuse(run.a, run.b, 0.9, "near")  # a rewrite is not a copy
    assert count_copies([copied], [near])[0].kind == "consensus"



NEUS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "neus-allsides-val" / "val.jsonl"


def _neus_story(story_id: str) -> list:
    import json

    from _shared import need

    from storylens.model import Article

    for line in need(NEUS).read_text(encoding="utf-8").splitlines():
        story = json.loads(line)
        if story["id"] == story_id:
            return [Article(f"n{k}", a["text"], title=a.get("title", "")) for k, a in enumerate(story["articles"])]
    raise AssertionError(f"{story_id} is not in {NEUS}")


def test_three_leads_on_one_event_make_a_claim_that_centring_alone_misses():
    """Three outlets' leads on one restaurant protest (a NeuS development story of the seed-2029
    reading): every sentence of the short story is about the event, so centring removes the event
    itself and the clause groups never link the leads; grouped by plain cosine
    (params.AlignParams.lead_cos) and confirmed by the pair model they are one claim."""
    from dataclasses import replace

    from storylens.analyze import analyze_articles
    from storylens.analyze.params import DEFAULT

    def lead_claims(params):
        brief = analyze_articles(_neus_story("val-215"), params=params)
        return [c for c in brief.claims if c.kind == "consensus" and sum(s.start == 0 for s in c.support) >= 2]

    found = lead_claims(DEFAULT)
    assert found and max(c.outlets for c in found) == 3
    assert not lead_claims(replace(DEFAULT, align=replace(DEFAULT.align, lead=0)))


@pytest.mark.parametrize(("sentence", "question"), [
    ("Where will the money for the bridge come from?", True),
    ("“Who pays for the bridge?”", True),
    ("Taylor’s birthday?", True),
    ("“Who pays?” the mayor asked.", False),  # a statement that reports a question
    ("The council approved the bridge on Monday.", False),
])
def test_a_question_states_no_fact(sentence, question):
    assert units.asks(sentence) is question


def test_questions_and_verbless_lines_make_no_consensus():
    """Two outlets asking the same question, or printing the same caption, agree on no fact; the
    statements beside them still make claims."""
    from storylens.analyze import analyze_articles
    from storylens.model import Article

    a = ("The city council approved a new bridge over the river on Monday, at a cost of 40 million euros.\n\n"
         "Where will the money for the bridge come from?\n\nPhotos: the river crossing at dawn.\n\n"
         "Construction is due to start in the spring and last three years.")
    b = ("On Monday the city council voted to build a new bridge across the river for 40 million euros.\n\n"
         "Where is the money for the bridge going to come from?\n\nPhotos: the river crossing at dawn, from the east bank.\n\n"
         "Work on the bridge should begin in spring and take three years.")
    brief = analyze_articles([Article("q0", a, title=""), Article("q1", b, title="")])
    consensus = [c for c in brief.claims if c.kind == "consensus"]
    assert consensus
    assert not any("money" in s.text or "Photos" in s.text for c in consensus for s in c.support)


def test_what_is_left_beside_a_shared_clause_is_a_detail_only_when_it_states_a_fact():
    """The opening phrase of a sentence whose main clause another outlet carries ("In a letter
    sent to the mayor on Friday") has no verb of its own: no single-source detail. A clause with
    its own subject and verb beside the shared one still is."""
    from storylens.analyze import analyze_articles
    from storylens.model import Article

    a = ("In a long letter sent to the harbour board on Friday, the city council approved a new bridge over the river "
         "at a cost of 40 million euros.\n\n"
         "Construction is due to start in the spring and last three years, and the old ferry will stop running.")
    b = ("On Friday the council voted for a new bridge across the river, which will cost 40 million euros.\n\n"
         "Work on the bridge should begin in spring and take three years.")
    brief = analyze_articles([Article("q0", a, title=""), Article("q1", b, title="")])
    assert any(c.kind == "consensus" and any("approved" in s.text for s in c.support) for c in brief.claims)
    singles = [s.text for c in brief.claims if c.kind == "single" for s in c.support]
    assert not any(t.startswith("In a long letter") for t in singles), singles
    assert any("ferry will stop running" in t for t in singles), singles
