"""The plain-text listing pages of a daily-papers site (see shared/fixtures/listings).

Each entry is a title line, the abstract, and optionally "• N authors", "·" and a date
("Oct 4, 2023", or "Mar 13" for the current year) with the upvote count after it.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import BinaryIO

from paperwire import clock
from paperwire.domain import Paper, clean_text
from paperwire.sources.base import ParsedStream, RecordError, SourceError, read_document

NAME = "listing"
_HEADER = {
    "new", "get trending papers in your email inbox!", "subscribe", "daily papers",
    "byak and the research community",
}
_AUTHORS = re.compile(r"^[•·*\-]?\s*(\d+)\s+authors?$")
_DATE = re.compile(r"^(?P<md>[A-Z][a-z]{2} \d{1,2})(?:, (?P<year>\d{4}))?(?:\s+(?P<votes>\d+))?$")
_MIN_ABSTRACT = 40


def _resolve_date(md: str, year: str | None, today: date) -> date | None:
    try:
        if year:
            return datetime.strptime(f"{md} {year}", "%b %d %Y").date()
        d = datetime.strptime(f"{md} {today.year}", "%b %d %Y").date()
    except ValueError:
        return None
    # a date without a year is in the current year, unless that would lie in the future
    return d if d <= today else d.replace(year=d.year - 1)


def looks_like(text: str) -> bool:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return any(ln.casefold() in _HEADER for ln in lines[:8]) or (
        len(lines) >= 2 and len(lines[0]) < 400 and len(lines[1]) >= _MIN_ABSTRACT * 2
    )


def parse(fp: BinaryIO, today: date | None = None) -> ParsedStream:
    today = today or clock.today()
    try:
        text = read_document(fp).decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as e:
        raise SourceError(f"not UTF-8 text (byte {e.start + 1})") from None
    numbered = [(i + 1, ln.strip()) for i, ln in enumerate(text.splitlines())]
    lines = [(n, ln) for n, ln in numbered if ln]
    i = 0
    while i < len(lines) and (lines[i][1].casefold() in _HEADER or _DATE.match(lines[i][1])):
        i += 1  # page header and the page's own date
    while i < len(lines):
        line_no, title = lines[i]
        if i + 1 >= len(lines):
            yield RecordError(f"line {line_no}", "a title with no abstract after it")
            return
        abstract = lines[i + 1][1]
        i += 2
        if len(abstract) < _MIN_ABSTRACT or _AUTHORS.match(abstract) or abstract == "·":
            yield RecordError(f"line {line_no}", f"expected an abstract after the title "
                              f"{title[:60]!r}, found {abstract[:60]!r}")
            while i < len(lines) and (_AUTHORS.match(lines[i][1]) or lines[i][1] == "·"
                                      or _DATE.match(lines[i][1])):
                i += 1
            continue
        paper = Paper(title=clean_text(title), abstract=clean_text(abstract), sources=[NAME],
                      origin=f"line {line_no}")
        if i < len(lines) and (m := _AUTHORS.match(lines[i][1])):
            paper.author_count = int(m.group(1))
            i += 1
        if i < len(lines) and lines[i][1] == "·":
            i += 1
        if i < len(lines) and (m := _DATE.match(lines[i][1])):
            paper.published = _resolve_date(m.group("md"), m.group("year"), today)
            if m.group("votes"):
                paper.external_upvotes = int(m.group("votes"))
            i += 1
        yield paper
