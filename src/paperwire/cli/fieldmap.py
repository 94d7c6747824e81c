"""`paperwire map build | place | show`: the map of the field and its topics."""

from __future__ import annotations

import click

from paperwire.cli.common import fail, library_of
from paperwire.services.fieldmap import building, placing


@click.group(name="map")
def map_group() -> None:
    """The map of the field: every paper placed by its vector, grouped into topics."""


@map_group.command(name="build")
@click.pass_context
def map_build(ctx: click.Context) -> None:
    """Build the map again from the stored vectors (topics keep their ids where they
    persist); `paperwire embed` first."""
    report = building.build(library_of(ctx.parent))
    if not report.topics:
        fail(f"{report.papers} papers have a vector: a map needs {building.MIN_PAPERS} "
             "(run `paperwire embed`)")
    click.echo(f"map built: {report}")


@map_group.command(name="place")
@click.pass_context
def map_place(ctx: click.Context) -> None:
    """Place papers embedded since the build beside their nearest neighbours."""
    library = library_of(ctx.parent)
    if library.fieldmap.latest_build() is None:
        fail("no map yet: run `paperwire map build`")
    placed = placing.place_new(library)
    click.echo(f"{placed} paper{'' if placed == 1 else 's'} placed; drift "
               f"{placing.drift(library):.3f} (the worker rebuilds at {placing.DRIFT})")


@map_group.command(name="show")
@click.option("--areas", is_flag=True, help="The areas instead of the topics.")
@click.pass_context
def map_show(ctx: click.Context, areas: bool) -> None:
    """The map's topics (or areas): id, papers and label."""
    library = library_of(ctx.parent)
    build = library.fieldmap.latest_build()
    if build is None:
        fail("no map yet: run `paperwire map build`")
    click.echo(f"build {build.build} at {build.built_at}: {build.papers} papers, "
               f"{build.topics} topics, drift {placing.drift(library):.3f}")
    for t in library.fieldmap.topics(level=0 if areas else 1):
        click.echo(f"{t.topic_id:>6}  {t.papers:>7}  {t.label}")


COMMANDS = (map_group,)
