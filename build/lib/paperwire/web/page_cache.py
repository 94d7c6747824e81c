"""A few seconds of caching for what anonymous readers see most: the feed pages.

Anonymous pages carry no per-visitor token (their vote buttons lead to sign-in), so one
rendering serves everyone; signed-in pages are never cached. A vote shows to anonymous
readers at most TTL seconds later.
"""

from __future__ import annotations

import threading

from cachetools import TTLCache
from fastapi import Request
from fastapi.responses import HTMLResponse

TTL_SECONDS = 10


class PageCache:
    def __init__(self, ttl: float = TTL_SECONDS, size: int = 512) -> None:
        self._pages: TTLCache = TTLCache(maxsize=size, ttl=ttl)
        self._lock = threading.Lock()

    @staticmethod
    def key(request: Request) -> str:
        return f"{request.url.path}?{request.url.query}"

    def get(self, request: Request) -> HTMLResponse | None:
        with self._lock:
            body = self._pages.get(self.key(request))
        return HTMLResponse(body) if body is not None else None

    def put(self, request: Request, response: HTMLResponse) -> HTMLResponse:
        if response.status_code == 200:
            with self._lock:
                self._pages[self.key(request)] = response.body
        return response
