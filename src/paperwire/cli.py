"""The paperwire command line: one entry point, a subcommand per task, thin over services."""

from __future__ import annotations

import json
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import asdict
from datetime import date
from pathlib import Path

import click
from tqdm import tqdm

from paperwire import sources
from paperwire.config import Settings
from paperwire.index import sync
from paperwire.index.lexical import Filters
from paperwire.services.discovery import search as search_service
from paperwire.services.discovery import similar as similar_service
from paperwire.services.discovery.papers import find_paper, paper_json
from paperwire.services.intake import embed as embed_service
from paperwire.services.intake import harvest as harvest_service
from paperwire.services.intake import importing, starter
from paperwire.services.library import Library
from paperwire.services.operations import status as status_service
from paperwire.services.operations import worker as worker_service


def _progress(desc: str, total: int | None = None) -> tqdm:
    # disable=None: a bar on a terminal, silence when output is piped or logged
    return tqdm(desc=desc, total=total, unit=" papers", disable=None, file=sys.stderr)


def _library(ctx: click.Context) -> Library:
    if "library" not in ctx.obj:
        ctx.obj["library"] = Library(Settings.load(ctx.obj["db"]))
        ctx.call_on_close(ctx.obj["library"].close)
    return ctx.obj["library"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", type=click.Path(dir_okay=False), default=None,
              help="Store file (default: $PAPERWIRE_DB, else "
              "~/.local/share/paperwire/paperwire.db).")
@click.pass_context
def main(ctx: click.Context, db: str | None) -> None:
    """paperwire: research-paper discovery you run yourself."""
    ctx.ensure_object(dict)
    ctx.obj["db"] = db


@main.command()
@click.pass_context
def init(ctx: click.Context) -> None:
    """Create (or migrate) the store and its index."""
    library = _library(ctx)
    library.lexical  # noqa: B018 - opening creates it
    click.echo(f"store ready at {library.settings.db}")


def _import_one(library: Library, path: Path, fmt: str | None) -> importing.ImportReport | None:
    try:
        with _progress(path.name) as bar:
            report = importing.import_file(library, path, fmt, on_progress=bar.update)
    except sources.SourceError as e:
        click.echo(f"error: {path}: {e}", err=True)
        return None
    except OSError as e:
        click.echo(f"error: {path}: {e.strerror}", err=True)
        return None
    for line in report.errors[:50]:
        click.echo(f"skipped {line}", err=True)
    if len(report.errors) > 50:
        click.echo(f"... and {len(report.errors) - 50} more skipped records", err=True)
    click.echo(f"{path}: {report.summary()}")
    return report


@main.command(name="import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(list(sources.FORMATS)), default=None,
              help="The input format; detected from the content when not given.")
@click.option("--embed", "then_embed", is_flag=True,
              help="Embed the new papers afterwards (see `paperwire embed`).")
@click.pass_context
def import_(ctx: click.Context, paths: tuple[Path, ...], fmt: str | None,
            then_embed: bool = False) -> None:
    """Import papers from files (format detected from content)."""
    library = _library(ctx)
    reports = [_import_one(library, p, fmt) for p in paths]
    done = [r for r in reports if r]
    if len(paths) > 1:
        total = importing.ImportReport()
        for report in done:
            total.add(report)
        click.echo(f"total: {total.summary()}")
    if then_embed:
        _embed(library)
    if len(done) < len(reports):
        sys.exit(2)
    if any(r.skipped for r in done):
        sys.exit(1)


@main.command()
@click.option("--shared", type=click.Path(path_type=Path), default=None,
              help="The shared data folder (default: ../shared beside the checkout).")
@click.option("--harvest/--no-harvest", "then_harvest", default=None,
              help="Without the demo corpus: harvest the last week of cs.LG (default: ask).")
@click.pass_context
def demo(ctx: click.Context, shared: Path | None, then_harvest: bool | None) -> None:
    """Load the demo corpus (the listing pages and a daily-papers response); without it,
    offer to harvest the last week of cs.LG from arXiv and Hugging Face."""
    shared = shared or Path(__file__).resolve().parents[3] / "shared"
    files = sorted((shared / "fixtures" / "listings").glob("*.txt"))
    files += sorted((shared / "fixtures" / "hf-papers").glob("*.json"))
    if files:
        ctx.invoke(import_, paths=tuple(files), fmt=None, then_embed=True)
        return
    _first_harvest(_library(ctx), shared, then_harvest)


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


def _parse_day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


@main.command()
@click.argument("query")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--sort", type=click.Choice(search_service.SORTS), default="relevance")
@click.option("--from", "date_from", help="Published on or after (YYYY-MM-DD).")
@click.option("--to", "date_to", help="Published on or before (YYYY-MM-DD).")
@click.option("--category", help="A category (cs.LG) or an archive (cs).")
@click.option("--author", help="An author's name or part of it.")
@click.option("--mode", type=click.Choice(search_service.MODES), default=None,
              help="By words, by meaning, or both (default: hybrid once papers are embedded).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def search(ctx: click.Context, query: str, limit: int, sort: str, date_from: str | None,
           date_to: str | None, category: str | None, author: str | None, mode: str | None,
           as_json: bool) -> None:
    """Search papers: words, "phrases", prefix*, -excluded; by meaning in semantic mode."""
    filters = Filters(_parse_day(date_from), _parse_day(date_to), category, author)
    results = search_service.search(_library(ctx), query, filters, limit, sort=sort,
                                    count=as_json, mode=mode)
    if as_json:
        click.echo(json.dumps({"query": query, "mode": results.mode, "total": results.total,
                               "results": [{**paper_json(h.paper), "score": h.score,
                                            "snippet_html": h.snippet_html}
                                           for h in results.hits]}, indent=2))
        return
    if not results.hits:
        click.echo("no papers found")
        return
    for n, hit in enumerate(results.hits, start=1):
        p = hit.paper.paper
        when = p.published.isoformat() if p.published else "no date"
        click.echo(f"{n:2}. {click.style(p.title, bold=True)}")
        click.echo(f"    {p.key}  ·  {when}  ·  {_authors_line(p.authors, p.n_authors)}")
        click.echo(f"    {_terminal_snippet(hit.snippet_html)}\n")


def _authors_line(authors: list[str], count: int | None) -> str:
    if authors:
        return ", ".join(authors[:3]) + (f" +{len(authors) - 3}" if len(authors) > 3 else "")
    return f"{count} authors" if count else "authors unknown"


def _terminal_snippet(snippet_html: str) -> str:
    import html
    bold_on, bold_off = ("\x1b[1m", "\x1b[0m") if sys.stdout.isatty() else ("", "")
    text = snippet_html.replace("<b>", bold_on).replace("</b>", bold_off)
    return html.unescape(text)


@main.command()
@click.argument("ident", required=False)
@click.option("--text", "text_file", type=click.File("r"), default=None,
              help="Papers similar to this text instead (- reads standard input).")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--sort", type=click.Choice(similar_service.SORTS), default="relevance",
              help="Order of the nearest papers (they are chosen by meaning).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def similar(ctx: click.Context, ident: str | None, text_file, limit: int, sort: str,
            as_json: bool) -> None:
    """Papers similar to a paper (by id) or to a pasted abstract (--text -)."""
    library = _library(ctx)
    if (ident is None) == (text_file is None):
        raise click.UsageError("give a paper id or --text, not both")
    if ident is not None:
        sp = find_paper(library, ident)
        if sp is None:
            click.echo(f"error: no paper with id {ident!r}", err=True)
            sys.exit(1)
        found = similar_service.similar_to_paper(library, sp, limit, sort)
    else:
        found = similar_service.similar_to_text(library, text_file.read(), limit, sort)
    if as_json:
        click.echo(json.dumps([{**paper_json(s.paper), "similarity": round(s.similarity, 4)}
                               for s in found], indent=2))
        return
    if not found:
        click.echo("no similar papers (are the papers embedded? run `paperwire embed`)")
    for n, s in enumerate(found, start=1):
        p = s.paper.paper
        when = p.published.isoformat() if p.published else "no date"
        click.echo(f"{n:2}. {p.title}\n    {p.key}  ·  {when}  ·  similarity {s.similarity:.3f}")


def _embed(library: Library) -> None:
    with _progress("embed", embed_service.pending(library)) as bar:
        report = embed_service.embed_pending(library, bar.update)
    click.echo(f"embedded {report.encoded} papers"
               + (f" ({report.unchanged_text} kept their vectors)" if report.unchanged_text
                  else ""))


@main.command()
@click.option("--ray", "ray_address", is_flag=False, flag_value="auto", default=None,
              metavar="[ADDRESS]", help="Spread the work over a Ray cluster at ADDRESS "
              "(ray://host:10001), or a local one when given no address (needs the ray "
              "extra: pip install 'paperwire[ray]').")
@click.option("--workers", type=click.IntRange(1, 10000), default=None,
              help="Ray workers (default: one per CPU of the cluster).")
@click.pass_context
def embed(ctx: click.Context, ray_address: str | None, workers: int | None) -> None:
    """Embed papers that have no vector yet or whose text changed (safe to rerun)."""
    if ray_address is None:
        _embed(_library(ctx))
        return
    from paperwire.services.intake import embed_ray

    try:
        import ray  # noqa: F401 - an optional extra
    except ImportError:
        click.echo("error: Ray is not installed: pip install 'paperwire[ray]'", err=True)
        sys.exit(1)
    report = embed_ray.embed_on_ray(_library(ctx), ray_address, workers)
    click.echo(report.summary())
    if report.lost_batches:
        sys.exit(75)  # EX_TEMPFAIL: run again


@main.group()
def model() -> None:
    """The bundled embedding model."""


@model.command()
@click.option("--force", is_flag=True, help="Prepare again even if already prepared.")
def prepare(force: bool) -> None:
    """Build the bundled model as int8 ONNX for fast CPU embedding (once; no torch)."""
    from paperwire.embedding import ModelMissing, is_prepared
    from paperwire.model_build import prepare as export

    target = Settings.load().model_dir
    if is_prepared(target) and not force:
        click.echo(f"model already prepared in {target}")
        return
    try:
        click.echo(f"model prepared: {export(target)}")
    except ModelMissing as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(1)


@main.command()
@click.argument("ident")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def show(ctx: click.Context, ident: str, as_json: bool) -> None:
    """Show one paper by arXiv id (any form) or title key."""
    sp = find_paper(_library(ctx), ident)
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
    click.echo(f"{'authors':>12}: {_authors_line(data['authors'], data['author_count'])}")
    for name, url in data["links"].items():
        if url:
            click.echo(f"{name:>12}: {url}")
    click.echo("\n" + data["abstract"])


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def stats(ctx: click.Context, as_json: bool) -> None:
    """Counts and sizes of the store and its index."""
    library = _library(ctx)
    data = asdict(library.store.stats())
    data["store"] = str(library.settings.db)
    data["lexical_index_docs"] = library.lexical.num_docs()
    data["lexical_index_bytes"] = library.lexical.size_bytes()
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    for key, value in data.items():
        click.echo(f"{key:>20}: {value}")


@main.group()
def user() -> None:
    """Site accounts."""


@user.command(name="admin")
@click.argument("username")
@click.option("--revoke", is_flag=True, help="Take the moderator role away instead.")
@click.pass_context
def user_admin(ctx: click.Context, username: str, revoke: bool) -> None:
    """Make an account a moderator (may hide papers and delete any comment)."""
    if not _library(ctx.parent).site.set_admin(username, not revoke):
        click.echo(f"error: no user {username!r}", err=True)
        sys.exit(1)
    click.echo(f"{username} is {'no longer ' if revoke else ''}a moderator")


@main.command()
@click.pass_context
def reindex(ctx: click.Context) -> None:
    """Rebuild the lexical index from the store."""
    library = _library(ctx)
    with _progress("reindex", library.store.count()) as bar:
        index = sync.rebuild(library.store, library.settings.lexical_dir, bar.update)
    click.echo(f"indexed {index.num_docs()} papers")


@main.command()
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
    Library(settings).close()  # create and migrate the store once, before the workers start
    click.echo(f"serving {settings.db} on http://{host}:{port}")
    uvicorn.run("paperwire.web.app:app_from_env", factory=True, host=host, port=port,
                workers=workers, log_level="warning", proxy_headers=True)


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


@main.group()
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
    library = _library(ctx)
    sets = [set_spec] if set_spec else library.settings.harvest.sets or [None]
    start, end = _parse_day(date_from), _parse_day(date_until)
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
    library = _library(ctx)
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
    library = _library(ctx)
    one, start = _parse_day(day), _parse_day(since)
    _run_harvest(lambda stop: harvest_service.harvest_hf(library, base_url, one, start, stop))


@main.command()
@click.option("--once", is_flag=True, help="Run the jobs that are due, then exit (for cron).")
@click.pass_context
def worker(ctx: click.Context, once: bool) -> None:
    """Keep the store current: harvest, embed and index on the configured schedule."""
    library = _library(ctx)
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


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """Each source's last success, last error, next run, papers added and where it resumes."""
    now = status_service.status(_library(ctx))
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


from paperwire import cli_reader  # noqa: E402 - registers its commands on the groups above

cli_reader.register(main, user, _library)
