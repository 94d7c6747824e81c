"""Keyphrases, KeyBERT's way with the bundled model: the candidate phrases (phrases.py)
embedded and ranked by cosine similarity to the paper's own vector, chosen with maximal
marginal relevance so that they are near the paper and far from each other."""

from __future__ import annotations

import numpy as np

CANDIDATES = 12  # phrases embedded per paper: the cost of keyphrases is here
KEEP = 8  # keyphrases kept per paper (a card shows six)
DIVERSITY = 0.4  # MMR: 0 ranks by similarity alone, 1 by novelty alone


def _contains(a: str, b: str) -> bool:
    """Whether one phrase holds the other's words ("diffusion" and "diffusion models")."""
    a, b = f" {a.lower()} ", f" {b.lower()} "
    return a in b or b in a


def choose(phrases: list[str], vectors: np.ndarray, paper: np.ndarray,
           keep: int = KEEP, diversity: float = DIVERSITY) -> list[str]:
    """Up to `keep` of the phrases (with their unit vectors, one row each) by MMR against
    the paper's unit vector."""
    if not phrases:
        return []
    to_paper = vectors @ paper
    between = vectors @ vectors.T
    chosen: list[int] = []
    left = list(range(len(phrases)))
    while left and len(chosen) < keep:
        redundancy = between[np.ix_(left, chosen)].max(axis=1) if chosen \
            else np.zeros(len(left))
        scores = (1 - diversity) * to_paper[left] - diversity * redundancy
        best = left[int(np.argmax(scores))]
        left.remove(best)
        if any(_contains(phrases[best], phrases[c]) for c in chosen):
            continue
        chosen.append(best)
    return [phrases[i] for i in chosen]
