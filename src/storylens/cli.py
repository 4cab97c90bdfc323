"""Command line: a thin layer over the Python API. Errors become one line, never a traceback."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from . import api
from .errors import StorylensError

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


def _fail_cleanly(fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except StorylensError as exc:
            click.echo(f"Error: {one_line(str(exc))}", err=True)
            sys.exit(EXIT_ERROR)
    return wrapper


def _write(text: str, output: str | None) -> None:
    if output:
        try:
            Path(output).write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        except OSError as exc:
            raise StorylensError(exc.strerror or "cannot write", source=output) from None
    else:
        click.echo(text)


def _guess_format(fmt: str | None, output: str | None) -> str:
    if fmt:
        return fmt
    suffix = Path(output).suffix.lower() if output else ""
    return {".json": "json", ".jsonl": "jsonl", ".md": "markdown", ".html": "html", ".htm": "html"}.get(suffix, "text")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="storylens")
def main() -> None:
    """storylens: read one news story across all the outlets that tell it."""


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "jsonl", "markdown", "html"]),
              help="Output format. Default: from the -o file's extension, else text. "
                   "jsonl writes one brief per line, one per story.")
@click.option("--summary-words", type=click.IntRange(10, 2000), default=None,
              help="Length of the cited summary in words (default 120).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the brief here instead of stdout.")
@click.option("--html", "html_out", type=click.Path(dir_okay=False),
              help="Also write a self-contained HTML report to this file (one story only).")
@click.option("--strict", is_flag=True, help="Skip (do not analyse) an article cut at a limit, and exit with "
              f"status {EXIT_SKIPPED} if any input was skipped.")
@click.option("--embedder", default=None, help="'minilm' (default) or a local sentence-transformers folder.")
@_fail_cleanly
def analyze(inputs: tuple[str, ...], fmt: str | None, summary_words: int | None, output: str | None,
            html_out: str | None, strict: bool, embedder: str | None) -> None:
    """Analyse INPUTS (files, directories, URLs, JSONL) as one story, or one story per label.

    Prints what the outlets agree on and who carries each fact, single-source details,
    contradictions with their type, reused passages, quotes, entities, a timeline and a
    summary whose every sentence cites its sources. Unreadable inputs are reported on
    stderr, one line each, and skipped; the exit status is 1 only if nothing could be read.

    When JSONL lines carry a "story" field, each story is analysed on its own (models are
    loaded once) and its brief gets that label as story id; --format jsonl then writes one
    brief per line in input order. Text and Markdown print the briefs one after another;
    json and html need a single story.
    """
    settings = {"summary_words": summary_words, "embedder": embedder}
    stories, problems = api.read_stories(list(inputs), strict=strict, **settings)
    for problem in problems:
        click.echo(problem_line(problem), err=True)
    if not any(stories.values()):
        raise api.no_articles(list(inputs), problems)
    fmt = _guess_format(fmt, output)
    if len(stories) > 1 and (fmt in ("json", "html") or html_out):
        raise StorylensError(f"the input holds {len(stories)} stories (JSONL 'story' field); "
                             "use --format jsonl, text or markdown", source="--format")
    if len(stories) > 1 or fmt == "jsonl":
        _analyze_many(stories, fmt, output, settings)
    else:
        with _status("Analysing"):
            brief = next(api.analyze_stories(stories, **settings))
        brief.skipped = problems
        _emit(brief, fmt, output)
        if html_out:
            from .render import render

            _write(render(brief, "html"), html_out)
            click.echo(f"HTML report written to {html_out}", err=True)
    if strict and problems:
        sys.exit(EXIT_SKIPPED)


def _emit(brief: Any, fmt: str, output: str | None) -> None:
    from .render import render

    if fmt == "text" and not output and sys.stdout.isatty():
        from rich.console import Console

        from .render.text import print_brief

        print_brief(brief, Console())
    else:
        _write(render(brief, fmt), output)


def _analyze_many(stories: dict[Any, list[Any]], fmt: str, output: str | None, settings: dict[str, Any]) -> None:
    """Analyse story after story, writing each brief as soon as it is done (progress on stderr)."""
    from .render import render

    out = open(output, "w", encoding="utf-8") if output else None  # noqa: SIM115 - closed below
    try:
        with _progress(len(stories)) as advance:
            for i, brief in enumerate(api.analyze_stories(stories, **settings)):
                if fmt == "jsonl":
                    text = json.dumps(brief.to_dict(), ensure_ascii=False) + "\n"
                else:
                    text = ("\n" if i else "") + render(brief, fmt).rstrip("\n") + "\n"
                if out:
                    out.write(text)
                    out.flush()
                else:
                    click.echo(text, nl=False)
                advance()
    except BrokenPipeError:  # the reader (e.g. head) stopped reading: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_ERROR)
    except OSError as exc:
        raise StorylensError(exc.strerror or "cannot write", source=output) from None
    finally:
        if out:
            out.close()


@main.command()
@click.argument("source")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_fail_cleanly
def extract(source: str, fmt: str) -> None:
    """Extract and clean one article from a file or URL (title, author, outlet, date, text)."""
    article = api.extract(source)
    if fmt == "json":
        d = article.to_dict(full=False)
        d = {"schema": "storylens.article/1", **{k: d[k] for k in
             ("id", "title", "author", "outlet", "published", "url", "language", "text")}}
        click.echo(json.dumps(d, ensure_ascii=False, indent=2))
        return
    meta = [("Title", article.title), ("Outlet", article.outlet), ("Author", article.author),
            ("Published", article.published), ("URL", article.url), ("Language", article.language)]
    for label, value in meta:
        if value:
            click.echo(f"{label}: {value}")
    click.echo("")
    click.echo(article.text)


@main.command()
@click.argument("sentence_a")
@click.argument("sentence_b")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_fail_cleanly
def relate(sentence_a: str, sentence_b: str, fmt: str) -> None:
    """Say whether SENTENCE_B agrees with, contradicts, relates to or is unrelated to SENTENCE_A."""
    rel = api.relate(sentence_a, sentence_b)
    if fmt == "json":
        click.echo(json.dumps(rel.to_dict(), ensure_ascii=False))
    else:
        click.echo(f"{rel.kind} ({rel.score:.2f}): {rel.explanation}")


class _progress:
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


class _status:
    """A spinner on stderr while long work runs, only when stderr is a terminal."""

    def __init__(self, message: str) -> None:
        self.message = message
        self._status: Any = None

    def __enter__(self) -> _status:  # noqa: PYI034 - private, never subclassed
        if sys.stderr.isatty():
            from rich.console import Console

            self._status = Console(stderr=True).status(self.message + "…")
            self._status.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._status is not None:
            self._status.__exit__(*exc)


# the corpus commands (ingest, stories, show, cluster) and the web app (serve) register themselves on ``main``
from . import cli_corpus, cli_web  # noqa: F401

if __name__ == "__main__":  # pragma: no cover
    # run the package's own module, where the corpus commands registered themselves
    from storylens.cli import main as _main

    _main()
