"""The command line: a thin layer over the Python API. Errors become one line, never a traceback.

Each module holds commands (``analysis``: analyze, extract, relate; ``corpus``: ingest, stories,
show, cluster, article; ``curate``: story; ``batch``: batch, import; ``web``: serve) and imports only click and ``_common`` at its top: what a
command needs (the API, the renderers, rich) is imported when it runs, so ``storylens --help`` does
not load the models' libraries. This module joins them into ``main``; none of them imports it.
"""

from __future__ import annotations

import click

from . import analysis, batch, corpus, curate, web
from ._common import EXIT_ERROR, EXIT_SKIPPED, one_line, problem_line

__all__ = ["EXIT_ERROR", "EXIT_SKIPPED", "main", "one_line", "problem_line"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="storylens")
def main() -> None:
    """storylens: read one news story across all the outlets that tell it."""


for _command in (analysis.analyze, analysis.extract, analysis.relate, corpus.ingest, corpus.stories,
                 corpus.show, corpus.cluster, corpus.article, curate.story, batch.batch, batch.import_,
                 web.serve):
    main.add_command(_command)
