"""Quotes: the seed story's quotations against the analyst's reading, and the development floor.

The seed's quotations are judged in benchmarks/judged/quotes-seed.jsonl (every stretch between
quotation marks of the five articles, by offsets: a quote or not, and whose); gold.json gives the
article keys, the fragments that hold quoted names (the named day of its first consensus fact), and
the outlets. No article text or name is written here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from _shared import need

from storylens.analyze.quotes import is_title, marks

ROOT = Path(__file__).resolve().parent.parent
JUDGED = ROOT / "benchmarks" / "judged"
DATA = ROOT.parent / "shared" / "data"
# The development floor of issue 15: at least 85% of shown quotes real with the right speaker. Recall
# has no target in the issue; 0.85 keeps it near what the rules reach (0.93 on this reading).
FLOOR = 0.85


def _judged(name: str) -> list[dict]:
    rows = [json.loads(x) for x in (JUDGED / name).read_text(encoding="utf-8").splitlines() if x.strip()]
    return [r for r in rows if "header" not in r]


def _bench():
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_quotes", ROOT / "benchmarks" / "bench_quotes.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _shown(brief) -> list[tuple[str, int, int, str]]:
    return [(s.article, s.start, s.end, q.speaker) for q in brief.quotes for s in q.support]


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text.translate(str.maketrans("“”’", "\"\"'"))).strip().casefold()


def test_every_real_quotation_of_the_seed_is_found_with_its_speaker(seed_brief, gold):
    judged = _judged("quotes-seed.jsonl")
    assert {r["article"][:3] for r in judged} <= set(gold["articles"])
    result = _bench().score(judged, {"seed": _shown(seed_brief)})
    print(f"\nseed quotes: {result['right']}/{result['shown']} shown right, {result['found']}/{result['judged quotes']} found")
    assert result["missed"] == []
    assert result["wrong"] == []


def test_no_quote_is_a_title_or_a_named_day_of_the_gold_fragments(seed_brief, gold):
    """A quoted stretch inside a gold fragment that the judged file calls no quote (the named day of
    the first consensus fact) is never shown; and every judged non-quote is absent."""
    texts = {a.id: a.text for a in seed_brief.articles}
    shown = _shown(seed_brief)
    fragments = [(k, f) for fact in gold["consensus"] for k, f in fact["fragments"].items()]
    fragments += [(k, f) for k, fs in gold["unique"].items() for f in fs]
    non_quotes = [r for r in _judged("quotes-seed.jsonl") if r["quote"] is False]
    in_gold = [r for r in non_quotes for k, f in fragments
               if r["article"].startswith(k) and _fold(texts[r["article"]][r["start"]:r["end"]]) in _fold(f)]
    assert in_gold, "the gold fragments hold no judged non-quote: the judged file and gold.json disagree"
    for r in non_quotes:
        assert not any(a == r["article"] and s < r["end"] and r["start"] < e for a, s, e, _ in shown), r["text"]


def test_no_speaker_is_a_place_or_a_people(seed_brief):
    places = {e.name.casefold() for e in seed_brief.entities if e.type in ("GPE", "LOC", "NORP", "FAC")}
    assert places, "the seed story names places"
    assert not [q.speaker for q in seed_brief.quotes if q.speaker.casefold() in places]


def test_one_entry_per_person_and_one_quote_across_outlets(seed_brief, gold):
    speakers = {q.speaker for q in seed_brief.quotes}
    surnames = [s for s in speakers if " " not in s and any(o != s and s in o.split() for o in speakers)]
    assert surnames == []
    outlets = {a.id: gold["articles"].get(a.id[:3], {}).get("outlet") or a.outlet or a.id for a in seed_brief.articles}
    carried = [q for q in seed_brief.quotes if len({outlets[s.article] for s in q.support}) >= 2]
    assert carried, "no quotation is one quote with supports from two outlets"


def test_marks_pair_curly_and_straight_quotation_marks_within_a_line():
    text = '“One two,” she said. "Three four" and “five\nsix” seven'
    assert [text[a:z] for a, z, _ in marks(text)] == ["One two,", "Three four"]


def test_titles_are_every_word_capitalised():
    assert is_title("The Day of the Long Name")
    assert is_title("Word")
    assert not is_title("We will go on with the work")
    assert not is_title("Full support")


def test_development_stories_reach_the_quote_floor():
    need(DATA / "multi-news-val")
    bench = _bench()
    lines = [json.loads(x) for x in (JUDGED / "quotes-2030.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    header, judged = lines[0], lines[1:]
    shown = {sid: bench.shown_occurrences(bench.run_quotes(bench.load_story(DATA, sid))) for sid in header["stories"]}
    result = bench.score(judged, shown)
    print(f"\ndevelopment quotes: precision {result['precision']}, recall {result['recall']}")
    assert result["precision"] >= FLOOR
    assert result["recall"] >= FLOOR


def _quotes_of(*texts: str) -> list[tuple[str, str]]:
    from storylens.analyze.entities import find_entities
    from storylens.analyze.quotes import find_quotes
    from storylens.analyze.stages import complete_parse, parse_story
    from storylens.model import Article

    parsed = complete_parse(parse_story([Article(f"a{k}", t) for k, t in enumerate(texts)]))
    _, names = find_entities(parsed)
    return [(q.speaker, q.text) for q in find_quotes(parsed, names)]


def test_speakers_of_the_third_reading_rules():
    """Invented sentences for the rules of the third quotes reading (benchmarks/judged/quotes-1521-tune.jsonl):
    a passive speech verb's subject hears, not speaks; "the president" is the one person the story
    titles President; a pronoun goes back through the pronoun subject of the sentence before, not to a
    name inside that sentence's clause; what a thing is called is no quote."""
    found = _quotes_of(
        "Alan Grey has said the panel should not be told that he kept notes, because "
        "\"the notes are private and belong to no one else.\"\n\n"
        "President Ada Stone met the board on Monday. Later, \"We will build the bridge this year,\" "
        "the president said.\n\n"
        "Mayor Paul Dent spoke to the council on Monday.\n\n"
        "He added that the vote was up to the council, and that it would be hard for Governor Mary Hill "
        "to refuse a delay.\n\n"
        "\"We will see what the council decides in the end,\" he said.\n\n"
        "Forecasters say a big storm called a \"winter giant\" is expected to bring snow on Friday.")
    speakers = {text.split()[0]: speaker for speaker, text in found}
    assert speakers.get("the") == "Alan Grey"
    assert ("Ada Stone", "We will build the bridge this year") in found
    assert ("Paul Dent", "We will see what the council decides in the end") in found
    assert not any("winter giant" in text for _, text in found)


def test_speakers_of_the_done_means_reading_rules():
    """Invented sentences for the rules made from the Done-means reading (benchmarks/judged/quotes-2050.jsonl):
    a surname several people of the story share is the one the story names most, unless another of them
    was just named as a subject; a name beside "his fiancee" is no "he"; a name the tagger ran into its
    speech verb is the name alone."""
    gunman = _quotes_of(
        "Tom Vance shot at a car outside a store. Tom Vance was arrested that night.\n\n"
        "Prosecutors said Tom Vance fired ten times. Tom Vance denied it.\n\n"
        "He wrote to his parents, Carl and Rita Vance, from jail.\n\n"
        "\"I was the one who was attacked that night,\" Vance wrote.")
    assert ("Tom Vance", "I was the one who was attacked that night") in gunman
    grandmother = _quotes_of(
        "Ben Lowe died in May. Ben Lowe was two. Police found Ben Lowe in a park.\n\n"
        "Ben's grandmother, Jane Lowe, said she was pleased with the ruling.\n\n"
        "\"She does not deserve any bond at all,\" Lowe said.")
    assert ("Jane Lowe", "She does not deserve any bond at all") in grandmother
    fiancee = _quotes_of(
        "Tom Vance spoke from jail on Monday.\n\n"
        "In the call with his fiancee, Rita Lamb, he also complained about the food, but added: "
        "\"I guess it would be better than being out there with them.\"")
    assert all(speaker != "Rita Lamb" for speaker, _ in fiancee)
    assert all(" tells " not in speaker and " told " not in speaker for speaker, _ in gunman + grandmother + fiancee)


def test_claim_pronouns_inside_a_quotation_or_before_a_that_clause_name_nobody():
    """A sentence that opens inside a quotation keeps the speaker's pronoun as it is, and "It's well
    established that ..." is a dummy subject (claim referents, analyze/present.py)."""
    from storylens.analyze.present import _expletive, _inside_quotation
    from storylens.nlp import load_spacy

    text = 'In a call, his father told him, "This thing is viral. It is all over the place."'
    assert _inside_quotation(text, text.index("It is all"))
    assert not _inside_quotation(text, text.index("In a call"))
    doc = load_spacy()("It’s well-established that a court can find a contract valid without a signature.")
    assert _expletive(doc[:])


def test_a_pronoun_in_a_quotation_is_not_given_the_quotation_s_own_speaker():
    """“He took the box ...,” Hart told reporters: the "He" is someone Hart speaks of, so the
    claim shows no name in brackets rather than Hart's (issue 15's reading 2051: half of the wrong
    names were this)."""
    from storylens.analyze import analyze_articles
    from storylens.model import Article

    a = ("Tom Hart saw a man take a box of watches from the counter of his shop on Monday.\n\n"
         "“He took the box and ran out of the door before I could stop him,” Hart told reporters.\n\n"
         "Police said they were looking for the man.")
    b = ("A man stole a box of watches from a shop on Monday, police said.\n\n"
         "They said they were looking for him.")
    brief = analyze_articles([Article("r0", a, title=""), Article("r1", b, title="")])
    quoted = [c for c in brief.claims if c.sentence is not None and c.sentence.text.startswith("“He took")]
    assert quoted
    assert all(c.referent is None or "Hart" not in c.referent.name for c in quoted)
    # a pronoun outside any quotation still gets its name
    assert any(c.referent is not None and c.referent.name == "police" for c in brief.claims)
