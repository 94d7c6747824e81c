"""Similar papers: the nearest neighbours of a paper, or of a pasted text, by meaning."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from paperwire.embedding import MODEL_NAME, paper_text
from paperwire.services.library import Library
from paperwire.store.base import StoredPaper

SORTS = ("relevance", "date", "upvotes")


@dataclass
class SimilarPaper:
    paper: StoredPaper
    similarity: float


def _sorted(found: list[SimilarPaper], sort: str) -> list[SimilarPaper]:
    if sort == "date":
        return sorted(found, key=lambda s: s.paper.paper.published or date.min, reverse=True)
    if sort == "upvotes":
        return sorted(found, key=lambda s: s.paper.paper.external_upvotes or 0, reverse=True)
    return found


def _neighbours(library: Library, vector: np.ndarray, limit: int, exclude: int | None,
                sort: str) -> list[SimilarPaper]:
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}")
    library.vectors.refresh()
    near = library.vectors.search(vector, limit + 1 + (exclude is not None))
    papers = library.papers.get_many(pid for pid, _ in near)
    found = [SimilarPaper(papers[pid], score) for pid, score in near
             if pid != exclude and pid in papers and not papers[pid].hidden]
    # the top `limit` by meaning, then shown in the order asked for
    return _sorted(found[:limit], sort)


def similar_to_paper(library: Library, paper: StoredPaper, limit: int = 10,
                     sort: str = "relevance") -> list[SimilarPaper]:
    blob = library.store.vector_of(MODEL_NAME, paper.pid)
    if blob is not None:
        vector = np.frombuffer(blob, dtype=np.float32)
    else:  # not embedded yet: encode it now rather than answer nothing
        vector = library.embedder.encode([paper_text(paper.paper.title, paper.paper.abstract)])[0]
    return _neighbours(library, vector, limit, paper.pid, sort)


def similar_to_text(library: Library, text: str, limit: int = 10,
                    sort: str = "relevance") -> list[SimilarPaper]:
    if not text.strip():
        return []
    return _neighbours(library, library.embedder.encode([text])[0], limit, None, sort)
