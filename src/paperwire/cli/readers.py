"""What a reader does, from the command line: vote, follow, for you, import their library,
export papers."""

from __future__ import annotations

import json
from pathlib import Path

import click

from paperwire.cli.common import fail, library_of, user_named
from paperwire.services.community import contributions
from paperwire.services.discovery import search as search_service
from paperwire.services.discovery.papers import find_paper
from paperwire.services.errors import Invalid
from paperwire.services.personal import export, foryou, signals


@click.command()
@click.argument("username")
@click.argument("ident")
@click.option("--down", is_flag=True, help="Not interested: never show it to them again.")
@click.option("--undo", is_flag=True, help="Take the vote (or the --down) back.")
@click.pass_context
def vote(ctx: click.Context, username: str, ident: str, down: bool, undo: bool) -> None:
    """Upvote a paper for a user, or mark it not interested (--down)."""
    library = library_of(ctx)
    user, sp = user_named(library, username), find_paper(library, ident)
    if sp is None:
        fail(f"no paper with id {ident!r}")
    if down:
        signals.set_not_interested(library, user, sp, not undo)
    else:
        contributions.set_upvote(library.site, user, sp, not undo)
    click.echo(f"{username}: {'not interested in' if down else 'upvoted'}"
               f"{' (undone)' if undo else ''} {sp.paper.key}")


@click.command()
@click.argument("username")
@click.argument("kind", type=click.Choice(signals.FOLLOW_KINDS))
@click.argument("value")
@click.option("--remove", is_flag=True, help="Stop following it.")
@click.pass_context
def follow(ctx: click.Context, username: str, kind: str, value: str, remove: bool) -> None:
    """Follow an author, a category (cs.RO, or an archive: cs) or a query."""
    library = library_of(ctx)
    user = user_named(library, username)
    try:
        if remove:
            key = next((f for f in library.personal.follows(user.uid)
                        if f.kind == kind and f.value.lower() == value.lower()), None)
            if key is None:
                fail(f"{username} does not follow {kind} {value!r}")
            signals.unfollow(library, user, key.fid)
        else:
            signals.follow(library, user, kind, value)
    except Invalid as e:
        fail(str(e))
    click.echo(f"{username} {'no longer follows' if remove else 'follows'} {kind} {value}")


@click.command(name="for-you")
@click.argument("username")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 200))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def for_you(ctx: click.Context, username: str, limit: int, as_json: bool) -> None:
    """New papers ranked for a user, each with why."""
    library = library_of(ctx)
    recs = foryou.recommend(library, user_named(library, username), limit)
    if as_json:
        click.echo(json.dumps({"results": [
            {"id": r.paper.paper.key, "title": r.paper.paper.title, "reason": r.reason,
             "score": round(r.score, 4)} for r in recs]}, indent=2, ensure_ascii=False))
        return
    for n, r in enumerate(recs, 1):
        click.echo(f"{n:>3}. {r.paper.paper.title}  [{r.paper.paper.key}]\n     {r.reason}")


@click.command(name="import-library")
@click.argument("username")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def import_library(ctx: click.Context, username: str, path: Path) -> None:
    """A user's own library (BibTeX, or Zotero's CSL JSON) as papers they like."""
    library = library_of(ctx)
    try:
        report = signals.import_library(library, user_named(library, username), path.read_bytes())
    except Invalid as e:
        fail(str(e))
    for line in report.errors[:20]:
        click.echo(f"skipped {line}", err=True)
    click.echo(report.summary())


@click.command(name="export")
@click.argument("what", type=click.Choice(["collection", "for-you", "search"]))
@click.argument("value")
@click.option("--format", "fmt", type=click.Choice(list(export.FORMATS)), default="bibtex",
              show_default=True)
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 200))
@click.pass_context
def export_(ctx: click.Context, what: str, value: str, fmt: str, limit: int) -> None:
    """Export a collection (its id), a user's for-you list (their name) or search
    results (the query) as BibTeX, CSV or JSON, to standard output."""
    library = library_of(ctx)
    reasons = None
    if what == "collection":
        if not value.isdigit() or library.site.collection(int(value)) is None:
            fail(f"no collection {value!r}")
        papers = contributions.collection_papers(library.site, int(value))
    elif what == "for-you":
        recs = foryou.recommend(library, user_named(library, value), limit)
        papers, reasons = [r.paper for r in recs], [r.reason for r in recs]
    else:
        found = search_service.search(library, value, limit=limit)
        papers = [h.paper for h in found.hits]
    click.echo(export.export(papers, fmt, reasons), nl=False)


COMMANDS = (vote, follow, for_you, import_library, export_)
