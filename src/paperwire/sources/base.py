"""What a source yields, and the small text helpers several sources share."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import parsedate_to_datetime

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
