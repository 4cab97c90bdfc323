"""The batch commands: batch (the corpus-mode stages over a whole corpus, on an engine, written as
Parquet tables) and import (those tables into a store)."""

from __future__ import annotations

import json
import sys

import click

from ..config import BATCH
from ..levels import LEVELS
from ._common import DB_HELP, db_path, fail_cleanly, problem_line, status

ENGINE_CHOICES = ("local", "spark")  # engines.ENGINES (not imported here: `storylens --help` stays light)


@click.command()
@click.argument("sources", nargs=-1, required=True)
@click.option("--engine", type=click.Choice(ENGINE_CHOICES), default="local", show_default=True,
              help="Where the stages run: local (in this process, the pipeline `ingest` runs) or spark "
                   "(duplicates and embedding on Spark, the clustering replayed on the driver: the same tables).")
@click.option("--master", default="local[2]", show_default=True,
              help="The Spark master URL (--engine spark only).")
@click.option("--out", required=True, metavar="DIR", help="The folder the Parquet tables are written to.")
@click.option("--batch", type=click.IntRange(1, 100_000), default=BATCH, show_default=True,
              help="Articles per batch of the stages.")
@click.option("--embedder", default=None, help="As for `ingest`: 'minilm' (default), 'multilingual' or a local "
              "sentence-transformers folder.")
@click.option("--level", type=click.Choice(list(LEVELS)), default=None,
              help="What a story is: one event (the default) or a topic followed across events.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: a closing summary line on stderr; json: the counts on stdout.")
@fail_cleanly
def batch(sources: tuple[str, ...], engine: str, master: str, out: str, batch: int, embedder: str | None,
          level: str | None, fmt: str) -> None:
    """Run the corpus-mode stages over SOURCES and write Parquet tables under DIR.

    SOURCES are what `ingest` reads. The stages (read, clean, language id, exact and near
    duplicates, embedding, story clustering) run on the chosen engine; DIR then holds the tables
    articles, duplicates, stories, membership and the clusterer's state (features, signatures,
    aliases, sentences, settings) with a manifest.json. `storylens import DIR --db PATH` loads them
    into a store. Needs pandas and pyarrow (pip install 'storylens[batch]'); --engine spark
    also pyspark and Java 17 (pip install 'storylens[spark]').
    """
    from ..config import load_settings
    from ..embed import get_embedder
    from ..engines import run_batch

    spec = load_settings(embedder=embedder).embedder
    options: dict[str, object] = {"embedder": get_embedder(spec), "level": level, "batch": batch}
    if engine == "spark":
        options.update(spec=spec, master=master)
    with status(f"Running the batch stages ({engine})"):
        report = run_batch(list(sources), out, engine=engine, **options)
    for problem in report.problems:
        click.echo(problem_line(problem), err=True)
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        click.echo(report.summary(), err=True)
    if report.read == 0 and report.failed:
        sys.exit(1)


@click.command("import")
@click.argument("out", metavar="DIR")
@click.option("--db", default=None, help=DB_HELP)
@fail_cleanly
def import_(out: str, db: str | None) -> None:
    """Load the tables `storylens batch` wrote under DIR into a new or empty store.

    The store then holds what an `ingest` of the same sources would: the same articles, copies,
    stories and story ids, so `stories`, `show`, `serve` and later `ingest` runs continue from it.
    """
    from ..engines import import_batch

    path = db_path(db)
    with status("Importing"):
        report = import_batch(out, path)
    click.echo(report.summary(), err=True)
