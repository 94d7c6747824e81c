"""paperwire's own JSONL and CSV formats (documented in docs/formats.md)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from typing import BinaryIO

from paperwire.domain import InvalidRecord, Paper, clean_text, parse_arxiv_id
from paperwire.sources.base import (
    MAX_LINE_BYTES,
    ParsedStream,
    RecordError,
    bounded_lines,
    json_lines,
    parse_day,
)

JSONL = "jsonl"
CSV = "csv"
FIELDS = ("arxiv_id", "title", "abstract", "authors", "published", "updated", "categories",
          "comment", "journal_ref", "doi", "code_url", "url", "upvotes")


def looks_like_jsonl(first: dict) -> bool:
    return "title" in first


def looks_like_csv(first_line: str) -> bool:
    header = next(csv.reader([first_line.removeprefix("\ufeff")]), [])
    return "title" in header and all(h in FIELDS for h in header)


def _text(rec: dict, name: str) -> str:
    value = rec.get(name)
    if value is None:
        return ""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise InvalidRecord(f"{name} must be text, not {type(value).__name__}")


def _list(rec: dict, name: str, sep: str | None) -> list[str]:
    value = rec.get(name)
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [clean_text(v) for v in value.split(sep) if v.strip()]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [clean_text(v) for v in value if v.strip()]
    raise InvalidRecord(f"{name} must be a list of text or one string")


def _date(rec: dict, name: str) -> date | None:
    value = rec.get(name)
    if not value:
        return None
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        return parse_day(value)
    except ValueError as e:
        raise InvalidRecord(f"{name} {value!r} is not a date (YYYY-MM-DD, optionally with a "
                            "time of day)") from e


def _int(value: object) -> int | None:
    if value in (None, ""):
        return None
    try:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValueError(value)
        return int(value)
    except ValueError as e:
        raise InvalidRecord(f"upvotes {value!r} is not a whole number") from e


def to_paper(rec: object, source: str, origin: str | None = None) -> Paper:
    if not isinstance(rec, dict):
        raise InvalidRecord("a record must be an object")
    unknown = set(rec) - set(FIELDS)
    if unknown:
        raise InvalidRecord(f"unknown field(s) {', '.join(sorted(map(str, unknown)))}")
    raw_id = _text(rec, "arxiv_id")
    ident = parse_arxiv_id(raw_id) if raw_id else None
    if raw_id and ident is None:
        raise InvalidRecord(f"{raw_id!r} is not an arXiv id")
    return Paper(
        arxiv_id=ident.id if ident else None,
        version=ident.version if ident else None,
        title=_text(rec, "title"),
        abstract=_text(rec, "abstract"),
        authors=_list(rec, "authors", ";"),
        published=_date(rec, "published"),
        updated=_date(rec, "updated"),
        categories=_list(rec, "categories", None),
        comment=_text(rec, "comment") or None,
        journal_ref=_text(rec, "journal_ref") or None,
        doi=_text(rec, "doi") or None,
        code_url=_text(rec, "code_url") or None,
        url=_text(rec, "url") or None,
        external_upvotes=_int(rec.get("upvotes")),
        sources=[source],
        origin=origin,
    )


def parse_jsonl(fp: BinaryIO) -> ParsedStream:
    for item in json_lines(fp):
        if isinstance(item, RecordError):
            yield item
            continue
        n, rec = item
        try:
            yield to_paper(rec, JSONL, f"line {n}")
        except InvalidRecord as e:
            yield RecordError(f"line {n}", str(e))


def _text_lines(fp: BinaryIO, bad: dict[int, str]) -> Iterator[str]:
    """The file's lines as text for the csv module; a line that is not UTF-8 or too long
    is noted in `bad` (by number), so the row holding it is reported and skipped."""
    for n, raw in bounded_lines(fp):
        if raw is None:
            bad[n] = "a line longer than the most one record may take"
            yield "\n"
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            bad[n] = f"not UTF-8 text (byte {e.start + 1} of line {n})"
            text = raw.decode("utf-8", errors="replace")
        yield text.removeprefix("\ufeff") if n == 1 else text


def parse_csv(fp: BinaryIO) -> ParsedStream:
    csv.field_size_limit(MAX_LINE_BYTES)  # a field is bounded by its line (131,072 otherwise)
    bad: dict[int, str] = {}
    reader = csv.DictReader(_text_lines(fp, bad))
    done = 1  # lines read: the header's
    while True:
        try:
            rec = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            yield RecordError(f"line {reader.line_num}", f"not a CSV row ({e})")
            done = reader.line_num
            continue
        first, done = done + 1, reader.line_num
        problems = [bad[n] for n in range(first, done + 1) if n in bad]
        if problems:
            yield RecordError(f"line {first}", problems[0])
        elif None in rec:
            yield RecordError(f"line {first}", "more values than header columns")
        else:
            try:
                yield to_paper({k: v for k, v in rec.items() if v is not None}, CSV,
                               f"line {first}")
            except InvalidRecord as e:
                yield RecordError(f"line {first}", str(e))
