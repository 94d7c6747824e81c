"""App factory: settings in, a FastAPI app out, with its library, limits and error pages."""

from __future__ import annotations

import gc
import logging
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

from anyio import CapacityLimiter, to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException  # FastAPI's and the router's own 404/405
from starlette.middleware.gzip import GZipMiddleware

from paperwire import __version__
from paperwire.config import Settings
from paperwire.services.errors import Invalid, NotAllowed, NotFound
from paperwire.services.library import Library
from paperwire.services.mail.tokens import BadToken
from paperwire.services.operations import health
from paperwire.store.base import StoreError
from paperwire.store.sql import busy_errors, unusable_now
from paperwire.web import (
    accounts,
    api,
    compression,
    feeds,
    fieldmap,
    pages,
    paper_files,
    reader,
    site_files,
    venues,
)
from paperwire.web.admission import Admission
from paperwire.web.assets import HashedStaticFiles
from paperwire.web.body_limit import BodyLimit
from paperwire.web.compression import GzipOncePerBody
from paperwire.web.cors import CrossOrigin
from paperwire.web.deps import CSRF_COOKIE, SignInRequired, back_to
from paperwire.web.front_door import FrontDoor
from paperwire.web.http_caching import ConditionalGet
from paperwire.web.page_cache import PageCache
from paperwire.web.ratelimit import RateLimited, RateLimits
from paperwire.web.rendering import render
from paperwire.web.signin_guard import Busy, PasswordGate
from paperwire.web.signin_shield import SigninShield

STATIC = Path(__file__).parent / "static"
SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
        "font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
        "form-action 'self'"),
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


class CsrfCookieAndHeaders:
    """Pure ASGI middleware: security headers on every response; the anonymous CSRF cookie
    read on the way in and set on the way out when a page made a new one."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        token = Request(scope).cookies.get(CSRF_COOKIE)  # its signature: deps.Viewer.csrf
        state["csrf_cookie"] = token if token and len(token) <= 200 else None

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if new := state.get("new_csrf_cookie"):
                    secure = "; Secure" if scope.get("scheme") == "https" else ""
                    headers.append("set-cookie", f"{CSRF_COOKIE}={new}; HttpOnly; Path=/; "
                                                 f"SameSite=strict{secure}")
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            # the viewer holds the request, whose scope holds the viewer: a cycle that kept
            # every request's objects (~60) for the collector, whose passes under load took
            # up to 450 ms (benchmarks/RESULTS.md, "Many readers at once")
            state.pop("viewer", None)


class HeadAsGet:
    """HEAD answers as GET does, headers and all, without the body (RFC 9110 §9.3.2);
    the routes are declared for GET only."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error(request: Request, status: int, message: str, headers: dict | None = None) -> Response:
    if _is_api(request):
        return JSONResponse({"error": message, "status": status}, status, headers=headers)
    return render(request, "error.html", {"status": status, "message": message},
                  status_code=status, headers=headers)


log = logging.getLogger(__name__)
SERVER_ERROR = "something went wrong on our side"
STORE_UNUSABLE = ("the database cannot be used just now (full, read-only, locked or "
                  "unreachable); nothing was changed: try again in a moment")


def _install_error_handlers(app: FastAPI, settings: Settings) -> None:
    async def store_unusable(request: Request, exc: Exception):
        if not unusable_now(exc):  # a statement gone wrong: our fault, not the database's
            log.error("%s %s", request.method, request.url.path, exc_info=exc)
            return _error(request, 500, SERVER_ERROR)
        log.warning("%s %s: the store could not be used: %s", request.method,
                    request.url.path, exc)
        return _error(request, 503, STORE_UNUSABLE, {"Retry-After": "30"})

    for error in (StoreError, *busy_errors("postgres" if settings.is_url else "sqlite")):
        app.add_exception_handler(error, store_unusable)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        return _error(request, exc.status_code, str(exc.detail), exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(x) for x in first.get("loc", ()))
        return _error(request, 422, f"{where}: {first.get('msg', 'invalid request')}")

    @app.exception_handler(RateLimited)
    async def too_many(request: Request, exc: RateLimited):
        return _error(request, 429, str(exc), {"Retry-After": str(exc.retry_after)})

    @app.exception_handler(Busy)
    async def busy(request: Request, exc: Busy):
        return _error(request, 503, str(exc), {"Retry-After": str(exc.retry_after)})

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception):
        # answered by Starlette's outermost middleware, past the one adding these headers
        try:
            return _error(request, 500, SERVER_ERROR, dict(SECURITY_HEADERS))
        except Exception:  # noqa: BLE001 - the page itself failed: plain words will do
            return PlainTextResponse(SERVER_ERROR, 500,
                                     headers=dict(SECURITY_HEADERS))

    @app.exception_handler(SignInRequired)
    async def sign_in_first(request: Request, exc: SignInRequired):
        if _is_api(request):
            return _error(request, 401, "sign in first")
        # a page asked for comes back to itself; a form sent comes back to its page
        back = (request.url.path + (f"?{request.url.query}" if request.url.query else "")
                if request.method == "GET" else back_to(request))
        return RedirectResponse(f"/signin?next={quote(back, safe='')}", 303)

    @app.exception_handler(BadToken)
    async def bad_link(request: Request, exc: BadToken):  # the signed links in mail
        return render(request, "message.html", {"heading": "This link does not work",
                                                "message": str(exc), "error": True},
                      status_code=400)

    for kind, status in ((NotAllowed, 403), (NotFound, 404), (Invalid, 400)):
        app.add_exception_handler(kind, lambda request, exc, s=status: _error(request, s, str(exc)))


# A serving process's garbage collector (issue 22): what startup made is frozen out of every
# collection, and the youngest generation is collected every 5,000 new objects instead of
# 700. With the defaults, full collections over the papers and cards a process keeps took
# up to 109 ms: a paper page's p99 at 4 connections was 48-75 ms (19 before they were
# kept), and collecting took 1.56 s of 25 s under load. So tuned: 12 ms and 0.87 s.
GC_THRESHOLDS = (5000, 50, 50)


def _load_ahead(library: Library) -> None:
    """What a process's first search would load otherwise, holding the interpreter while
    every request of that process waited: the vector index's graph (300 ms at 100k papers)
    and the embedding model. A model not yet prepared is left to the first search, so
    several workers do not prepare it at once."""
    if library.has_vectors():
        library.vectors  # noqa: B018
        if library.has_model():
            library.embedder  # noqa: B018


def _tune_collector() -> None:
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def create_app(settings: Settings, serving: bool = False) -> FastAPI:
    """The site. `serving`: this process does nothing else (`paperwire serve`'s workers),
    so its garbage collector is tuned for it."""
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.library = Library(settings)
        app.state.library.lexical  # noqa: B018 - open (and catch up) before serving
        if serving:
            _load_ahead(app.state.library)
            _tune_collector()
        yield
        app.state.library.close()

    app = FastAPI(title="paperwire", version=__version__, lifespan=lifespan, docs_url=None,
                  redoc_url=None,
                  description="Daily papers, search and similar papers. Names and parameters "
                              "follow Hugging Face's papers API where there is a counterpart.")
    app.state.limits = RateLimits()
    app.state.password_gate = PasswordGate(settings.web)
    app.state.page_cache = PageCache(max_bytes=settings.web.page_cache_bytes)

    app.add_middleware(ConditionalGet)
    app.add_middleware(Admission, threads=settings.web.threads, queue=settings.web.queue,
                       queue_wait=settings.web.queue_wait)
    # outside Admission, so a refusal it holds back takes no slot; inside BodyLimit, so the
    # body it reads is bounded
    app.add_middleware(SigninShield, refusal_delay=settings.web.signin_refusal_delay)
    app.add_middleware(BodyLimit, max_bytes=settings.web.max_body_bytes,  # a library file:
                       uploads={"/settings/library": reader.MAX_LIBRARY_BYTES + 65536})
    app.add_middleware(CsrfCookieAndHeaders)  # outside Admission: its 503s get the headers
    app.add_middleware(GzipOncePerBody, minimum_size=500)
    app.add_middleware(GZipMiddleware, minimum_size=500,
                       compresslevel=compression.PER_REQUEST_LEVEL)
    app.add_middleware(HeadAsGet)
    app.add_middleware(CrossOrigin)
    app.add_middleware(FrontDoor)  # the outermost: a shared page's answer, for next to nothing

    health_threads = CapacityLimiter(2)

    @app.get("/healthz", include_in_schema=False)
    async def healthz(request: Request) -> JSONResponse:
        # threads of its own: under a flood the shared pool's are all busy or queued for
        now = await to_thread.run_sync(health.check, request.app.state.library,
                                       limiter=health_threads)
        return JSONResponse(now.as_json(), 200 if now.ok else 503,
                            headers={"Cache-Control": "no-store"})

    @app.get("/docs", include_in_schema=False)
    def api_docs(request: Request):
        # rendered here from the OpenAPI document: Swagger UI would need a CDN
        return render(request, "docs.html", {"schema": app.openapi()})

    _install_error_handlers(app, settings)
    app.mount("/static", HashedStaticFiles(directory=STATIC), name="static")
    # A request is matched against each route in turn, so the pages read most come first
    # (FastAPI tried the whole API's routes before the front page's: a tenth of its time).
    # Only paper_files must precede pages: /papers/{ident} would take /papers/….md.
    app.include_router(paper_files.router)
    app.include_router(pages.router, include_in_schema=False)
    app.include_router(reader.router, include_in_schema=False)
    app.include_router(accounts.router, include_in_schema=False)
    app.include_router(venues.router, include_in_schema=False)
    app.include_router(fieldmap.router, include_in_schema=False)
    app.include_router(api.router)
    app.include_router(fieldmap.api_router)
    app.include_router(feeds.router)
    app.include_router(site_files.router)
    return app


def app_from_env() -> FastAPI:
    """For `uvicorn --factory` with several workers: settings from PAPERWIRE_* variables."""
    return create_app(Settings.load(), serving=True)
