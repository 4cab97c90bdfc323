"""How a reader sees each claim: the whole sentence around its fact, and the name an opening pronoun
stands for ("He [Kim] also said ..."), shown in brackets.

Presentation only (issue 15): which claims exist, their text, kind and support stay exactly as the
analysis made them; a claim gains ``sentence`` (the whole sentence, or sentences, of its first support
span, which the renderers show with the fact marked inside) and ``referent`` (the pronoun opening that
sentence, and the name the article gave it just before).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import replace
from typing import Any

from ..model import Claim, Referent, Sentence, Span
from .anaphora import Resolver, antecedent
from .prepare import Prepared

# A sentence opening with one of these needs its referent to be read alone; "the latter"/"the former"
# point to the last/first name of the sentence before (anaphora.antecedent), "he"/"she" to the person
# named just before (anaphora.Resolver, as for quote speakers), "it"/"they" to the subject before.
_OPENER = re.compile(r"^[\"'“‘(]?(the (latter|former)|he|she|it|they)\b", re.IGNORECASE)
# Words of a subject phrase shown for "it"/"they" ("the state news agency"); a longer subject is a clause
# of its own, not a name to put in brackets (the seed story's subjects of "It" run 1-4 words).
MAX_SUBJECT_WORDS = 6


def present_claims(prep: Prepared, claims: list[Claim], names: dict[str, str]) -> list[Claim]:
    """The claims with their sentence and referent filled in (new objects; nothing else changes)."""
    finder = _Finder(prep, names)
    return [finder.present(c) for c in claims]


class _Finder:
    def __init__(self, prep: Prepared, names: dict[str, str]) -> None:
        self.prep, self.names = prep, names
        self.texts = {a.id: a.text for a in prep.articles}
        self.order = prep.by_article()
        self.starts = {aid: [prep.sentences[i].start for i in idx] for aid, idx in self.order.items()}
        self._resolver: Resolver | None = None

    def present(self, claim: Claim) -> Claim:
        if not claim.support:
            return claim
        fact = claim.support[0]
        found = self._sentences(fact)
        if found is None:
            return claim
        first, last = found
        sentences = self.prep.sentences
        a, z = min(sentences[first].start, fact.start), max(sentences[last].end, fact.end)
        text = self.texts[fact.article]
        sentence = Span(fact.article, a, z, text[a:z])
        return replace(claim, sentence=sentence, referent=self._referent(first, sentence))

    def _sentences(self, span: Span) -> tuple[int, int] | None:
        """Indices of the sentences holding the span's first and last characters."""
        idx, starts = self.order.get(span.article), self.starts.get(span.article)
        if not idx or not starts or span.article not in self.texts:
            return None
        first = max(0, bisect.bisect_right(starts, span.start) - 1)
        last = max(first, bisect.bisect_left(starts, span.end) - 1)
        return idx[first], idx[last]

    def _previous(self, i: int) -> int | None:
        s = self.prep.sentences[i]
        idx = self.order[s.article]
        at = idx.index(i)
        return idx[at - 1] if at > 0 else None

    def _referent(self, i: int, sentence: Span) -> Referent | None:
        m = _OPENER.match(sentence.text)
        if m is None or not sentence.text[m.start(1)].isupper():
            return None
        if _inside_quotation(self.texts[sentence.article], sentence.start):
            return None  # a quotation's pronoun is the speaker's ("...: "This is viral. It's everywhere.")
        previous = self._previous(i)
        if previous is None:
            return None
        word = m.group(1).lower()
        name = self._name(i, previous, word)
        if not name or name.lower() == word or _speaker_of_opening_quote(sentence.text, name):
            return None
        a, z = sentence.start + m.start(1), sentence.start + m.end(1)
        return Referent(sentence.article, a, z, sentence.text[m.start(1):m.end(1)], name)

    def _name(self, i: int, previous: int, word: str) -> str | None:
        prev = self.prep.spacy_span(previous)
        if word.startswith("the "):
            return antecedent(prev, word.split()[1])
        if word in ("he", "she"):
            return self._person(i, word)
        if word == "it" and _expletive(self.prep.spacy_span(i)):
            return None
        return _subject(prev, plural=word == "they")

    def _person(self, i: int, word: str) -> str | None:
        """The person a sentence-opening "he"/"she" stands for: the quote speakers' resolver, kept only
        when the previous sentence names that person (a surname is enough)."""
        if self._resolver is None:
            self._resolver = Resolver(self.prep.parsed, self.names)
        span = self.prep.spacy_span(i)
        token = next((t for t in span if t.lower_ == word), None)
        if token is None:
            return None
        s: Sentence = self.prep.sentences[i]
        self._resolver.article, self._resolver.position = s.article, s.start
        name = self._resolver.resolve(token)
        previous = self._previous(i)
        if not name or previous is None:
            return None
        said = self.prep.sentences[previous].text
        return name if any(part in said for part in name.split() if len(part) > 2) else None


def _speaker_of_opening_quote(sentence: str, name: str) -> bool:
    """Whether the sentence opens with a quotation and names ``name`` after it: the quotation is
    then that person's words, and its "he"/"she" someone else ("“He noticed ...,” Ann Lee told
    reporters." is not Ann Lee noticing)."""
    if not sentence or sentence[0] not in "\"“":
        return False
    ends = [k for k in (sentence.find("\u201d", 1), sentence.find('"', 1)) if k > 0]
    after = sentence[min(ends) + 1:] if ends else ""
    return any(part in after for part in name.split() if len(part) > 2)


def _inside_quotation(text: str, at: int) -> bool:
    """Whether ``at`` falls inside a quotation opened earlier in its paragraph (curly marks, or an odd
    number of straight ones before it)."""
    para = text[text.rfind("\n", 0, at) + 1 : at]
    return para.count("\u201c") > para.count("\u201d") or para.count('"') % 2 == 1


# Verbs after which an opening "it" stands for nothing ("It appears that ...", "It seems ...").
_RAISING = {"appear", "seem", "happen", "remain", "look", "emerge", "turn"}


def _expletive(sentence: Any) -> bool:
    """Whether the sentence's opening "it" is a dummy subject: "It appears that ...", "It is unclear
    whether ...", "It was Kim who ...", "It's well established that ..." (spaCy's expl, or a clause as
    the verb's real subject)."""
    it = next((t for t in sentence if t.lower_ == "it"), None)
    if it is None:
        return False
    head = it.head
    # a "that"/"whether" clause hung on the verb or on its complement ("It's clear that ...")
    near = [*head.children, *(g for c in head.children if c.dep_ in ("acomp", "attr") for g in c.children)]
    that = any(c.dep_ in ("ccomp", "csubj") and any(m.dep_ == "mark" and m.lower_ in ("that", "whether", "if")
                                                     for m in c.children) for c in near)
    be = head.lemma_ == "be" or head.lower_ in ("\u2019s", "'s")  # the tagger may leave "It’s" unlemmatised
    return it.dep_ == "expl" or head.lemma_ in _RAISING or (
        be and any(c.dep_ in ("ccomp", "xcomp", "csubj", "relcl") for c in head.children)) or (
        (be or head.tag_ in ("VBN", "JJ")) and that)  # "It's well established that ...", "It is clear whether ..."


def _subject(sentence: Any, *, plural: bool) -> str | None:
    """The subject of the previous sentence's main verb, as the article writes it, when it is a name or
    a short noun phrase in the right number (never a person for "it", never a pronoun)."""
    root = sentence.root
    subject = next((t for t in root.children if t.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None or subject.pos_ == "PRON":
        return None
    if plural != (subject.tag_ in ("NNS", "NNPS")) and not (plural and subject.ent_type_ in ("ORG", "NORP")):
        return None
    if not plural and subject.ent_type_ == "PERSON":
        return None
    words = [t for t in subject.subtree if t.dep_ != "punct"]
    if not words or len(words) > MAX_SUBJECT_WORDS or any(t.dep_ in ("relcl", "acl", "appos") for t in words):
        return None
    text = sentence.doc[words[0].i:words[-1].i + 1].text
    return text[0].lower() + text[1:] if words[0].pos_ == "DET" else text
