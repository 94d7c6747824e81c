"""Keep the lexical index caught up with the store; rebuild it when it is unusable."""

from __future__ import annotations

import fcntl
import logging
from collections.abc import Callable
from pathlib import Path

from paperwire.code_links import find_links
from paperwire.index.lexical import IndexDoc, IndexUnusable, LexicalIndex
from paperwire.store.base import Store, StoredPaper
from paperwire.venues import find_venue

log = logging.getLogger(__name__)


def tags_of(sp: StoredPaper) -> list[str]:
    """What the filters beside the words select on: a code link (Hugging Face's or one the
    paper's text gives) and the venue (store/rows.py reads both the same way)."""
    p = sp.paper
    code = (p.code_url or "").startswith(("https://", "http://")) or \
        find_links(p.abstract, p.comment).code
    venue = find_venue(p.comment, p.journal_ref)
    return (["code"] if code else []) + ([f"venue:{venue.key.lower()}"] if venue else [])


def to_index_doc(sp: StoredPaper) -> IndexDoc:
    p = sp.paper
    return IndexDoc(sp.pid, p.title, p.abstract, p.authors, p.categories, p.published,
                    tags_of(sp))


def apply(index: LexicalIndex, papers: list[StoredPaper]) -> None:
    index.upsert([to_index_doc(sp) for sp in papers if not sp.hidden])
    index.delete([sp.pid for sp in papers if sp.hidden])


def catch_up(store: Store, index: LexicalIndex,
             on_progress: Callable[[int], None] | None = None) -> int:
    """Index every paper changed since the index's revision; returns how many."""
    target = store.max_rev()
    if index.rev >= target:
        return 0
    done = 0
    for batch in store.changed_since(index.rev):
        apply(index, batch)
        done += len(batch)
        if on_progress:
            on_progress(len(batch))
    index.commit(target)
    return done


def follow(store: Store, index: LexicalIndex) -> int:
    """Catch up with papers another process (a worker, another server's import) wrote to
    the store, unless another process of this index is doing it now; how many."""
    index.reload_if_changed()
    if index.rev >= store.max_rev():
        return 0
    with open(index.path / ".catch-up.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return 0  # another process of this index is at it
        try:
            return catch_up(store, index)
        except ValueError as e:  # tantivy's writer is held (an import in progress)
            log.debug("catch-up deferred: %s", e)
            return 0


def rebuild(store: Store, path: Path,
            on_progress: Callable[[int], None] | None = None) -> LexicalIndex:
    """A fresh index at path, filled from the store."""
    index = LexicalIndex.fresh(path)
    catch_up(store, index, on_progress)
    return index


def open_lexical(store: Store, path: Path) -> LexicalIndex:
    """The index at path, caught up with the store; rebuilt if missing or corrupt."""
    if not path.exists():
        return rebuild(store, path)
    try:
        index = LexicalIndex(path, create=False)
        catch_up(store, index)
        return index
    except (IndexUnusable, ValueError) as e:  # tantivy reports broken segments as ValueError
        log.warning("%s; rebuilding the lexical index from the store", e)
    return rebuild(store, path)
