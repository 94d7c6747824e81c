"""The store as a whole: `paperwire init`, `stats`, `reindex` and `db copy`."""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from paperwire.cli.common import fail, library_of, progress
from paperwire.index import sync


@click.command()
@click.pass_context
def init(ctx: click.Context) -> None:
    """Create (or migrate) the store and its index."""
    library = library_of(ctx)
    library.lexical  # noqa: B018 - opening creates it
    click.echo(f"store ready at {library.settings.db}")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def stats(ctx: click.Context, as_json: bool) -> None:
    """Counts and sizes of the store and its index."""
    library = library_of(ctx)
    data = asdict(library.store.stats())
    data["store"] = str(library.settings.db)
    data["lexical_index_docs"] = library.lexical.num_docs()
    data["lexical_index_bytes"] = library.lexical.size_bytes()
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    for key, value in data.items():
        click.echo(f"{key:>20}: {value}")


@click.command()
@click.pass_context
def reindex(ctx: click.Context) -> None:
    """Rebuild the lexical index from the store."""
    library = library_of(ctx)
    with progress("reindex", library.store.count()) as bar:
        index = sync.rebuild(library.store, library.settings.lexical_dir, bar.update)
    click.echo(f"indexed {index.num_docs()} papers")


@click.group(name="db")
def db_group() -> None:
    """The store as a whole."""


@db_group.command(name="copy")
@click.argument("source")
@click.argument("target")
def db_copy(source: str, target: str) -> None:
    """Copy a whole store (an SQLite file or a postgresql:// URL) into another, keeping
    every paper's id; verifies the counts; running it again changes nothing."""
    from paperwire.services.operations import dbcopy
    from paperwire.store import open_store

    src, dst = open_store(source), open_store(target)
    try:
        report = dbcopy.copy_store(src, dst)
    except dbcopy.CopyMismatch as e:
        fail(f"the copy does not match: {e}")
    finally:
        src.close()
        dst.close()
    click.echo(report.summary())


COMMANDS = (init, stats, reindex, db_group)
