"""A few seconds of caching for the pages read most: the feeds and for-you.

Anonymous pages carry no per-visitor token (their vote buttons lead to sign-in), so one
rendering serves everyone. A signed-in page carries its session's CSRF token and the
reader's own votes, so it is cached for that session alone, under the reader's signals
revision: their own vote, "not interested", follow or setting makes a new page at once.
Others' votes show at most TTL seconds (and one page's making) later.

When a page expires under load, one request makes it again while the others are served
the expiring copy, instead of all making it at once.

A page is keyed on the parameters it reads (PAGE_PARAMS) and nothing else; a request
with any other parameter is made fresh and never stored, so made-up parameters cannot
fill the cache. The cache is bounded by the bytes of its pages (web.page_cache_bytes).
Each answer says X-Cache: HIT, MISS or BYPASS.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from cachetools import LRUCache
from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from paperwire.web.front_door import SHARED_UNTIL

TTL_SECONDS = 10
SERVE_STALE_SECONDS = 60  # a copy this old is still served while a fresh one is made
PAGE_PARAMS = frozenset({"category", "page", "by"})  # what the cached pages read of a query
ENTRY_OVERHEAD = 512  # bytes counted for a key and its bookkeeping beside the body
MAX_SHARE = 8  # a page larger than an eighth of the cache is not kept


def _sized(entry: tuple[bytes, float]) -> int:
    return len(entry[0]) + ENTRY_OVERHEAD


class PageCache:
    def __init__(self, ttl: float = TTL_SECONDS, max_bytes: int = 64 << 20) -> None:
        self.ttl = ttl
        self.max_bytes = max(1, max_bytes)
        # key → (body, made at), the least recently used dropped past max_bytes
        self._pages: LRUCache = LRUCache(maxsize=self.max_bytes, getsizeof=_sized)
        self._lock = threading.Lock()
        # who is making a page: striped locks, so memory stays flat however many sessions
        self._making = [threading.Lock() for _ in range(256)]

    @staticmethod
    def key(request: Request, reader: str = "") -> str | None:
        """The page's key, or None when the query holds a parameter no page reads."""
        params = request.query_params.multi_items()
        if any(name not in PAGE_PARAMS for name, _ in params):
            return None
        return f"{reader}|{request.url.path}?{sorted(params)}"

    def _entry(self, key: str) -> tuple[bytes, float] | None:
        with self._lock:
            return self._pages.get(key)

    def _keep(self, key: str, body: bytes) -> bool:
        if _sized((body, 0.0)) * MAX_SHARE > self.max_bytes:
            return False
        with self._lock:
            self._pages[key] = (body, time.monotonic())
        return True

    def get_or_make(self, request: Request, make: Callable[[], Response],
                    reader: str = "") -> Response:
        key = self.key(request, reader)
        if key is None:
            return _marked(make(), "BYPASS")
        entry = self._entry(key)
        age = time.monotonic() - entry[1] if entry else None
        if entry and age < self.ttl:
            return self._hit(request, entry, reader)
        making = self._making[hash(key) % len(self._making)]
        if entry and age < SERVE_STALE_SECONDS and not making.acquire(blocking=False):
            return self._hit(request, entry, reader)  # another is making a fresh copy
        if not (entry and age < SERVE_STALE_SECONDS):
            making.acquire()
        try:
            fresh = self._entry(key)
            if fresh and time.monotonic() - fresh[1] < self.ttl:
                return self._hit(request, fresh, reader)
            response = make()
            if response.status_code == 200 and self._keep(key, response.body):
                self._share(request, time.monotonic(), reader)
            return _marked(response, "MISS")
        finally:
            making.release()

    def _hit(self, request: Request, entry: tuple[bytes, float], reader: str) -> Response:
        self._share(request, entry[1], reader)
        return _marked(HTMLResponse(entry[0]), "HIT")

    def _share(self, request: Request, made: float, reader: str) -> None:
        """A copy for every anonymous reader may be answered at the front door
        (front_door.py) until this copy's own time is up."""
        if not reader:
            setattr(request.state, SHARED_UNTIL, made + self.ttl)


def _marked(response: Response, how: str) -> Response:
    response.headers["X-Cache"] = how
    return response


def cached_page(request: Request, viewer, make, version: str = "") -> Response:
    """The page from the cache, else made by make() and cached: one copy for every
    anonymous reader, one per session and signals revision for a signed-in one; and, with
    `version`, a new copy whenever that changes (what the page shows of the store)."""
    reader = version
    if viewer.user is not None:
        revision = request.app.state.library.personal.signals_rev(viewer.user.uid)
        reader = f"{version}|{viewer.user.uid}:{viewer.csrf}:{revision}"
    cache: PageCache = request.app.state.page_cache
    return cache.get_or_make(request, make, reader)
