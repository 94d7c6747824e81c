"""Search papers: parse the user's query, ask the index, join the hits with the store."""

from __future__ import annotations

from dataclasses import dataclass

from paperwire.index.lexical import Filters
from paperwire.index.query import parse_user_query
from paperwire.services.library import Library
from paperwire.store.base import StoredPaper

MAX_LIMIT = 100
SORTS = ("relevance", "date")


@dataclass
class SearchHit:
    paper: StoredPaper
    score: float
    title_html: str
    snippet_html: str


@dataclass
class SearchResults:
    query: str
    total: int | None  # counted only when asked for
    hits: list[SearchHit]


def search(library: Library, text: str, filters: Filters | None = None, limit: int = 20,
           offset: int = 0, sort: str = "relevance", count: bool = False) -> SearchResults:
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}")
    limit = max(1, min(limit, MAX_LIMIT))
    total, hits = library.lexical.search(parse_user_query(text), filters, limit,
                                         max(0, offset), sort, count)
    papers = library.store.get_many(h.doc_id for h in hits)
    found = [SearchHit(papers[h.doc_id], h.score, h.title_html, h.snippet_html)
             for h in hits if h.doc_id in papers and not papers[h.doc_id].hidden]
    return SearchResults(text, total, found)
