"""The README's demo output is what the real command prints (scripts/readme_demo.py regenerates it)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _script():
    spec = importlib.util.spec_from_file_location("readme_demo", ROOT / "scripts" / "readme_demo.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_demo_is_what_the_command_prints() -> None:
    demo = _script()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    expected = demo.replace_block(readme, demo.block(demo.command_output()))
    assert readme == expected, "README.md's demo drifted from the command: run python scripts/readme_demo.py"


def test_abridged_demo_keeps_the_panel_and_stops_before_the_summary() -> None:
    demo = _script()
    output = "Story s-1: T\n1 article\n\nAt a glance ───\nDisputed\n\nSummary ───\n 1. x\n"
    assert demo.abridge(output) == "Story s-1: T\n1 article\n\nAt a glance ───\nDisputed\n...\n"
