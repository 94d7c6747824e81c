"""An author's papers: every paper with an author who may be this one (names.same_author),
so "Yann LeCun", "Y. LeCun" and "LeCun, Yann" lead to the same list, as follows match."""

from __future__ import annotations

import re
from dataclasses import dataclass

from paperwire.services.errors import Invalid
from paperwire.services.names import name_key, same_author
from paperwire.store.base import StoredPaper

MAX_CANDIDATES = 5000  # papers sharing the surname and the given name, newest first
_CHUNK = 500


@dataclass
class AuthorPapers:
    name: str
    papers: list[StoredPaper]  # the page asked for, newest first
    total: int | None  # None when not every candidate was looked at
    has_more: bool


def _by(sp: StoredPaper, wanted: str) -> bool:
    return not sp.hidden and any(same_author(wanted, name) for name in sp.paper.authors)


def papers_by(library, name: str, limit: int, offset: int = 0) -> AuthorPapers:
    key = name_key(name)
    if not key:
        raise Invalid("an author's name needs letters")
    surname, _, given = key.partition(" ")
    candidates = library.lexical.by_author_words(surname, given, MAX_CANDIDATES)
    wanted = offset + limit + 1  # one more than shown tells whether there is more
    matched: list[StoredPaper] = []
    looked = 0
    while looked < len(candidates) and len(matched) < wanted:
        chunk = candidates[looked:looked + _CHUNK]
        papers = library.store.get_many(chunk)
        matched += [papers[pid] for pid in chunk if pid in papers and _by(papers[pid], name)]
        looked += len(chunk)
    complete = looked == len(candidates) < MAX_CANDIDATES
    return AuthorPapers(name, matched[offset:offset + limit],
                        len(matched) if complete else None, len(matched) > offset + limit)


_PLAIN_NAME = re.compile(r"[^\W\d_][\w'.-]*(?: [^\W\d_][\w'.-]*){1,3}")


def named_author(library, text: str, limit: int) -> AuthorPapers | None:
    """Papers by the author a search's text names, when it is a name typed plainly (two to
    four words, no digits or operators) that some author here has; else None."""
    name = " ".join(text.split())
    if len(name) > 80 or not _PLAIN_NAME.fullmatch(name):
        return None
    found = papers_by(library, name, limit)
    return found if found.papers else None
