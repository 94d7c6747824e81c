"""HTTP caching that feed readers, proxies and scripts use (RFC 9110/9111): anonymous
reads carry an ETag, a Last-Modified and how long they may be kept, and a conditional GET
that still matches gets 304 with no body. What a signed-in reader (cookie or API token)
sees is theirs alone: private, revalidated every time.

ETags are the body's own hash (weak: the same representation however it is compressed),
so every server of a site agrees on them; Last-Modified is when this process first served
that body at that address (kept for the newest 10,000 addresses)."""

from __future__ import annotations

import hashlib
import re
import threading
import time
from email.utils import formatdate, parsedate_to_datetime

from cachetools import LRUCache
from starlette.datastructures import Headers, MutableHeaders

from paperwire.web.deps import SESSION_COOKIE

# (path pattern, seconds an anonymous copy may be kept)
_PUBLIC = [(re.compile(r"^/feeds/"), 300), (re.compile(r"^/papers/.+\.md$"), 300),
           (re.compile(r"^/bibtex/"), 300), (re.compile(r"^/api/"), 60),
           (re.compile(r"^/(trending|weekly|monthly)?$|^/papers/(date|week|month)/"), 10)]
PRIVATE = "private, no-cache"


def _max_age(path: str) -> int | None:
    return next((seconds for pattern, seconds in _PUBLIC if pattern.search(path)), None)


class _FirstServed:
    """When each (address, ETag) was first served here."""

    def __init__(self, size: int = 10_000) -> None:
        self._seen: LRUCache = LRUCache(maxsize=size)
        self._lock = threading.Lock()

    def at(self, address: str, etag: str) -> float:
        with self._lock:
            seen = self._seen.get(address)
            if seen is None or seen[0] != etag:
                seen = self._seen[address] = (etag, time.time())
            return seen[1]


def is_personal(request: Headers) -> bool:
    """Sent by a signed-in reader (their cookie) or a script (its API token)."""
    return "authorization" in request or SESSION_COOKIE in request.get("cookie", "")


def not_modified(request: Headers, etag: str, modified: float) -> bool:
    if (match := request.get("if-none-match")) is not None:  # it wins over the date
        return match.strip() == "*" or etag in [t.strip() for t in match.split(",")]
    if since := request.get("if-modified-since"):
        try:
            return int(modified) <= parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError):
            return False
    return False


class ConditionalGet:
    """Pure ASGI middleware: caching headers, ETags and 304s for GET responses."""

    def __init__(self, app) -> None:
        self.app = app
        self.first_served = _FirstServed()

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        request = Headers(scope=scope)
        max_age = None if is_personal(request) else _max_age(scope["path"])
        if max_age is None:
            await self.app(scope, receive, self._private(send))
            return
        await self._public(scope, receive, send, request, max_age)

    @staticmethod
    def _private(send):
        async def with_header(message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).setdefault("cache-control", PRIVATE)
            await send(message)
        return with_header

    async def _public(self, scope, receive, send, request: Headers, max_age: int) -> None:
        start: dict = {}
        body = bytearray()

        async def hold(message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                body.extend(message.get("body", b""))

        await self.app(scope, receive, hold)
        headers = MutableHeaders(scope=start)
        if scope.get("state", {}).get("new_csrf_cookie"):  # a form for this visitor alone
            headers.setdefault("cache-control", PRIVATE)
        if start.get("status") == 200 and "cache-control" not in headers:
            etag = 'W/"' + hashlib.blake2b(bytes(body), digest_size=12).hexdigest() + '"'
            address = scope["path"] + "?" + scope.get("query_string", b"").decode("latin-1")
            modified = self.first_served.at(address, etag)
            headers["etag"] = etag
            headers["last-modified"] = formatdate(modified, usegmt=True)
            headers["cache-control"] = f"public, max-age={max_age}"
            headers.append("vary", "Cookie, Authorization")
            if not_modified(request, etag, modified):
                start["status"] = 304
                for name in ("content-length", "content-type", "content-encoding"):
                    del headers[name]
                body = bytearray()
        await send(start)
        await send({"type": "http.response.body", "body": bytes(body)})
