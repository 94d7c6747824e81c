"""A one-line gist: the abstract's sentence nearest in meaning to the whole paper (its own
vector), trimmed to a line."""

from __future__ import annotations

import re

import numpy as np

MAX_SENTENCES = 8  # sentences embedded per paper, from the start of the abstract
MAX_CHARS = 220
_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\[\"'0-9$\\])")
_NOT_END = re.compile(r"(?:\b(?:e\.g|i\.e|et al|etc|vs|cf|Fig|Figs|Eq|Eqs|Sec|No|approx|resp"
                      r"|Dr|Prof|St|al)|\b[A-Z])\.$")
_LEAD = re.compile(r"^(?:in this (?:paper|work|study|report)|here|in this article),?\s+",
                   re.IGNORECASE)


def sentences(abstract: str) -> list[str]:
    """The abstract cut into sentences (not at "e.g.", "et al." or an initial)."""
    out: list[str] = []
    for piece in _END.split(" ".join(abstract.split())):
        if out and _NOT_END.search(out[-1]):
            out[-1] = f"{out[-1]} {piece}"
        elif piece:
            out.append(piece)
    return out


def trim(sentence: str, limit: int = MAX_CHARS) -> str:
    """A sentence made a line: no "In this paper," before it, cut at a word with "…"."""
    s = _LEAD.sub("", sentence.strip())
    s = s[:1].upper() + s[1:]
    if len(s) <= limit:
        return s
    cut = s[:limit].rsplit(" ", 1)[0].rstrip(",;:–- ")
    return cut + "…"


def choose(candidates: list[str], vectors: np.ndarray, paper: np.ndarray) -> str | None:
    """The candidate sentence (unit vectors, one row each) nearest the paper's vector."""
    if not candidates:
        return None
    return trim(candidates[int(np.argmax(vectors @ paper))])
