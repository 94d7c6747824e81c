"""The pages every anonymous reader shares, answered at the door.

The page cache (page_cache.py) already makes an anonymous feed page once for everyone for
TTL seconds; but each request still went through every layer of the stack (admission, a
thread, the viewer, the ETag's hash, gzip's bookkeeping) to be handed that same copy: at
64 connections the anonymous front page ran at a fifth of what the server can send. Here
the finished answer (headers as sent, its body gzipped or not) is kept beside the page
cache's copy and replayed to the next anonymous reader, and a feed reader's conditional GET
that still matches gets its 304, before any of that.

Nothing is promised that the page cache does not already keep: only an answer the page
cache shared with every anonymous reader (a page with no version of its own, marked in
the request's state) is kept, and only until that copy's own TTL runs out, so others'
votes still show within TTL seconds. A copy made for a signed-in reader, a paper page
(remade at once when its paper changes), an answer that sets a cookie or is not public,
and any request with a session cookie or an Authorization header never come here.
"""

from __future__ import annotations

import time
from email.utils import parsedate_to_datetime

from cachetools import LRUCache
from starlette.datastructures import Headers

from paperwire.web.http_caching import is_personal, not_modified

SHARED_UNTIL = "shared_until"  # the request state's key: when the page cache's copy expires
ENTRY_OVERHEAD = 1024
_DROPPED_ON_304 = {b"content-length", b"content-type", b"content-encoding"}


class _Answer:
    """One finished answer: what a full GET gets, and what a matching conditional GET gets."""

    __slots__ = ("headers", "not_modified_headers", "body", "etag", "modified", "until")

    def __init__(self, headers: list[tuple[bytes, bytes]], body: bytes, until: float) -> None:
        headers = [(k, b"HIT" if k == b"x-cache" else v) for k, v in headers]
        self.headers, self.body, self.until = headers, body, until
        found = Headers(raw=headers)
        self.etag = found["etag"]
        self.modified = _timestamp(found.get("last-modified"))
        self.not_modified_headers = [(k, v) for k, v in headers if k not in _DROPPED_ON_304]


def _timestamp(http_date: str | None) -> float:
    try:
        return parsedate_to_datetime(http_date).timestamp() if http_date else 0.0
    except (TypeError, ValueError):
        return 0.0


def _key(scope, request: Headers) -> tuple[str, bytes, bool]:
    return (scope["path"], scope.get("query_string", b""),
            "gzip" in request.get("accept-encoding", ""))


def _shareable(start: dict, scope) -> bool:
    until = scope.get("state", {}).get(SHARED_UNTIL)
    if start.get("status") != 200 or until is None or until <= time.monotonic():
        return False
    headers = Headers(raw=start["headers"])
    return ("etag" in headers and "set-cookie" not in headers
            and headers.get("cache-control", "").startswith("public"))


class FrontDoor:
    """Pure ASGI middleware, the outermost: the shared pages' finished answers replayed."""

    def __init__(self, app, max_bytes: int = 16 << 20) -> None:
        self.app = app
        self._answers: LRUCache = LRUCache(
            maxsize=max_bytes, getsizeof=lambda a: len(a.body) + ENTRY_OVERHEAD)
        # only the event loop's thread reads and writes it: no lock

    async def __call__(self, scope, receive, send) -> None:
        request = Headers(scope=scope) if scope["type"] == "http" else None
        if request is None or scope["method"] != "GET" or is_personal(request):
            await self.app(scope, receive, send)
            return
        key = _key(scope, request)
        answer = self._answers.get(key)
        if answer is not None and time.monotonic() < answer.until:
            await self._replay(answer, request, send)
            return
        await self.app(scope, receive, self._keeping(key, scope, send))

    def _keeping(self, key, scope, send):
        held: list[dict] = []

        async def keep(message: dict) -> None:
            if message["type"] == "http.response.start" and _shareable(message, scope):
                held.append(message)
            elif held and message["type"] == "http.response.body":
                if not message.get("more_body"):
                    until = scope["state"][SHARED_UNTIL]
                    self._answers[key] = _Answer(held[0]["headers"], message.get("body", b""),
                                                 until)
                held.clear()
            await send(message)

        return keep

    @staticmethod
    async def _replay(answer: _Answer, request: Headers, send) -> None:
        if not_modified(request, answer.etag, answer.modified):
            await send({"type": "http.response.start", "status": 304,
                        "headers": answer.not_modified_headers})
            await send({"type": "http.response.body", "body": b""})
            return
        await send({"type": "http.response.start", "status": 200, "headers": answer.headers})
        await send({"type": "http.response.body", "body": answer.body})
