"""Look papers up by any spelling of their id, and describe them as plain data."""

from __future__ import annotations

from paperwire.domain import parse_arxiv_id
from paperwire.services.library import Library
from paperwire.store.base import StoredPaper


def find_paper(library: Library, ident: str) -> StoredPaper | None:
    """By arXiv id in any form (URL, arXiv:, with version) or by a title key (t-…)."""
    parsed = parse_arxiv_id(ident)
    return library.store.find(parsed.id if parsed else ident.strip())


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
        "links": {"abs": p.abs_url, "pdf": p.pdf_url, "code": p.code_url},
        "external_upvotes": p.external_upvotes,
        "listed_on": p.listed_on.isoformat() if p.listed_on else None,
        "sources": p.sources,
    }
