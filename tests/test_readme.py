"""The README's demo output is what the real command prints (scripts/readme_demo.py regenerates it)."""

from __future__ import annotations

from _scripts import ROOT, load_script


def _script():
    return load_script("scripts/readme_demo.py")


def test_readme_demo_is_what_the_command_prints() -> None:
    demo = _script()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    expected = demo.replace_block(readme, demo.block(demo.command_output()))
    assert readme == expected, "README.md's demo drifted from the command: run python scripts/readme_demo.py"


def test_abridged_demo_keeps_the_panel_and_stops_before_the_summary() -> None:
    demo = _script()
    output = "Story s-1: T\n1 article\n\nAt a glance ───\nDisputed\n\nSummary ───\n 1. x\n"
    assert demo.abridge(output) == "Story s-1: T\n1 article\n\nAt a glance ───\nDisputed\n...\n"
