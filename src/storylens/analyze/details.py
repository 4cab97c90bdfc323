"""Single-source specifics inside a shared fact.

Two outlets can report one fact while one of them adds a name the others never give: the drug
named, the group supplied, the newspaper that broke it. Alignment makes the whole clause a
consensus member, so without this step the added name would be reported as agreed. A detail is a
named entity (or a date or amount) of a consensus member that no other article of the story names
anywhere; it is reported as the smallest phrase of the parse around it that reads as a detail.
"""

from __future__ import annotations

import re
from typing import Any

from ..model import Span

# Entity labels that never make a detail: ordinals ("first") and bare counts ("two") recur in
# every story without naming anything an outlet could add.
SKIP = {"ORDINAL", "CARDINAL"}
# A detail phrase has at least this many words (same floor as AlignParams.min_detail_words: "such as
# <name>" alone does not read as a detail, "<noun> such as <name>" does).
MIN_WORDS = 5
# A phrase covering at least this share of its member is the member itself, not something added
# to it (same share as AlignParams.overlap, which decides when two spans say the same thing).
MAX_SHARE = 0.6
_WORD = re.compile(r"\w+")
_EDGE = " ,;:\u2013\u2014-"


def _fold(text: str) -> str:
    """Case-folded, every run of non-word characters one space ("$100,000" -> " 100 000 ")."""
    return re.sub(r"[\W_]+", " ", text.casefold()).strip()


def story_texts(articles: list[Any]) -> dict[str, str]:
    """Each article's text folded (``_fold``) between spaces, for name lookups."""
    return {a.id: f" {_fold(a.text)} " for a in articles}


def named_elsewhere(ent: Any, article: str, texts: dict[str, str]) -> bool:
    """Does any other article of the story carry a word of this name? Words are compared as
    folded word prefixes, so "Norway" meets "Norwegian" and "NTB news agency" meets "news agency":
    a name is an added detail only when none of it turns up elsewhere."""
    words = [t for t in ent if (t.is_alpha or t.like_num) and not t.is_stop and len(t.text) > 1]
    others = [text for aid, text in texts.items() if aid != article]
    # a word, its lemma ("centuries" -> "century") and its singular ("Russians" -> "Russian")
    forms = {_fold(f) for t in words for f in (t.lower_, t.lemma_.lower(), t.lower_.rstrip("s"))}
    forms = {f for f in forms if len(f) > 1}
    return not words or any(f" {f}" in text for f in forms for text in others)


def _phrase(path: Any, lo: int, hi: int) -> tuple[int, int] | None:
    """Character bounds (doc offsets) of the smallest phrase holding the entity root ``path``
    with MIN_WORDS words, climbing towards the root, clipped to [lo, hi). A phrase is a token's
    subtree without the coordinated siblings of the tokens climbed through ("<drug> and
    <amounts of alcohol>": the detail is the drug)."""
    token, came, dropped = path, None, set()
    while True:
        dropped |= {d.i for c in token.children if c.dep_ in ("conj", "cc") and c.i != came for d in c.subtree}
        kept = [t for t in token.subtree if t.i not in dropped]
        a = max(lo, kept[0].idx)
        z = min(hi, kept[-1].idx + len(kept[-1].text))
        if z > a and len(_WORD.findall(token.doc.text[a:z])) >= MIN_WORDS:
            return a, z
        if token.head.i == token.i:
            return None
        came, token = token.i, token.head


def specifics(span: Any, base: int, member: tuple[int, int], article: str, texts: dict[str, str]
              ) -> list[tuple[int, int]]:
    """Article-offset bounds of the detail phrases inside ``member`` (article offsets), merged
    where they overlap. ``span`` is the sentence's spaCy span; ``base`` maps its doc offsets onto
    the article (article offset = doc offset + base)."""
    lo, hi = member[0] - base, member[1] - base
    found: list[tuple[int, int]] = []
    for ent in span.ents:
        if ent.label_ in SKIP or ent.start_char < lo or ent.end_char > hi:
            continue
        if named_elsewhere(ent, article, texts):
            continue
        bounds = _phrase(ent.root, lo, hi)
        if bounds and (bounds[1] - bounds[0]) < MAX_SHARE * (hi - lo):
            found.append(bounds)
    merged: list[tuple[int, int]] = []
    for a, z in sorted(found):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(z, merged[-1][1]))
        else:
            merged.append((a, z))
    return [(a + base, z + base) for a, z in merged]


def detail_spans(prep: Any, sentence: int, member: tuple[int, int], texts: dict[str, str]) -> list[Span]:
    """The single-source details inside one consensus member (a Span each)."""
    s = prep.sentences[sentence]
    span = prep.spacy_span(sentence)
    base = s.start - span.start_char
    out = []
    for a, z in specifics(span, base, member, s.article, texts):
        text = s.text[a - s.start : z - s.start]
        lead = len(text) - len(text.lstrip(_EDGE + "\u201d\u2019"))  # and a closing quote left at the start
        text = text[lead:].rstrip(_EDGE)
        out.append(Span(s.article, a + lead, a + lead + len(text), text))
    return out
