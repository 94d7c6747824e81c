"""The arXiv metadata snapshot (arxiv-metadata-oai-snapshot.json): one JSON object a line."""

from __future__ import annotations

from typing import BinaryIO

from paperwire.domain import Paper, clean_text, parse_arxiv_id
from paperwire.sources.base import (
    ParsedStream,
    RecordError,
    json_lines,
    latex_to_text,
    parse_date,
    split_authors,
)

NAME = "arxiv-snapshot"


def looks_like(first: dict) -> bool:
    return "id" in first and ("versions" in first or "authors_parsed" in first)


def _authors(rec: dict) -> list[str]:
    parsed = rec.get("authors_parsed")
    if parsed:
        names = (" ".join(p for p in (first, last, *rest) if p)
                 for last, first, *rest in parsed)
        return [latex_to_text(clean_text(n)) for n in names]
    return split_authors(rec.get("authors") or "")


def _paper(rec: dict) -> Paper:
    ident = parse_arxiv_id(str(rec["id"]))
    if ident is None:
        raise ValueError(f"{rec['id']!r} is not an arXiv id")
    versions = rec.get("versions") or []
    return Paper(
        arxiv_id=ident.id,
        version=len(versions) or None,
        title=clean_text(rec.get("title")),
        abstract=clean_text(rec.get("abstract")),
        authors=_authors(rec),
        published=parse_date(versions[0]["created"]) if versions else None,
        updated=parse_date(versions[-1]["created"]) if versions else parse_date(
            rec.get("update_date")),
        categories=(rec.get("categories") or "").split(),
        comment=clean_text(rec.get("comments")) or None,
        journal_ref=clean_text(rec.get("journal-ref")) or None,
        doi=rec.get("doi") or None,
        sources=[NAME],
    )


def parse(fp: BinaryIO) -> ParsedStream:
    for item in json_lines(fp):
        if isinstance(item, RecordError):
            yield item
            continue
        n, rec = item
        try:
            paper = _paper(rec)
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            yield RecordError(f"line {n}", f"malformed record: {e}")
            continue
        paper.origin = f"line {n}"
        yield paper
