"""CSL JSON (.json), as Zotero, Mendeley and citation.js export a library: a list of items
with title, abstract, author [{family, given}], DOI, URL, issued."""

from __future__ import annotations

import json
from datetime import date
from typing import BinaryIO

from paperwire.domain import Paper, clean_text, parse_arxiv_id
from paperwire.sources.base import ParsedStream, RecordError, SourceError, read_document

NAME = "csl-json"


def looks_like(first: object) -> bool:
    return isinstance(first, dict) and "title" in first and ("type" in first or "id" in first)


def _issued(item: dict) -> date | None:
    parts = (item.get("issued") or {}).get("date-parts") or [[]]
    try:
        year, month = (list(parts[0]) + [1, 1])[:2]
        return date(int(year), int(month), 1)
    except (TypeError, ValueError):
        return None


def _author(a: object) -> str:
    if not isinstance(a, dict):
        return ""
    return clean_text(a.get("literal") or f"{a.get('given', '')} {a.get('family', '')}")


def _paper(item: dict) -> Paper:
    title = clean_text(str(item.get("title") or ""))
    if not title:
        raise ValueError("the item has no title")
    ident = None
    for name in ("URL", "DOI", "number", "archive_location"):
        if item.get(name) and (ident := parse_arxiv_id(str(item[name]))):
            break
    return Paper(title=title, abstract=clean_text(str(item.get("abstract") or "")),
                 arxiv_id=ident.id if ident else None,
                 authors=[n for n in map(_author, item.get("author") or []) if n],
                 published=_issued(item), doi=item.get("DOI") or None, url=item.get("URL"),
                 sources=[NAME])


def parse(fp: BinaryIO) -> ParsedStream:
    try:
        items = json.loads(read_document(fp))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise SourceError(f"not CSL JSON: {e}") from e
    except RecursionError:
        raise SourceError("not CSL JSON: nested too deeply") from None
    if not isinstance(items, list):
        raise SourceError("not CSL JSON: expected a list of items")
    for n, item in enumerate(items, 1):
        try:
            if not isinstance(item, dict):
                raise ValueError("not an object")
            paper = _paper(item)
            paper.origin = f"item {n}"
            yield paper
        except (ValueError, TypeError, AttributeError) as e:
            yield RecordError(f"item {n}", str(e))
