"""Suggestions as you type: paper titles and author names from the lexical index."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from paperwire.services.library import Library

TITLES = 6
AUTHORS = 3


@dataclass
class Suggestions:
    titles: list[tuple[str, str]]  # (paper key, title)
    authors: list[str]

    def as_json(self) -> dict:
        return {"titles": [{"id": k, "title": t} for k, t in self.titles],
                "authors": self.authors}


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower())
                   if not unicodedata.combining(c))


def suggest(library: Library, text: str) -> Suggestions:
    text = text[:100]
    index, store = library.lexical, library.store
    ranked = index.suggest(text, "title", TITLES)
    found = store.get_many(ranked)
    titles = [(found[pid].paper.key, found[pid].paper.title) for pid in ranked
              if pid in found and not found[pid].hidden]
    words = _fold(text).split()
    authors: list[str] = []
    for sp in store.get_many(index.suggest(text, "authors", 20)).values():
        for name in sp.paper.authors:
            folded = _fold(name).replace(".", " ").split()
            if name not in authors and words and all(
                    any(part.startswith(w) for part in folded) for w in words):
                authors.append(name)
    return Suggestions(titles[:TITLES], authors[:AUTHORS])
