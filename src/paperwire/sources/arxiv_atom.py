"""arXiv API responses (Atom 1.0, export.arxiv.org/api/query)."""

from __future__ import annotations

from typing import BinaryIO

from paperwire.domain import Paper, clean_text, parse_arxiv_id
from paperwire.sources.base import (
    ParsedStream,
    RecordError,
    SourceError,
    parse_date,
    read_document,
)
from paperwire.sources.xml import parse_xml, text_of

NAME = "arxiv-api"
NS = {
    "a": "http://www.w3.org/2005/Atom",
    "arxiv": "http://arxiv.org/schemas/atom",
    "os": "http://a9.com/-/spec/opensearch/1.1/",
}


def _paper(entry) -> Paper:
    ident = parse_arxiv_id(text_of(entry.find("a:id", NS)))
    if ident is None:
        raise ValueError(f"entry id {text_of(entry.find('a:id', NS))!r} is not an arXiv id")
    primary = entry.find("arxiv:primary_category", NS)
    categories = [c.get("term") for c in entry.findall("a:category", NS) if c.get("term")]
    if primary is not None and primary.get("term") in categories:
        categories.remove(primary.get("term"))
        categories.insert(0, primary.get("term"))
    return Paper(
        arxiv_id=ident.id,
        version=ident.version,
        title=clean_text(text_of(entry.find("a:title", NS))),
        abstract=clean_text(text_of(entry.find("a:summary", NS))),
        authors=[clean_text(text_of(a.find("a:name", NS))) for a in entry.findall("a:author", NS)],
        published=parse_date(text_of(entry.find("a:published", NS))),
        updated=parse_date(text_of(entry.find("a:updated", NS))),
        categories=categories,
        comment=clean_text(text_of(entry.find("arxiv:comment", NS))) or None,
        journal_ref=clean_text(text_of(entry.find("arxiv:journal_ref", NS))) or None,
        doi=clean_text(text_of(entry.find("arxiv:doi", NS))) or None,
        sources=[NAME],
    )


def error_message(root) -> str | None:
    """arXiv reports a bad request as a feed with one entry whose id is an errors URL."""
    for entry in root.findall("a:entry", NS):
        if "/api/errors" in text_of(entry.find("a:id", NS)):
            return clean_text(text_of(entry.find("a:summary", NS))) or "arXiv reported an error"
    return None


def total_results(root) -> int:
    return int(text_of(root.find("os:totalResults", NS)) or 0)


def parse(fp: BinaryIO) -> ParsedStream:
    root = parse_xml(read_document(fp))
    if root.tag != f"{{{NS['a']}}}feed":
        raise SourceError("not an Atom feed")
    if message := error_message(root):
        raise SourceError(f"the arXiv API answered with an error: {message}")
    for n, entry in enumerate(root.findall("a:entry", NS), start=1):
        try:
            paper = _paper(entry)
        except ValueError as e:
            yield RecordError(f"entry {n}", str(e))
            continue
        paper.origin = f"entry {n}"
        yield paper
