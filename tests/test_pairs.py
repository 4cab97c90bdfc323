"""The shipped sentence-pair model: loader, digest, and that it separates obvious pairs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

import storylens
from storylens.errors import ConfigError
from storylens.pairs import HEADS, digest, get_pair_scorer, local, verified

DATA = Path(storylens.__file__).parent / "data"


@pytest.fixture(scope="module")
def scorer():
    return get_pair_scorer()


def test_shipped_model_matches_its_digest():
    meta = json.loads((DATA / "pairs.json").read_text())
    assert meta["heads"] == list(HEADS)
    assert digest(DATA / meta["file"]) == meta["sha256"]
    assert (DATA / "pairs-model-card.md").is_file()


def test_a_damaged_model_file_is_refused(tmp_path):
    meta = json.loads((DATA / "pairs.json").read_text())
    copy = tmp_path / "pairs.onnx"
    shutil.copyfile(DATA / meta["file"], copy)
    assert verified(copy, meta["sha256"]) == copy
    with copy.open("r+b") as fh:
        fh.seek(1000)
        fh.write(b"\x00\x01\x02\x03")
    with pytest.raises(ConfigError, match="digest does not match"):
        verified(copy, meta["sha256"])
    with pytest.raises(ConfigError, match="missing"):
        verified(tmp_path / "absent.onnx", meta["sha256"])


def test_a_folder_without_a_model_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="tokenizer.json and model.onnx"):
        local(tmp_path)


# Made-up sentences (none from the development data).
SAME = [("The city council approved the new budget on Tuesday.", "On Tuesday the council passed the new city budget."),
        ("The airline cancelled 300 flights because of the storm.", "Because of the storm, the airline called off 300 flights.")]
DIFFERENT = [("The city council approved the new budget on Tuesday.", "The mayor has not said whether she will run again."),
             ("The airline cancelled 300 flights because of the storm.", "Passengers were offered hotel vouchers at the airport.")]
CONTRA = [("The airline cancelled 300 flights because of the storm.", "The airline cancelled 900 flights because of the storm."),
          ("The council approved the new budget on Tuesday.", "The council did not approve the new budget on Tuesday.")]


def test_scorer_separates_obvious_pairs(scorer):
    same, diff, contra = (np.array([r for r in scorer.score(p)]) for p in (SAME, DIFFERENT, CONTRA))
    assert same.shape == (2, 4) and ((0 <= same) & (same <= 1)).all()
    assert same[:, 0].min() > 0.5 > diff[:, 0].max()  # same_fact
    assert contra[:, 3].min() > 0.5 > same[:, 3].max()  # contradiction
    assert contra[:, 3].min() > diff[:, 3].max()


def test_relate_reports_the_model_heads():
    out = storylens.relate(*CONTRA[0]).to_dict()
    assert out["kind"] == "contradict" and out["explanation"].startswith("number:")
    assert set(out) >= {"kind", "score", "explanation", "same_fact", "entails", "contradiction"}
    assert set(out["entails"]) == {"a_b", "b_a"}
    assert storylens.relate(*SAME[0]).kind == "agree"
    assert storylens.relate(*DIFFERENT[1]).kind in ("related", "unrelated")


def test_pair_alignment_members_state_the_representatives_fact(seed_dir, scorer):
    """alignment="pairs": each consensus member is a whole sentence the model says states the first
    member's fact (the same fact, or one that entails it); a sentence is in one claim."""
    from storylens.analyze.claims import build_claims
    from storylens.analyze.judge import judge
    from storylens.analyze.prepare import prepare
    from storylens.embed import get_embedder
    from storylens.ingest import read_inputs

    articles, _ = read_inputs([str(seed_dir)])
    prep = prepare(articles, get_embedder())
    judged = judge(prep, prep.similarity(), scorer)
    consensus = [c for c in build_claims(prep, judged) if c.kind == "consensus"]
    assert consensus
    seen: set[int] = set()
    for c in consensus:
        rep, *others = c.sentences
        assert others and all(judged.carries(m, rep) for m in others)
        assert [prep.sentences[i].span() for i in c.sentences] == c.support
        assert not seen & set(c.sentences)
        seen |= set(c.sentences)


def test_every_spelling_of_the_shipped_model_is_one_loaded_copy():
    assert get_pair_scorer() is get_pair_scorer("") is get_pair_scorer("storylens")
