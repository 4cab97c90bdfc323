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
from collections import Counter
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
# Pronouns followed back through earlier pronouns of the same person: a chain longer than this is
# cut (the recursion stays shallow on long articles); the chains of reading 1521 were 1 to 5 long.
MAX_CHAIN = 12
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
# Role words a capitalised title before a name ends with ("Senate Majority Leader X", "President X")
# besides TITLES: the story gives that person the role, so "the GOP leader said" is X. The words are
# the titled speakers of the third-session reading (benchmarks/judged/quotes-1521-tune.jsonl) and
# their usual kin.
ROLE_WORDS = {"leader", "chairman", "chairwoman", "director", "founder", "host", "anchor", "spokesman",
              "spokeswoman", "spokesperson", "ceo", "actor", "actress", "senator", "president"}
# Share of a title's uses one person must hold for "the president" to be that person when the story
# gives the title to others too ("President X" three times, a former "President Y" once: X; reading
# 1521). Above two thirds: a story that gives it to two people about equally names neither.
TITLE_MAJORITY = 2 / 3
# Nouns for any person, never a title that names one ("the man asked": not the man the story once
# called "a man named X"; reading 1521: "the man" given to the one person once so described).
GENERIC = {"man", "woman", "person", "people", "boy", "girl", "child", "kid", "friend", "guy", "lady",
           "gentleman", "resident", "individual", "one", "other", "someone"}
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
    main: bool = False  # the subject of its sentence's main verb (a pronoun's likeliest antecedent)
    sentence: int = -1  # article offset of its sentence's start


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
            subject = in_subject_phrase(ent.root)
            out.append(Mention(offset + ent.start_char, line_index(starts, offset + ent.start_char),
                               key, subject, subject and main_clause(ent.root), offset + ent.sent.start_char))
        # a surname the tagger left out of its entities ("Weir says ..."): a mention of its person
        people = set(surnames.values())
        for t in doc:
            if t.tag_ != "NNP" or t.ent_type_ or not t.text[:1].isupper() \
                    or (t.i + 1 < len(doc) and doc[t.i + 1].pos_ == "PROPN"):
                continue
            key = None
            if t.i and doc[t.i - 1].pos_ == "PROPN":  # a full name the tagger left out ("Jane Roe")
                run = name_key(f"{doc[t.i - 1].text} {t.text}")
                key = run if run in people else None
            else:
                key = surnames.get(t.lower_)
            if key and not any(a <= t.idx < z for a, z in inside):
                subject = in_subject_phrase(t)
                out.append(Mention(offset + t.idx, line_index(starts, offset + t.idx), key, subject,
                                   subject and main_clause(t), offset + t.sent.start_char))
    return sorted(out, key=lambda m: m.start)


def main_clause(token: Any) -> bool:
    """Whether the verb a subject belongs to is its sentence's main verb (or one joined to it by
    "and"), not a verb of a clause inside it ("Roe said the president chose ...": Roe)."""
    verb = next((a for a in token.ancestors if a.pos_ in ("VERB", "AUX")), None)
    if verb is None and token.i + 1 < len(token.doc):
        verb = token.doc[token.i + 1]  # the name the parser put before its verb (in_subject_phrase)
    if verb is None:
        return False
    return verb.dep_ == "ROOT" or (verb.dep_ == "conj" and verb.head.dep_ == "ROOT")


def in_subject_phrase(token: Any) -> bool:
    """Whether a name's head is a clause's subject or sits inside its subject phrase without a verb
    between ("her husband, Tom Baker, said"; "press secretary Jane Roe told", which the parser may
    hang on a word before it as a conjunct): not a name that modifies a noun ("the Roe plan said")."""
    if token.dep_ in ("nsubj", "nsubjpass"):
        return True
    nxt = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
    if nxt is not None and nxt.pos_ == "VERB" and nxt.dep_ == "ROOT" \
            and not any(c.dep_ in ("nsubj", "nsubjpass") for c in nxt.children) \
            and all(t.pos_ in ("PROPN", "NOUN", "ADJ", "DET") for t in token.doc[token.sent.start : token.i]):
        return True  # "Press secretary Jane Roe told reporters" with the name parsed as a conjunct
    if token.dep_ == "compound" and token.head.pos_ == "NOUN":
        return False
    t = token
    while t.dep_ in ("appos", "conj", "flat") and t.head.i != t.i:
        t = t.head  # only through names and appositions: a name in the subject's "of ..." is none
        if t.dep_ in ("nsubj", "nsubjpass"):
            return True
    return False


# Subject pronouns and honorifics that tell a person's gender.
_MALE, _FEMALE = {"he", "mr"}, {"she", "mrs", "ms", "miss"}
# Nouns a name stands in apposition with that tell the person's gender ("his fiancee, Jane Roe";
# "Tom Roe, her father"): kin and the gendered nouns for a person.
KIN_MALE = {"father", "husband", "son", "brother", "boyfriend", "fiance", "grandfather", "grandson", "uncle",
            "nephew", "stepfather", "stepson", "man", "boy", "widower", "dad"}
KIN_FEMALE = {"mother", "wife", "daughter", "sister", "girlfriend", "fiancee", "fiancée", "grandmother",
              "granddaughter", "aunt", "niece", "stepmother", "stepdaughter", "woman", "girl", "widow", "mom",
              "actress"}


def _apposed_noun(ent: Any) -> Any | None:
    """The common noun a name stands in apposition with ("her lawyer, X"; "X, his mother"), if any."""
    root = ent.root
    if root.dep_ == "appos" and root.head.pos_ == "NOUN":
        return root.head
    found = next((c for c in root.children if c.dep_ == "appos" and c.pos_ == "NOUN"), None)
    if found is None and ent.start >= 2 and ent.doc[ent.start - 1].text == "," \
            and ent.doc[ent.start - 2].pos_ == "NOUN" and ent.end < len(ent.doc) and ent.doc[ent.end].text == ",":
        # "with his fiancee, Jane Roe, he ...", parsed as two subjects (not "Trained by her father, Roe won")
        found = ent.doc[ent.start - 2]
    return found


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
                noun = _apposed_noun(first)
                kin = "he" if noun is not None and noun.lemma_.lower() in KIN_MALE else \
                    "she" if noun is not None and noun.lemma_.lower() in KIN_FEMALE else ""
                if noun is not None and any(c.dep_ == "poss" and c.pos_ == "PRON" for c in noun.children):
                    # "her lawyer, X, said that she ...": the pronouns of the sentence are the other person's
                    after = []
                for word in [honorific, kin, *after[:1]]:
                    if word in _MALE or word in _FEMALE:
                        count = votes.setdefault(next(iter(people)), [0, 0])
                        count[0 if word in _MALE else 1] += 1
    return {p: ("m" if m > f else "f") for p, (m, f) in votes.items() if m != f}


_INITIAL = re.compile(r"^[A-Z]\.$")


def strip_title(name: str) -> str:
    """A name without the titles and abbreviations before it: "Air Chief Marshal Angus Houston" ->
    "Angus Houston", "ACM Houston" -> "Houston"; a name that is only a title stays as it is."""
    words = name.strip().split()
    # an initial ("J. D. Roe") is part of the name, not an abbreviated title
    while len(words) > 1 and ((words[0].endswith(".") and not _INITIAL.match(words[0]))
                              or (words[0].isupper() and len(words[0]) > 1 and not _INITIAL.match(words[0]))
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


# A surname several people of the story share ("Tom Roe", his mother "Ann Roe") stands for the one
# whose full name the story gives at least this many times as often as any other's: news writing
# calls its main person by the surname and relatives by their full or first names. (Reading 2050:
# the gunman named in full 4 times, each parent once.)
SURNAME_DOMINANCE = 2


def surnames(docs: dict[str, list[tuple[int, Any]]]) -> dict[str, str]:
    """Last word -> key of the person of the story whose name ends with it: the one such person, or
    the one named SURNAME_DOMINANCE times as often as each other (else left out). A full name counts
    when the tagger calls it a person (opening with a capital: "the Amber Alert" is none) or, when
    another label, if a person's surname ends it (a "Jane Roe" tagged ORG beside "Tom Roe"); such a
    full name maps onto itself too, so that its mentions count as a person's."""
    found: dict[str, dict[str, str]] = {}
    counts: Counter[str] = Counter()
    others: list[str] = []
    for pairs in docs.values():
        for _, doc in pairs:
            for ent in doc.ents:
                key = name_key(strip_title(ent.text))
                if " " not in key:
                    continue
                if ent.label_ != "PERSON" or not ent.text[:1].isupper():
                    if ent.label_ not in ("ORG", "PRODUCT", "WORK_OF_ART", "FAC") or not ent.text[:1].isupper() \
                            or not all(w[:1].isupper() for w in strip_title(ent.text).split()):
                        continue
                    others.append(key)
                    continue
                # "Donald J. Trump" and "Donald Trump" are one person: initials are left out
                plain = " ".join(w for w in key.split() if len(w) > 1)
                found.setdefault(key.split()[-1], {}).setdefault(plain, key)
                counts[plain] += 1
    promoted: set[str] = set()
    for key in others:
        plain = " ".join(w for w in key.split() if len(w) > 1)
        last = key.split()[-1]
        if last in found and len(plain.split()) == 2 and (plain in promoted or plain not in found[last]):
            found[last].setdefault(plain, key)
            counts[plain] += 1
            promoted.add(plain)
    out: dict[str, str] = {}
    for word, keys in found.items():
        ranked = sorted(keys, key=lambda k: -counts[k])
        if len(ranked) == 1 or counts[ranked[0]] >= SURNAME_DOMINANCE * counts[ranked[1]]:
            out[word] = min((keys[k] for k in keys if k == ranked[0]), key=len)
    out.update({keys[k]: keys[k] for keys in found.values() for k in keys if k in promoted})
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


def shared_surnames(docs: dict[str, list[tuple[int, Any]]]) -> set[str]:
    """Last words that end the full names of two or more people of the story (PERSON entities)."""
    found: dict[str, set[str]] = {}
    for pairs in docs.values():
        for _, doc in pairs:
            for ent in doc.ents:
                key = name_key(strip_title(ent.text))
                if ent.label_ == "PERSON" and ent.text[:1].isupper() and " " in key:
                    found.setdefault(key.split()[-1], set()).add(" ".join(w for w in key.split() if len(w) > 1))
    return {w for w, keys in found.items() if len(keys) > 1}


def capitalised_titles(docs: dict[str, list[tuple[int, Any]]]) -> dict[str, Counter[str]]:
    """Role key -> person keys, from capitalised titles before a name ("President Roe", "Senate
    Majority Leader Jane Doe"), which the tagger reads as proper nouns, so entities.person_titles
    (nouns only) leaves them out: the title's last word when it is a title or role word."""
    out: dict[str, Counter[str]] = {}
    for pairs in docs.values():
        for _, doc in pairs:
            for ent in doc.ents:
                if ent.label_ != "PERSON":
                    continue
                words = ent.text.split()
                inner = [w.lower().rstrip(".") for w in words[:-1]]  # a title the entity itself holds
                before = doc[ent.start - 1] if ent.start else None
                if before is not None and before.tag_ == "NNP" and before.dep_ == "compound":
                    inner.append(before.lower_.rstrip("."))
                role = next((w for w in reversed(inner) if w in TITLES or w in ROLE_WORDS), None)
                if role is None:
                    continue
                key = name_key(strip_title(ent.text))
                if key:
                    out.setdefault(role, Counter())[key] += 1
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
        for key, people in capitalised_titles(parsed.docs).items():
            self.titles.setdefault(key, Counter()).update(people)
        self.starts = {a.id: [z for z, _ in lines_of(a.text)] for a in parsed.articles}
        self.surnames = surnames(parsed.docs)
        self.shared = shared_surnames(parsed.docs)
        self.mentions = {aid: person_mentions(docs, self.starts.get(aid, []), self.surnames)
                         for aid, docs in parsed.docs.items()}
        self.offsets = {aid: {id(doc): off for off, doc in docs} for aid, docs in parsed.docs.items()}
        self.genders = person_genders(parsed.docs, self.names)
        self.article, self.position = "", 0
        self.pronouns = {aid: self._pronoun_subjects(aid, docs) for aid, docs in parsed.docs.items()}
        for aid, docs in parsed.docs.items():
            # a key the entities merged into no name ("Amber" into "the Amber Alert") is no person
            named = [m for m in self.mentions[aid] if self.names.get(m.key, m.key)[:1].isupper() or m.key not in self.names]
            self.mentions[aid] = sorted(named + self._described(aid, docs), key=lambda m: m.start)
        self._chain: dict[tuple[str, int], str | None] = {}

    def _pronoun_subjects(self, aid: str, docs: list[tuple[int, Any]]) -> list[tuple[int, int, Any]]:
        """(article offset, paragraph, token) of each "he"/"she" subject outside quotation marks: a
        pronoun speaker's antecedent may be the person such a pronoun stands for ("He added that ...
        Roe ... '...,' he said": the first he's person, not Roe)."""
        from .quotes import line_index, marks

        out = []
        for offset, doc in docs:
            inside = [(a, z) for a, z, _ in marks(doc.text)]
            for t in doc:
                if t.lower_ in ("he", "she") and t.dep_ in ("nsubj", "nsubjpass") \
                        and not any(a <= t.idx < z for a, z in inside):
                    out.append((offset + t.idx, line_index(self.starts.get(aid, []), offset + t.idx), t))
        return out

    def _described(self, aid: str, docs: list[tuple[int, Any]]) -> list[Mention]:
        """Subjects such as "the president" that name the one person the story gives the title, as
        mentions of that person ("the president said he ...": he is that person)."""
        from .quotes import line_index, marks

        out = []
        for offset, doc in docs:
            inside = [(a, z) for a, z, _ in marks(doc.text)]
            for t in doc:
                if t.pos_ != "NOUN" or t.dep_ not in ("nsubj", "nsubjpass") or any(a <= t.idx < z for a, z in inside):
                    continue
                key = self._titled(t)
                if key is not None:
                    at = offset + t.idx
                    out.append(Mention(at, line_index(self.starts.get(aid, []), at), key, True, main_clause(t),
                                       offset + t.sent.start_char))
        return out

    def at(self, quotation: Any) -> None:
        """Set the article and place the next subjects come from."""
        self.article, self.position = quotation.article, quotation.start

    def display(self, text: str) -> str:
        """The story's name for a name: its entity's display name, without the title before it
        ("ACM Houston", "Sen. Whitehouse"); a surname alone becomes the one full name ending with it."""
        text = re.sub(r"['’]s$", "", strip_title(text))
        key = name_key(text)
        if key in self.names and not self.names[key][:1].isupper():
            return text  # the entity it was merged into is no name ("the Amber Alert" for "Amber")
        if key in self.names and " " in strip_title(self.names[key]):
            return strip_title(self.names[key])
        if " " in key and " " not in text.strip():  # a hyphenated surname alone ("Ben-Zvi")
            full = self.surnames.get(key.split()[-1])
            person = full if full and full.endswith(" " + key) else None
        elif " " not in key and key in self.shared:
            # several people of the surname: the one named just before as a subject ("Jordan's grandmother,
            # Jane Roe, said ... 'Roe said'"), else the story's main one (surnames), else the last named
            person = self._latest_with(key, subject=True) or self.surnames.get(key) or self._latest_with(key)
        else:
            person = (self.surnames.get(key) or self._latest_with(key)) if " " not in key else None
        if person:
            return strip_title(self.names.get(person) or self._spelled(person))
        return strip_title(self.names.get(key, text))

    def _spelled(self, key: str) -> str:
        """A person key as the story writes it (its capitals), for a name no entity display covers."""
        return next((n for n in self.names.values() if name_key(strip_title(n)) == key), key.title())

    def _latest_with(self, word: str, subject: bool = False) -> str | None:
        """The person named last before the current quotation whose name ends with ``word`` (two
        people of one surname in a story: the one the article has just named); with ``subject``, only
        a subject named in the quotation's paragraph or the LOOKBACK_PARAGRAPHS before it."""
        from .quotes import line_index

        paragraph = line_index(self.starts.get(self.article, []), self.position)
        before = [m for m in self.mentions.get(self.article, []) if m.start < self.position
                  and " " in m.key and m.key.split()[-1] == word
                  and (not subject or (m.subject and m.paragraph >= paragraph - LOOKBACK_PARAGRAPHS))]
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
        if ent is not None and token.head.i != token.i and ent.start <= token.head.i < ent.end:
            # the tagger ran the name into its verb ("Weir tells Billboard"): the name is what comes before
            ent = token.doc[ent.start : token.i + 1] if token.i < token.head.i else None
            if ent is not None:
                return self.display(ent.text)
        if person is not None and (ent is None or ent.label_ != "PERSON"):
            return self.display(person.text)
        if ent is not None:
            from .entities import PLACES

            if ent.label_ in PLACES:
                person = self.surnames.get(name_key(ent.text))
                return None if person is None else self.names.get(person, person)
            return self.display(ent.text)
        if token.text.islower():  # "the president", which the tagger may call a proper noun
            titled = self._titled(token)
            if titled is not None:
                return self.names.get(titled, titled)
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
        person = self._titled(token)
        if person is not None:
            return self.names.get(person, person)
        words = [t for t in token.subtree if t.i <= token.i and t.i >= token.left_edge.i]
        return " ".join(t.text for t in words).replace(" ’s", "’s").replace(" 's", "'s") or None

    def _titled(self, token: Any) -> str | None:
        """The key of the one person the story gives the title a definite noun phrase holds ("the
        Freedonian president", "the GOP leader"); None for a generic noun ("the man")."""
        from .entities import title_key

        if token.dep_ == "poss" or token.lemma_.lower() in GENERIC or not any(t.lower_ in DEFINITE for t in token.lefts):
            return None
        mods = [t for t in token.lefts if t.dep_ in ("compound", "amod", "nmod")]
        whole, noun = title_key(mods + [token])
        for key in (whole, noun):
            people = self.titles.get(key)
            if people:
                (top, n), total = people.most_common(1)[0], sum(people.values())
                if n > TITLE_MAJORITY * total:
                    return top
        return None

    def _antecedent(self, token: Any) -> str | None:
        """The person nearest before a pronoun in its article: a subject first, within the pronoun's
        paragraph and the LOOKBACK_PARAGRAPHS before it."""
        offset = self.offsets.get(self.article, {}).get(id(token.doc))
        if offset is None:
            return None

        key = self._antecedent_key(self.article, offset + token.idx, token.lower_ in ("he", "him"), 0)
        return None if key is None else self.display(self.names.get(key, key))

    def _antecedent_key(self, article: str, at: int, male: bool, depth: int) -> str | None:
        """The key of the person a pronoun at article offset ``at`` stands for: the nearest subject
        before it in its paragraph and the LOOKBACK_PARAGRAPHS before, a named one or an earlier
        pronoun of the same gender standing for its own person; else the nearest person named."""
        from .quotes import line_index

        paragraph = line_index(self.starts.get(article, []), at)
        other = "f" if male else "m"
        near = [(m.start, m.key, m.subject, m.main, m.sentence) for m in self.mentions.get(article, [])
                if m.start < at and m.paragraph >= paragraph - LOOKBACK_PARAGRAPHS
                and self.genders.get(self.names.get(m.key, m.key)) != other]
        if depth < MAX_CHAIN:
            for start, para, t in self.pronouns.get(article, []):
                if start < at and para >= paragraph - LOOKBACK_PARAGRAPHS and (t.lower_ == "he") == male:
                    memo = (article, start)
                    if memo not in self._chain:
                        self._chain[memo] = self._antecedent_key(article, start, male, depth + 1)
                    if self._chain[memo] is not None:
                        near.append((start, self._chain[memo], True, main_clause(t), start - t.idx + t.sent.start_char))
        near.sort()
        pick = next((m for m in reversed(near) if m[2]), None)
        if pick is not None and not pick[3]:
            # a subject inside a clause yields to its sentence's main subject ("Roe said the
            # president chose Doe ... she added": Roe; "He added that ... for Doe to deny": he)
            pick = next((m for m in reversed(near) if m[3] and m[4] == pick[4] and m[0] < pick[0]), pick)
        pick = pick or (near[-1] if near else None)
        return None if pick is None else pick[1]
