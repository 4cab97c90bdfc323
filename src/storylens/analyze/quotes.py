"""Quotes: words in quotation marks, attributed to a speaker through the dependency parse."""

from __future__ import annotations

import re
from typing import Any

from ..model import Quote, Span
from .entities import name_key
from .stages import Parsed

_QUOTED = re.compile(r"[“\"]([^“”\"]{3,600})[”\"]")
SPEECH = {"say", "tell", "write", "add", "claim", "state", "vow", "pledge", "describe", "call", "express",
          "speak", "highlight", "note", "warn", "insist", "announce", "declare", "reaffirm", "stress",
          "emphasise", "emphasize", "urge", "accuse", "praise", "condemn", "argue", "ask", "reply"}
PRONOUNS = {"he", "she", "they", "it", "we", "i"}
# A quotation of one word is a scare quote, not speech ("rogue" nations); two words already carry
# the speaker's wording ("hold hands", "full support").
MIN_QUOTE_WORDS = 2


def _subject_name(verb: Any) -> str | None:
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            ents = [e for e in child.doc.ents if e.start >= child.left_edge.i and e.end <= child.right_edge.i + 1
                    and e.label_ in ("PERSON", "ORG", "NORP", "GPE")]
            if ents:
                order = ("PERSON", "ORG", "NORP", "GPE")
                return min(ents, key=lambda e: order.index(e.label_)).text
            return child.text if child.lower_ in PRONOUNS else " ".join(t.text for t in child.subtree)[:60]
    return None


def speaker_of(span: Any) -> str | None:
    """The subject of the sentence's speech verb, or the source after 'according to'."""
    for t in span:
        if t.lower_ == "according" and t.i + 2 <= span.end:
            ents = [e for e in span.ents if e.start > t.i and e.label_ in ("PERSON", "ORG")]
            if ents:
                return ents[0].text
    for t in span:
        if t.pos_ in ("VERB", "AUX") and t.lemma_.lower() in SPEECH:
            who = _subject_name(t)
            if who:
                return who
    return None


def _last_person(parsed: Parsed, i: int) -> str | None:
    s = parsed.sentences[i]
    for k in range(i, -1, -1):
        other = parsed.sentences[k]
        if other.article != s.article:
            break
        persons = [e.text for e in parsed.spacy_span(k).ents if e.label_ == "PERSON"]
        if persons:
            return persons[0]
    return None


def find_quotes(parsed: Parsed, names: dict[str, str]) -> list[Quote]:
    """Quotes grouped by (speaker, wording), each with every place it appears."""
    grouped: dict[tuple[str, str], Quote] = {}
    for i, s in enumerate(parsed.sentences):
        for m in _QUOTED.finditer(s.text):
            words = m.group(1).strip()
            if len(words.split()) < MIN_QUOTE_WORDS:
                continue
            who = speaker_of(parsed.spacy_span(i))
            if who is None or who.lower() in PRONOUNS:
                who = _last_person(parsed, i) or "unattributed"
            speaker = names.get(name_key(who), who)
            key = (speaker, re.sub(r"\W+", " ", words.casefold()).strip())
            start = s.start + m.start(1)
            span = Span(s.article, start, start + len(m.group(1)), m.group(1))
            q = grouped.setdefault(key, Quote(speaker, words, []))
            q.support.append(span)
    return sorted(grouped.values(), key=lambda q: (q.speaker == "unattributed", q.speaker, q.support[0].start))
