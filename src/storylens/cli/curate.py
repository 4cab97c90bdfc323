"""The curation commands: story move, merge, split, rename, undo, log (each a call of curation.py).
``article remove`` (cli/corpus.py) is logged among the same decisions."""

from __future__ import annotations

import json
from typing import Any

import click

from ._common import DB_HELP, db_path, fail_cleanly, need_db, one_line, waiting_line

_FORMAT = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
_DB = click.option("--db", default=None, help=DB_HELP)


def _done(decision: Any, fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(decision.to_dict(), ensure_ascii=False))
    else:
        click.echo(one_line(decision.summary[:1].upper() + decision.summary[1:]))


@click.group()
def story() -> None:
    """Curate the stored stories: move an article, merge, split, rename; undo; the log.

    Each change is a decision stored with the stories: later ingests keep it (a moved article stays
    where it was put, a merged story stays merged, a split stays split, a given title stays), and
    `storylens story undo` reverts the newest one. Like ingest, each waits while an ingest writes.
    """


@story.command("move")
@click.argument("article")
@click.option("--to", "to", required=True, metavar="STORY|new",
              help="The story to move it to (an id from `storylens stories`), or 'new' for a story of its own.")
@_DB
@_FORMAT
@fail_cleanly
def move(article: str, to: str, db: str | None, fmt: str) -> None:
    """Move ARTICLE (and its copies) to another story, or to a new one.

    It stays there: its old and new stories are never merged again, and no automatic split moves it.
    """
    from ..curation import move as run

    path = need_db(db_path(db))
    _done(run(path, article, to, waiting=waiting_line(path)), fmt)


@story.command("merge")
@click.argument("a")
@click.argument("b")
@_DB
@_FORMAT
@fail_cleanly
def merge(a: str, b: str, db: str | None, fmt: str) -> None:
    """Merge story B into story A: A keeps its id and title, B's id leads to A.

    It stays merged: no automatic split takes the articles of A and B apart. (Later ingests may
    choose A's title again, as for any story; `storylens story rename` fixes one for good.)
    """
    from ..curation import merge as run

    path = need_db(db_path(db))
    _done(run(path, a, b, waiting=waiting_line(path)), fmt)


@story.command("split")
@click.argument("story_id", metavar="STORY")
@click.argument("articles", nargs=-1, required=True)
@_DB
@_FORMAT
@fail_cleanly
def split(story_id: str, articles: tuple[str, ...], db: str | None, fmt: str) -> None:
    """Split ARTICLES (and their copies) off STORY into a new story.

    It stays split: the two stories are never merged again, and no automatic split moves the
    articles named.
    """
    from ..curation import split as run

    path = need_db(db_path(db))
    _done(run(path, story_id, list(articles), waiting=waiting_line(path)), fmt)


@story.command("rename")
@click.argument("story_id", metavar="STORY")
@click.argument("title")
@_DB
@_FORMAT
@fail_cleanly
def rename(story_id: str, title: str, db: str | None, fmt: str) -> None:
    """Give STORY the title TITLE; later ingests keep it."""
    from ..curation import rename as run

    path = need_db(db_path(db))
    _done(run(path, story_id, title, waiting=waiting_line(path)), fmt)


@story.command("undo")
@_DB
@_FORMAT
@fail_cleanly
def undo(db: str | None, fmt: str) -> None:
    """Revert the newest curation decision still in force (run again for the one before).

    A removal (`storylens article remove`) is final: undo passes over it.
    """
    from ..curation import undo as run

    path = need_db(db_path(db))
    decision = run(path, waiting=waiting_line(path))
    if fmt == "json":
        click.echo(json.dumps(decision.to_dict(), ensure_ascii=False))
    else:
        click.echo(f"Undone: {one_line(decision.summary)}")


@story.command("log")
@_DB
@click.option("--limit", type=click.IntRange(1), default=None, help="Show only the newest N decisions.")
@_FORMAT
@fail_cleanly
def log(db: str | None, limit: int | None, fmt: str) -> None:
    """List the curation decisions (moves, merges, splits, renames, removals), newest first."""
    from ..curation import log as read

    decisions = read(need_db(db_path(db)), limit=limit)
    if fmt == "json":
        click.echo(json.dumps({"decisions": [d.to_dict() for d in decisions]}, ensure_ascii=False))
        return
    if not decisions:
        click.echo("No decisions yet.")
    for d in decisions:
        undone = f"  (undone {d.undone[:16]})" if d.undone else ""
        click.echo(f"{d.id:>4}  {d.at[:16]}  {d.action:<6}  {one_line(d.summary)}{undone}")
