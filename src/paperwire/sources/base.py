"""What a source yields, and the small text helpers several sources share."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from email.utils import parsedate_to_datetime
from typing import BinaryIO

from pylatexenc.latex2text import LatexNodes2Text

from paperwire.domain import Paper


@dataclass
class RecordError:
    """A record that could not be read; ingest counts and reports it, then goes on."""

    where: str  # "line 12", "record 3", "entry 'smith2020'"
    reason: str


class SourceError(Exception):
    """The input as a whole cannot be read (not this format, broken XML, an error response)."""


Parsed = Paper | RecordError
ParsedStream = Iterator[Parsed]

MAX_LINE_BYTES = 16 * 2**20  # one record of a line format (JSONL, CSV): far above any real one
MAX_DOCUMENT_BYTES = 64 * 2**20  # a format read whole (JSON, XML, BibTeX, a listing page)


def read_document(fp: BinaryIO) -> bytes:
    """The whole input, for formats parsed in one piece; bounded, as they are held in memory
    several times over while parsed."""
    data = fp.read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise SourceError(f"larger than {MAX_DOCUMENT_BYTES // 2**20} MiB, the most a file in "
                          "this format may hold (it is read whole); split it, or use JSONL")
    return data


def bounded_lines(fp: BinaryIO) -> Iterator[tuple[int, bytes | None]]:
    """(line number, line) for each line; None for a line over MAX_LINE_BYTES, which is
    skipped without being held in memory."""
    n = 0
    while line := fp.readline(MAX_LINE_BYTES + 1):
        n += 1
        if len(line) > MAX_LINE_BYTES:
            while not line.endswith(b"\n") and (line := fp.readline(MAX_LINE_BYTES)):
                pass  # the rest of the line, a piece at a time
            yield n, None
            continue
        yield n, line


def too_long(n: int) -> RecordError:
    return RecordError(f"line {n}", f"longer than {MAX_LINE_BYTES // 2**20} MiB, the most "
                       "one record may take")


def json_lines(fp: BinaryIO) -> Iterator[tuple[int, object] | RecordError]:
    """Each non-blank line's JSON value with its line number; a line that is not UTF-8, not
    JSON, nested too deeply or too long is a RecordError, and the lines after it are read."""
    for n, raw in bounded_lines(fp):
        if raw is None:
            yield too_long(n)
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            yield RecordError(f"line {n}", f"not UTF-8 text (byte {e.start + 1} of the line)")
            continue
        if n == 1:
            text = text.removeprefix("\ufeff")  # a byte order mark
        if not text.strip():
            continue
        try:
            yield n, json.loads(text)
        except json.JSONDecodeError as e:
            yield RecordError(f"line {n}", f"not valid JSON ({e.msg})")
        except RecursionError:
            yield RecordError(f"line {n}", "JSON nested too deeply")

_latex = LatexNodes2Text(math_mode="verbatim", keep_comments=False)


def latex_to_text(s: str) -> str:
    """Turn TeX accents and markup in names into Unicode (Bal\\'azs -> Balázs)."""
    if "\\" not in s and "{" not in s:
        return s
    try:
        return _latex.latex_to_text(s)
    except Exception:  # pylatexenc is lenient; any failure keeps the raw text
        return s


_AUTHOR_SPLIT = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*;\s*")


def _without_parentheses(text: str) -> str:
    """Text with every parenthesized part removed, nested ones included."""
    while (shorter := re.sub(r"\([^()]*\)", " ", text)) != text:
        text = shorter
    return text.replace("(", " ").replace(")", " ")  # what an unbalanced one left


def split_authors(text: str) -> list[str]:
    """Split an author string ("A, B, and C" or "A and B") into names."""
    text = _without_parentheses(text)  # affiliations: "A (1, 2) ((1) MIT, (2) ETH)"
    names = (latex_to_text(n).strip() for n in _AUTHOR_SPLIT.split(text.replace("\n", " ")))
    return [re.sub(r"\s+", " ", n) for n in names if n]


_RFC2822_DAY = re.compile(r"(?:[A-Za-z]{3}, )?(\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) ")
_MONTHS = {m: n for n, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
                                       "Sep", "Oct", "Nov", "Dec"), start=1)}


_ISO_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"
                      r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?"
                      r"(?:Z|[+-]\d{2}(?::?\d{2})?)?)?", re.IGNORECASE)


def parse_day(text: str) -> date:
    """A day as people write one: YYYY-MM-DD, the month and day with or without a leading
    zero, optionally with a time of day (and zone), which must be a real one. The day is the
    one written, whatever the zone. Raises ValueError for anything else."""
    m = _ISO_DAY.fullmatch(text.strip())
    if not m:
        raise ValueError(f"{text!r} is not a date (YYYY-MM-DD)")
    year, month, day, hour, minute, second = m.groups()
    if hour is not None:
        time(int(hour), int(minute), int(second or 0))  # 25:00 is no time of day
    return date(int(year), int(month), int(day))


def parse_date(text: str | None) -> date | None:
    """Dates as the sources write them: ISO 8601 or RFC 2822 ("Mon, 2 Apr 2007 19:18:42 GMT")."""
    if not text:
        return None
    s = text.strip()
    if (m := _RFC2822_DAY.match(s)) and m[2] in _MONTHS:  # the snapshot's millions of these
        try:
            return date(int(m[3]), _MONTHS[m[2]], int(m[1]))
        except ValueError:
            return None
    try:
        return datetime.fromisoformat(s.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(s).date()
    except (TypeError, ValueError):
        return None
