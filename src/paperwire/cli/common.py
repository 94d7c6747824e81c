"""What the command groups share: the library the --db option names, progress bars, errors,
dates and an author line."""

from __future__ import annotations

import sys
from datetime import date

import click
from tqdm import tqdm

from paperwire.config import Settings
from paperwire.services.library import Library
from paperwire.store.site import User


def progress(desc: str, total: int | None = None) -> tqdm:
    # disable=None: a bar on a terminal, silence when output is piped or logged
    return tqdm(desc=desc, total=total, unit=" papers", disable=None, file=sys.stderr)


def library_of(ctx: click.Context) -> Library:
    if "library" not in ctx.obj:
        ctx.obj["library"] = Library(Settings.load(ctx.obj["db"]))
        ctx.call_on_close(ctx.obj["library"].close)
    return ctx.obj["library"]


def fail(message: str, code: int = 1):
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def user_named(library: Library, name: str) -> User:
    user = library.site.user_by_name(name)
    return user if user is not None else fail(f"no user {name!r}")


def parse_day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


def authors_line(authors: list[str], count: int | None) -> str:
    if authors:
        return ", ".join(authors[:3]) + (f" +{len(authors) - 3}" if len(authors) > 3 else "")
    return f"{count} authors" if count else "authors unknown"
