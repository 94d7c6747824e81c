"""Each public body gzipped once, not once per request: an anonymous feed page served to
every reader for seconds from the page cache cost its reader a fresh compression each time
(about 4 ms of a core for the 90 KB front page at 100k papers).

A public answer's ETag is its body's hash (http_caching.py), so one ETag is one body, and
its compressed copy can be served again with nothing to go stale. This sits inside
starlette's GZipMiddleware, which passes an answer already encoded through unchanged and
compresses everything else (streams, personal pages, which carry no ETag)."""

from __future__ import annotations

import gzip
from functools import partial

from anyio import to_thread
from cachetools import LRUCache
from starlette.datastructures import Headers, MutableHeaders

LEVEL = 6  # zlib's default: at 90 KB within 0.1 % of level 9's size, at four fifths its time
# A personal page (a signed-in reader's, carrying their token) is compressed for each
# request, on the event loop, by starlette's GZipMiddleware: at level 6 a 110 KB signed-in
# feed took 2.4 ms, more than a served page's 1.8 ms of work; level 3 takes 0.9 ms for
# 27.7 KB instead of 25.4 (level 1: 0.7 ms, 29.5 KB; benchmarks/bench_gzip_personal.py).
PER_REQUEST_LEVEL = 3
IN_THREAD_FROM = 128 << 10
COMPRESSIBLE = ("text/", "application/json", "application/xml", "application/rss+xml",
                "application/atom+xml", "application/javascript")


def _worth_compressing(start: dict) -> bool:
    headers = Headers(raw=start["headers"])
    return (start["status"] == 200 and "etag" in headers and "content-encoding" not in headers
            and headers.get("content-type", "").startswith(COMPRESSIBLE))


class GzipOncePerBody:
    """Pure ASGI middleware, just inside GZipMiddleware."""

    def __init__(self, app, minimum_size: int = 500, max_bytes: int = 16 << 20) -> None:
        self.app, self.minimum_size = app, minimum_size
        self._compressed: LRUCache = LRUCache(maxsize=max_bytes, getsizeof=len)  # ETag → gzip

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or "gzip" not in Headers(scope=scope).get(
                "accept-encoding", ""):
            await self.app(scope, receive, send)
            return
        held: list[dict] = []  # the start of an answer worth compressing, until its body

        async def send_compressed(message: dict) -> None:
            if message["type"] == "http.response.start" and _worth_compressing(message):
                held.append(message)
                return
            if held and message["type"] == "http.response.body":
                start = held.pop()
                body = message.get("body", b"")
                if not message.get("more_body") and len(body) >= self.minimum_size:
                    message = {"type": "http.response.body",
                               "body": await self._gzip(start, body)}
                await send(start)
            await send(message)

        await self.app(scope, receive, send_compressed)

    async def _gzip(self, start: dict, body: bytes) -> bytes:
        headers = MutableHeaders(scope=start)
        etag = headers["etag"]
        compressed = self._compressed.get(etag)
        if compressed is None:
            compress = partial(gzip.compress, body, LEVEL, mtime=0)
            # a large body in a thread, as starlette does, so the event loop keeps answering
            compressed = compress() if len(body) < IN_THREAD_FROM else \
                await to_thread.run_sync(compress)
            if len(compressed) * 8 <= self._compressed.maxsize:
                self._compressed[etag] = compressed
        headers["content-encoding"] = "gzip"
        headers["content-length"] = str(len(compressed))
        headers.add_vary_header("Accept-Encoding")
        return compressed
