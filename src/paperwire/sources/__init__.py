"""Sources turn bytes into Paper records; they never write to the store.

`detect_format` names a file's format from its content (a gzip file's from what it holds);
`open_input` opens a file, gzip or not; `read` streams its records.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from paperwire.sources import (
    arxiv_atom,
    arxiv_oai,
    arxiv_snapshot,
    beir,
    bibtex,
    hf_daily,
    listing,
    native,
)
from paperwire.sources.base import ParsedStream, RecordError, SourceError
from paperwire.sources.files import head_of, open_input

__all__ = ["FORMATS", "RecordError", "SourceError", "detect_format", "head_of", "open_input",
           "read"]

FORMATS: dict[str, Callable[[BinaryIO], ParsedStream]] = {
    "listing": listing.parse,
    "arxiv-api": arxiv_atom.parse,
    "arxiv-oai": arxiv_oai.parse,
    "hf-daily": hf_daily.parse,
    "arxiv-snapshot": arxiv_snapshot.parse,
    "bibtex": bibtex.parse,
    "beir": beir.parse,
    "jsonl": native.parse_jsonl,
    "csv": native.parse_csv,
}


def _detect_json_lines(head: str) -> str | None:
    try:
        first = json.loads(head.splitlines()[0])
    except (json.JSONDecodeError, IndexError, RecursionError):
        return None
    if not isinstance(first, dict):
        return None
    for name, looks_like in (("arxiv-snapshot", arxiv_snapshot.looks_like),
                             ("beir", beir.looks_like), ("jsonl", native.looks_like_jsonl)):
        if looks_like(first):
            return name
    return None


def detect_format_of(head: str) -> str | None:
    s = head.lstrip("\ufeff \t\r\n")
    if s.startswith("<"):
        if "<feed" in s[:2000]:
            return "arxiv-api"
        return "arxiv-oai" if "OAI-PMH" in s[:2000] else None
    if s.startswith("["):
        return "hf-daily" if '"paper"' in s else None
    if s.startswith("{"):
        return _detect_json_lines(s)
    if bibtex.looks_like(s):
        return "bibtex"
    if s and native.looks_like_csv(s.splitlines()[0]):
        return "csv"
    return "listing" if listing.looks_like(s) else None


def detect_format(path: Path) -> str:
    """The file's format, from its first bytes (decompressed); SourceError for binary data
    or a format paperwire does not know. Messages leave the path to whoever shows them."""
    name = detect_format_of(head_of(path).decode("utf-8", errors="replace"))
    if name is None:
        known = ", ".join(FORMATS)
        raise SourceError(f"not in a format paperwire knows ({known}); name one with --format")
    return name


def read(fp: BinaryIO, fmt: str) -> ParsedStream:
    try:
        parse = FORMATS[fmt]
    except KeyError:
        raise SourceError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}") from None
    return parse(fp)
