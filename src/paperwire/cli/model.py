"""`paperwire model prepare` and `embed`: the bundled model, and vectors for the papers."""

from __future__ import annotations

import sys

import click

from paperwire.cli.common import library_of, progress
from paperwire.config import Settings
from paperwire.services.glance import making
from paperwire.services.intake import embed as embed_service
from paperwire.services.library import Library


def embed_all(library: Library) -> None:
    with progress("embed", embed_service.pending(library)) as bar:
        report = embed_service.embed_pending(library, bar.update)
    click.echo(f"embedded {report.encoded} papers"
               + (f" ({report.unchanged_text} kept their vectors)" if report.unchanged_text
                  else "")
               + (f"; keywords and a gist for {report.glanced}" if report.glanced else ""))


@click.command()
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
        embed_all(library_of(ctx))
        return
    from paperwire.services.intake import embed_ray

    try:
        import ray  # noqa: F401 - an optional extra
    except ImportError:
        click.echo("error: Ray is not installed: pip install 'paperwire[ray]'", err=True)
        sys.exit(1)
    library = library_of(ctx)
    report = embed_ray.embed_on_ray(library, ray_address, workers)
    click.echo(report.summary())
    glanced = making.make_pending(library).made  # keywords and gists, here, after the vectors
    if glanced:
        click.echo(f"keywords and a gist for {glanced} papers")
    if report.lost_batches:
        sys.exit(75)  # EX_TEMPFAIL: run again


@click.group()
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


COMMANDS = (model, embed)
