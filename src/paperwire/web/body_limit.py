"""Request bodies past web.max_body_bytes are a 413, told before they are read whole: at once
when Content-Length says so, else the moment the bytes that have come pass the limit."""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException


def too_large(limit: int) -> HTTPException:
    return HTTPException(413, f"the request body is over this site's limit of {limit:,} bytes")


class BodyLimit:
    """Pure ASGI middleware. A body announced too large gets its 413 here, unread; one that
    grows too large while it arrives ends its reading with the same error, raised from
    receive (FastAPI passes an HTTPException through to the app's error pages)."""

    def __init__(self, app, max_bytes: int, uploads: dict[str, int] | None = None) -> None:
        self.app, self.default = app, max_bytes
        self.uploads = uploads or {}  # paths that take a file, with their own limits

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.uploads.get(scope["path"], self.default)
        length = dict(scope["headers"]).get(b"content-length", b"")
        if length.isdigit() and int(length) > limit:
            await self._refuse(scope, send, limit)
            return
        seen = 0

        async def counted() -> dict:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise too_large(limit)
            return message

        started = False

        async def sending(message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, sending)
        except HTTPException as e:  # read outside the routes' error handling
            if e.status_code != 413 or started:
                raise
            await self._refuse(scope, send, limit)

    @staticmethod
    async def _refuse(scope, send, limit: int) -> None:
        error = too_large(limit)
        if scope["path"].startswith("/api/"):
            body = json.dumps({"error": error.detail, "status": 413}).encode()
            media = b"application/json"
        else:
            body, media = error.detail.encode(), b"text/plain; charset=utf-8"
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", media),
                                (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})
