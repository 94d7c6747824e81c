"""`paperwire import`, `demo` and `show`: papers into the store, and one paper out."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from paperwire import sources
from paperwire.cli.common import authors_line, library_of, progress
from paperwire.cli.model import embed_all
from paperwire.services.discovery.papers import find_paper, paper_json
from paperwire.services.intake import demo as demo_corpus
from paperwire.services.intake import harvest as harvest_service
from paperwire.services.intake import importing, starter
from paperwire.services.library import Library

SHOWN = 50  # skipped records and warnings printed one by one; the rest are counted


def _told(lines: list[str], count: int, word: str, what: str) -> None:
    for line in lines[:SHOWN]:
        click.echo(f"{word} {line}", err=True)
    if count > SHOWN:
        click.echo(f"... and {count - SHOWN} more {what}", err=True)


def _import_one(library: Library, path: Path, fmt: str | None) -> importing.ImportReport:
    """Import a file and say what became of it: every time a summary; an error that stopped
    it, or made it unreadable (then nothing was stored), as one plain sentence."""
    report, failure = importing.ImportReport(), None
    try:
        with progress(path.name) as bar:
            report = importing.import_file(library, path, fmt, on_progress=bar.update)
    except sources.SourceError as e:
        failure = f"{path}: {e}"
    except OSError as e:
        failure = f"{path}: {e.strerror}"
    report.failure = report.failure or failure
    _told(report.errors, report.skipped, "skipped", "skipped records")
    _told(report.warnings, report.warned, "warning", "warnings")
    click.echo(f"{path}: {report.summary()}")
    if report.failure:
        click.echo(f"error: {report.failure}", err=True)
    return report


@click.command(name="import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(list(sources.FORMATS)), default=None,
              help="The input format; detected from the content when not given.")
@click.option("--embed", "then_embed", is_flag=True,
              help="Embed the new papers afterwards (see `paperwire embed`).")
@click.pass_context
def import_(ctx: click.Context, paths: tuple[Path, ...], fmt: str | None,
            then_embed: bool = False) -> None:
    """Import papers from files (format detected from content)."""
    library = library_of(ctx)
    reports = [_import_one(library, p, fmt) for p in paths]
    if len(paths) > 1:
        total = importing.ImportReport()
        for report in reports:
            total.add(report)
        click.echo(f"total: {total.summary()}")
    if then_embed:
        embed_all(library)
    if any(r.failure for r in reports):
        sys.exit(2)
    if any(r.skipped for r in reports):
        sys.exit(1)


@click.command()
@click.option("--shared", type=click.Path(path_type=Path), default=None,
              help="The shared data folder (default: ../shared beside the checkout).")
@click.option("--harvest/--no-harvest", "then_harvest", default=None,
              help="Without the demo corpus: harvest the last week of cs.LG (default: ask).")
@click.option("--embed/--no-embed", "then_embed", default=True, show_default=True,
              help="Embed the papers afterwards (--no-embed: leave it to `paperwire embed`, "
                   "which scripts/demo.sh runs beside the site).")
@click.pass_context
def demo(ctx: click.Context, shared: Path | None, then_harvest: bool | None,
         then_embed: bool) -> None:
    """Load the demo corpus (Hugging Face's daily-papers archive and an arXiv sample);
    without it, offer to harvest the last week of cs.LG from arXiv and Hugging Face."""
    shared = shared or Path(__file__).resolve().parents[4] / "shared"
    library = library_of(ctx)
    if not demo_corpus.has_corpus(shared):
        _first_harvest(library, shared, then_harvest)
        return
    days = demo_corpus.archive_days(shared)
    with progress("listing days", len(days)) as bar:
        report = demo_corpus.load(library, shared, on_day=lambda: bar.update(1))
    for line in report.errors[:50]:
        click.echo(f"skipped {line}", err=True)
    click.echo(f"demo corpus: {len(days)} listing days of Hugging Face's daily papers "
               f"({days[0][0]} to {days[-1][0]}) and the arXiv sample: {report.summary()}")
    if then_embed:
        embed_all(library)


def _first_harvest(library: Library, shared: Path, then_harvest: bool | None) -> None:
    click.echo(f"No demo corpus in {shared}.", err=True)
    problem = starter.network_problem(library)
    if problem:
        click.echo(f"No network ({problem}): the site starts empty, and its front page says "
                   "how to load papers.", err=True)
        return
    chosen = starter.offer()
    if then_harvest is None and sys.stdin.isatty():
        then_harvest = click.confirm(chosen.sentence() + "?", default=True, err=True)
    if not then_harvest:
        click.echo(f"{chosen.sentence()} with `paperwire demo --harvest`, or see the front "
                   "page for other ways to load papers.", err=True)
        return
    try:
        for report in starter.harvest_recent(library, chosen):
            click.echo(report.summary())
    except harvest_service.HarvestError as e:
        click.echo(f"error: {e}", err=True)


@click.command()
@click.argument("ident")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def show(ctx: click.Context, ident: str, as_json: bool) -> None:
    """Show one paper by arXiv id (any form) or title key."""
    sp = find_paper(library_of(ctx), ident)
    if sp is None:
        click.echo(f"error: no paper with id {ident!r}", err=True)
        sys.exit(1)
    data = paper_json(sp)
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    click.echo(click.style(data["title"], bold=True))
    for key in ("id", "published", "updated", "categories", "comment", "journal_ref", "doi"):
        if data[key]:
            value = " ".join(data[key]) if isinstance(data[key], list) else data[key]
            click.echo(f"{key:>12}: {value}")
    click.echo(f"{'authors':>12}: {authors_line(data['authors'], data['author_count'])}")
    for name, url in data["links"].items():
        if url:
            click.echo(f"{name:>12}: {url}")
    click.echo("\n" + data["abstract"])


COMMANDS = (import_, demo, show)
