"""The docs cannot drift from the code: docs/cli.md is the commands' own --help, and the README names
only flags, choices and defaults the commands have (scripts/cli_reference.py)."""

from __future__ import annotations

import click
import pytest
from _scripts import ROOT, load_script

from storylens.cli import main


def _script():
    return load_script("scripts/cli_reference.py")


def _readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_cli_reference_is_what_the_commands_print() -> None:
    ref = _script()
    assert (ROOT / "docs" / "cli.md").read_text(encoding="utf-8") == ref.render(), (
        "docs/cli.md drifted from the code: run python scripts/cli_reference.py")


def test_the_reference_has_every_command() -> None:
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for name in main.commands:
        assert f"## `storylens {name}`" in text
    assert "## `storylens article remove`" in text


def test_the_readme_agrees_with_the_commands() -> None:
    assert _script().readme_problems(_readme()) == []


def _option(command: click.Command, flag: str) -> click.Option:
    return next(p for p in command.params if isinstance(p, click.Option) and flag in p.opts)


def test_a_renamed_flag_fails_both_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rename analyze's --summary-words as a change to the code would: the reference no longer
    matches and the README's mention of the old name is reported."""
    ref = _script()
    committed = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    monkeypatch.setattr(_option(main.commands["analyze"], "--summary-words"), "opts", ["--summary-length"])
    assert ref.render() != committed
    assert "--summary-length" in ref.render()
    assert any("--summary-words is not an option of `storylens analyze`" in p for p in ref.readme_problems(_readme()))


def test_a_wrong_choice_or_default_in_the_readme_is_reported() -> None:
    ref = _script()
    readme = _readme()
    assert "--format text|json|markdown|html" in readme and "(`--batch`, default 256)" in readme
    wrong = readme.replace("--format text|json|markdown|html", "--format text|json|xml", 1).replace(
        "(`--batch`, default 256)", "(`--batch`, default 512)")
    problems = ref.readme_problems(wrong)
    assert any("xml is not one of its choices" in p for p in problems)
    assert any("--batch defaults to 256, not 512" in p for p in problems)


def test_a_command_the_readme_never_names_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(main.commands, "brandnew", click.Command("brandnew"))
    assert "README.md never names `storylens brandnew`" in _script().readme_problems(_readme())
