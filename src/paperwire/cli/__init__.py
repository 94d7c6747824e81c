"""The paperwire command line: one entry point (`paperwire`, pyproject's paperwire.cli:main)
and a module per command group, each thin over services; they share cli/common.py."""

from __future__ import annotations

import click

from paperwire.cli import (
    fieldmap,
    harvest,
    mail,
    model,
    papers,
    readers,
    search,
    serve,
    store,
    users,
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", type=click.Path(dir_okay=False), default=None,
              help="Store file (default: $PAPERWIRE_DB, else "
              "~/.local/share/paperwire/paperwire.db).")
@click.pass_context
def main(ctx: click.Context, db: str | None) -> None:
    """paperwire: research-paper discovery you run yourself."""
    ctx.ensure_object(dict)
    ctx.obj["db"] = db


for _module in (papers, search, model, store, users, readers, harvest, mail, serve, fieldmap):
    for _command in _module.COMMANDS:
        main.add_command(_command)
