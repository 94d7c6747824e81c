"""A request's objects are freed when it ends, not left in reference cycles for Python's
garbage collector (issue 22): the viewer held its request, whose scope held the viewer, so
every page's sixty-odd objects waited for the collector, whose passes over them held a
serving process for up to 450 ms under load. The app is driven here in process, as
uvicorn drives it, with the collector told to keep what it finds."""

from __future__ import annotations

import asyncio
import gc
from datetime import date

import pytest
from starlette.requests import Request

from paperwire.config import Settings
from paperwire.services.community import accounts
from paperwire.services.intake import importing
from paperwire.services.library import Library
from paperwire.web.app import create_app
from paperwire.web.deps import Viewer
from tests.readers import make_user, topic_ids, topical_papers

DAY = date(2025, 1, 6)


async def _get(app, path: str, cookie: str = "") -> int:
    sent: list[dict] = []
    path, _, query = path.partition("?")
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "GET", "scheme": "http", "path": path, "raw_path": path.encode(),
             "query_string": query.encode(), "root_path": "", "state": {},
             "headers": [(b"host", b"127.0.0.1")] + ([(b"cookie", cookie.encode())]
                                                      if cookie else []),
             "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000)}

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent[0]["status"]


async def _serve(app, pages: list[tuple[str, str]]) -> list[int]:
    async with app.router.lifespan_context(app):
        return [await _get(app, path, cookie) for path, cookie in pages]


@pytest.fixture
def app_and_cookie(db):
    library = Library(Settings(db=db))
    importing.import_records(library, topical_papers(DAY))
    cookie = f"pw_session={accounts.new_session(library.site, make_user(library, 'reader'))}"
    library.close()
    return create_app(Settings(db=db)), cookie


def test_pages_leave_no_request_for_the_garbage_collector(app_and_cookie):
    app, cookie = app_and_cookie
    robots = topic_ids("robots")
    pages = [("/", ""), ("/", cookie), (f"/papers/{robots[0]}", ""),
             (f"/papers/{robots[1]}", cookie), ("/search?q=robot+arm", ""),
             ("/search?q=galaxies", cookie), ("/for-you", cookie), ("/api/daily_papers", "")]
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        statuses = asyncio.run(_serve(app, pages))
        gc.collect()
        kept = [o for o in gc.garbage if isinstance(o, (Request, Viewer))]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert statuses == [200] * len(pages)
    assert not kept, f"{len(kept)} requests' objects were freed only by the collector"
