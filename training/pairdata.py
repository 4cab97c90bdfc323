"""Sentence-pair data for the pair model: loaders, held-out splits and silver pairs.

No torch here: the benchmarks import the same splits, so the pairs a benchmark scores are the ones
training never saw.

Every example is a ``Pair(a, b, targets, source, group)``. ``targets`` maps a head name to a value in
0..1; a head that a set says nothing about is absent and its loss is masked:

  same_fact   a and b state the same fact (MRPC label; STS-B score / 5)
  entails_ab  a entails b (RTE; an MRPC paraphrase entails both ways; STS-B 4.8 and up)
  entails_ba  b entails a
  contradiction  same event, incompatible detail (silver perturbations; ClaimDiff "weakens")

Splits are made by group (an MRPC connected component of sentence ids, an RTE premise, a ClaimDiff
topic, a Multi-News cluster), hashed into ten buckets: 0-1 are the test part (benchmarks only),
2 is validation (choices made while training: thresholds, the epoch count), 3-9 train.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

HEADS = ("same_fact", "entails_ab", "entails_ba", "contradiction")
TEST, VALID = (0, 1), (2,)


@dataclass
class Pair:
    a: str
    b: str
    targets: dict[str, float]
    source: str
    group: str
    meta: dict[str, str] = field(default_factory=dict)


def bucket(group: str) -> int:
    """The split bucket (0-9) of a group: stable across runs and machines."""
    return int(hashlib.sha1(group.encode()).hexdigest(), 16) % 10


def part(group: str) -> str:
    b = bucket(group)
    return "test" if b in TEST else "valid" if b in VALID else "train"


def _tsv(path: Path) -> Iterator[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        yield from csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)


def mrpc(data: Path) -> list[Pair]:
    """MRPC train: a group is a connected component of sentence ids (one sentence in several pairs
    never straddles two parts); the group name is the smallest id in it."""
    rows = list(_tsv(data / "mrpc-train" / "msr_paraphrase_train.txt"))[1:]
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for r in rows:
        ra, rb = root(r[1]), root(r[2])
        if ra != rb:
            parent[max(ra, rb, key=int)] = min(ra, rb, key=int)
    out = []
    for r in rows:
        y = float(r[0])
        t = {"same_fact": y, "contradiction": 0.0} if y else {"same_fact": 0.0}
        if y:
            t |= {"entails_ab": 1.0, "entails_ba": 1.0}
        out.append(Pair(r[3], r[4], t, "mrpc", "mrpc:" + root(r[1]), {"label": r[0]}))
    return out


def stsb(data: Path, split: str = "train") -> list[Pair]:
    """STS-B train or dev; a group is the pair's own id within its file and year (no topics given)."""
    out = []
    for r in _tsv(data / "stsb" / f"sts-{split}.csv"):
        if len(r) < 7:
            continue
        score = float(r[4]) / 5.0
        t = {"same_fact": score}
        if score >= 0.8:
            t["contradiction"] = 0.0
        if score >= 0.96:
            t |= {"entails_ab": 1.0, "entails_ba": 1.0}
        out.append(Pair(r[5], r[6], t, "stsb", f"stsb:{r[1]}:{r[2]}:{r[3]}", {"genre": r[0], "score": r[4]}))
    return out


def rte(data: Path) -> list[Pair]:
    """RTE (GLUE train): label 0 = sentence1 entails sentence2; a group is the premise."""
    out = []
    for r in list(_tsv(data / "rte-glue" / "train.tsv"))[1:]:
        y = 1.0 if r[2] == "0" else 0.0
        out.append(Pair(r[0], r[1], {"entails_ab": y}, "rte", "rte:" + r[0][:200], {"label": r[2]}))
    return out


def claimdiff(data: Path) -> list[Pair]:
    """ClaimDiff train: the strengthens and weakens files label the same pairs; a group is the topic."""
    folder = data / "claimdiff-train"
    strong = {d["pair_id"]: d for d in json.loads((folder / "ClaimDiff-strength-train.json").read_text())["data"]}
    out = []
    for d in json.loads((folder / "ClaimDiff-weak-train.json").read_text())["data"]:
        weak = str(d["relation"]) == "1"
        s = strong.get(d["pair_id"])
        meta = {"weakens": str(int(weak)), "strengthens": str(s["relation"]) if s else "?"}
        out.append(Pair(d["claim_a"], d["claim_b"], {"contradiction": float(weak)}, "claimdiff",
                        "claimdiff:" + d["topic"], meta))
    return out


# ---- silver pairs ----

_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w])")
_AUX = re.compile(r"\b(is|are|was|were|will|would|can|could|has|have|had|does|did|should|must)\b(?! not\b|n't)")
_NEGATED = re.compile(r"\b(is|are|was|were|will|would|can|could|has|have|had|does|did|should|must) not\b")
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"]
_DAY = re.compile(r"\b(" + "|".join(_WEEKDAYS + _MONTHS) + r")\b")
# A name of two or three capitalised words after a lower-case word (not a sentence opening, not
# part of a longer capitalised run): the one kind of name a swap keeps grammatical.
_NAME = re.compile(r"(?<=\b[a-z]{2} )((?:[A-Z][a-z]+ ){1,2}[A-Z][a-z]+)\b(?! [A-Z])(?!-)")


def _new_number(text: str, rng: random.Random) -> str:
    """A different figure written the way ``text`` is written (thousands separators, decimals)."""
    plain = text.replace(",", "")
    value = float(plain)
    factor = rng.choice([0.5, 0.6, 0.75, 1.5, 2.0, 3.0])
    new = value * factor if value > 3 else value + rng.choice([2, 3, 4, 5])
    if "." in plain:
        digits = len(plain.split(".")[1])
        out = f"{new:.{digits}f}"
    else:
        out = str(round(new))
    if out == plain:
        out = str(int(value) + 7)
    return f"{int(out):,}" if "," in text and "." not in out else out


def perturb(b: str, names: list[str], rng: random.Random) -> tuple[str, str] | None:
    """b changed in one checkable detail, FactCC-style (Kryscinski et al. 2020): a figure, a negation,
    a day or month, or a name swapped for one from another sentence. None when nothing applies."""
    options = []
    if _NUMBER.search(b):
        options.append("number")
    if _AUX.search(b) or _NEGATED.search(b):
        options.append("negation")
    if _DAY.search(b):
        options.append("date")
    if _NAME.search(b) and names:
        options.append("entity")
    if not options:
        return None
    kind = rng.choice(options)
    if kind == "number":
        ms = list(_NUMBER.finditer(b))
        m = rng.choice(ms)
        return b[: m.start()] + _new_number(m.group(0), rng) + b[m.end():], kind
    if kind == "negation":
        m = _NEGATED.search(b)
        if m and rng.random() < 0.5 or m and not _AUX.search(b):
            return b[: m.start()] + m.group(1) + b[m.end():], kind
        m = _AUX.search(b)
        assert m is not None
        return b[: m.end()] + " not" + b[m.end():], kind
    if kind == "date":
        m = _DAY.search(b)
        assert m is not None
        pool = _WEEKDAYS if m.group(0) in _WEEKDAYS else _MONTHS
        return b[: m.start()] + rng.choice([d for d in pool if d != m.group(0)]) + b[m.end():], kind
    m = rng.choice(list(_NAME.finditer(b)))
    size = m.group(0).count(" ")
    other = rng.choice([n for n in names if n != m.group(0) and n.count(" ") == size] or names)
    return b[: m.start()] + other + b[m.end():], kind


def silver_contradictions(pairs: list[Pair], seed: int) -> list[Pair]:
    """From each same-fact pair (MRPC paraphrase, STS-B 4+), one copy whose b is perturbed (see
    ``perturb``): the pair now disagrees in one detail. Same group as its source pair."""
    rng = random.Random(seed)
    names = sorted({m.group(0) for p in pairs for m in _NAME.finditer(p.b)})
    out = []
    for p in pairs:
        if p.targets.get("same_fact", 0.0) < 0.8:
            continue
        changed = perturb(p.b, names, rng)
        if changed is None or changed[0] == p.b:
            continue
        t = {"same_fact": 0.0, "entails_ab": 0.0, "entails_ba": 0.0, "contradiction": 1.0}
        out.append(Pair(p.a, changed[0], t, "silver-contra", p.group, {"kind": changed[1]}))
    return out


_SENT = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’]))\s+(?=[\"“‘]?[A-Z])")
_CAP = re.compile(r"\b[A-Z][a-z]{2,}\b")


def _sentences(doc: str) -> list[str]:
    out = []
    for para in re.split(r"\n\s*\n|\s\n\s", doc):
        for s in _SENT.split(para.strip()):
            words = s.split()
            if 8 <= len(words) <= 40 and s[-1:] in ".\"”":
                out.append(s.strip())
    return out


def silver_same_article(data: Path, per_cluster: int, seed: int) -> list[Pair]:
    """Two sentences of one Multi-News article that share a capitalised name: same story, same
    topic, and (an article does not repeat itself) not the same fact and no contradiction. A group
    is the cluster, so these follow the cluster's split."""
    rng = random.Random(seed)
    out = []
    with (data / "multi-news-val" / "validation.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            c = json.loads(line)
            cands = []
            for doc in c["documents"]:
                sents = _sentences(doc)
                caps = [set(_CAP.findall(s)) for s in sents]
                for i in range(len(sents)):
                    for j in range(i + 2, len(sents)):  # not neighbours: a sentence may restate the one before
                        if len(caps[i] & caps[j]) >= 1:
                            cands.append((sents[i], sents[j]))
            rng.shuffle(cands)
            for a, b in cands[:per_cluster]:
                t = {"same_fact": 0.0, "entails_ab": 0.0, "entails_ba": 0.0, "contradiction": 0.0}
                out.append(Pair(a, b, t, "silver-same-article", "multinews:" + c["id"]))
    return out


# Where a sentence's main clause ends and a dependent or coordinated one begins: the head before the
# cut is a clause the whole sentence entails ("X opened the bridge Tuesday, after years of delay" ->
# "X opened the bridge Tuesday.").
_CUT = re.compile(r"(?:, (?:which|who|where|while|after|before|as|but|although|though|when|because|and|"
                  r"according to|including|saying)\b|; )")


def silver_clauses(data: Path, per_cluster: int, seed: int) -> list[Pair]:
    """A Multi-News sentence against its own main clause: the sentence entails the clause, the
    clause (which drops the rest) does not entail the sentence; and against the clause with one
    detail changed (``perturb``): no entailment, a contradiction. These teach the entailment head
    what the consensus asks of it, a longer sentence carrying a shorter one's fact, and that a
    changed figure, name or day breaks it. A group is the cluster."""
    rng = random.Random(seed)
    out = []
    with (data / "multi-news-val" / "validation.jsonl").open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    names = sorted({m.group(0) for c in rows for doc in c["documents"] for m in _NAME.finditer(doc)})
    for c in rows:
        cands = []
        for doc in c["documents"]:
            for s in _sentences(doc):
                m = _CUT.search(s)
                # head of at least 6 words (a clause, not a phrase), tail of at least 4 (it adds a fact)
                if m and len(s[: m.start()].split()) >= 6 and len(s[m.end():].split()) >= 4 and '"' not in s[: m.start()]:
                    cands.append((s, s[: m.start()].rstrip() + "."))
        rng.shuffle(cands)
        for a, b in cands[:per_cluster]:
            g = "multinews:" + c["id"]
            out.append(Pair(a, b, {"entails_ab": 1.0, "entails_ba": 0.0, "contradiction": 0.0},
                            "silver-clause", g))
            changed = perturb(b, names, rng)
            if changed is not None and changed[0] != b:
                out.append(Pair(a, changed[0], {"same_fact": 0.0, "entails_ab": 0.0, "entails_ba": 0.0,
                                                "contradiction": 1.0}, "silver-clause-changed", g,
                                {"kind": changed[1]}))
    return out


def load_all(data: Path, seed: int = 13) -> dict[str, list[Pair]]:
    """Every set by name, silver pairs made from the training-side pairs' own groups."""
    sets = {"mrpc": mrpc(data), "stsb": stsb(data, "train"), "rte": rte(data), "claimdiff": claimdiff(data),
            "silver-same-article": silver_same_article(data, per_cluster=8, seed=seed),
            "silver-clause": silver_clauses(data, per_cluster=8, seed=seed)}
    sets["silver-contra"] = silver_contradictions(sets["mrpc"] + sets["stsb"], seed=seed)
    return sets


def split(pairs: list[Pair], name: str) -> list[Pair]:
    """The pairs of one part ("train", "valid" or "test"). STS-B train is all training (its own
    dev file is the held-out set)."""
    return [p for p in pairs if (p.source == "stsb" and name == "train") or
            (p.source != "stsb" and part(p.group) == name)]
