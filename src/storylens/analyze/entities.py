"""Named entities of a story, with aliases merged ("Merkel", "Angela Merkel's", "angela merkel" -> one entity)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

from ..model import Entity

if TYPE_CHECKING:  # stages imports anaphora, which reads names with name_key
    from .stages import Parsed

KEEP = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART"}
# Labels of places and peoples: never a speaker, never merged into a person's name.
PLACES = {"GPE", "LOC", "NORP", "FAC"}


def name_key(name: str) -> str:
    """Fold case, hyphens, possessives and a leading article so spellings of one name meet."""
    name = re.sub(r"['’]s$", "", name.strip())
    name = re.sub(r"^the\s+", "", name, flags=re.IGNORECASE)
    return re.sub(r"[\W_]+", " ", name.casefold()).strip()


def alias_map(keys: dict[str, str], where: dict[str, set[str]] | None = None,
              acronyms: frozenset[str] = frozenset()) -> dict[str, str]:
    """Map a one-word key onto the one longer PERSON key that has it as first or last word.

    A one-word key the tagger calls a PERSON merges story-wide; one it gives another label (a surname
    alone is often tagged ORG: "Baker" after "Tom Baker") merges only by its last word and when
    every article that has it also names the longer person (``where``: key -> article ids) and it is
    not written in capitals (``acronyms``: "UN" is not the end of "Ban Ki Un").
    """
    persons = [k for k, label in keys.items() if label == "PERSON" and " " in k]
    out: dict[str, str] = {}
    for k, label in keys.items():
        if " " in k or label in PLACES:
            continue
        if label == "PERSON":
            longer = [p for p in persons if p.split()[0] == k or p.split()[-1] == k]
        elif where is not None and k not in acronyms:
            longer = [p for p in persons if p.split()[-1] == k and where.get(k, set()) <= where.get(p, set())]
        else:
            longer = []
        if len(longer) == 1:
            out[k] = longer[0]
    return out


def find_entities(parsed: Parsed) -> tuple[list[Entity], dict[str, str]]:
    """Entities sorted by how many articles mention them; also key -> display name for speakers."""
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    where: dict[str, set[str]] = defaultdict(set)
    for aid, docs in parsed.docs.items():
        for _, doc in docs:
            for ent in doc.ents:
                if ent.label_ not in KEEP:
                    continue
                key = name_key(ent.text)
                if not key:
                    continue
                labels[key][ent.label_] += 1
                forms[key][re.sub(r"['’]s$", "", ent.text.strip())] += 1
                where[key].add(aid)
    top = {k: c.most_common(1)[0][0] for k, c in labels.items()}
    acronyms = frozenset(k for k, c in forms.items() if all(f.isupper() for f in c))
    aliases = alias_map(top, where, acronyms)
    merged: dict[str, Entity] = {}
    for key, counts in labels.items():
        target = aliases.get(key, key)
        e = merged.setdefault(target, Entity(forms[target].most_common(1)[0][0], top[target], [], 0))
        e.articles = sorted(set(e.articles) | where[key])
        e.mentions += sum(counts.values())
    names = {k: merged[aliases.get(k, k)].name for k in labels}
    ents = sorted(merged.values(), key=lambda e: (-len(e.articles), -e.mentions, e.name))
    return ents, names


def _title_words(ent: Any) -> list[Any]:
    """The words of the title or role before a person's name in one noun phrase ("Freedonian
    president" before "Rufus Firefly"), or of a role noun in apposition ("Tom Baker, her husband")."""
    doc, j = ent.doc, ent.start - 1
    # walk left while each word modifies a word to its right inside the phrase (the run or the name)
    while j >= 0 and doc[j].dep_ in ("compound", "amod", "nmod", "nummod") and j < doc[j].head.i < ent.end:
        j -= 1
    run = list(doc[j + 1 : ent.start])
    if any(t.pos_ == "NOUN" for t in run):
        return run
    head = ent.root
    role = head.head if head.dep_ == "appos" else next((c for c in head.children if c.dep_ == "appos"), None)
    if role is not None and role.pos_ == "NOUN":
        return [t for t in role.lefts if t.dep_ in ("compound", "amod", "nmod")] + [role]
    return []


def title_key(words: list[Any]) -> tuple[str, str]:
    """(the whole title, its last noun) as keys: ("freedonian president", "president")."""
    nouns = [t for t in words if t.pos_ == "NOUN"]
    whole = " ".join(t.lemma_.lower() for t in words if t.pos_ in ("NOUN", "ADJ", "PROPN"))
    return whole, nouns[-1].lemma_.lower() if nouns else ""


def person_titles(parsed: Parsed) -> dict[str, Counter[str]]:
    """Title or role key -> counts of the person keys it names across the story, both the whole title
    and its last noun ("freedonian president" and "president" -> {"rufus firefly": 2})."""
    out: dict[str, Counter[str]] = defaultdict(Counter)
    for docs in parsed.docs.values():
        for _, doc in docs:
            for ent in doc.ents:
                if ent.label_ != "PERSON" or " " not in ent.text.strip():
                    continue
                words = _title_words(ent)
                if not words:
                    continue
                whole, noun = title_key(words)
                for key in {whole, noun} - {""}:
                    out[key][name_key(ent.text)] += 1
    return out
