"""Look papers up by any spelling of their id, and describe them as plain data."""

from __future__ import annotations

import re
from dataclasses import dataclass

from paperwire.domain import doi_key, parse_arxiv_id
from paperwire.services.library import Library
from paperwire.services.markdown import web_link
from paperwire.store.base import StoredPaper

_SCHEMELESS = re.compile(
    r"^(?=(?:www\.|export\.)?(?:arxiv\.org|huggingface\.co|(?:dx\.)?doi\.org)/)", re.IGNORECASE)
_HF_PAPER = re.compile(r"^https?://(?:www\.)?huggingface\.co/papers/(?P<id>[^/?#]+)",
                       re.IGNORECASE)
_DOI = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)?(?P<doi>10\.\d{4,9}/\S+)$",
                  re.IGNORECASE)


def find_paper(library: Library, ident: str) -> StoredPaper | None:
    """By arXiv id in any form (URL, arXiv:, with version) or by a title key (t-…)."""
    parsed = parse_arxiv_id(ident)
    return library.store.find(parsed.id if parsed else ident.strip())


@dataclass
class Pasted:
    """A paper named by what people paste: an arXiv id or URL, a DOI, a Hugging Face
    paper URL; found, or not here."""
    kind: str  # "arxiv" or "doi"
    ident: str  # the versionless arXiv id, or the DOI
    found: StoredPaper | None


def pasted_paper(library: Library, text: str) -> Pasted | None:
    """The paper a search box's text names, if it names one rather than asks for words."""
    s = text.strip()
    if not s or any(c.isspace() for c in s):
        return None
    s = _SCHEMELESS.sub("https://", s)
    if m := _HF_PAPER.match(s):
        s = m["id"]
    elif s.lower().startswith("http") and "arxiv.org/" in s.lower():
        s = re.split(r"[?#]", s)[0]
    if ident := parse_arxiv_id(s):
        found = library.store.find(ident.id)
        return Pasted("arxiv", ident.id, found if found and not found.hidden else None)
    if m := _DOI.match(s):
        doi = doi_key(m["doi"]) or m["doi"]
        found = next((sp for sp in library.store.lookup([], [], [doi]) if not sp.hidden), None)
        return Pasted("doi", doi, found)
    return None


def paper_json(sp: StoredPaper) -> dict:
    p = sp.paper
    return {
        "id": p.key,
        "arxiv_id": p.arxiv_id,
        "version": p.version,
        "title": p.title,
        "abstract": p.abstract,
        "authors": p.authors,
        "author_count": p.n_authors,
        "published": p.published.isoformat() if p.published else None,
        "updated": p.updated.isoformat() if p.updated else None,
        "categories": p.categories,
        "comment": p.comment,
        "journal_ref": p.journal_ref,
        "doi": p.doi,
        "links": {"abs": web_link(p.abs_url), "pdf": p.pdf_url, "code": web_link(p.code_url)},
        "external_upvotes": p.external_upvotes,
        "listed_on": p.listed_on.isoformat() if p.listed_on else None,
        "sources": p.sources,
    }
