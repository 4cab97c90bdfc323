"""Quotes: quotations attributed, through the dependency parse, to the subject of a speech verb.

A quotation is the text between a pair of quotation marks in one paragraph (so a quotation of several
sentences is one). It is a quote when it is linked to a speech verb outside it ("...," she said;
he called it "..."; X told reporters that the plan "...") or, when it is at least a clause, to a
colon or an "according to" before or after it, or when it goes on the words of the quote just before
it in the same paragraph. The speaker is the grammatical subject of that verb, resolved to the name the
story uses for the person (anaphora.Resolver). Titles of works and named things (every word capitalised)
and quotations with no such link (scare quotes, terms) are not quotes.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..model import Quote, Span
from .anaphora import UTTERANCES, Resolver
from .entities import name_key
from .stages import Parsed

# Lemmas of verbs that report speech or writing. The first line is the list the project started with;
# the rest were added from the attributions of the tuning sample (sample_briefs seed 2031, n 4) and the
# seed story: "the friend explains", "X informs us that", "concedes", "added", "told".
SPEECH = {"say", "tell", "write", "add", "claim", "state", "vow", "pledge", "describe", "call", "express",
          "speak", "highlight", "note", "warn", "insist", "announce", "declare", "reaffirm", "stress",
          "emphasise", "emphasize", "urge", "accuse", "praise", "condemn", "argue", "ask", "reply",
          "explain", "inform", "concede", "admit", "confirm", "acknowledge", "recall", "suggest", "predict",
          "promise", "assert", "contend", "observe", "remark", "comment", "respond", "tweet",
          "deny", "caution", "joke", "quip", "shout", "testify", "report", "agree",
          # added after the fresh reading (benchmarks/judged/quotes-fresh.jsonl), whose missed quotes
          # hung on these: "exclaimed Sanders", "someone yells", "Hannity cried", "a spokesman reiterated"
          "exclaim", "interject", "yell", "cry", "scream", "lament", "allege", "reiterate", "complain",
          "boast", "counter", "retort"}
# Words a title of a work may keep in lower case ("State of the Union with Candy Crowley").
_TITLE_LOWER = {"a", "an", "the", "of", "to", "in", "on", "at", "for", "with", "and", "or", "but", "by", "from",
                "as", "vs", "is", "de", "la", "le", "du"}
# Words a quotation needs to join a longer one of the same speaker that contains it: two words already
# carry the speaker's wording ("hold hands" inside "firmly hold hands", seed story); one is any word.
MIN_CONTAINED = 2
# ... and at least this share of the longer one's words: "hold hands" is "firmly hold hands" (2 of 3,
# seed story), but a two-word phrase is not the whole of a 50-word quotation that happens to use it.
SHARE_CONTAINED = 0.5
# Words between a quote and the next quotation of its line that goes on its words without an
# attribution of its own: the continuations of the tuning readings (2031, 2032, 2033 and the seed)
# that were right had gaps of 2 to 26 words ('"...," he said. "..."' is 2); 30 keeps them all and
# stops a quotation paragraphs later from taking the speaker of one far above it.
MAX_GAP_WORDS = 30
# A signature after a closing mark: a dash, then a name of capitalised words up to a comma or the end.
_SIGNED = re.compile(r"\s*(?:—|–|--)\s*((?:[A-Z][\w.'’&-]*\s?){1,6})")
# Participles that introduce a title or a name, not someone's words.
_TITLING = {"title", "entitle", "headline", "dub", "name", "call", "label", "subtitle"}
_WORD = re.compile(r"[^\W\d_][\w'’.&-]*")
_MARK = re.compile(r"[“”\"]")


@dataclass
class Quotation:
    """One stretch between quotation marks: its article offsets and its tokens in the paragraph's doc."""

    article: str
    start: int
    end: int
    text: str
    tokens: Any  # spaCy span of the words inside the marks
    paragraph: int  # index of its line among the article's non-blank lines (lines_of)
    line: tuple[int, int]  # the line's bounds in the doc's text
    marks: tuple[int, int]  # where its text between the marks starts and ends in the doc's text


def lines_of(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line. Scraped text often separates paragraphs with a line that
    holds a space (" \n \n "), which the paragraph splitter reads as one paragraph; a line is the
    unit a quotation and its attribution never cross."""
    return [m.span() for m in re.finditer(r"[^\n]*\S[^\n]*", text)]


def line_index(starts: list[int], at: int) -> int:
    """Index of the line (by its start offsets) that holds offset ``at``."""
    return max(0, bisect_right(starts, at) - 1)


def marks(text: str) -> Iterator[tuple[int, int, tuple[int, int]]]:
    """(start, end, line) of each stretch between quotation marks, line by line: curly marks pair as
    they open and close, a straight mark closes an open quotation or opens one."""
    for line in lines_of(text):
        opened: int | None = None
        for m in _MARK.finditer(text, *line):
            ch, at = m.group(), m.start()
            if opened is not None and ch != "“":
                if text[opened:at].strip():
                    yield opened, at, line
                opened = None
            elif ch != "”":
                opened = at + 1


def quotations(parsed: Parsed, article: str) -> Iterator[Quotation]:
    """Every quotation of one article, in reading order, with its tokens from the parse already made."""
    text = next((a.text for a in parsed.articles if a.id == article), "")
    starts = [a for a, _ in lines_of(text)]
    for offset, doc in parsed.docs.get(article, []):
        for a, z, line in marks(doc.text):
            inner = doc.char_span(a, z, alignment_mode="expand")
            if inner is None or not len(inner):
                continue
            raw = doc.text[a:z]
            lead = len(raw) - len(raw.lstrip())
            words = raw.strip().rstrip(",;: ")  # the comma before '" he said' is not the speaker's
            start = offset + a + lead
            yield Quotation(article, start, start + len(words), words, inner, line_index(starts, start), line, (a, z))


def is_title(text: str) -> bool:
    """Every word capitalised, as in a title of a work or a named thing ("Founders Day of Freedonia")."""
    words = _WORD.findall(text)
    if not words:
        return True
    return all(w[0].isupper() or w.lower() in _TITLE_LOWER for w in words) and any(w[0].isupper() for w in words)


def is_clause(tokens: Any) -> bool:
    """Whether the quoted words hold a verb (at least a clause, not a phrase or a name)."""
    return any(t.pos_ in ("VERB", "AUX") for t in tokens)


def _inside(token: Any, spans: list[Any]) -> bool:
    return any(s.start <= token.i < s.end for s in spans)


def _heads(q: Quotation) -> list[Any]:
    """The quoted words whose syntactic head lies outside the quotation (the quotation's roots)."""
    s = q.tokens
    return [t for t in s if not t.is_punct and not (s.start <= t.head.i < s.end)] or [s.root]


def _window(q: Quotation) -> Any:
    """The sentence(s) around the quotation, within its line: from the start of its first sentence to
    the end of its last, and on to the end of the next one when the quotation closes mid-sentence
    ('"...," he said.', which the parser often cuts before 'he')."""
    doc = q.tokens.doc
    start, end = doc[q.tokens.start].sent.start, doc[q.tokens.end - 1].sent.end
    after = q.tokens.end + 1  # the token after the closing mark
    if after < len(doc) and end <= after + 1 and not q.text.endswith("."):
        end = doc[after].sent.end
    lo, hi = q.line
    keep = [t.i for t in doc[start:end] if lo <= t.idx < hi]
    return doc[keep[0] : keep[-1] + 1] if keep else q.tokens


def _speech(t: Any) -> bool:
    return t.pos_ in ("VERB", "AUX") and t.lemma_.lower() in SPEECH


def speech_verbs(q: Quotation, others: list[Any]) -> list[Any]:
    """The speech verbs outside any quotation, in the quotation's line, that the quotation hangs on,
    best first: those above it in the parse (nearest first), else the nearest whose clause hangs on
    the quotation, else the nearest with no other verb between it and the quotation."""
    lo, hi = q.line
    above = [anc for h in _heads(q) for anc in h.ancestors
             if lo <= anc.idx < hi and not _inside(anc, others) and _speech(anc)]
    if above:
        return above
    verbs = [t for t in _window(q) if _speech(t) and not _inside(t, [*others, q.tokens])]
    verbs.sort(key=lambda v: min(abs(v.i - q.tokens.start), abs(v.i - q.tokens.end)))
    heads = set(_heads(q))
    # a relative clause on a quoted noun ('"entities" or concepts that the words describe') does not say it
    below = [v for v in verbs if heads & set(v.ancestors) and v.dep_ != "relcl"]
    return below[:1] or [v for v in verbs if _adjacent(q, v, others)][:1]


def in_subject(q: Quotation, verb: Any) -> bool:
    """Whether the quotation sits in the verb's own subject ('X, a "self-styled expert," said'): then
    it names the speaker, it is not what the speaker said."""
    subject = subject_of(verb)
    if subject is None:
        return False
    if _inside(subject, [q.tokens]):
        return True  # a noun inside the quotation is never its speaker
    for h in _heads(q):
        for anc in h.ancestors:
            if anc.i == verb.i:
                break  # the quotation hangs on the verb before it reaches the subject
            if anc.i == subject.i:
                return True
    return False


def _adjacent(q: Quotation, verb: Any, others: list[Any]) -> bool:
    """No other verb between the quotation and the speech verb ('"...," said Dr. X'; 'described as
    a holiday that "..."'): what the parser attached elsewhere still reads as the verb's words."""
    doc = q.tokens.doc
    lo, hi = (q.tokens.end, verb.i) if verb.i >= q.tokens.end else (verb.i + 1, q.tokens.start)
    return not any(doc[i].pos_ == "VERB" and not _inside(doc[i], others) for i in range(lo, hi))


def according_to(q: Quotation, others: list[Any]) -> Any | None:
    """The noun after "according to" in the quotation's sentence(s), outside any quotation."""
    for t in _window(q):
        if t.lower_ == "according" and not _inside(t, others):
            for prep in t.children:
                for obj in prep.children:
                    if obj.dep_ == "pobj":
                        return obj
            nxt = t.nbor(1) if t.i + 1 < len(t.doc) else None
            if nxt is not None:
                objs = [c for c in nxt.children if c.dep_ == "pobj"]
                if objs:
                    return objs[0]
    return None


def colon_subject(q: Quotation) -> Any | None:
    """For 'X said:', 'The statement reads: "..."' or 'X's response: "..."', the subject of the clause
    before the colon, or the owner or name right before it."""
    doc = q.tokens.doc
    k = q.tokens.start - 2  # the token before the opening mark
    if k < 1 or doc[k].text != ":":
        return None
    head = doc[k].head
    for t in [head, *head.ancestors]:
        subject = [c for c in t.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subject:
            return subject[0]
    before = doc[k - 1]
    owner = next((c for c in before.children if c.dep_ == "poss"), None)
    return owner if owner is not None else (before if before.pos_ == "PROPN" else None)


def subject_of(verb: Any) -> Any | None:
    """The grammatical subject of a speech verb; a participle or infinitive without one ("saying",
    "to have said") takes the subject of the verb it hangs on, and one on a noun the subject of the
    clause that holds the noun ("the airline sent a text message saying ...": the airline)."""
    for t in [verb, *verb.ancestors]:
        for c in t.children:
            if c.dep_ in ("nsubj", "nsubjpass") and c.i != verb.i:
                return c
        if t.pos_ == "PROPN":
            return t  # "President Trump ..., saying"
        if t.pos_ == "NOUN":
            # a participle on a noun: a message's owner speaks, else the subject of the clause the noun
            # is part of ("Granholm slammed ... posture as 'curious' -- warning that ...")
            owner = next((c for c in t.children if c.dep_ == "poss"), None)
            if owner is not None and t.lemma_.lower() in UTTERANCES:
                return owner
            continue
        if t.dep_ not in ("advcl", "xcomp", "conj", "ccomp", "acl", "pcomp", "dobj") or t.pos_ not in ("VERB", "AUX"):
            break
    return None


def _key_text(words: str) -> str:
    return re.sub(r"\W+", " ", words.casefold()).strip()


def is_term(q: Quotation) -> bool:
    """One quoted word that modifies a noun outside the quotation: a term or a scare quote
    ('a "threatened," not "endangered," species', '"rogue" nations'), not someone's words. (A longer
    quoted phrase after the writer's determiner is often the speaker's words, as the seed story's
    'reaffirmed the "..." friendship' is, so it is not taken for a term.)"""
    words = [t for t in q.tokens if not t.is_punct]
    return len(words) == 1 and words[0].dep_ in ("amod", "compound", "nmod") and not _inside(words[0].head, [q.tokens])


def dash_speaker(q: Quotation, resolver: Resolver) -> str | None:
    """For a line that opens with the quotation and signs it with a dash ('"..."—Jane Doe, author of
    X'), as blurbs and epigraphs do, the name after the dash."""
    text, (lo, hi), (a, z) = q.tokens.doc.text, q.line, q.marks
    if text[lo : a - 1].strip():
        return None
    m = _SIGNED.match(text, z + 1, hi)
    return resolver.display(m.group(1)) if m else None


def titled(q: Quotation) -> bool:
    """Whether the quotation is what something is titled or called ('an article titled, "..."',
    'letters labeled "..."', 'a book called "..."'): the word before its opening mark says so ("call"
    and "name" only as a participle: 'she called it "..."' is speech), or the verb with only an
    article between ('a storm called a "..."', which the parser often reads as the storm calling)."""
    before = [t for t in q.tokens.doc[: q.tokens.start] if not t.is_punct]
    article = bool(before) and before[-1].lower_ in ("a", "an", "the") and len(before) > 1
    if article:
        before = before[:-1]
    if not before:
        return False
    word = before[-1]
    lemma = word.lemma_.lower()
    return lemma in _TITLING and (lemma not in ("call", "name") or article or word.tag_ == "VBN" or word.dep_ == "acl")


def listed_after(q: Quotation, previous: Quotation | None) -> bool:
    """Whether the quotation only goes on a list the previous one opened ('"A," "B" and "C"'): only
    punctuation and "and"/"or" lie between them on one line, and a comma or a conjunction joins them
    ('... told CNN's "Show." "Next words..."' is no list)."""
    if previous is None or previous.line != q.line or previous.tokens.doc is not q.tokens.doc:
        return False
    between = q.tokens.doc[previous.tokens.end : q.tokens.start]
    joined = previous.tokens.doc.text[previous.marks[0] : previous.marks[1]].rstrip().endswith(",") \
        or any(t.text == "," or t.lower_ in ("and", "or") for t in between)
    return joined and all(t.is_punct or t.lower_ in ("and", "or") for t in between)


def _attribute(q: Quotation, others: list[Any], resolver: Resolver) -> str | None:
    """The speaker of one quotation, or None when it is not a quote. A speech verb whose subject is a
    people or a place ("Democrats must declare that ...") passes the quotation to the next one up."""
    verbs = speech_verbs(q, others)
    lo, hi = q.line
    for verb in verbs:
        subject = subject_of(verb)
        if subject is not None and subject.dep_ == "nsubjpass" and subject.head.i == verb.i:
            continue  # "the jury should not be told ...": a passive speech verb's subject is its hearer
        if subject is None or in_subject(q, verb):
            return None
        if not lo <= subject.idx < hi:
            continue  # the parse ran on across a line break: its subject is another line's word
        speaker = resolver.resolve(subject)
        if speaker is not None or not resolver.is_place(subject):
            return speaker
    if verbs:
        return None
    signed = dash_speaker(q, resolver)
    if signed is not None:
        return signed
    colon = colon_subject(q)
    if colon is not None and (is_clause(q.tokens) or colon.ent_type_ == "PERSON"):
        return resolver.resolve(colon)  # 'Sen. X: "..."' names its speaker at any length
    if not is_clause(q.tokens):
        return None
    subject = according_to(q, others)
    return resolver.resolve(subject) if subject is not None else None


def article_quotes(parsed: Parsed, article: str, resolver: Resolver) -> Iterator[tuple[Quotation, str]]:
    """(quotation, speaker) for each quote of one article."""
    found = list(quotations(parsed, article))
    text = next((a.text for a in parsed.articles if a.id == article), "")
    last: tuple[int, str, int] | None = None  # paragraph, speaker and end of the last quote
    rejected: Quotation | None = None  # the last quotation read as a title
    for k, q in enumerate(found):
        if is_title(q.text) or titled(q) or listed_after(q, rejected) or is_term(q):
            rejected = q  # a list goes on what its first item was: '"A" or "B"' after a term is a term
            continue
        others = [o.tokens for j, o in enumerate(found) if j != k and o.paragraph == q.paragraph]
        resolver.at(q)
        speaker = _attribute(q, others, resolver)
        if speaker is None and last is not None and last[0] == q.paragraph and is_clause(q.tokens) \
                and len(text[last[2] : q.start].split()) <= MAX_GAP_WORDS:
            speaker = last[1]  # the quote goes on: '"...," he said. "..."'
        if speaker is None:
            continue
        last = (q.paragraph, speaker, q.end)
        yield q, speaker


def _within(words: list[str], longer: str) -> bool:
    """Whether ``words`` are a stretch of ``longer`` and most of it (the same quotation cut a little
    differently by two outlets), long enough to carry wording."""
    other = _key_text(longer).split()
    return (len(words) >= MIN_CONTAINED and len(words) >= SHARE_CONTAINED * len(other)
            and f" {' '.join(words)} " in f" {' '.join(other)} ")


def merge_quotes(quotes: list[Quote]) -> list[Quote]:
    """One entry per person and quotation: a one-word speaker that is the first or last word of exactly
    one longer speaker takes that name ("Burr" -> "Richard Burr"), and a quotation whose wording is
    most of a longer one of the same speaker ("hold hands" in "firmly hold hands") joins it."""
    keys = {name_key(q.speaker): q.speaker for q in quotes}
    longer = {k: [o for o in keys if " " in o and k in (o.split()[0], o.split()[-1])] for k in keys if " " not in k}
    for q in quotes:
        found = longer.get(name_key(q.speaker), [])
        if len(found) == 1:
            q.speaker = keys[found[0]]
    merged: list[Quote] = []
    for q in sorted(quotes, key=lambda q: -len(_key_text(q.text))):
        words = _key_text(q.text).split()
        home = next((m for m in merged if name_key(m.speaker) == name_key(q.speaker) and _within(words, m.text)), None)
        if home is None:
            merged.append(q)
        else:  # the shared wording is the quote's text; each support keeps its outlet's own extent
            home.text = q.text
            home.support.extend(q.support)
    for q in merged:
        q.support.sort(key=lambda s: (s.article, s.start))
    return merged


def find_quotes(parsed: Parsed, names: dict[str, str]) -> list[Quote]:
    """Quotes grouped by speaker and wording, each with every place in the story that carries it."""
    resolver = Resolver(parsed, names)
    grouped: dict[tuple[str, str], Quote] = {}
    for article in (a.id for a in parsed.articles):
        for q, speaker in article_quotes(parsed, article, resolver):
            key = (name_key(speaker), _key_text(q.text))
            entry = grouped.setdefault(key, Quote(speaker, q.text, []))
            entry.support.append(Span(q.article, q.start, q.end, q.text))
    quotes = merge_quotes(list(grouped.values()))
    return sorted(quotes, key=lambda q: (q.speaker, q.support[0].article, q.support[0].start))
