"""The one-story commands: analyze, extract, relate (each a call of the Python API)."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import click

from ..errors import StorylensError
from ._common import (
    EXIT_ERROR,
    EXIT_SKIPPED,
    emit,
    fail_cleanly,
    guess_format,
    problem_line,
    progress,
    status,
    write,
)


@click.command()
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
@fail_cleanly
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
    from .. import api

    settings = {"summary_words": summary_words, "embedder": embedder}
    stories, problems = api.read_stories(list(inputs), strict=strict, **settings)
    for problem in problems:
        click.echo(problem_line(problem), err=True)
    if not any(stories.values()):
        raise api.no_articles(list(inputs), problems)
    fmt = guess_format(fmt, output)
    if len(stories) > 1 and (fmt in ("json", "html") or html_out):
        raise StorylensError(f"the input holds {len(stories)} stories (JSONL 'story' field); "
                             "use --format jsonl, text or markdown", source="--format")
    if len(stories) > 1 or fmt == "jsonl":
        _analyze_many(stories, fmt, output, settings)
    else:
        with status("Analysing"):
            brief = next(api.analyze_stories(stories, **settings))
        brief.skipped = problems
        emit(brief, fmt, output)
        if html_out:
            from ..render import render

            write(render(brief, "html"), html_out)
            click.echo(f"HTML report written to {html_out}", err=True)
    if strict and problems:
        sys.exit(EXIT_SKIPPED)


def _analyze_many(stories: dict[Any, list[Any]], fmt: str, output: str | None, settings: dict[str, Any]) -> None:
    """Analyse story after story, writing each brief as soon as it is done (progress on stderr)."""
    from .. import api
    from ..render import render

    out = open(output, "w", encoding="utf-8") if output else None  # noqa: SIM115 - closed below
    try:
        with progress(len(stories)) as advance:
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


@click.command()
@click.argument("source")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@fail_cleanly
def extract(source: str, fmt: str) -> None:
    """Extract and clean one article from a file or URL (title, author, outlet, date, text)."""
    from .. import api

    article = api.extract(source)
    if fmt == "json":
        from ..model import article_dict

        click.echo(json.dumps(article_dict(article), ensure_ascii=False, indent=2))
        return
    meta = [("Title", article.title), ("Outlet", article.outlet), ("Author", article.author),
            ("Published", article.published), ("URL", article.url), ("Language", article.language)]
    for label, value in meta:
        if value:
            click.echo(f"{label}: {value}")
    click.echo("")
    click.echo(article.text)


@click.command()
@click.argument("sentence_a")
@click.argument("sentence_b")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@fail_cleanly
def relate(sentence_a: str, sentence_b: str, fmt: str) -> None:
    """Say whether SENTENCE_B agrees with, contradicts, relates to or is unrelated to SENTENCE_A."""
    from .. import api

    rel = api.relate(sentence_a, sentence_b)
    if fmt == "json":
        click.echo(json.dumps(rel.to_dict(), ensure_ascii=False))
    else:
        click.echo(f"{rel.kind} ({rel.score:.2f}): {rel.explanation}")


