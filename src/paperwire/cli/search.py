"""`paperwire search` and `similar`: papers by words and meaning, or near another."""

from __future__ import annotations

import json
import sys

import click

from paperwire.cli.common import authors_line, library_of, parse_day
from paperwire.index.lexical import Filters
from paperwire.services.discovery import search as search_service
from paperwire.services.discovery import similar as similar_service
from paperwire.services.discovery.papers import find_paper, paper_json


@click.command()
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
    filters = Filters(parse_day(date_from), parse_day(date_to), category, author)
    results = search_service.search(library_of(ctx), query, filters, limit, sort=sort,
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
        click.echo(f"    {p.key}  ·  {when}  ·  {authors_line(p.authors, p.n_authors)}")
        click.echo(f"    {_terminal_snippet(hit.snippet_html)}\n")


def _terminal_snippet(snippet_html: str) -> str:
    import html
    bold_on, bold_off = ("\x1b[1m", "\x1b[0m") if sys.stdout.isatty() else ("", "")
    text = snippet_html.replace("<b>", bold_on).replace("</b>", bold_off)
    return html.unescape(text)


@click.command()
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
    library = library_of(ctx)
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


COMMANDS = (search, similar)
