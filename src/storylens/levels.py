"""The granularities of story clustering (``LEVELS``): the constants of the join bar and the weight
of the embedding for each (cluster.py uses them). Kept apart from cluster.py, which needs numpy, so
that the command line can offer the level names without loading it."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_LEVEL", "LEVELS", "Level", "level_of"]


# The bar: two groups of a and b articles are one story when their mean similarity reaches
# join + (pair - join) / (a * b) ** decay: two single articles need ``pair``, an article and a big
# story little more than ``join`` (a broad story's members are less alike on average than one
# event's first two reports). Two stories merge at the same bar: the evidence that lets one article
# in lets a whole story in. ``dense_weight`` weighs the embedding against the rare-word vector.
@dataclass(frozen=True)
class Level:
    """One granularity of story: the constants of the bar and the weight of the embedding."""

    join: float
    pair: float
    decay: float
    dense_weight: float


# Two granularities, each chosen by benchmarks/tune_cluster.py (its tune.md lists the best settings):
# - "event" (the default: what a brief needs; two events about the same people are two stories): the
#   best mean of WikiRef220 B-cubed F1, SemEval-2022 en-en "same story" pair accuracy and B-cubed F1 on
#   news-dev (half of the Multi-News + NeuS stories, which share people and topics: US politics above
#   all): 0.888 / 0.962 / 0.803 (0.816 on the held-out news-test half; join 0.25, pair 0.3, decay 0.25,
#   weight 0.55 ties it, 0.8847 against 0.8843, and this one was measured at scale). Tuned on the news sets alone
#   the bar would rise to ~0.34 and cut WikiRef's big single events (a plane's disappearance, an
#   attack: 35-40 articles over days) into pieces (WikiRef 0.71), so WikiRef stays in the mean.
# - "topic" (a subject followed across events: a league's seasons, a politician, a product line): the
#   best mean of WikiRef B-cubed F1 (its gold stories are the subjects of Wikipedia pages) and SemEval
#   accuracy, the two sets issue 4 names: 0.925 / 0.971. It merges different events about the same
#   people on the news sets (news-test 0.54, precision ~0.4).
LEVELS: dict[str, Level] = {
    "event": Level(join=0.25, pair=0.3, decay=0.5, dense_weight=0.5),
    "topic": Level(join=0.16, pair=0.35, decay=0.5, dense_weight=0.7),
}
DEFAULT_LEVEL = "event"


def level_of(level: str | Level) -> Level:
    """The Level named ``level`` (a Level passes through); an unknown name is a ConfigError."""
    if isinstance(level, Level):
        return level
    if level not in LEVELS:
        from .errors import ConfigError

        raise ConfigError(f"unknown clustering level '{level}' (choose {' or '.join(LEVELS)})")
    return LEVELS[level]
