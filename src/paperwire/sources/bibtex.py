"""BibTeX (.bib): @article/@misc/... entries; arXiv ids from eprint, url or the arXiv DOI."""

from __future__ import annotations

import calendar
from datetime import date
from typing import BinaryIO

import bibtexparser

from paperwire.domain import Paper, clean_text, parse_arxiv_id
from paperwire.sources.base import (
    ParsedStream,
    RecordError,
    SourceError,
    latex_to_text,
    read_document,
)

NAME = "bibtex"
_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m}


def looks_like(text: str) -> bool:
    return text.lstrip().startswith("@") or "\n@" in text[:4096]


def _date(fields: dict) -> date | None:
    year = str(fields.get("year", "")).strip()
    if not year.isdigit():
        return None
    month = str(fields.get("month", "1")).strip().lower()[:3]
    number = int(month) if month.isdigit() else _MONTHS.get(month, 1)
    return date(int(year), number if 1 <= number <= 12 else 1, 1)


def _arxiv_id(fields: dict):
    for name in ("eprint", "arxivid", "url", "doi"):
        if name in fields and (ident := parse_arxiv_id(str(fields[name]))):
            return ident
    return None


def _paper(entry) -> Paper:
    f = {k.lower(): v for k, v in entry.fields_dict.items()}
    f = {k: v.value for k, v in f.items()}
    if not f.get("title"):
        raise ValueError("the entry has no title")
    ident = _arxiv_id(f)
    primary = f.get("primaryclass")
    return Paper(
        arxiv_id=ident.id if ident else None,
        version=ident.version if ident else None,
        title=clean_text(latex_to_text(f["title"])),
        abstract=clean_text(latex_to_text(f.get("abstract", ""))),
        authors=[clean_text(" ".join(reversed(latex_to_text(a).split(", ", 1))))
                 for a in clean_text(f.get("author", "")).split(" and ") if a.strip()],
        published=_date(f),
        categories=[primary] if primary else [],
        journal_ref=clean_text(f.get("journal")) or None,
        doi=f.get("doi") or None,
        url=f.get("url"),
        sources=[NAME],
    )


def parse(fp: BinaryIO) -> ParsedStream:
    try:
        library = bibtexparser.parse_string(read_document(fp).decode("utf-8"))
    except UnicodeDecodeError as e:
        raise SourceError(f"not UTF-8 text: {e}") from e
    for block in library.failed_blocks:
        reason = str(getattr(block, "error", "")) or "could not be parsed"
        yield RecordError(f"line {block.start_line + 1}", reason.splitlines()[0][:200])
    for entry in library.entries:
        where = f"entry {entry.key!r} (line {entry.start_line + 1})"
        try:
            paper = _paper(entry)
        except ValueError as e:
            yield RecordError(where, str(e))
            continue
        paper.origin = where
        yield paper
