"""A few seconds of caching for the pages read most: the feeds and for-you.

Anonymous pages carry no per-visitor token (their vote buttons lead to sign-in), so one
rendering serves everyone. A signed-in page carries its session's CSRF token and the
reader's own votes, so it is cached for that session alone, under the reader's signals
revision: their own vote, "not interested", follow or setting makes a new page at once.
Others' votes show at most TTL seconds (and one page's making) later.

When a page expires under load, one request makes it again while the others are served
the expiring copy, instead of all making it at once.
"""

from __future__ import annotations

import threading
import time

from cachetools import LRUCache
from fastapi import Request
from fastapi.responses import HTMLResponse

TTL_SECONDS = 10
SERVE_STALE_SECONDS = 60  # a copy this old is still served while a fresh one is made


class PageCache:
    def __init__(self, ttl: float = TTL_SECONDS, size: int = 4096) -> None:
        self.ttl = ttl
        self._pages: LRUCache = LRUCache(maxsize=size)  # key → (body, made at)
        self._lock = threading.Lock()
        # who is making a page: striped locks, so memory stays flat however many sessions
        self._making = [threading.Lock() for _ in range(256)]

    @staticmethod
    def key(request: Request, reader: str = "") -> str:
        return f"{reader}|{request.url.path}?{request.url.query}"

    def _entry(self, key: str) -> tuple[bytes, float] | None:
        with self._lock:
            return self._pages.get(key)

    def get_or_make(self, request: Request, make, reader: str = "") -> HTMLResponse:
        key = self.key(request, reader)
        entry = self._entry(key)
        age = time.monotonic() - entry[1] if entry else None
        if entry and age < self.ttl:
            return HTMLResponse(entry[0])
        making = self._making[hash(key) % len(self._making)]
        if entry and age < SERVE_STALE_SECONDS and not making.acquire(blocking=False):
            return HTMLResponse(entry[0])  # another request is making the fresh copy
        if not (entry and age < SERVE_STALE_SECONDS):
            making.acquire()
        try:
            fresh = self._entry(key)
            if fresh and time.monotonic() - fresh[1] < self.ttl:
                return HTMLResponse(fresh[0])
            response = make()
            if response.status_code == 200:
                with self._lock:
                    self._pages[key] = (response.body, time.monotonic())
            return response
        finally:
            making.release()


def cached_page(request: Request, viewer, make) -> HTMLResponse:
    """The page from the cache, else made by make() and cached: one copy for every
    anonymous reader, one per session and signals revision for a signed-in one."""
    reader = ""
    if viewer.user is not None:
        revision = request.app.state.library.personal.signals_rev(viewer.user.uid)
        reader = f"{viewer.user.uid}:{viewer.csrf}:{revision}"
    cache: PageCache = request.app.state.page_cache
    return cache.get_or_make(request, make, reader)
