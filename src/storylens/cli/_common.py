"""What the command modules share: exit statuses, one-line problems and errors, output, spinners.

Only click is imported here: the rest (rich, the renderers) is imported where it is used, so that
``storylens --help`` stays fast."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..errors import StorylensError

# Exit statuses: 0 success; 1 nothing could be done (an error); 2 usage error (click);
# 3 --strict was given and some input was skipped.
EXIT_ERROR, EXIT_SKIPPED = 1, 3


_BREAKS = str.maketrans({"\n": "\\n", "\r": "\\r", "\x85": "\\x85", "\u2028": "\\u2028",
                         "\u2029": "\\u2029"})


def one_line(text: str) -> str:
    """``text`` with line breaks escaped: an input named with a newline cannot forge another line."""
    return text.translate(_BREAKS)


def problem_line(problem: Any) -> str:
    """``Skipped: SOURCE: REASON``, or ``Warning: ...`` for an article kept but cut at a limit."""
    return f"{'Warning' if getattr(problem, 'kept', False) else 'Skipped'}: {one_line(str(problem))}"


def fail_cleanly(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The command with a StorylensError turned into one ``Error: ...`` line and exit status 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except StorylensError as exc:
            click.echo(f"Error: {one_line(str(exc))}", err=True)
            sys.exit(EXIT_ERROR)
    return wrapper


def write(text: str, output: str | None) -> None:
    """``text`` to the file ``output`` (ending in a newline), else to stdout."""
    if output:
        try:
            Path(output).write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        except OSError as exc:
            raise StorylensError(exc.strerror or "cannot write", source=output) from None
    else:
        click.echo(text)


def guess_format(fmt: str | None, output: str | None) -> str:
    """``--format`` when given, else the one the ``-o`` file's extension names, else text."""
    if fmt:
        return fmt
    suffix = Path(output).suffix.lower() if output else ""
    return {".json": "json", ".jsonl": "jsonl", ".md": "markdown", ".html": "html", ".htm": "html"}.get(suffix, "text")


class progress:
    """A progress bar over stories on stderr when it is a terminal; yields a function to advance it."""

    def __init__(self, total: int) -> None:
        self.total = total
        self._bar: Any = None

    def __enter__(self) -> Callable[[], None]:
        if not sys.stderr.isatty():
            return lambda: None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self._bar = Progress(TextColumn("Analysing stories"), BarColumn(), MofNCompleteColumn(),
                             TimeElapsedColumn(), console=Console(stderr=True), transient=True)
        self._bar.__enter__()
        task = self._bar.add_task("stories", total=self.total)
        return lambda: self._bar.advance(task)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)


class status:
    """A spinner on stderr while long work runs, only when stderr is a terminal."""

    def __init__(self, message: str) -> None:
        self.message = message
        self._status: Any = None

    def __enter__(self) -> status:  # noqa: PYI034 - private, never subclassed
        if sys.stderr.isatty():
            from rich.console import Console

            self._status = Console(stderr=True).status(self.message + "…")
            self._status.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._status is not None:
            self._status.__exit__(*exc)


def emit(brief: Any, fmt: str, output: str | None) -> None:
    from ..render import render

    if fmt == "text" and not output and sys.stdout.isatty():
        from rich.console import Console

        from ..render.text import print_brief

        print_brief(brief, Console())
    else:
        write(render(brief, fmt), output)


DB_HELP = "The store (SQLite file). Default: storylens.db, or 'db' in the config / STORYLENS_DB."


def db_path(db: str | None) -> str:
    """The store named by --db, else by the settings."""
    from ..config import load_settings

    return db or load_settings().db


def need_db(path: str) -> str:
    """``path`` if the store exists (a command that reads a store must not create an empty one)."""
    if not Path(path).is_file():
        raise StorylensError("no such store; create it with `storylens ingest SOURCE --db PATH`", path)
    return path


def waiting_line(path: str) -> Callable[[], None]:
    """What to print when the store's writer lock is held by another ingest."""
    return lambda: click.echo(f"{one_line(path)}: waiting for the store (another ingest is writing to it)", err=True)
