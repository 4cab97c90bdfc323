"""Shared fixtures: the repository root, the bundled seed story, and one analysis of it per session."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _shared import need

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "examples" / "russia-day"
GOLD = ROOT.parent / "shared" / "seeds" / "gold.json"


@pytest.fixture(scope="session")
def seed_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def gold() -> dict:
    return json.loads(need(GOLD).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def seed_brief():
    """The seed story analysed once for the whole session (models load once)."""
    import storylens

    return storylens.analyze(str(SEEDS))
