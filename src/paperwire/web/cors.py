"""Other origins (a dashboard, a notebook) may read what anyone may read: the API, the
feeds and the papers' Markdown. Credentials never cross: no cookie is honoured from
another origin, so there a write needs an API token (Authorization: Bearer), which a
browser never adds by itself."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from starlette.middleware.cors import CORSMiddleware
from starlette.responses import JSONResponse

OPEN_TO_ALL = re.compile(r"^/api/|^/feeds/|^/papers/.+\.md$")
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def _is_foreign(origin: str, scope) -> bool:
    """Another site's page? Host and port decide (behind a TLS proxy the scheme this
    server sees is not the browser's)."""
    host = dict(scope["headers"]).get(b"host", b"").decode("latin-1")
    return bool(origin) and urlsplit(origin).netloc != host


class CrossOrigin:
    """Pure ASGI middleware: CORS (Starlette's) on the open paths; a write from another
    origin that relies on a cookie is refused before it reaches a route."""

    def __init__(self, app) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app, allow_origins=["*"], allow_credentials=False,
            allow_methods=["GET", "HEAD", "POST", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "If-None-Match",
                           "If-Modified-Since"],
            expose_headers=["Link", "ETag", "Last-Modified", "Retry-After"], max_age=3600)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        origin = headers.get(b"origin", b"").decode("latin-1")
        cookie_write = scope["method"] in UNSAFE and b"authorization" not in headers
        if cookie_write and _is_foreign(origin, scope):
            refused = JSONResponse({"error": "a write from another site needs an API token "
                                             "(Authorization: Bearer); cookies do not cross "
                                             "origins", "status": 403}, 403)
            await refused(scope, receive, send)
            return
        if OPEN_TO_ALL.search(scope["path"]):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)
