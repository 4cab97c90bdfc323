"""Exact and near-duplicate detection (storylens.dedup) on both back ends."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from _shared import need
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storylens import dedup
from storylens.errors import NotInstalled, StorylensError
from storylens.model import Article

# Three articles written for these tests: two outlets on one (invented) event, and another event.
BRIDGE_A = (
    "The city council voted 7-2 on Tuesday night to close the Riverside Bridge to car traffic for "
    "eighteen months while engineers replace its corroded steel supports. Mayor Elena Brandt said the "
    "decision was painful but necessary after an inspection in March found cracks in three of the "
    "bridge's main girders. \"We cannot ask people to drive across a structure our own engineers no "
    "longer trust,\" Brandt told reporters after the meeting. Buses and emergency vehicles will still "
    "be allowed to cross at reduced speed, and a free shuttle will run every ten minutes during rush "
    "hour. Business owners on the east bank warned that the closure could cut their sales by a third. "
    "The repairs are expected to cost $42 million, most of it covered by a state infrastructure grant "
    "approved last year. Work is scheduled to begin on the first Monday of June."
)
BRIDGE_B = (
    "Drivers will have to find another way across the river for a year and a half. On Tuesday the "
    "council approved, by seven votes to two, a plan to shut the Riverside Bridge to private cars so "
    "that its rusting supports can be rebuilt. The vote followed a spring inspection that reported "
    "cracked girders, and the mayor called the closure unavoidable. Shop owners east of the river were "
    "less convinced: several said at the hearing that they feared losing customers for good. City "
    "officials put the bill for the work at about $42 million and said a state grant would pay for "
    "most of it. Shuttle buses will replace the lost car lanes, running every ten minutes at peak "
    "times, and ambulances and fire engines may still use the bridge."
)
HARBOUR = (
    "A cargo ship ran aground at the mouth of the harbour early on Sunday, blocking the main shipping "
    "channel for most of the day. The coast guard said none of the 21 crew members was hurt and that "
    "no fuel had leaked into the water. Tugboats freed the vessel at high tide shortly after six in the "
    "evening. Port officials said about a dozen ships had been forced to wait offshore and that the "
    "backlog would take two days to clear. An investigation into the cause of the grounding has begun; "
    "early reports point to a steering failure as the ship turned into the channel in strong winds. "
    "The company that operates the vessel said it was cooperating fully with the inquiry."
)
PREFIX = "Advertisement\n\nShare this article\n\n"
SUFFIX = "\n\nSubscribe to our newsletter for the latest headlines delivered to your inbox every morning."
BACKENDS = pytest.mark.parametrize("backend", dedup.BACKENDS)


def drop_sentence(text: str, index: int) -> str:
    sentences = text.split(". ")
    del sentences[index]
    return ". ".join(sentences)


def syndicated(text: str) -> str:
    """A wire copy: boilerplate around it, one sentence dropped."""
    return PREFIX + drop_sentence(text, 3) + SUFFIX


def test_normalize_unifies_case_quotes_dashes_and_space() -> None:
    assert dedup.normalize("  The MAYOR’s “plan” — approved\u00a0today.\n") == "the mayors plan approved today"
    assert dedup.normalize('The mayor\'s "plan" - approved today') == "the mayors plan approved today"
    assert dedup.text_key("The  Mayor’s plan.") == dedup.text_key("the mayor's PLAN")
    assert dedup.text_key("the mayors plan") != dedup.text_key("the mayor plan")


@BACKENDS
def test_exact_duplicate_is_found(backend: str) -> None:
    index = dedup.NearDuplicates(backend)
    assert index.add("a", BRIDGE_A) is None
    copy = BRIDGE_A.replace('"', "“").replace("  ", " ").upper()
    assert index.add("b", copy) == dedup.Match("a", 1.0, exact=True)


@BACKENDS
def test_syndicated_copy_is_linked_to_its_original(backend: str) -> None:
    index = dedup.NearDuplicates(backend)
    assert index.add("bridge", BRIDGE_A) is None
    assert index.add("harbour", HARBOUR) is None
    match = index.add("wire-copy", syndicated(BRIDGE_A))
    assert match is not None and match.article == "bridge" and not match.exact
    assert dedup.THRESHOLD <= match.similarity < 1.0


@BACKENDS
def test_two_articles_of_one_story_are_not_linked(backend: str) -> None:
    assert dedup.find_duplicates([("a", BRIDGE_A), ("b", BRIDGE_B), ("c", HARBOUR)], backend=backend) == {}


def test_find_duplicates_links_to_the_earliest_and_takes_articles() -> None:
    articles = [Article("first", BRIDGE_A), Article("other", HARBOUR), Article("copy", syndicated(BRIDGE_A)),
                Article("again", BRIDGE_A + "\n")]
    found = dedup.find_duplicates(articles)
    assert set(found) == {"copy", "again"}
    assert found["copy"][0] == "first" and found["again"] == ("first", 1.0)


def test_adding_an_id_again_changes_nothing() -> None:
    index = dedup.NearDuplicates()
    index.add("a", BRIDGE_A)
    first = index.add("b", syndicated(BRIDGE_A))
    assert index.add("b", HARBOUR) == first and len(index) == 2


@BACKENDS
def test_signature_round_trips_through_bytes_and_load(backend: str) -> None:
    index = dedup.NearDuplicates(backend)
    sigs = index.signatures([BRIDGE_A, HARBOUR])
    assert sigs[0] == dedup.signature(BRIDGE_A, backend) == index.signature(BRIDGE_A)
    assert len(sigs[0]) == 4 + 4 * dedup.NUM_PERM
    digest = dedup.decode_signature(sigs[0], backend)
    assert dedup.encode_signature(digest, backend) == sigs[0]

    restored = dedup.NearDuplicates.load([("bridge", sigs[0]), ("harbour", sigs[1])], backend=backend,
                                         keys={"bridge": dedup.text_key(BRIDGE_A)})
    assert restored.candidates(dedup.signature(syndicated(BRIDGE_A), backend)) == ["bridge"]
    assert restored.add("exact", BRIDGE_A) == dedup.Match("bridge", 1.0, exact=True)
    match = restored.add("copy", syndicated(BRIDGE_A))  # verified on the signatures alone
    assert match is not None and match.article == "bridge"
    assert restored.add("story", BRIDGE_B) is None


def test_load_verifies_on_stored_text_when_given() -> None:
    texts = {"bridge": BRIDGE_A}
    restored = dedup.NearDuplicates.load([("bridge", dedup.signature(BRIDGE_A))], text_of=texts.get)
    copy = syndicated(BRIDGE_A)
    match = restored.add("copy", copy)
    fresh = dedup.NearDuplicates()
    fresh.add("bridge", BRIDGE_A)
    assert match == fresh.add("copy", copy)  # the exact shingle Jaccard, as in one process


def test_signature_of_another_back_end_or_size_is_refused() -> None:
    sig = dedup.signature(BRIDGE_A, "datasketch")
    with pytest.raises(StorylensError, match="made by datasketch"):
        dedup.decode_signature(sig, "rensa")
    with pytest.raises(StorylensError, match="too short"):
        dedup.decode_signature(b"\x01", "rensa")


def test_missing_back_end_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "datasketch", None)
    with pytest.raises(NotInstalled, match="pip install datasketch"):
        dedup.NearDuplicates("datasketch")
    with pytest.raises(StorylensError, match="unknown near-duplicate back end"):
        dedup.make_backend("minhash-cli")


# ------------------------------------------------------------------ properties

# Families of copies: within one family every pair is above the threshold, across families below it,
# so which article becomes a family's original depends on order but the families found do not.
FAMILIES = {
    "bridge": [BRIDGE_A, syndicated(BRIDGE_A), BRIDGE_A.replace(". ", ".\n\n"), PREFIX + BRIDGE_A],
    "story": [BRIDGE_B, BRIDGE_B + SUFFIX, drop_sentence(BRIDGE_B, 1)],
    "harbour": [HARBOUR, PREFIX + drop_sentence(HARBOUR, 2), HARBOUR.lower()],
}
MEMBERS = [(family, k) for family, texts in FAMILIES.items() for k in range(len(texts))]
SUBSETS = st.lists(st.sampled_from(MEMBERS), min_size=1, max_size=10, unique=True)
PROPERTY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def items_of(members: list[tuple[str, int]]) -> list[tuple[str, str]]:
    return [(f"{family}-{k}", FAMILIES[family][k]) for family, k in members]


def groups(items: list[tuple[str, str]], found: dict[str, tuple[str, float]]) -> set[frozenset[str]]:
    """The sets of articles joined by links (union-find over duplicate -> original)."""
    parent = {i: i for i, _ in items}

    def root(x: str) -> str:
        while parent[x] != x:
            x = parent[x]
        return x

    for dup, (original, _) in found.items():
        parent[root(dup)] = root(original)
    out: dict[str, set[str]] = {}
    for i, _ in items:
        out.setdefault(root(i), set()).add(i)
    return {frozenset(g) for g in out.values()}


@PROPERTY
@given(SUBSETS)
def test_dedup_of_dedup_output_finds_nothing_new(members: list[tuple[str, int]]) -> None:
    items = items_of(members)
    found = dedup.find_duplicates(items)
    kept = [(i, t) for i, t in items if i not in found]
    assert dedup.find_duplicates(kept) == {}
    assert {frozenset(i for i, _ in items if i.startswith(f"{f}-")) for f, _ in members} == groups(items, found)


@PROPERTY
@given(SUBSETS)
def test_adding_the_same_set_twice_adds_nothing_new(members: list[tuple[str, int]]) -> None:
    items = items_of(members)
    index = dedup.NearDuplicates()
    first = index.add_many(items)
    assert index.add_many(items) == {}
    again = index.add_many([(f"{i}#2", t) for i, t in items])
    assert set(again) == {f"{i}#2" for i, _ in items} and all(m.exact for m in again.values())
    assert set(first) <= {i for i, _ in items}


@PROPERTY
@given(SUBSETS, st.randoms(use_true_random=False))
def test_linked_groups_do_not_depend_on_order(members: list[tuple[str, int]], rnd: object) -> None:
    items = items_of(members)
    shuffled = list(items)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert groups(items, dedup.find_duplicates(items)) == groups(shuffled, dedup.find_duplicates(shuffled))


# ------------------------------------------------------------------ real articles, when present

NEUS = Path(__file__).resolve().parents[2] / "shared" / "data" / "neus-allsides-val" / "val.jsonl"


def test_real_articles_and_their_wire_copies() -> None:
    texts = []
    with need(NEUS).open(encoding="utf-8") as f:
        for line in f:
            texts += [a["text"] for a in json.loads(line)["articles"] if len(a["text"].split()) >= 150]
            if len(texts) >= 40:
                break
    items = [(f"o{i}", t) for i, t in enumerate(texts)] + [(f"c{i}", PREFIX + t + SUFFIX) for i, t in enumerate(texts)]
    found = dedup.find_duplicates(items)
    assert {d: o for d, (o, _) in found.items()} == {f"c{i}": f"o{i}" for i in range(len(texts))}
