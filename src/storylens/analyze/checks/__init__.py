"""The typed contradiction checks, one module each, and the one registry that story analysis
(``contradict.check_pair``) and ``relate`` both read.

A check takes two spaCy spans and returns a one-line explanation a reader can verify, or None.
Adding a check is one new module here plus one line in ``REGISTRY``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from types import MappingProxyType
from typing import Any

from . import attribution, date, entity, negation, number

CheckFn = Callable[[Any, Any], str | None]


@dataclass(frozen=True)
class Check:
    """One typed check in its two forms.

    ``story`` is the strict form story analysis runs on its hundreds of candidate pairs; ``pair``
    the form ``relate`` runs on the one pair a reader chose (looser where the check has a strict
    rule). ``same_fact``: the story path runs it only on pairs in the same-fact band
    (params.ContradictParams.same_fact_min) rather than from the topic band (topic_min).
    ``pair_rank``: where ``relate`` reports it when several checks fire on one pair, lowest first.
    """

    name: str
    story: CheckFn
    pair: CheckFn
    same_fact: bool
    pair_rank: int


# In the order the story path tries them (the first that fires names the contradiction). relate
# reports the most specific reading first (pair_rank): negation, attribution, then the rest.
REGISTRY: Mapping[str, Check] = MappingProxyType({c.name: c for c in (
    # A denial pulls the embeddings apart, so negation runs from the topic band (ContradictParams.topic_min).
    Check("negation", negation.check_negation, partial(negation.check_negation, strict=False),
          same_fact=False, pair_rank=0),
    # Number, date and entity need the two sentences to report the same fact (ContradictParams.same_fact_min).
    Check("number", number.check_number, number.check_number, same_fact=True, pair_rank=2),
    Check("date", date.check_date, date.check_date, same_fact=True, pair_rank=3),
    Check("entity", entity.check_entity, entity.check_entity, same_fact=True, pair_rank=4),
    # Attribution waits for the same-fact band: at topic_min the seed story paired a capital city's
    # claim with its country's accusation (one party under two names) about different events.
    Check("attribution", attribution.check_attribution, partial(attribution.check_attribution, strict=False),
          same_fact=True, pair_rank=1),
)})


def pair_checks() -> dict[str, CheckFn]:
    """name -> the form ``relate`` runs, in the order it reports them (``pair_rank``)."""
    return {c.name: c.pair for c in sorted(REGISTRY.values(), key=lambda c: c.pair_rank)}


__all__ = ["REGISTRY", "Check", "CheckFn", "pair_checks"]
