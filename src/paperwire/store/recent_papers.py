"""The papers a process read last, kept while they stand unchanged.

A feed, a search or a for-you page read its 30 papers from the store and decoded them
(JSON authors and extras, dates) anew for every reader: a seventh of a signed-in feed's
time. Revisions are one sequence over every paper, written under the store's write lock
(a batch of papers shares one), so the largest revision says whether any paper changed
since it was last seen, and the papers with a larger one are exactly those that did:
they are dropped before any kept paper is handed out.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from cachetools import LRUCache

from paperwire.store.base import StoredPaper

PAPERS_KEPT = 20_000  # per process; a paper is a few KB


class RecentPapers:
    def __init__(self, store, size: int = PAPERS_KEPT) -> None:
        self._store, self._size = store, size
        self._papers: LRUCache = LRUCache(size)
        self._rev: int | None = None  # the store's revision the kept papers are current at
        self._lock = threading.Lock()

    def get_many(self, pids: Iterable[int], at: int | None = None
                  ) -> dict[int, StoredPaper]:
        """As the store's get_many: each paper current as of this call, or as of the
        store's revision `at` when the caller has just read it (it is not read again)."""
        pids = list(pids)
        rev = self._catch_up(self._store.max_rev() if at is None else at)
        with self._lock:
            found = {p: self._papers[p] for p in pids if p in self._papers}
        missing = [p for p in pids if p not in found]
        if missing:
            read = self._store.get_many(missing)
            with self._lock:
                if rev is not None and self._rev == rev:  # else one may have changed as read
                    self._papers.update(read)
            found.update(read)
        return found

    def _catch_up(self, rev: int) -> int | None:
        with self._lock:
            kept_at = self._rev
        if rev == kept_at:
            return rev
        # changed after `kept_at`: read after `rev`, so any change up to it is among them
        changed = (self._store.pids_changed_since(kept_at, self._size + 1)
                   if kept_at is not None and rev > kept_at else None)
        with self._lock:
            if self._rev != kept_at:  # another thread caught up meanwhile: keep nothing
                self._papers.clear()
                self._rev = None
                return None
            if changed is None or len(changed) > self._size:
                self._papers.clear()
            else:
                for pid in changed:
                    self._papers.pop(pid, None)
            self._rev = rev
        return rev
