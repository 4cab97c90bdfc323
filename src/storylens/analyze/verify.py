"""The pair model's word on the clause alignment's groups: embeddings propose, the model decides.

align.py groups clause units across articles by blended similarity, which is topical: two
different details of one event ("forfeit $41 million" and another executive's "$19 million") look
alike to it. Here each candidate group's members are read against the group's representative by
the pair model (``storylens.pairs``), on the units' own text, and a member stays only when the
model says it states the representative's fact (``same_fact``) or carries it (the member entails
the representative). The group is then a claim only if two or more articles are left.

Pairs are collected over every candidate group and scored in one scorer call, so a story pays
(members - 1) pairs per group, not all pairs of its sentences.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..pairs import PairScorer
from .checks import REGISTRY
from .checks.negation import negates_anyhow
from .checks.parse import (
    done_and_to_come,
    figures_disagree,
    magnitudes_disagree,
    opposite_actions,
    weekdays_disagree,
)
from .prepare import Prepared


@dataclass(frozen=True)
class VerifyParams:
    """Bars on the shipped model's sigmoid outputs for a member to stay in its group."""

    # A member states the representative's fact when same_fact reaches this, or when it entails
    # the representative (says that and more) this much. Chosen for the shipped model (e7) on the
    # MRPC validation stories and the seed story (benchmarks/RESULTS.md section 8f; seed facts,
    # outside the gold, valid P / R / F1): 0.5 / 0.5 -> 8/15, 5, 0.774 / 0.887 / 0.827; 0.5 / 0.3 ->
    # 10/15; 0.3 / 0.5 -> 13/15, 3, 0.755 / 0.890; 0.3 / 0.4 -> 14/15, 3, 0.756 / 0.894 / 0.819;
    # 0.35 / 0.35 -> 12/15, 4, 0.764; 0.2 / 0.2 -> 14/15, 2, 0.752 / 0.897. The model's same_fact
    # sits lower than the one before it (whose bars were 0.5 / 0.5), and the seed's paraphrases of
    # one fact score 0.3-0.5 on it.
    same_fact: float = 0.3
    entails: float = 0.4


VERIFY = VerifyParams()


def verifier(prep: Prepared, scorer: PairScorer, params: VerifyParams = VERIFY
             ) -> Callable[[list[tuple[list[int], int]]], list[list[int]]]:
    """A function from (group, representative unit) pairs to the verified groups, in order."""

    def run(groups: list[tuple[list[int], int]]) -> list[list[int]]:
        todo = sorted({(rep, u) for group, rep in groups for u in group if u != rep})
        scores = dict(zip(todo, scorer.score([(prep.units[r].text, prep.units[u].text) for r, u in todo])))
        kept = [[u for u in group if u == rep or (_states(scores[(rep, u)], params) and not _conflict(prep, rep, u))]
                for group, rep in groups]
        # with three or more members, each must also state the fact as one other member reads it
        # (either order): a third outlet's clause that only shares the representative's topic
        # passes the representative alone more easily than two readings
        more = sorted({(u, v) for g, (_, rep) in zip(kept, groups) if len(g) >= 3
                       for u in g for v in g if u != v and rep not in (u, v)})
        if more:
            scores.update(zip(more, scorer.score([(prep.units[u].text, prep.units[v].text) for u, v in more])))
        out = []
        for g, (_, rep) in zip(kept, groups):
            if len(g) >= 3:
                others = [u for u in g if u != rep]
                ok = [u for u in others if any(_states(scores[(v, u)], params) or _states(scores[(u, v)], params)
                                               for v in others if v != u)]
                # none reads another's fact: the member closest to the representative stays alone
                best = max(others, key=lambda u: (float(scores[(rep, u)][0] + scores[(rep, u)][2]), -u))
                g = [u for u in g if u == rep or u in (ok or [best])]
            out.append(g)
        return out

    return run


def unit_span(prep: Prepared, u: int) -> Any:
    """The spaCy span of unit ``u`` (its sentence's span when the unit's bounds do not align)."""
    unit = prep.units[u]
    sent = prep.spacy_span(unit.sentence)
    base = prep.sentences[unit.sentence].start - sent.start_char
    span = sent.doc.char_span(unit.start - base, unit.end - base, alignment_mode="expand")
    return span if span is not None else sent


def _conflict(prep: Prepared, a: int, b: int) -> bool:
    sa, sb = unit_span(prep, a), unit_span(prep, b)
    # one side negated and the other not is never one fact, whether or not the negation check
    # reads it as a denial ("No debris has been found" against "the debris was from the flight")
    if negates_anyhow(sa) != negates_anyhow(sb):
        return True
    # Both give figures and none of them alike: two facts ("net income of $3.2 million in the second
    # quarter" against "a net loss of $610,000 in the first quarter"), or one fact given two ways,
    # which is a contradiction for contradict.py to weigh, never a consensus.
    if figures_disagree(sa, sb):
        return True
    # one side reports as done what the other reports as still to come ("signed an order" against
    # "said he would sign an order"): a plan and its outcome are two facts
    if done_and_to_come(sa, sb):
        return True
    # one side does what the other undoes ("resumed" against "suspended"), or they give the crowd
    # two sizes in words ("hundreds" against "thousands")
    if opposite_actions(sa, sb) or magnitudes_disagree(sa, sb):
        return True
    # each names the day and no day is shared (the 2038 reading grouped "died early Thursday"
    # with another outlet's "died early Tuesday" as one fact)
    if weekdays_disagree(sa, sb):
        return True
    # A member that any typed check (checks.REGISTRY) finds at odds with the representative states
    # another fact, whatever the model says: a figure, a date or a name given differently ("up 19
    # cents at A$4.56" against "jumped 20 cents"; "the Dow jumped 2.09 percent" against "the S&P
    # gained 1.13 percent"), a denial of it, or the same words from another speaker. A
    # contradiction is never a consensus.
    return any(check.story(sa, sb) is not None for check in REGISTRY.values())


def _states(row: np.ndarray, params: VerifyParams) -> bool:
    """Does the member (b of the pair) state the representative's (a's) fact?"""
    return float(row[0]) >= params.same_fact or float(row[2]) >= params.entails
