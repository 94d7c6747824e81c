"""Fusing a lexical and a semantic ranking into one: the only place fused ranks are made."""

from __future__ import annotations

RRF_K = 60


def reciprocal_rank_fusion(*rankings: list[int], k: int = RRF_K) -> list[tuple[int, float]]:
    """Cormack et al. 2009: score(d) = Σ 1 / (k + rank of d in each list), rank from 1."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, doc in enumerate(ranking, start=1):
            scores[doc] = scores.get(doc, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


def _min_max(scored: list[tuple[int, float]]) -> dict[int, float]:
    if not scored:
        return {}
    values = [s for _, s in scored]
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    return {doc: (s - low) / span for doc, s in scored}


def score_fusion(lexical: list[tuple[int, float]], semantic: list[tuple[int, float]],
                 semantic_weight: float) -> list[tuple[int, float]]:
    """Convex combination of min-max normalized scores; a missing score counts as 0."""
    lex, sem = _min_max(lexical), _min_max(semantic)
    fused = {d: (1 - semantic_weight) * lex.get(d, 0.0) + semantic_weight * sem.get(d, 0.0)
             for d in lex.keys() | sem.keys()}
    return sorted(fused.items(), key=lambda item: (-item[1], item[0]))
