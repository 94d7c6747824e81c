"""arXiv OAI-PMH ListRecords / GetRecord responses, metadata formats arXiv, arXivRaw, oai_dc.

arXivRaw is tested on recorded responses; arXiv and oai_dc follow their published schemas
(arxiv.org/OAI/arXiv.xsd, www.openarchives.org/OAI/2.0/oai_dc.xsd) with records we wrote.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

from paperwire.domain import Paper, clean_text, parse_arxiv_id
from paperwire.sources.base import (
    Parsed,
    ParsedStream,
    RecordError,
    SourceError,
    latex_to_text,
    parse_date,
    read_document,
    split_authors,
)
from paperwire.sources.xml import local_name, parse_xml, text_of

NAME = "arxiv-oai"
OAI = "http://www.openarchives.org/OAI/2.0/"
NS = {
    "oai": OAI,
    "raw": "http://arxiv.org/OAI/arXivRaw/",
    "arxiv": "http://arxiv.org/OAI/arXiv/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/",
}
HARMLESS_ERRORS = {"noRecordsMatch"}


@dataclass
class Resumption:
    token: str | None
    complete_list_size: int | None


def _optional(el, path: str, ns: str) -> str | None:
    return clean_text(text_of(el.find(f"{ns}:{path}", NS))) or None


def _from_raw(m) -> Paper:
    versions = m.findall("raw:version", NS)
    last = versions[-1].get("version", "") if versions else ""
    return Paper(
        arxiv_id=text_of(m.find("raw:id", NS)).strip(),
        version=int(last[1:]) if last[1:].isdigit() else None,
        title=clean_text(text_of(m.find("raw:title", NS))),
        abstract=clean_text(text_of(m.find("raw:abstract", NS))),
        authors=split_authors(text_of(m.find("raw:authors", NS))),
        published=parse_date(text_of(versions[0].find("raw:date", NS))) if versions else None,
        updated=parse_date(text_of(versions[-1].find("raw:date", NS))) if versions else None,
        categories=text_of(m.find("raw:categories", NS)).split(),
        comment=_optional(m, "comments", "raw"),
        journal_ref=_optional(m, "journal-ref", "raw"),
        doi=_optional(m, "doi", "raw"),
        sources=[NAME],
        extras=({"arxiv": {"submitter": submitter}}
                if (submitter := _optional(m, "submitter", "raw")) else {}),
    )


def _from_arxiv(m) -> Paper:
    authors = []
    for a in m.findall("arxiv:authors/arxiv:author", NS):
        parts = [text_of(a.find(f"arxiv:{p}", NS)) for p in ("forenames", "keyname", "suffix")]
        authors.append(latex_to_text(clean_text(" ".join(p for p in parts if p))))
    return Paper(
        arxiv_id=text_of(m.find("arxiv:id", NS)).strip(),
        title=clean_text(text_of(m.find("arxiv:title", NS))),
        abstract=clean_text(text_of(m.find("arxiv:abstract", NS))),
        authors=authors,
        published=parse_date(text_of(m.find("arxiv:created", NS))),
        updated=parse_date(text_of(m.find("arxiv:updated", NS))),
        categories=text_of(m.find("arxiv:categories", NS)).split(),
        comment=_optional(m, "comments", "arxiv"),
        journal_ref=_optional(m, "journal-ref", "arxiv"),
        doi=_optional(m, "doi", "arxiv"),
        sources=[NAME],
    )


def _from_dc(m) -> Paper:
    ident = next((i for i in (parse_arxiv_id(text_of(e)) for e in m.findall("dc:identifier", NS))
                  if i), None)
    descriptions = [clean_text(text_of(d)) for d in m.findall("dc:description", NS)]
    comment = next((d.removeprefix("Comment: ") for d in descriptions
                    if d.startswith("Comment:")), None)
    creators = [clean_text(text_of(c)) for c in m.findall("dc:creator", NS)]
    dates = sorted(d for d in (parse_date(text_of(e)) for e in m.findall("dc:date", NS)) if d)
    return Paper(
        arxiv_id=ident.id if ident else None,
        version=ident.version if ident else None,
        title=clean_text(text_of(m.find("dc:title", NS))),
        abstract=next((d for d in descriptions if not d.startswith("Comment:")), ""),
        authors=[" ".join(reversed(c.split(", ", 1))) for c in creators],
        published=dates[0] if dates else None,
        updated=dates[-1] if dates else None,
        comment=comment,
        sources=[NAME],
    )


_READERS = {"arXivRaw": _from_raw, "arXiv": _from_arxiv, "dc": _from_dc}


def _record(rec) -> Paper | None:
    header = rec.find("oai:header", NS)
    if header is not None and header.get("status") == "deleted":
        return None
    metadata = rec.find("oai:metadata", NS)
    if metadata is None or len(metadata) == 0:
        raise ValueError("the record has no metadata")
    body = metadata[0]
    reader = _READERS.get(local_name(body))
    if reader is None:
        raise ValueError(f"unsupported metadata format {local_name(body)!r}")
    paper = reader(body)
    if paper.arxiv_id and parse_arxiv_id(paper.arxiv_id) is None:
        raise ValueError(f"{paper.arxiv_id!r} is not an arXiv id")
    return paper


def check_errors(root) -> None:
    for err in root.findall("oai:error", NS):
        if err.get("code") not in HARMLESS_ERRORS:
            raise SourceError(f"the OAI-PMH server answered {err.get('code')}: {text_of(err)}")


def resumption(root) -> Resumption:
    el = root.find(".//oai:resumptionToken", NS)
    if el is None:
        return Resumption(None, None)
    size = el.get("completeListSize")
    return Resumption((el.text or "").strip() or None, int(size) if size else None)


@dataclass
class Page:
    """One ListRecords response, read whole."""

    records: list[Parsed]
    token: str | None  # the next page's resumption token; None on the last page
    complete_list_size: int | None
    response_date: str | None  # YYYY-MM-DD, the server's clock when it answered
    error_code: str | None  # an OAI-PMH error (noRecordsMatch, badResumptionToken, ...)
    error_text: str


def root_of(body: bytes):
    root = parse_xml(body)
    if root.tag != f"{{{OAI}}}OAI-PMH":
        raise SourceError("not an OAI-PMH response")
    return root


def read_page(body: bytes) -> Page:
    root = root_of(body)
    err = root.find("oai:error", NS)
    more = resumption(root)
    stamp = text_of(root.find("oai:responseDate", NS)).strip()[:10] or None
    return Page(list(_records(root)), more.token, more.complete_list_size, stamp,
                err.get("code") if err is not None else None, clean_text(text_of(err)))


def parse(fp: BinaryIO) -> ParsedStream:
    root = root_of(read_document(fp))
    check_errors(root)
    yield from _records(root)


def _records(root) -> ParsedStream:
    for n, rec in enumerate(root.iter(f"{{{OAI}}}record"), start=1):
        try:
            paper = _record(rec)
        except (ValueError, IndexError) as e:
            yield RecordError(f"record {n}", str(e))
            continue
        if paper is not None:
            paper.origin = f"record {n}"
            yield paper
