"""One typed object holds analysis's tuned values, and analyze_articles reads it (analyze/params.py)."""

from __future__ import annotations

from dataclasses import replace

from storylens.analyze import analyze_articles
from storylens.analyze.params import DEFAULT
from storylens.ingest import read_inputs


def test_params_reach_every_stage(seed_dir):
    articles, _ = read_inputs([str(seed_dir)])
    shipped = analyze_articles(articles)
    assert analyze_articles(articles, params=DEFAULT).to_dict() == shipped.to_dict()
    assert any(c.kind == "consensus" for c in shipped.claims) and shipped.contradictions
    # no unit pair reaches a link bar of 1.0 and no lead pair a plain cosine of 1.0: no consensus
    # claim; with the leads' bar as shipped, the leads still make one
    strict = analyze_articles(articles, params=replace(DEFAULT, align=replace(DEFAULT.align, link=1.01, lead_cos=1.01)))
    assert not any(c.kind == "consensus" for c in strict.claims)
    leads = analyze_articles(articles, params=replace(DEFAULT, align=replace(DEFAULT.align, link=1.01)))
    assert any(c.kind == "consensus" for c in leads.claims)
    # no sentence pair is in a topic band above 1.0: no contradiction
    none = analyze_articles(articles, params=replace(DEFAULT, contradict=replace(DEFAULT.contradict, topic_min=1.01,
                                                                                same_fact_min=1.01)))
    assert not none.contradictions
    # the pair model's bar on members, at 1.01, keeps none: no consensus either
    vetoed = analyze_articles(articles, params=replace(DEFAULT, verify=replace(DEFAULT.verify, same_fact=1.01, entails=1.01)))
    assert not any(c.kind == "consensus" for c in vetoed.claims)
