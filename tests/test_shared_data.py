"""Tests that need ../shared fail when it is missing, unless STORYLENS_ALLOW_NO_SHARED=1 (tests/_shared.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from _shared import ALLOW_ENV, need


def test_a_missing_data_path_fails_the_test(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ALLOW_ENV, raising=False)
    with pytest.raises(pytest.fail.Exception, match="missing: this test needs ../shared"):
        need(tmp_path / "absent")


def test_the_allow_variable_turns_the_failure_into_a_skip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ALLOW_ENV, "1")
    with pytest.raises(pytest.skip.Exception):
        need(tmp_path / "absent")


def test_a_present_path_passes_through(tmp_path: Path) -> None:
    assert need(tmp_path) == tmp_path
