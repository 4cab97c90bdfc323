"""Write the command-line reference, docs/cli.md, from the commands' own ``--help``.

    python scripts/cli_reference.py          # rewrite docs/cli.md
    python scripts/cli_reference.py --check  # exit 1 when docs/cli.md differs from the code

Every command and subcommand of ``storylens`` gets a section holding its ``--help`` exactly as click
prints it at WIDTH columns. tests/test_docs.py fails when docs/cli.md drifts from the code (a flag
renamed, added or removed; a help text changed) and when the README names a flag a command lacks.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "docs" / "cli.md"
# Columns the help is wrapped at: click's own default width (80), so the reference reads as a terminal shows it.
WIDTH = 80
HEADER = """# Command-line reference

Generated from each command's `--help` by `scripts/cli_reference.py`; do not edit by hand
(`tests/test_docs.py` fails when this file drifts from the code: run the script again).
"""


def commands(group: click.Group, path: tuple[str, ...] = ("storylens",)) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    """(name path, command) for the group and every command under it, depth first, by name."""
    yield path, group
    for name in sorted(group.commands):
        sub = group.commands[name]
        if isinstance(sub, click.Group):
            yield from commands(sub, (*path, name))
        else:
            yield (*path, name), sub


def help_text(group: click.Group, path: tuple[str, ...]) -> str:
    """What ``storylens ... --help`` prints for the command at ``path``, at WIDTH columns."""
    from click.testing import CliRunner

    result = CliRunner().invoke(group, [*path[1:], "--help"], prog_name=path[0], terminal_width=WIDTH)
    if result.exit_code != 0:
        raise SystemExit(f"{' '.join(path)} --help failed: {result.output}")
    return result.output.rstrip() + "\n"


def render(group: click.Group | None = None) -> str:
    """The whole reference for ``group`` (default: the storylens CLI)."""
    if group is None:
        from storylens.cli import main as group
    parts = [HEADER]
    for path, _ in commands(group):
        parts.append(f"\n## `{' '.join(path)}`\n\n```text\n{help_text(group, path)}```\n")
    return "".join(parts)


FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]*")
# `--flag`, default N: a default the README states
STATED_DEFAULT = re.compile(r"`(--[a-z][a-z-]*)`, default ([\w.]+)")


def _spans(markdown: str) -> Iterator[tuple[int, str]]:
    """(line number, text) of each code span: a line of a fenced block, or an inline `...`."""
    fenced = False
    for n, line in enumerate(markdown.splitlines(), 1):
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif fenced:
            yield n, line
        else:
            yield from ((n, m) for m in re.findall(r"`([^`]+)`", line))


def _command_of(span: str, group: click.Group) -> tuple[str, click.Command] | None:
    """The storylens command a code span runs (``$ storylens show ...``, ``ingest --format json``)."""
    words = span.split()
    if words[:1] == ["$"]:
        words = words[1:]
    if words[:1] == ["storylens"]:
        words = words[1:]
    command: click.Command = group
    names = []
    while words and isinstance(command, click.Group) and words[0] in command.commands:
        names.append(words.pop(0))
        command = command.commands[names[-1]]
    return (" ".join(names), command) if names else None


def _options(command: click.Command) -> dict[str, click.Option]:
    return {opt: p for p in command.params if isinstance(p, click.Option) for opt in p.opts + p.secondary_opts}


def readme_problems(markdown: str, group: click.Group | None = None) -> list[str]:
    """Where the README disagrees with the CLI: a flag its command lacks (any command, outside a
    command's code), a value a choice option refuses, a default it misstates, a command never named."""
    if group is None:
        from storylens.cli import main as group
    every = {opt: p for _, c in commands(group) for opt, p in _options(c).items()} | {"--help": None, "--version": None}
    problems, named = [], set()
    for n, span in _spans(markdown):
        found = _command_of(span, group)
        known = every if found is None else {**_options(found[1]), "--help": None}
        if found:
            named.add(found[0].split()[0])
        for m in FLAG.finditer(span):
            flag = m.group()
            if flag not in known:
                where = f"`storylens {found[0]}`" if found else "any command"
                problems.append(f"README.md:{n}: {flag} is not an option of {where}")
                continue
            option = known[flag]
            value = span[m.end():].split(maxsplit=1)[0].strip("[]") if span[m.end():].startswith(" ") else ""
            if found and option is not None and isinstance(option.type, click.Choice) and value.islower():
                bad = [v for v in value.split("|") if v not in option.type.choices]
                if bad:
                    problems.append(f"README.md:{n}: {flag} {value}: {', '.join(bad)} is not one of its choices")
    for n, line in enumerate(markdown.splitlines(), 1):
        for flag, default in STATED_DEFAULT.findall(line):
            option = every.get(flag)
            if option is not None and str(option.default) != default:
                problems.append(f"README.md:{n}: {flag} defaults to {option.default}, not {default}")
    problems += [f"README.md never names `storylens {name}`" for name in sorted(set(group.commands) - named)]
    return problems


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="exit 1 when docs/cli.md is not what the code says")
    args = ap.parse_args()
    text = render()
    if args.check:
        problems = readme_problems((ROOT / "README.md").read_text(encoding="utf-8"))
        if not REFERENCE.is_file() or REFERENCE.read_text(encoding="utf-8") != text:
            problems.append(f"{REFERENCE.relative_to(ROOT)} drifted from the code: run python scripts/cli_reference.py")
        for problem in problems:
            print(problem, file=sys.stderr)
        raise SystemExit(1 if problems else 0)
    REFERENCE.parent.mkdir(parents=True, exist_ok=True)
    REFERENCE.write_text(text, encoding="utf-8")
    print(f"wrote {REFERENCE.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
