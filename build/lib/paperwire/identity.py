"""When two records are one paper: the identity rule of ../shared/DESIGN.md.

A paper is named by its arXiv id, else its DOI, else the id its source gives it; only a
record with none of these is matched by its normalized title, and a title match holds only
when nothing contradicts it (other ids, another abstract, another first author).
"""

from __future__ import annotations

import re

from paperwire.domain import Paper, normalize_title, source_namespace

_ABSTRACT_WORDS = 60  # the opening of an abstract is enough to tell two papers apart
_MIN_OVERLAP = 0.6  # share of the shorter opening's words the other must contain
_WORD = re.compile(r"[a-z0-9]+")


def ids_contradict(a: Paper, b: Paper) -> bool:
    """Both carry an id of one kind and the ids differ."""
    if a.arxiv_id and b.arxiv_id and a.arxiv_id != b.arxiv_id:
        return True
    if a.doi_key and b.doi_key and a.doi_key != b.doi_key:
        return True
    theirs = {source_namespace(s): s for s in b.source_ids}
    return any(theirs.get(source_namespace(s), s) != s for s in a.source_ids)


def _opening_words(text: str) -> set[str]:
    return set(_WORD.findall(normalize_title(text))[:_ABSTRACT_WORDS])


def abstracts_differ(a: str, b: str) -> bool:
    """Two abstracts of different papers; the same text re-typeset or cut short is not."""
    if not a or not b:
        return False
    wa, wb = _opening_words(a), _opening_words(b)
    if not wa or not wb:
        return False
    return len(wa & wb) / min(len(wa), len(wb)) < _MIN_OVERLAP


def _surname(name: str) -> str:
    words = normalize_title(name).split()
    return words[-1] if words else ""


def first_authors_differ(a: list[str], b: list[str]) -> bool:
    """"Yann LeCun" and "Y. LeCun" are one first author; an empty list contradicts nothing."""
    if not a or not b:
        return False
    return _surname(a[0]) != _surname(b[0])


def same_by_title(a: Paper, b: Paper) -> bool:
    """Records with one normalized title are one paper unless something contradicts it."""
    return not (ids_contradict(a, b) or abstracts_differ(a.abstract, b.abstract)
                or first_authors_differ(a.authors, b.authors))
