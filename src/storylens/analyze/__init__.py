"""Cross-source analysis of one story: the stages that turn articles into a Brief.

The core stages (parsed -> embedded -> units -> pairs, stages.py) are run by pipeline.run_pipeline,
which owns the concurrency; the analyses (claims, contradictions, reuse, quotes, entities, timeline,
summary) read its Prepared.
"""

from __future__ import annotations

import hashlib

from ..embed import Embedder, get_embedder
from ..model import Article, Brief, Entity, Quote, Reuse, Story
from ..pairs import PairScorer, get_pair_scorer
from .align import build_claims, count_copies
from .claims import build_claims as build_pair_claims
from .contradict import find_contradictions
from .entities import find_entities
from .judge import judge
from .params import DEFAULT, AnalysisParams
from .pipeline import run_pipeline
from .prepare import Prepared
from .present import present_claims
from .quotes import find_quotes
from .reuse import find_reuse, find_verbatim
from .stages import Parsed
from .timeline import build_timeline
from .verify import verifier


def story_id(articles: list[Article]) -> str:
    """A stable id from the sorted article ids: the same articles always give the same story id."""
    digest = hashlib.sha1("\n".join(sorted(a.id for a in articles)).encode()).hexdigest()
    return f"s-{digest[:10]}"


def story_title(prep: Prepared) -> str:
    """The first headline in input order (clean.is_headline: no body sentence, no boilerplate), else
    the first title; never a sentence of the text ("" when no article has a title). A corpus story's
    title is its most central article's headline instead (cluster.central_title)."""
    from ..clean import is_headline

    titled = [a.title for a in prep.articles if a.title]
    return next((t for t in titled if is_headline(t)), titled[0] if titled else "")


def _from_parses(parsed: Parsed) -> tuple[list[Entity], list[Quote], list[Reuse], dict[str, str]]:
    """Entities, quotes and verbatim copies (and the entities' display names, for present_claims):
    they need only the parses, so run_pipeline runs them while the model reads the sentences."""
    entities, names = find_entities(parsed)
    return entities, find_quotes(parsed, names), find_verbatim(parsed.articles), names


def analyze_articles(articles: list[Article], *, embedder: Embedder | None = None, summary_words: int = 120,
                     story: str | None = None, pair_scorer: PairScorer | None = None,
                     method: str = "verified", params: AnalysisParams = DEFAULT) -> Brief:
    """Analyse articles as one story and return its Brief.

    What needs only the parses (entities, quotes, verbatim copies) runs while the model pass does.
    ``method`` says who decides the consensus claims:
      "verified" (the default): embeddings group clause units (align.py), then the sentence-pair
                 model keeps only the members that state their group's fact (verify.py), and a
                 number, date, entity or attribution contradiction stands only when the model's
                 contradiction head agrees;
      "clauses": the embedding groups as they are (no pair model is loaded);
      "pairs":   whole sentences proposed by embeddings and judged by the pair model (judge.py,
                 claims.py), contradictions gated on its contradiction head: it loses seed-story
                 facts (benchmarks/RESULTS.md section 8).
    ``params`` holds every tuned threshold (params.AnalysisParams; ``DEFAULT`` is what ships).
    """
    # parsed -> embedded -> units -> pairs, with the parse-only analyses while the model runs
    prep, (entities, quotes, copied, names) = run_pipeline(articles, embedder or get_embedder(), _from_parses)
    sim = prep.similarity()
    # -> claims and contradictions
    if method == "pairs":  # the pair model decides claims and contradictions (issue 14, in progress)
        scorer = pair_scorer or get_pair_scorer()
        judged = judge(prep, sim, scorer, params.judge)
        claims = build_pair_claims(prep, judged)
        contradictions = find_contradictions(prep, sim, judged, scorer, params.contradict)
    else:
        scorer = (pair_scorer or get_pair_scorer()) if method == "verified" else None
        claims = build_claims(prep, sim, verifier(prep, scorer, params.verify) if scorer is not None else None,
                              params.align)
        claims = count_copies(claims, copied, params.align)  # a passage copied word for word is one source
        # a typed check proposes each contradiction; for a same-fact check the model's
        # contradiction head must agree (contradict._model_agrees: those few pairs only)
        contradictions = find_contradictions(prep, sim, scorer=scorer, params=params.contradict,
                                             bar=params.judge.contradiction)
    from ..summarize import summarize

    summary = summarize(prep, claims, summary_words)
    claims = present_claims(prep, claims, names)  # how a reader sees them; the claims themselves unchanged
    sid = story or story_id(articles)
    return Brief(story=Story(sid, story_title(prep), [a.id for a in articles]), articles=list(articles),
                 claims=claims, contradictions=contradictions, reuse=find_reuse(prep, sim, copied),
                 quotes=quotes, entities=entities, timeline=build_timeline(prep, sim),
                 summary=summary)
