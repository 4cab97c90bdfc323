"""Every tuned threshold of story analysis in one typed object, with where each value came from.

``AnalysisParams`` groups the alignment's (``AlignParams``), the contradiction search's
(``ContradictParams``), the pair model's bars on the clause groups (``verify.VerifyParams``) and the
pair stage's (``judge.Params``). ``analyze_articles(..., params=...)`` takes one, so a benchmark
sweeps a value with ``dataclasses.replace`` instead of rebinding module constants.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .judge import PARAMS, Params
from .verify import VERIFY, VerifyParams


@dataclass(frozen=True)
class AlignParams:
    """The clause alignment's bars (align.py); similarities are the blended unit similarity."""

    # Thresholds on the blended unit similarity, set on the seed story (gold.json) with claims
    # scored by ../shared/seeds/score_brief.py: link 0.3 with cohere 0.25-0.3 found 13/15 gold
    # facts; link 0.35 found 11/15 and 0.4 found 8/15; cohere 0.35 lost 2 more. The 95th percentile
    # of the best cross-outlet match of a unit with no gold counterpart was 0.33 there, so link
    # admits a few unrelated pairs that cohere and the one-unit-per-article rule then keep apart.
    # Checked on the development clusters of bench_align.py once word overlap weighed idf ** 0.4
    # (units.IDF_POWER): link = cohere = 0.28 adds 71 claims on facts 0.3 does not report, whose
    # share of content words in the reference summary (0.258) is that of single-source claims
    # (0.247), not of consensus claims (0.407); so the bars stay.
    link: float = 0.3
    cohere: float = 0.3
    # A candidate member whose span covers at least this share of a span already in an accepted
    # claim (same article) says the same thing again; 0.6 lets two clauses of one sentence carry
    # two facts.
    overlap: float = 0.6
    # A leftover stretch of a sentence shorter than this many words is not a detail of its own
    # ("he said", "on Monday"); same floor as units.MIN_UNIT_WORDS.
    min_detail_words: int = 5
    # A member is swapped for another unit of its sentence only when that one's mean similarity to
    # the other members is this much higher. Seed story: swaps at any gain (0.0-0.05) cost 2 gold
    # facts (12/15 -> 10/15: a clause won by a hair and lost the fragment); at 0.1 the facts stay
    # and one more unique detail is freed from a consensus span (4/8 -> 5/8). Measured again once a
    # member could be narrowed to a verbless piece too ("due to its weapons programmes"): 0.05 gives
    # 11/15, 0.1 14/15, 0.15 13/15 with one unique detail fewer.
    refine: float = 0.1
    # A member whose span is at least this share copied word for word (reuse.find_verbatim runs,
    # eight or more words in a row) from another member's span repeats that outlet's text, it does
    # not confirm it. 0.8 leaves room for a changed attribution or dateline around a copied passage;
    # on the seed-2028 reading (benchmarks/RESULTS.md 8b) 12 of 157 consensus claims were one
    # story's verse lines quoted whole by a second outlet, each covered 100%.
    copied: float = 0.8
    # Each article's first ``lead`` sentences (news puts the event in its lead) are also grouped
    # across articles as whole sentences, by the plain (uncentred) cosine of their vectors, when it
    # reaches ``lead_cos``; the pair model then confirms each member as for every group (verify.py).
    # The centred similarity above removes what a story's sentences share, and in a short story of
    # three outlets on one event that is the event itself: on the NeuS stories of the seed-2029
    # reading, three outlets' leads on one restaurant protest scored 0.21 or less centred and
    # 0.68-0.80 plain, and 4 of 10 stories had no consensus claim. Plain cosine of lead pairs there:
    # one event told twice 0.61-0.85; the same topic with another fact 0.50-0.59 (and one 0.70).
    # Set on the 47 NeuS stories of the 2029, 2030 and 2032 readings: 0.65 gives 32 of them a claim,
    # 0.6 gives 34 (a record fall in sales, a hearing's video) and a third outlet to three claims,
    # one fact each on reading, and one wrong third member (a remark beside the order it is about);
    # three lead sentences instead of two change nothing there.
    lead: int = 2
    lead_cos: float = 0.6


@dataclass(frozen=True)
class ContradictParams:
    """The similarity bands the typed checks run in (contradict.py; centred sentence similarity)."""

    # Pairs below this are about different things; set from the seed story, where the sentences an
    # analyst pairs as contradicting score 0.25-0.45 (they share the topic words but not the
    # polarity, which pulls embeddings apart).
    topic_min: float = 0.25
    # Number/date/entity/attribution checks need the two sentences to report the same fact. At 0.42
    # the seed story gave four date "contradictions" between different events (January vs March
    # accusations, 1991 vs 2022). 0.55 still let through different facts of one topic: on 100
    # development stories (50 NeuS, 50 Multi-News) 21 of the 67 typed contradictions scored
    # 0.55-0.6, and a reader would call 3 of them one (two different totals of a letter's words, a
    # denial of a report); above 0.6 they are mostly real (different death tolls, floors, index
    # falls). The seed story's contradiction of this kind scores 0.83.
    same_fact_min: float = 0.6


ALIGN = AlignParams()
CONTRADICT = ContradictParams()


@dataclass(frozen=True)
class AnalysisParams:
    """All of story analysis's tuned values; ``DEFAULT`` is what storylens ships."""

    align: AlignParams = ALIGN
    contradict: ContradictParams = CONTRADICT
    verify: VerifyParams = VERIFY
    judge: Params = field(default=PARAMS)


DEFAULT = AnalysisParams()
