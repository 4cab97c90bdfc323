"""``storylens serve``: the web app over a store."""

from __future__ import annotations

import click

from ._common import DB_HELP, db_path, fail_cleanly

_DB_HELP = DB_HELP + " Created if missing."


@click.command()
@click.option("--db", default=None, help=_DB_HELP)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. The default is this machine only; anything else exposes the "
                   "store (and adding articles) to the network.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--allow-private", is_flag=True,
              help="Let URL ingest from the web app fetch loopback, private and link-local addresses "
                   "(refused by default, so the server cannot be used to reach its own network).")
@click.option("--allowed-host", "allowed", multiple=True, metavar="NAME",
              help="Also answer requests for this host name (repeatable; '*' for any). By default only "
                   "localhost, 127.0.0.1, ::1 and the --host address are answered, so a page of another "
                   "site cannot reach the app through DNS rebinding.")
@fail_cleanly
def serve(db: str | None, host: str, port: int, allow_private: bool, allowed: tuple[str, ...]) -> None:
    """Browse the stories of the store in a web browser, read each story across its sources, and add
    articles (paste, upload, URLs or feeds).

    Pages: / (stories, search), /stories/ID, /articles/ID, /add. JSON API under /api (the same
    schemas as the command line), described at /docs and /openapi.json. Writes sent from another
    site's pages are refused; a client that sends its request head slower than 20 s or its body
    slower than 500 bytes/s is disconnected. Stop with Ctrl-C.
    """
    import uvicorn

    from ..web import create_app
    from ..web.guards import allowed_hosts
    from ..web.server import config

    path = db_path(db)
    app = create_app(path, allow_private=allow_private, hosts=allowed_hosts(host, allowed))
    click.echo(f"storylens: serving {path} at http://{_host(host)}:{port}/ (Ctrl-C to stop)", err=True)
    uvicorn.Server(config(app, host, port)).run()


def _host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
