"""paperwire's own JSONL and CSV formats (documented in docs/formats.md)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import BinaryIO

from paperwire.domain import InvalidRecord, Paper, clean_text, parse_arxiv_id
from paperwire.sources.base import ParsedStream, RecordError, SourceError

JSONL = "jsonl"
CSV = "csv"
FIELDS = ("arxiv_id", "title", "abstract", "authors", "published", "updated", "categories",
          "comment", "journal_ref", "doi", "code_url", "url", "upvotes")


def looks_like_jsonl(first: dict) -> bool:
    return "title" in first


def looks_like_csv(first_line: str) -> bool:
    header = next(csv.reader([first_line]), [])
    return "title" in header and all(h in FIELDS for h in header)


def _list(value: object, sep: str | None) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return [clean_text(str(v)) for v in value if str(v).strip()]
    return [clean_text(v) for v in str(value).split(sep) if v.strip()]


def _date(value: object) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError as e:
        raise InvalidRecord(f"date {value!r} is not YYYY-MM-DD") from e


def _int(value: object) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as e:
        raise InvalidRecord(f"upvotes {value!r} is not a whole number") from e


def to_paper(rec: dict, source: str) -> Paper:
    if not isinstance(rec, dict):
        raise InvalidRecord("a record must be an object")
    unknown = set(rec) - set(FIELDS)
    if unknown:
        raise InvalidRecord(f"unknown field(s) {', '.join(sorted(unknown))}")
    raw_id = rec.get("arxiv_id")
    ident = parse_arxiv_id(str(raw_id)) if raw_id else None
    if raw_id and ident is None:
        raise InvalidRecord(f"{raw_id!r} is not an arXiv id")
    return Paper(
        arxiv_id=ident.id if ident else None,
        version=ident.version if ident else None,
        title=clean_text(rec.get("title")),
        abstract=clean_text(rec.get("abstract")),
        authors=_list(rec.get("authors"), ";"),
        published=_date(rec.get("published")),
        updated=_date(rec.get("updated")),
        categories=_list(rec.get("categories"), None),
        comment=clean_text(rec.get("comment")) or None,
        journal_ref=clean_text(rec.get("journal_ref")) or None,
        doi=clean_text(rec.get("doi")) or None,
        code_url=clean_text(rec.get("code_url")) or None,
        url=clean_text(rec.get("url")) or None,
        external_upvotes=_int(rec.get("upvotes")),
        sources=[source],
    )


def parse_jsonl(fp: BinaryIO) -> ParsedStream:
    for n, raw in enumerate(fp, start=1):
        if not raw.strip():
            continue
        try:
            yield to_paper(json.loads(raw), JSONL)
        except json.JSONDecodeError as e:
            yield RecordError(f"line {n}", f"not valid JSON ({e.msg})")
        except InvalidRecord as e:
            yield RecordError(f"line {n}", str(e))


def parse_csv(fp: BinaryIO) -> ParsedStream:
    try:
        text = io.TextIOWrapper(fp, encoding="utf-8", newline="")
        reader = csv.DictReader(text)
        for rec in reader:
            line = reader.line_num
            if None in rec:
                yield RecordError(f"line {line}", "more values than header columns")
                continue
            try:
                yield to_paper({k: v for k, v in rec.items() if v is not None}, CSV)
            except InvalidRecord as e:
                yield RecordError(f"line {line}", str(e))
    except (UnicodeDecodeError, csv.Error) as e:
        raise SourceError(f"unreadable CSV: {e}") from e
