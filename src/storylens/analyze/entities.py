"""Named entities of a story, with aliases merged ("Merkel", "Angela Merkel's", "angela merkel" -> one entity)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from ..model import Entity
from .stages import Parsed

KEEP = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART"}


def name_key(name: str) -> str:
    """Fold case, hyphens, possessives and a leading article so spellings of one name meet."""
    name = re.sub(r"['’]s$", "", name.strip())
    name = re.sub(r"^the\s+", "", name, flags=re.IGNORECASE)
    return re.sub(r"[\W_]+", " ", name.casefold()).strip()


def alias_map(keys: dict[str, str]) -> dict[str, str]:
    """Map a one-word PERSON key onto the longer PERSON key that contains it as first or last word."""
    persons = [k for k, label in keys.items() if label == "PERSON"]
    out: dict[str, str] = {}
    for k in persons:
        if " " in k:
            continue
        longer = [p for p in persons if " " in p and (p.split()[0] == k or p.split()[-1] == k)]
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
    aliases = alias_map(top)
    merged: dict[str, Entity] = {}
    for key, counts in labels.items():
        target = aliases.get(key, key)
        e = merged.setdefault(target, Entity(forms[target].most_common(1)[0][0], top[target], [], 0))
        e.articles = sorted(set(e.articles) | where[key])
        e.mentions += sum(counts.values())
    names = {k: merged[aliases.get(k, k)].name for k in labels}
    ents = sorted(merged.values(), key=lambda e: (-len(e.articles), -e.mentions, e.name))
    return ents, names
