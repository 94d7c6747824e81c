"""`paperwire serve`: the site, on uvicorn (the one place that listens)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from paperwire.config import Settings
from paperwire.services.library import Library

if TYPE_CHECKING:
    from uvicorn import Config

APP = "paperwire.web.app:app_from_env"


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes (each holds its own copy of the vector index).")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, workers: int) -> None:
    """Serve the site."""
    import os

    import uvicorn

    settings = Settings.load(ctx.obj["db"])
    os.environ["PAPERWIRE_DB"] = str(settings.db)  # the workers read their settings from here
    _prepare(settings)

    click.echo(f"serving {settings.db} on http://{host}:{port}")
    # X-Forwarded-For/-Proto only from the proxies named in web.trusted_proxies (none by
    # default): from anyone else they would let a client choose its own address
    trusted = settings.web.trusted_proxies
    options = dict(factory=True, host=host, port=port, workers=workers, log_level="warning",
                   proxy_headers=bool(trusted),
                   forwarded_allow_ips=",".join(trusted) if trusted else None)
    if workers > 1 and sys.platform == "linux":  # elsewhere SO_REUSEPORT does not spread
        _serve_on_own_sockets(uvicorn.Config(APP, **options))
    else:
        uvicorn.run(APP, **options)


def _serve_on_own_sockets(config: Config) -> None:
    from paperwire.cli.serve.own_sockets import OwnSocketWorkers

    try:
        workers = OwnSocketWorkers(config)
    except OSError as e:
        raise click.ClickException(f"cannot listen on {config.host}:{config.port}: "
                                   f"{e.strerror}") from None
    workers.run()


def _prepare(settings: Settings) -> None:
    """The store made and migrated once, before the workers start, and its indexes built:
    workers building the lexical index at once collide on its writer, and a worker building
    the vector index on its first search holds every request behind it for minutes at 100k
    papers; built here, each worker loads them."""
    library = Library(settings)
    library.lexical  # noqa: B018
    if library.has_vectors():
        library.vectors.refresh()
    library.close()


COMMANDS = (serve,)
