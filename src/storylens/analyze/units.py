"""Sub-sentence units and the similarity between them.

A news sentence often carries two facts ("... calls the vote a sham, and condemns the new law").
Aligning whole sentences only finds the fact the sentence is mostly about; aligning clause windows
finds both. Units are cut at clause punctuation and at the conjunctions that open a new clause.

Two units are compared by a blend of the centred cosine of their (in-context) embeddings and the
overlap of their content words weighted by rarity in the story, so "defending global security" in
two outlets counts for more than two sentences that share only the story's topic.

Candidate pairs come from exact comparison for ordinary stories and from an inverted-file index
(k-means buckets, each unit compared only with the units of its nearest buckets) for large ones, so
the cost of alignment does not grow with the square of the number of sentences.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse

from ..model import Sentence

# Clause cuts: punctuation, dashes, and the words that open a clause or a cause ("due to",
# "because": a sentence that gives a fact and its reason carries two facts; seed story 13/15 ->
# 14/15 with align._refine narrowing to the reason, see benchmarks/RESULTS.md section 3).
# A comma may sit inside a closing quote ("... of victory,” and has ..."): the cut is after the quote.
_CUT = re.compile("(?:[,;:][\u201d\u2019\"']?|\\s[\u2013\u2014-])\\s+(?=\\S)"
                  r"|\s+(?=(?:while|whereas|but|although|though|after|before|as well as|due to|because)\s)")
_WORD = re.compile(r"\w+")
# "day after day", "year after year": a word repeated round the conjunction is one phrase.
_REPEAT = re.compile(r"\s+(?:after|before)\s+(\w+)")
# A unit shorter than this carries no checkable fact ("he said", "on Monday"); 5 words was the
# shortest gold fact fragment in the seed story that is itself a clause (a verb, its object and a
# prepositional phrase).
MIN_UNIT_WORDS = 5
# A clause needs this many distinct content words to stand as a fact (a subject, a predicate and
# what it is about); 4 drops "the mayor of the city"-like fragments and keeps every gold clause.
MIN_FACT_TERMS = 4
# Windows of at most this many consecutive pieces: 2 keeps a clause with its attached phrase while
# the number of units stays linear in sentence length.
MAX_WINDOW = 2
# Weight of content-word overlap in the unit similarity (the rest is centred embedding cosine).
# Seed story (gold.json): recall@1 of the gold counterpart clause in each other outlet was 60/80 with
# embeddings alone, 61/80 at 0.3 and 62/80 at 0.5; claim building found most gold facts at 0.3
# (13/15 against 11/15 at 0.0 and 0.5), so 0.3.
LEXICAL_WEIGHT = 0.3
# Each content word of a unit weighs idf ** IDF_POWER in its tf-idf row, so two units sharing words
# score the sum of idf ** (2 * IDF_POWER) over them. At 1.0 (plain tf-idf, the weight squared in
# the product) two paraphrases of a fact that restates the story's topic share only its common words,
# and those counted for almost nothing against the rare words each wraps them in. Measured
# on the development clusters of bench_align.py (last 60 of Multi-News validation and of NeuS, link
# and cohere (params.AlignParams) unchanged; consensus claims and their mean share of content words in the reference
# summary): 1.0 gives 1,139 claims at 0.407; 0.75 1,180 / 0.404; 0.5 1,211 / 0.405; 0.45 1,220 /
# 0.407; 0.4 1,226 / 0.407; 0.3 1,235 / 0.405; 0.0 (plain word counts) 1,279 / 0.402. 0.4 adds the
# most claims without lowering the mean; its 66 claims on facts no shipped claim touched score
# 0.384, against 0.361-0.365 for shipped claims of blend 0.30-0.40, 0.250 for single-source claims
# and 0.263 for those that lowering link and cohere to 0.28 adds (benchmarks/RESULTS.md section 3).
IDF_POWER = 0.4
# Pairs whose centred embedding cosine is below this are never candidates. 0.2 sits under every
# consumer's threshold (contradictions 0.25, alignment 0.3 on the blend) and keeps 10-15% of pairs.
FLOOR = 0.2
# Above this many units, candidates come from the inverted-file index instead of all pairs.
# 3000 units (about 40 typical articles) compare exactly in under a second on 2 cores.
EXACT_MAX = 3000
# Index buckets: about sqrt(units); each unit is compared with the units of its PROBE nearest buckets.
PROBE = 3
# Rows compared at once in exact mode (bounds memory to ROWS x units floats).
ROWS = 512


@dataclass
class Unit:
    """A stretch of one sentence: ``sentence`` index and offsets relative to the article text."""

    sentence: int
    start: int
    end: int
    text: str


def _repeated(text: str, pos: int) -> bool:
    """Is the cut at ``pos`` an "X after X" phrase rather than a new clause?"""
    m = _REPEAT.match(text, pos)
    before = _WORD.findall(text[max(0, pos - 40) : pos])
    return bool(m and before and before[-1].lower() == m.group(1).lower())


def pieces(s: Sentence) -> list[tuple[int, int]]:
    """(start, end) of each clause piece of the sentence, offsets into its text."""
    bounds, last = [], 0
    for m in _CUT.finditer(s.text):
        if _repeated(s.text, m.start()):
            continue
        bounds.append((last, m.start()))
        last = m.end()
    bounds.append((last, len(s.text)))
    return [(a, b) for a, b in bounds if b > a]


def split_units(sentences: list[Sentence]) -> list[Unit]:
    """Each sentence as a whole, plus its clause windows that are long enough to hold a fact."""
    units: list[Unit] = []
    for i, s in enumerate(sentences):
        units.append(Unit(i, s.start, s.end, s.text))
        cut = pieces(s)
        if len(cut) < 2:
            continue
        for w in range(1, MAX_WINDOW + 1):
            for k in range(len(cut) - w + 1):
                a, b = cut[k][0], cut[k + w - 1][1]
                text = s.text[a:b]
                if len(_WORD.findall(text)) >= MIN_UNIT_WORDS and (a, b) != (0, len(s.text)):
                    units.append(Unit(i, s.start + a, s.start + b, text))
    return units


def states_fact(tokens: list[Any], terms: set[str]) -> bool:
    """Can a clause stand as a fact: a verb that carries it (not the "according" of attribution,
    not a participle that only modifies a noun: "In a letter sent to the mayor Wednesday") and at
    least MIN_FACT_TERMS content words? Pieces such as "the mayor of the city" or "as well as rice
    and wheat prices" matched across outlets on the seed story without saying anything checkable."""
    inside = {t.i for t in tokens}
    verb = any(t.pos_ in ("VERB", "AUX") and t.lemma_.lower() != "accord" and not _modifying(t, inside)
               for t in tokens)
    return verb and len(terms) >= MIN_FACT_TERMS


# What may close a sentence after its question mark: quotes and brackets.
_CLOSERS = "\"'”’)]» \t\n"


def asks(sentence: str) -> bool:
    """Is the sentence a question? It asserts nothing for outlets to agree on ("The
    singer's birthday?", "so where does the volcano get its heat?": rhetorical questions paired
    with another outlet's statement made two wrong claims of the 2029 and 2030 readings)."""
    return sentence.rstrip(_CLOSERS).endswith("?")


# Verbs that only report: a clause whose every verb is one of these and that holds none of what
# was reported (no clausal complement or object inside it) names a source, not a fact ("..., the
# district attorney's office said Tuesday."; "Graham said on Fox News Sunday.").
REPORTING = {"say", "tell", "report", "write", "add", "state", "note", "confirm", "explain", "accord"}
_REPORTED = {"ccomp", "xcomp", "dobj", "obj", "dative", "attr", "acomp"}
# Verbs told to someone: their object is the one told, not what was reported ("two people
# familiar with the matter told the newspaper." names a source and its outlet, no fact).
_TOLD = {"tell", "inform", "brief"}
# Verbs that modify a noun (a participle or relative clause) rather than carry the clause:
# "in a letter obtained by the network", "according to guidance issued Tuesday"; a verb that
# spaCy reads as a preposition ("including the new version.") carries none either.
_MODIFIERS = {"amod", "acl", "relcl"}


def _modifying(t: Any, inside: set[int]) -> bool:
    """Does verb ``t`` only modify a noun, or sit in a prepositional phrase, within the clause?"""
    while t.i in inside and t.head.i != t.i:
        if t.dep_ in _MODIFIERS or t.dep_ in ("pobj", "prep"):
            return True
        t = t.head
    return False


def attribution_only(tokens: list[Any]) -> bool:
    """Is the clause only an attribution: reporting verbs and no reported content inside it?
    Verbs that modify a noun of it do not count ("X said in a letter obtained by Y.")."""
    inside = {t.i for t in tokens}
    verbs = [t for t in tokens if t.pos_ in ("VERB", "AUX") and not _modifying(t, inside)]
    if not verbs or any(t.lemma_.lower() not in REPORTING for t in verbs):
        return False
    return not any(t.dep_ in _REPORTED and t.head.i in inside and not _modifying(t.head, inside)
                   and not (t.head.lemma_.lower() in _TOLD and t.dep_ in ("dobj", "obj", "dative"))
                   for t in tokens)


# A clause that ends on one of these is cut short: the fact it opens is in the next piece
# ("The suspect is charged with", a unit cut at the colon before the charges).
_OPEN_END = {"ADP", "DET", "CCONJ", "SCONJ", "PART"}


def cut_short(tokens: list[Any]) -> bool:
    """Does the clause end on a word that needs what follows (a preposition, an article, a
    conjunction or an infinitive's "to")? Closing punctuation is passed over."""
    words = [t for t in tokens if not t.is_punct and not t.is_space]
    return bool(words) and words[-1].pos_ in _OPEN_END


def content_terms(tokens: list[Any]) -> set[str]:
    """The content lemmas of a stretch of tokens (no stop words, letters or numbers, two chars up)."""
    return {t.lemma_.lower() for t in tokens if not t.is_stop and (t.is_alpha or t.like_num) and len(t.text) > 1}


def stands_alone(tokens: list[Any], terms: set[str], whole: bool, sentence: str) -> bool:
    """Can this stretch of a sentence be shown as a fact of its own? A whole sentence needs a verb
    and must ask nothing (a verbless line is a caption, a heading or an info box); a part of one
    must state a fact itself (``states_fact``); neither may be cut short or be only an attribution."""
    verb = any(t.pos_ in ("VERB", "AUX") for t in tokens) if whole else False
    return ((verb or states_fact(tokens, terms)) and not attribution_only(tokens) and not cut_short(tokens)
            and not asks(sentence))


def lexical_vectors(terms: list[set[str]], sentence_of: list[int]) -> sparse.csr_matrix:
    """Unit rows of L2-normalised binary tf-idf over content lemmas, each weighing idf ** IDF_POWER;
    idf counts sentences."""
    df: Counter[str] = Counter()
    seen: set[int] = set()
    for t, s in zip(terms, sentence_of):
        if s not in seen:  # the whole-sentence unit comes first and holds every term of the sentence
            seen.add(s)
            df.update(t)
    n = max(1, len(seen))
    vocab = {w: k for k, w in enumerate(df)}
    rows, cols, vals = [], [], []
    for r, t in enumerate(terms):
        for w in t:
            rows.append(r)
            cols.append(vocab[w])
            vals.append(math.log((n + 1) / (df[w] + 0.5)) ** IDF_POWER)
    x = sparse.csr_matrix((vals, (rows, cols)), shape=(len(terms), max(1, len(vocab))), dtype=np.float32)
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    return sparse.diags(1.0 / np.clip(norms, 1e-9, None)).dot(x).tocsr()


def blend(cos: np.ndarray, lex: np.ndarray) -> np.ndarray:
    """The unit similarity from centred cosine and lexical overlap."""
    return (1 - LEXICAL_WEIGHT) * cos + LEXICAL_WEIGHT * lex


def _kmeans(v: np.ndarray, k: int, rounds: int = 8) -> np.ndarray:
    """Spherical k-means centroids (deterministic start: evenly spaced rows)."""
    centroids = v[np.linspace(0, len(v) - 1, k).astype(int)].copy()
    for _ in range(rounds):
        assign = np.argmax(v @ centroids.T, axis=1)
        for c in range(k):
            members = v[assign == c]
            if len(members):
                m = members.sum(axis=0)
                centroids[c] = m / max(float(np.linalg.norm(m)), 1e-12)
    return centroids


def _blocks(v: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(rows, columns) index blocks that together cover every pair a unit should be compared on."""
    n = len(v)
    if n <= EXACT_MAX:
        cols = np.arange(n)
        for r in range(0, n, ROWS):
            yield np.arange(r, min(n, r + ROWS)), cols
        return
    k = max(2, int(math.sqrt(n)))
    centroids = _kmeans(v, k)
    near = np.argsort(-(v @ centroids.T), axis=1)[:, :PROBE]
    home = near[:, 0]
    for c in range(k):
        rows = np.where(home == c)[0]
        if len(rows):
            yield rows, np.where((near == c).any(axis=1))[0]


def candidate_pairs(v: np.ndarray, group: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit pairs (i < j) of different groups (articles) with cosine >= FLOOR, and their cosine."""
    out_i, out_j, out_s = [], [], []
    for rows, cols in _blocks(v):
        s = v[rows] @ v[cols].T
        keep = (s >= FLOOR) & (group[rows][:, None] != group[cols][None, :]) & (rows[:, None] < cols[None, :])
        r, c = np.nonzero(keep)
        out_i.append(rows[r])
        out_j.append(cols[c])
        out_s.append(s[r, c])
    if not out_i:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.float32)
    i, j, s = np.concatenate(out_i), np.concatenate(out_j), np.concatenate(out_s)
    if len(v) > EXACT_MAX:  # a pair can turn up in two buckets
        _, first = np.unique(i.astype(np.int64) * len(v) + j, return_index=True)
        i, j, s = i[first], j[first], s[first]
    return i, j, s.astype(np.float32)
