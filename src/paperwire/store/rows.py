"""The papers table as both stores read and write it: its columns, a Paper as a row and a
row as a StoredPaper, the keys of new papers without an arXiv id, and lookups in chunks."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date

from paperwire.code_links import find_links
from paperwire.domain import Paper
from paperwire.store.base import StoredPaper
from paperwire.venues import find_venue

COLUMNS = (
    "arxiv_id, title_key, version, title, abstract, authors, author_count, published, updated, "
    "categories, comment, journal_ref, doi, code_url, url, external_upvotes, listed_on, sources, "
    "doi_key, extras, source_ids, code_found, page_found, venue, venue_key, found_v"
)
N_COLUMNS = len(COLUMNS.split(","))
SELECT = f"SELECT pid, rev, hidden, local_key, added_at, {COLUMNS} FROM papers"
LOOKUP_CHUNK = 400  # stays under SQLite's host-parameter limit with room to spare


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _date(s: str | None) -> date | None:
    return date.fromisoformat(s) if s else None


# the version of the rules that read code links and venues from a paper's text: a row
# written under an older one (or before migration 0010) is read again (GlanceStore)
FOUND_VERSION = 1


def found_values(p: Paper) -> tuple:
    """What the paper's own text says it has (code, a project page) and where it appeared:
    the columns code_found, page_found, venue, venue_key, found_v."""
    links = find_links(p.abstract, p.comment)
    venue = find_venue(p.comment, p.journal_ref)
    return (links.first_code, links.first_page, venue.label if venue else None,
            venue.key if venue else None, FOUND_VERSION)


def to_row(p: Paper) -> tuple:
    return (
        p.arxiv_id, p.title_key, p.version, p.title, p.abstract, json.dumps(p.authors),
        p.author_count, _iso(p.published), _iso(p.updated), " ".join(p.categories), p.comment,
        p.journal_ref, p.doi, p.code_url, p.url, p.external_upvotes, _iso(p.listed_on),
        ",".join(p.sources), p.doi_key, json.dumps(p.extras, sort_keys=True),
        " ".join(p.source_ids), *found_values(p),
    )


def from_row(r) -> StoredPaper:
    """A row by column name (sqlite3.Row, psycopg's dict row, store/sql.py's KeyedRow)."""
    paper = Paper(
        arxiv_id=r["arxiv_id"], version=r["version"], title=r["title"], abstract=r["abstract"],
        authors=json.loads(r["authors"]), author_count=r["author_count"],
        published=_date(r["published"]), updated=_date(r["updated"]),
        categories=r["categories"].split(), comment=r["comment"], journal_ref=r["journal_ref"],
        doi=r["doi"], code_url=r["code_url"], url=r["url"],
        external_upvotes=r["external_upvotes"], listed_on=_date(r["listed_on"]),
        sources=[s for s in r["sources"].split(",") if s], extras=json.loads(r["extras"]),
        source_ids=r["source_ids"].split(), local_key=r["local_key"],
    )
    return StoredPaper(pid=r["pid"], paper=paper, rev=r["rev"], hidden=bool(r["hidden"]),
                       added_on=date.fromisoformat(r["added_at"][:10]))


def local_keys(inserts: list[Paper], taken_for: Callable[[str], set[str]]
               ) -> list[str | None]:
    """Public keys for new papers without an arXiv id: the title key, numbered when
    another paper of the same title has it (distinct papers may share a title);
    taken_for(title key) gives the keys the store already holds for that title."""
    taken: set[str] = set()
    keys: list[str | None] = []
    for p in inserts:
        if p.arxiv_id:
            keys.append(None)
            continue
        base = p.title_key
        if base not in taken:
            taken.update(taken_for(base))
        key, n = base, 1
        while key in taken:
            n += 1
            key = f"{base}-{n}"
        taken.add(key)
        keys.append(key)
    return keys


def chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
