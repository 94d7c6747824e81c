"""`paperwire harvest …`, `worker` and `status`: papers coming in, now or on a schedule."""

from __future__ import annotations

import json
import signal
import sys
import threading
from collections.abc import Callable

import click

from paperwire.cli.common import library_of, parse_day
from paperwire.services.intake import harvest as harvest_service
from paperwire.services.operations import status as status_service
from paperwire.services.operations import worker as worker_service


def _stop_on_signals() -> threading.Event:
    """Ctrl-C or SIGTERM asks for a stop at the next safe point; a second Ctrl-C forces it."""
    stop = threading.Event()

    def ask(signum, _frame) -> None:
        if stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        click.echo("stopping at the next safe point (Ctrl-C again to force)", err=True)
        stop.set()

    signal.signal(signal.SIGINT, ask)
    signal.signal(signal.SIGTERM, ask)
    return stop


def _run_harvest(run: Callable[[threading.Event], harvest_service.HarvestReport]) -> None:
    try:
        report = run(_stop_on_signals())
    except harvest_service.HarvestError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(1)
    for line in report.imported.errors[:50]:
        click.echo(f"skipped {line}", err=True)
    click.echo(report.summary())
    if report.stopped:
        sys.exit(130)


@click.group()
def harvest() -> None:
    """Harvest papers from arXiv and Hugging Face (the worker runs these on a schedule)."""


def _page_progress(report: harvest_service.HarvestReport) -> None:
    click.echo(f"page {report.pages}: {report.imported.summary()}", err=True)


@harvest.command(name="arxiv")
@click.option("--base-url", help="The OAI-PMH endpoint (default: https://oaipmh.arxiv.org/oai).")
@click.option("--set", "set_spec", help="An OAI-PMH set: cs, cs:cs:LG, physics, math… "
              "(default: the configured sets; none given means all of arXiv).")
@click.option("--from", "date_from", help="Changed on or after (YYYY-MM-DD); default: where "
              "the last harvest of this set ended.")
@click.option("--until", "date_until", help="Changed on or before (YYYY-MM-DD).")
@click.option("--format", "prefix", type=click.Choice(["arXivRaw", "arXiv"]), default=None,
              help="The metadata format (default arXivRaw: versions, submitter, comments).")
@click.pass_context
def harvest_arxiv(ctx: click.Context, base_url: str | None, set_spec: str | None,
                  date_from: str | None, date_until: str | None, prefix: str | None) -> None:
    """arXiv over OAI-PMH: incremental, resumable, one request every 3 seconds."""
    library = library_of(ctx)
    sets = [set_spec] if set_spec else library.settings.harvest.sets or [None]
    start, end = parse_day(date_from), parse_day(date_until)
    for s in sets:
        _run_harvest(lambda stop, s=s: harvest_service.harvest_oai(
            library, base_url, s, start, end, prefix, stop, on_page=_page_progress))


@harvest.command(name="arxiv-new")
@click.option("--base-url", help="The arXiv API (default: https://export.arxiv.org/api/query).")
@click.option("--category", "categories", multiple=True,
              help="A category to follow (repeatable; default: the configured ones).")
@click.pass_context
def harvest_arxiv_new(ctx: click.Context, base_url: str | None,
                      categories: tuple[str, ...]) -> None:
    """Today's new submissions from the arXiv API, before OAI-PMH has them."""
    library = library_of(ctx)
    _run_harvest(lambda stop: harvest_service.harvest_new(library, base_url,
                                                          list(categories) or None, stop))


@harvest.command(name="hf")
@click.option("--base-url", help="Hugging Face (default: https://huggingface.co).")
@click.option("--date", "day", help="One day's daily papers (YYYY-MM-DD).")
@click.option("--since", help="Every day from this one to today (YYYY-MM-DD).")
@click.pass_context
def harvest_hf(ctx: click.Context, base_url: str | None, day: str | None,
               since: str | None) -> None:
    """Hugging Face Daily Papers: listing day, upvotes, submitter, comments, AI summary…"""
    if day and since:
        raise click.UsageError("give --date or --since, not both")
    library = library_of(ctx)
    one, start = parse_day(day), parse_day(since)
    _run_harvest(lambda stop: harvest_service.harvest_hf(library, base_url, one, start, stop))


@click.command()
@click.option("--once", is_flag=True, help="Run the jobs that are due, then exit (for cron).")
@click.pass_context
def worker(ctx: click.Context, once: bool) -> None:
    """Keep the store current: harvest, embed and index on the configured schedule."""
    library = library_of(ctx)
    stop = _stop_on_signals()
    try:
        with worker_service.Worker(library, stop, say=lambda m: click.echo(m, err=True)) as w:
            click.echo(f"worker running on {library.settings.db} (Ctrl-C to stop)", err=True)
            if once:
                w.run_due()
            else:
                w.run_forever()
    except worker_service.WorkerBusy as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(3)
    click.echo("worker stopped", err=True)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """Each source's last success, last error, next run, papers added and where it resumes."""
    now = status_service.status(library_of(ctx))
    if as_json:
        click.echo(json.dumps(now.as_json(), indent=2))
        return
    click.echo(f"worker: {now.worker or 'not running'}"
               + (f" (seen {now.worker_seen_seconds_ago:g} s ago)" if now.worker else ""))
    for s in now.sources:
        click.echo(click.style(s.name, bold=True) + (" (failing)" if s.failing else ""))
        for label, value in (("last success", s.last_success), ("last error", s.last_error),
                             ("error at", s.last_error_at), ("next run", s.next_run),
                             ("papers added", f"{s.added_last} last run, {s.added_total} in all"),
                             ("resumes", s.resumes)):
            if value:
                click.echo(f"  {label:>13}: {value}")


COMMANDS = (harvest, worker, status)
