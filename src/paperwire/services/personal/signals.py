"""What a reader tells the site about themselves: not interested, seen, follows, their own
library (BibTeX or Zotero's CSL JSON), and private notes."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from paperwire.domain import CATEGORY
from paperwire.embedding import MODEL_NAME, paper_text
from paperwire.services.errors import Invalid, NotFound
from paperwire.services.markdown import render_comment
from paperwire.services.names import name_key, same_author
from paperwire.sources import RecordError, SourceError, bibtex, csl_json
from paperwire.store.base import StoredPaper
from paperwire.store.personal import Follow, LibraryItem
from paperwire.store.site import User

FOLLOW_KINDS = ("author", "category", "query", "topic")  # topic: of the map, by its id
MAX_FOLLOWS = 100
MAX_FOLLOW_VALUE = 120
MAX_NOTE = 20_000
MAX_LIBRARY_ITEMS = 5000


def set_not_interested(library, user: User, paper: StoredPaper, on: bool = True) -> None:
    """A negative example; the paper leaves every personal list of this user for good."""
    library.personal.set_dismissed(user.uid, paper.pid, on)
    if on:
        library.site.set_vote(user.uid, paper.pid, False)


def mark_seen(library, user: User, papers: list[StoredPaper]) -> None:
    library.personal.mark_seen(user.uid, [sp.pid for sp in papers])


def _follow_key(kind: str, value: str) -> str:
    if kind == "category":
        if not CATEGORY.fullmatch(value):
            raise Invalid(f"{value!r} is not an arXiv category (like cs.RO) or archive (like cs)")
        return value.lower()
    if kind == "author":
        key = name_key(value)
        if not key:
            raise Invalid("an author's name needs letters")
        return key
    if len(value) < 2:
        raise Invalid("a followed query needs at least two characters")
    return " ".join(value.lower().split())


def follow(library, user: User, kind: str, value: str) -> Follow:
    if kind not in FOLLOW_KINDS:
        raise Invalid(f"one can follow an {', a '.join(FOLLOW_KINDS)}, not {kind!r}")
    value = " ".join(value.split())
    if kind == "topic":  # kept by its id, shown by its label (as it was when followed)
        topic = library.fieldmap.topic(int(value)) if value.isdigit() and len(value) < 10 \
            else None
        if topic is None:
            raise Invalid(f"the map has no topic {value!r}")
        return _add_follow(library, user, kind, topic.label[:MAX_FOLLOW_VALUE],
                           str(topic.topic_id))
    if not value or len(value) > MAX_FOLLOW_VALUE:
        raise Invalid(f"what is followed has 1 to {MAX_FOLLOW_VALUE} characters")
    return _add_follow(library, user, kind, value, _follow_key(kind, value))


def _add_follow(library, user: User, kind: str, value: str, key: str) -> Follow:
    personal = library.personal
    follows = personal.follows(user.uid)
    if same := [f for f in follows if f.kind == kind == "topic" and f.match_key == key]:
        return same[0]
    # the same author followed before, whatever key an older version saved it with
    if same := [f for f in follows if kind == f.kind == "author" and name_key(f.value) == key]:
        return same[0]
    if len(follows) >= MAX_FOLLOWS:
        raise Invalid(f"one can follow at most {MAX_FOLLOWS} things")
    fid = personal.add_follow(user.uid, kind, value, key)
    return next(f for f in personal.follows(user.uid) if f.fid == fid)


def author_follow(library, user: User | None, name: str) -> Follow | None:
    """This reader's follow of an author that this name may be, if any."""
    if user is None:
        return None
    return next((f for f in library.personal.follows(user.uid)
                 if f.kind == "author" and same_author(f.value, name)), None)


def follows_author(library, user: User | None, name: str) -> bool:
    """Whether this reader follows an author that this name may be."""
    return author_follow(library, user, name) is not None


def unfollow(library, user: User, fid: int) -> None:
    if not library.personal.remove_follow(user.uid, fid):
        raise NotFound(f"you follow nothing with id {fid}")


# -- my library ------------------------------------------------------------------------------

@dataclass
class LibraryImport:
    read: int = 0
    added: int = 0
    in_store: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{self.read} entries read: {self.added} added to your library "
                f"({self.in_store} of them papers on this site), {len(self.errors)} skipped")


def _parse_library(data: bytes):
    text = data.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if text.startswith("["):
        return csl_json.parse(io.BytesIO(text.encode()))
    if bibtex.looks_like(text):
        return bibtex.parse(io.BytesIO(text.encode()))
    raise Invalid("a library is a BibTeX file (.bib) or Zotero's CSL JSON export (.json)")


def import_library(library, user: User, data: bytes) -> LibraryImport:
    """Positive examples from a reference manager's export; entries not on this site are
    embedded now, so they need not be in the store."""
    report = LibraryImport()
    try:
        records = list(_parse_library(data))
    except SourceError as e:
        raise Invalid(str(e)) from None
    papers = []
    for r in records[:MAX_LIBRARY_ITEMS]:
        if isinstance(r, RecordError):
            report.errors.append(str(r))
        else:
            papers.append(r)
    report.read = len(papers) + len(report.errors)
    found = library.store.lookup({p.arxiv_id for p in papers if p.arxiv_id},
                                 {p.title_key for p in papers},
                                 doi_keys={p.doi_key for p in papers if p.doi_key})
    by_key = {}
    for sp in found:
        for k in (sp.paper.arxiv_id, sp.paper.doi_key, sp.paper.title_key):
            if k:
                by_key.setdefault(k, sp)
    matched = [next((by_key[k] for k in (p.arxiv_id, p.doi_key, p.title_key) if k in by_key),
                    None) for p in papers]
    vectors = library.store.vectors_of(MODEL_NAME, [sp.pid for sp in matched if sp])
    to_embed = [i for i, sp in enumerate(matched) if sp is None or sp.pid not in vectors]
    encoded = library.embedder.encode([paper_text(papers[i].title, papers[i].abstract)
                                       for i in to_embed]) if to_embed else []
    fresh = dict(zip(to_embed, encoded, strict=True))
    items = []
    for i, (p, sp) in enumerate(zip(papers, matched, strict=True)):
        vector = fresh[i].tobytes() if i in fresh else vectors[sp.pid]  # type: ignore[union-attr]
        key = p.arxiv_id or p.doi_key or p.title_key
        items.append(LibraryItem(key, p.title, sp.pid if sp else None, vector))
        report.in_store += sp is not None
    report.added = library.personal.add_library_items(user.uid, items)
    return report


# -- notes -----------------------------------------------------------------------------------

def save_note(library, user: User, paper: StoredPaper, body: str) -> None:
    """A private Markdown note; an empty one is deleted."""
    body = body.strip()
    if len(body) > MAX_NOTE:
        raise Invalid(f"a note has at most {MAX_NOTE} characters")
    library.personal.set_note(user.uid, paper.pid, body)


def note_html(library, user: User | None, paper: StoredPaper) -> tuple[str, str] | None:
    """(Markdown, sanitized HTML) of the viewer's own note on a paper; no one else's."""
    if user is None:
        return None
    body = library.personal.note(user.uid, paper.pid)
    return (body, render_comment(body)) if body else None
