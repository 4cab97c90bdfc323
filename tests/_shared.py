"""The data beside the checkout (``../shared``: the seed gold, development sets, the extraction
benchmark) that some tests read.

CI always has it, so a test that needs it and does not find it fails, naming the path: a silent skip
would pass a run that never checked the seed gold. ``STORYLENS_ALLOW_NO_SHARED=1`` turns those
failures into skips, for a clone without the data.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
ALLOW_ENV = "STORYLENS_ALLOW_NO_SHARED"


def need(path: Path) -> Path:
    """``path`` (under ../shared) if it exists; else fail the test (skip it when ALLOW_ENV is 1)."""
    if path.exists():
        return path
    why = f"{path} is missing: this test needs ../shared beside the checkout"
    if os.environ.get(ALLOW_ENV) == "1":
        pytest.skip(why)
    pytest.fail(f"{why} (set {ALLOW_ENV}=1 to skip the tests that need it)", pytrace=False)
