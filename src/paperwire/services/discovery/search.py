"""Search papers by words, by meaning, or both fused; join the hits with the store."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from html import escape

from paperwire.embedding import MODEL_NAME
from paperwire.index import spelling
from paperwire.index.hybrid import score_fusion
from paperwire.index.lexical import SNIPPET_CHARS, Filters, LexicalHit
from paperwire.index.query import lift_fields, parse_user_query
from paperwire.services.library import Library
from paperwire.store.base import StoredPaper

MAX_LIMIT = 100
SORTS = ("relevance", "date")
MODES = ("lexical", "semantic", "hybrid")
CANDIDATES = 50  # from each ranking before fusion (more when a deeper page is asked for)
# Hybrid = min-max normalized BM25 and cosine, equally weighted: the best of the fusions
# measured on SciFact train (benchmarks/RESULTS.md), ahead of reciprocal-rank fusion.
SEMANTIC_WEIGHT = 0.5
FILTERED_CANDIDATES = 1000  # nearest neighbours examined when filters apply
# Neighbours less similar than this are no match: gibberish or an unrelated phrase finds
# nothing instead of the nearest 30 (chosen on SciFact, benchmarks/choose_floor.py).
SEMANTIC_FLOOR = 0.30
# a query longer than this (a pasted abstract) is searched by meaning: its words would
# match nearly every paper, and the API's documented limit for q is this
LONG_QUERY = 250
SPELLED_WORDS = 8  # words of a query looked up for "did you mean", at most


KEPT_RESULTS = 1024  # result pages each process keeps (ids and highlights: ~30 KB each)


@dataclass
class SearchHit:
    paper: StoredPaper
    score: float
    title_html: str
    snippet_html: str


@dataclass
class SearchResults:
    query: str
    mode: str
    total: int | None  # lexical: counted when asked for; else exact when all matches are
    # among the candidates, None when there are more ("top N of many")
    hits: list[SearchHit]


def default_mode(library: Library) -> str:
    return "hybrid" if library.has_vectors() else "lexical"


def mode_for(library: Library, text: str, asked: str | None) -> str | None:
    """The mode asked for; else by meaning for a long text (a pasted abstract), else the
    default (None)."""
    if asked is None and len(text) > LONG_QUERY and library.has_vectors():
        return "semantic"
    return asked


def semantic_ranking(library: Library, text: str, filters: Filters | None,
                     k: int) -> list[tuple[int, float]]:
    """(pid, cosine) of the papers nearest in meaning to the text, filters applied, none
    below the relevance floor."""
    if not text.strip():
        return []
    vector = library.memo.get("query vector", text,
                              lambda: library.embedder.encode([text])[0], 4096)
    library.vectors.refresh()
    if filters is None or filters == Filters():
        near = library.vectors.search(vector, k)
    else:
        near = library.vectors.search(vector, max(k, FILTERED_CANDIDATES))
        passing = library.lexical.filter_ids([pid for pid, _ in near], filters)
        near = [(pid, score) for pid, score in near if pid in passing][:k]
    return [(pid, score) for pid, score in near if score >= SEMANTIC_FLOOR]


def _with_fields(text: str, filters: Filters | None) -> tuple[str, Filters | None]:
    """The query's au: and cat: as filters; a filter chosen on the page wins."""
    fields = lift_fields(text)
    if fields.author is None and fields.category is None:
        return text, filters
    base = filters or Filters()
    return fields.text, replace(base, author=base.author or fields.author,
                                category=base.category or fields.category)


def _plain_snippet(abstract: str) -> str:
    return escape(abstract if len(abstract) <= SNIPPET_CHARS
                  else abstract[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …")


def search(library: Library, text: str, filters: Filters | None = None, limit: int = 20,
           offset: int = 0, sort: str = "relevance", count: bool = False,
           mode: str | None = None) -> SearchResults:
    """A page of results: made once while the store and both indexes stay as they are (the
    key holds their revisions, so a result is never stale), then reused."""
    lexical = library.lexical  # caught up first: its revision is part of the key
    rev = library.store.max_rev()
    key = (text, repr(filters), limit, offset, sort, count, mode, rev, lexical.rev,
           library.store.vector_seq(MODEL_NAME))
    kept = library.memo.get("search", key, lambda: _lean(
        _search(library, text, filters, limit, offset, sort, count, mode)), KEPT_RESULTS)
    query, mode, total, hits = kept
    papers = library.papers.get_many([pid for pid, *_ in hits], at=rev)  # papers read anew
    return SearchResults(query, mode, total, [SearchHit(papers[pid], *rest)
                                              for pid, *rest in hits if pid in papers])


def _lean(results: SearchResults) -> tuple:
    return (results.query, results.mode, results.total,
            [(h.paper.pid, h.score, h.title_html, h.snippet_html) for h in results.hits])


def _search(library: Library, text: str, filters: Filters | None, limit: int, offset: int,
            sort: str, count: bool, mode: str | None) -> SearchResults:
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}")
    mode = mode or default_mode(library)
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}")
    limit, offset = max(1, min(limit, MAX_LIMIT)), max(0, offset)
    words, filters = _with_fields(text, filters)
    query = parse_user_query(words)
    if query.is_empty and filters and filters.names_papers:
        mode, sort = "lexical", "date"  # only au:/cat: asked: their papers, newest first
    if mode == "lexical":
        total, lexical = library.lexical.search(query, filters, limit, offset, sort, count)
        ranked = [(h.doc_id, h.score) for h in lexical]
    else:
        k = max(CANDIDATES, offset + limit)
        lexical = (library.lexical.search(query, filters, k, snippets=False)[1]
                   if mode == "hybrid" else [])
        semantic = semantic_ranking(library, words, filters, k)
        if mode == "hybrid" and (query.phrases or query.excluded or query.prefixes):
            # "a phrase", -word and prefix* ask for exact matches: meaning only reorders them
            matching = {h.doc_id for h in lexical}
            semantic = [(pid, s) for pid, s in semantic if pid in matching]
        ranked = semantic if mode == "semantic" else score_fusion(
            [(h.doc_id, h.score) for h in lexical], semantic, SEMANTIC_WEIGHT)
        # every match is in hand when neither side filled its candidate list
        total = len(ranked) if len(lexical) < k and len(semantic) < k else None
    page = _page(library, ranked, lexical, sort, offset, limit, paged=mode == "lexical")
    return SearchResults(text, mode, total, page)


def _page(library: Library, ranked: list[tuple[int, float]], lexical: list[LexicalHit],
          sort: str, offset: int, limit: int, paged: bool) -> list[SearchHit]:
    hidden = library.store.hidden_among([pid for pid, _ in ranked])
    ranked = [(pid, s) for pid, s in ranked if pid not in hidden]
    if sort == "date" and not paged:
        published = library.store.published_of([pid for pid, _ in ranked])
        ranked.sort(key=lambda r: published.get(r[0]) or date.min, reverse=True)
    if not paged:
        ranked = ranked[offset : offset + limit]
    papers = library.papers.get_many(pid for pid, _ in ranked)
    ranked = [(pid, s) for pid, s in ranked if pid in papers]
    by_id = {h.doc_id: h for h in lexical}
    library.lexical.highlight([by_id[pid] for pid, _ in ranked if pid in by_id])
    hits = []
    for pid, score in ranked:
        sp, lex = papers[pid], by_id.get(pid)
        hits.append(SearchHit(sp, score, lex.title_html if lex else escape(sp.paper.title),
                              lex.snippet_html if lex else _plain_snippet(sp.paper.abstract)))
    return hits



def did_you_mean(library: Library, text: str) -> str | None:
    """The query with each word that no title or abstract holds replaced by the nearest
    word the index holds, or None when every word is known (or none has a near one)."""
    words = parse_user_query(_with_fields(text, None)[0])
    fixed, changed = text, False
    for word in [*words.words, *(w for p in words.phrases for w in p)][:SPELLED_WORDS]:
        if not word.isalpha() or len(word) < 4 or spelling.known(library.lexical, word):
            continue
        if better := spelling.spelling(library.lexical, word):
            fixed = re.sub(rf"(?i)\b{re.escape(word)}\b", better, fixed)
            changed = True
    return fixed if changed else None
