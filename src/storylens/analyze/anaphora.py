""""The latter" and "the former" read as the name they stand for, for the embedding model.

A sentence that opens with "The latter is under sanctions" says nothing the model can match with
"<the country> faces sanctions" in another outlet: "latter" is a stop word and carries no meaning.
The antecedent is the last (latter) or first (former) proper-noun name of the sentence before it in
the same article, found from the tagger's NNP/NNPS tags (available in spaCy's first pass, before
entities). Only the model's input changes; sentence text and offsets stay those of the article.

The speakers of quotes are resolved here too (Resolver): a pronoun to the person named before it,
a title ("the Freedonian president") to the person the story gives it, a surname to the full name.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from typing import Any

from ..model import Sentence
from .entities import name_key

_ANAPHOR = re.compile(r"^[\"'“‘(]?(the (latter|former))\b", re.IGNORECASE)
_PROPER = ("NNP", "NNPS")
# Day and month names are tagged NNP too, but a date is never what "the latter" stands for.
_CALENDAR = {n.lower() for n in [*calendar.day_name, *calendar.month_name, *calendar.day_abbr, *calendar.month_abbr] if n}


def names(tokens: Any) -> list[str]:
    """Runs of proper-noun tokens in reading order ("New Zealand", "European Central Bank")."""
    out: list[str] = []
    run: list[str] = []
    for t in list(tokens) + [None]:
        if t is not None and t.tag_ in _PROPER and t.lower_.rstrip(".") not in _CALENDAR:
            run.append(t.text)
            continue
        if run:
            out.append(" ".join(run))
            run = []
    return out


def antecedent(previous: Any, which: str) -> str | None:
    """The name "the latter" (last) or "the former" (first) points to in the previous sentence."""
    found = names(previous)
    if not found:
        return None
    return found[-1] if which.lower() == "latter" else found[0]


def needs_antecedent(sentence: Sentence) -> bool:
    """Does the sentence open with "the latter"/"the former" (so model_text reads the sentence before)?"""
    return _ANAPHOR.match(sentence.text) is not None


def model_text(sentence: Sentence, previous: Any | None) -> tuple[str, tuple[int, int, int] | None]:
    """The sentence as the model should read it, and the edit made: (start, end, new length) of
    the replaced stretch in the sentence, or None when the text is unchanged."""
    m = _ANAPHOR.match(sentence.text)
    if m is None or previous is None:
        return sentence.text, None
    name = antecedent(previous, m.group(2))
    if not name:
        return sentence.text, None
    a, z = m.span(1)
    return sentence.text[:a] + name + sentence.text[z:], (a, z, len(name))


def shift(spans: list[tuple[int, int]], edit: tuple[int, int, int] | None) -> list[tuple[int, int]]:
    """Character spans of the original sentence moved onto the edited text."""
    if edit is None:
        return spans
    a, z, n = edit
    delta = n - (z - a)

    def start(x: int) -> int:
        return x + delta if x >= z else min(x, a)

    def end(x: int) -> int:
        return x + delta if x >= z else (a + n if x > a else x)

    return [(start(s), end(e)) for s, e in spans]


# Pronouns that stand for one person, resolved to the nearest person named before them.
PERSONAL = {"he", "she", "him", "her"}
# Pronouns for a speaker the article does not name, shown as they are ("someone else yells").
INDEFINITE = {"someone", "somebody", "another", "one"}
# Relative pronouns, resolved to the noun their clause hangs on ("Snyder, who said ...").
RELATIVE = {"who", "that", "which"}
# Paragraphs before the pronoun's own that are searched for its person: 2 found every antecedent of
# the tuning sample's pronoun speakers (sample_briefs seed 2031, n 4; seed story), which sit in the
# paragraph of the quote or the one or two before.
LOOKBACK_PARAGRAPHS = 2
# Words that make a noun phrase name one known person ("the leader", "her husband").
DEFINITE = {"the", "this", "that", "his", "her", "their", "its"}
# Titles and honorifics that open a name without being part of it ("Marshal Houston", "Sen. Burr").
# Abbreviations (a word ending in "." or in capitals) are dropped as well; these are the titles
# written out in full that the tuning sample and the seed story put before names, and the usual others.
TITLES = {"mr", "mrs", "ms", "dr", "sen", "rep", "gov", "president", "senator", "governor", "mayor", "judge",
          "justice", "officer", "detective", "sergeant", "captain", "lieutenant", "colonel", "general",
          "admiral", "marshal", "chief", "commissioner", "minister", "secretary", "ambassador", "professor",
          "prof", "rev", "reverend", "father", "sir", "lord", "lady", "king", "queen", "prince", "princess",
          "pope", "sheriff", "deputy", "coach", "chancellor", "premier", "representative", "speaker",
          "emeritus", "gen", "lt", "col", "sgt", "capt", "cpl", "adm"}
# Nouns whose possessor is the one speaking ("Ortega's letter stressed ...").
UTTERANCES = {"message", "statement", "letter", "speech", "remark", "tweet", "post", "note", "email",
              "word", "address", "interview", "comment", "testimony", "memo", "announcement"}


@dataclass
class Mention:
    """A person named in an article: where (article offset, paragraph), the key, whether a subject."""

    start: int
    paragraph: int
    key: str
    subject: bool


def person_mentions(docs: list[tuple[int, Any]], starts: list[int], surnames: dict[str, str]) -> list[Mention]:
    """Persons named in one article outside quotation marks, in reading order: PERSON entities, and
    any entity that is the surname of one (``surnames``: word -> person key; the tagger calls a
    surname alone a city or a company: "Houston" after "Angus Houston"). ``starts`` are the offsets
    of the article's lines (quotes.lines_of), the paragraphs a mention is counted in."""
    from .quotes import line_index, marks

    out: list[Mention] = []
    for offset, doc in docs:
        inside = [(a, z) for a, z, _ in marks(doc.text)]
        for ent in doc.ents:
            key = name_key(strip_title(ent.text))
            # a person's name opens with a capital ("pro-Freedonia" tagged PERSON is none)
            key = key if ent.label_ == "PERSON" and ent.text[:1].isupper() else surnames.get(key, "")
            if not key or any(a <= ent.start_char < z for a, z in inside):
                continue
            root = ent.root
            role = root.head if root.dep_ == "appos" else root
            out.append(Mention(offset + ent.start_char, line_index(starts, offset + ent.start_char),
                               key, role.dep_ in ("nsubj", "nsubjpass")))
    return out


# Subject pronouns and honorifics that tell a person's gender.
_MALE, _FEMALE = {"he", "mr"}, {"she", "mrs", "ms", "miss"}


def person_genders(docs: dict[str, list[tuple[int, Any]]], names: dict[str, str]) -> dict[str, str]:
    """Person (display name) -> "m" or "f" where the story says so. Each sentence that names one person
    and no other outside quotation marks votes with the first "he" or "she" subject after the name
    ("Tom Baker said that he visits his wife ... as she recovers": he); a "Mr." or "Ms." before a
    name votes too; the side with more votes wins. A "he" is then never taken for a person the story
    calls "she" ("he told her": not her)."""
    from .quotes import marks

    votes: dict[str, list[int]] = {}
    for pairs in docs.values():
        for _, doc in pairs:
            inside = [(a, z) for a, z, _ in marks(doc.text)]
            for sent in doc.sents:
                ents = [e for e in sent.ents if e.label_ == "PERSON" and not any(a <= e.start_char < z for a, z in inside)]
                people = {names.get(name_key(e.text), name_key(e.text)) for e in ents}
                if len(people) != 1:
                    continue
                first = ents[0]
                honorific = doc[first.start - 1].lower_.rstrip(".") if first.start else ""
                after = [t.lower_ for t in doc[first.end : sent.end] if t.dep_ in ("nsubj", "nsubjpass")
                         and t.lower_ in ("he", "she") and not any(a <= t.idx < z for a, z in inside)]
                for word in [honorific, *after[:1]]:
                    if word in _MALE or word in _FEMALE:
                        count = votes.setdefault(next(iter(people)), [0, 0])
                        count[0 if word in _MALE else 1] += 1
    return {p: ("m" if m > f else "f") for p, (m, f) in votes.items() if m != f}


def strip_title(name: str) -> str:
    """A name without the titles and abbreviations before it: "Air Chief Marshal Angus Houston" ->
    "Angus Houston", "ACM Houston" -> "Houston"; a name that is only a title stays as it is."""
    words = name.strip().split()
    while len(words) > 1 and (words[0].endswith(".") or (words[0].isupper() and len(words[0]) > 1)
                              or words[0].casefold() in TITLES):
        words = words[1:]
    return " ".join(words)


_NAME_WORD = re.compile(r"[A-Z][a-z]+(?:[-'’][A-Za-z]+)*$")


def _name_runs(doc: Any) -> list[str]:
    """Runs of capitalised proper nouns that no entity other than a person covers and that are no
    title: what a person's name looks like when the tagger missed it."""
    out, run = [], []
    for t in [*doc, None]:
        if t is not None and t.tag_ == "NNP" and _NAME_WORD.match(t.text) and t.ent_type_ in ("", "PERSON") \
                and t.lower_ not in TITLES:
            run.append(t.text)
            continue
        if len(run) >= 2:
            out.append(" ".join(run))
        run = []
    return out


def surnames(docs: dict[str, list[tuple[int, Any]]]) -> dict[str, str]:
    """Last word -> key of the one person of the story whose name ends with it (several: left out)."""
    found: dict[str, dict[str, str]] = {}
    for pairs in docs.values():
        for _, doc in pairs:
            for ent in doc.ents:
                key = name_key(strip_title(ent.text))
                if ent.label_ == "PERSON" and " " in key:
                    # "Donald J. Trump" and "Donald Trump" are one person: initials are left out
                    plain = " ".join(w for w in key.split() if len(w) > 1)
                    found.setdefault(key.split()[-1], {}).setdefault(plain, key)
    out = {word: min(keys.values(), key=len) for word, keys in found.items() if len(keys) == 1}
    # a full name the tagger left out of its entities ("Amit Singhal" between commas): the one run of
    # proper nouns of two words or more that ends with the word
    runs: dict[str, set[str]] = {}
    for pairs in docs.values():
        for _, doc in pairs:
            for run in _name_runs(doc):
                key = name_key(run)
                if " " in key:
                    runs.setdefault(key.split()[-1], set()).add(key)
    out.update({w: next(iter(keys)) for w, keys in runs.items() if len(keys) == 1 and w not in found})
    return out


class Resolver:
    """Turns the subject of a speech verb into the speaker's name: pronouns to the person named before
    them, "the Freedonian president" to the person the story gives that title, a surname to the full name
    (``names``: entity key -> display name, from find_entities), places and peoples to None."""

    def __init__(self, parsed: Any, names: dict[str, str]) -> None:
        from .entities import person_titles
        from .quotes import lines_of

        self.names = names
        self.titles = person_titles(parsed)
        self.starts = {a.id: [z for z, _ in lines_of(a.text)] for a in parsed.articles}
        self.surnames = surnames(parsed.docs)
        self.mentions = {aid: person_mentions(docs, self.starts.get(aid, []), self.surnames)
                         for aid, docs in parsed.docs.items()}
        self.offsets = {aid: {id(doc): off for off, doc in docs} for aid, docs in parsed.docs.items()}
        self.genders = person_genders(parsed.docs, self.names)
        self.article, self.position = "", 0

    def at(self, quotation: Any) -> None:
        """Set the article and place the next subjects come from."""
        self.article, self.position = quotation.article, quotation.start

    def display(self, text: str) -> str:
        """The story's name for a name: its entity's display name, without the title before it
        ("ACM Houston", "Sen. Whitehouse"); a surname alone becomes the one full name ending with it."""
        text = re.sub(r"['’]s$", "", strip_title(text))
        key = name_key(text)
        if key in self.names and " " in strip_title(self.names[key]):
            return strip_title(self.names[key])
        person = (self.surnames.get(key) or self._latest_with(key)) if " " not in key else None
        if person:
            return strip_title(self.names.get(person) or self._spelled(person))
        return strip_title(self.names.get(key, text))

    def _spelled(self, key: str) -> str:
        """A person key as the story writes it (its capitals), for a name no entity display covers."""
        return next((n for n in self.names.values() if name_key(strip_title(n)) == key), key.title())

    def _latest_with(self, word: str) -> str | None:
        """The person named last before the current quotation whose name ends with ``word`` (two
        people of one surname in a story: the one the article has just named)."""
        before = [m for m in self.mentions.get(self.article, []) if m.start < self.position
                  and " " in m.key and m.key.split()[-1] == word]
        return before[-1].key if before else None

    def resolve(self, token: Any) -> str | None:
        """The speaker a subject token names, or None (an unresolved pronoun, a place, a people)."""
        low = token.lower_
        if low in PERSONAL:
            return self._antecedent(token)
        if low in RELATIVE and token.head.dep_ == "relcl":
            return self.resolve(token.head.head)
        person = self._person_in(token)
        if token.lower_ in INDEFINITE:
            if person is not None:  # "one of the searchers, Karen Boucher,"
                return self.display(person.text)
            return " ".join(t.text for t in token.subtree if t.i <= token.i + 1 and t.dep_ != "punct")
        if token.pos_ == "PRON":
            return None
        ent = next((e for e in token.doc.ents if e.start <= token.i < e.end), None)
        if person is not None and (ent is None or ent.label_ != "PERSON"):
            return self.display(person.text)
        if ent is not None:
            from .entities import PLACES

            if ent.label_ in PLACES:
                person = self.surnames.get(name_key(ent.text))
                return None if person is None else self.names.get(person, person)
            return self.display(ent.text)
        if token.pos_ == "PROPN":
            chain = [t for t in token.lefts if t.dep_ == "compound" and t.pos_ == "PROPN"] + [token]
            return self.display(" ".join(t.text for t in chain))
        return self._noun(token)

    def is_place(self, token: Any) -> bool:
        """Whether a subject names a place or a people ("Democrats", "Paris") and no person."""
        from .entities import PLACES

        return token.ent_type_ in PLACES and self._person_in(token) is None and \
            self.surnames.get(name_key(token.text)) is None

    @staticmethod
    def _person_in(token: Any) -> Any | None:
        """The one PERSON entity after a subject's head in its apposition or conjunct ("CPB president
        and CEO Ann Lee", "her husband, Tom Baker"); a name before the head modifies it
        ("the Obama administration" is not Obama)."""
        words = {t.i for c in token.children if c.dep_ in ("appos", "conj") and c.i > token.i for t in c.subtree}
        found = [e for e in token.doc.ents if e.label_ == "PERSON" and any(i in words for i in range(e.start, e.end))]
        return found[0] if len(found) == 1 else None

    def _noun(self, token: Any) -> str | None:
        for c in token.children:
            if c.dep_ == "appos" and c.pos_ == "PROPN":
                return self.resolve(c)
            if c.dep_ == "poss" and token.lemma_.lower() in UTTERANCES and c.pos_ in ("PROPN", "PRON"):
                return self.resolve(c)
        from .entities import title_key

        mods = [t for t in token.lefts if t.dep_ in ("compound", "amod", "nmod")]
        if token.dep_ != "poss" and any(t.lower_ in DEFINITE for t in token.lefts):
            whole, noun = title_key(mods + [token])
            for key in (whole, noun):
                people = self.titles.get(key)
                if people and len(people) == 1:
                    return self.names.get(next(iter(people)), next(iter(people)))
        words = [t for t in token.subtree if t.i <= token.i and t.i >= token.left_edge.i]
        return " ".join(t.text for t in words).replace(" ’s", "’s").replace(" 's", "'s") or None

    def _antecedent(self, token: Any) -> str | None:
        """The person nearest before a pronoun in its article: a subject first, within the pronoun's
        paragraph and the LOOKBACK_PARAGRAPHS before it."""
        offset = self.offsets.get(self.article, {}).get(id(token.doc))
        if offset is None:
            return None
        from .quotes import line_index

        at = offset + token.idx
        paragraph = line_index(self.starts.get(self.article, []), at)
        other = "f" if token.lower_ in ("he", "him") else "m"
        near = [m for m in self.mentions.get(self.article, [])
                if m.start < at and m.paragraph >= paragraph - LOOKBACK_PARAGRAPHS
                and self.genders.get(self.names.get(m.key, m.key)) != other]
        pick = next((m for m in reversed(near) if m.subject), None) or (near[-1] if near else None)
        return None if pick is None else self.display(self.names.get(pick.key, pick.key))
