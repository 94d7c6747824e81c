"""What routes need from a request: the library, the viewer, CSRF and rate-limit checks."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import BackgroundTasks, Depends, Form, HTTPException, Path, Query, Request
from fastapi.security import HTTPBearer
from itsdangerous import Signer
from starlette.concurrency import run_in_threadpool

from paperwire.index.lexical import Filters
from paperwire.services.community import accounts
from paperwire.services.discovery import feed
from paperwire.services.discovery.papers import find_paper
from paperwire.services.library import Library
from paperwire.services.mail import mailer, subscriptions
from paperwire.store.base import StoredPaper
from paperwire.store.feeds import Narrow
from paperwire.store.site import User
from paperwire.web.ratelimit import RateLimits
from paperwire.web.signin_guard import PasswordGate

SESSION_COOKIE = "pw_session"
MAX_ROW_ID = 2**62  # row ids are SQLite integers; larger numbers are simply not found
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
FormRowId = Annotated[int, Form(ge=1, le=MAX_ROW_ID)]
CSRF_COOKIE = "pw_csrf"


class SignInRequired(Exception):
    """A write by someone not signed in: pages redirect to sign-in, the API answers 401."""


class Viewer:
    """Who is asking, and the CSRF token their forms carry: the session's when signed in,
    else an anonymous double-submit cookie, made only when a page needs one.

    A session cookie is looked up on first use, in the thread of the route that asks: as
    a dependency of its own it cost a hop to a worker thread and back, dearer under load
    than the lookup itself."""

    def __init__(self, user: User | None, csrf: str | None = None,
                 request: Request | None = None, by_token: bool = False,
                 session: str | None = None) -> None:
        self._user, self._csrf, self._request = user, csrf, request
        self.by_token = by_token  # an API token in the Authorization header, no cookies
        self._session = session  # a session cookie not yet looked up

    def _look_up(self) -> None:
        if self._session is not None:
            cookie, self._session = self._session, None
            found = accounts.session_for(library(self._request).site, cookie)
            if found:
                self._user, self._csrf = found

    @property
    def user(self) -> User | None:
        self._look_up()
        return self._user

    @property
    def csrf(self) -> str:
        self._look_up()
        if self._csrf is None:
            self._csrf = (_anonymous_csrf(self._request) if self._request is not None
                          else secrets.token_urlsafe(32))
        return self._csrf

    @property
    def is_admin(self) -> bool:
        return bool(self.user and self.user.is_admin)


def library(request: Request) -> Library:
    return request.app.state.library


def _csrf_signer(request: Request) -> Signer:
    """Signs the anonymous CSRF cookie with a secret of the store (one per site, made once)."""
    state = request.app.state
    if getattr(state, "csrf_signer", None) is None:
        state.csrf_signer = Signer(library(request).mail.secret("csrf-cookie"), salt="csrf")
    return state.csrf_signer


def _anonymous_csrf(request: Request) -> str:
    """The anonymous double-submit token: the cookie's when this site signed it, else a new
    signed one the middleware sets as the cookie. One a stranger wrote (a sibling domain
    can set cookies) is replaced, so a form carrying the stranger's value fails the check."""
    signer = _csrf_signer(request)
    token = getattr(request.state, "csrf_cookie", None)
    if token is None or not signer.validate(token):
        token = signer.sign(secrets.token_urlsafe(32)).decode()
        request.state.new_csrf_cookie = token
    return token


def limits(request: Request) -> RateLimits:
    return request.app.state.limits


# Declares the API token in the OpenAPI document (viewer() reads the header itself)
API_TOKEN = HTTPBearer(auto_error=False, description="A personal API token from Settings → "
                       "API tokens: the API as its owner, writes without a CSRF token.")


def _bearer_token(request: Request) -> str | None:
    """An API token, honoured on /api/ only: the pages go on with cookies and CSRF."""
    if not request.url.path.startswith("/api/"):
        return None
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def _token_viewer(request: Request, token: str) -> Viewer:
    user = accounts.user_for_api_token(library(request).site, token)
    if user is None:
        raise HTTPException(401, "that API token is not valid: revoked, or not copied whole",
                            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    return Viewer(user, csrf="", by_token=True)


def viewer_of(request: Request) -> Viewer:
    """The request's viewer, one per request (its session looked up once, when first
    asked)."""
    known = getattr(request.state, "viewer", None)
    if known is None:
        token = _bearer_token(request)
        known = (_token_viewer(request, token) if token is not None else
                 Viewer(None, request=request, session=request.cookies.get(SESSION_COOKIE)))
        request.state.viewer = known
    return known


async def viewer(request: Request) -> Viewer:
    """The viewer as a dependency: on the event loop, no thread hop; only an API token,
    checked before the route runs, is looked up in a worker thread."""
    token = _bearer_token(request)
    if token is not None and getattr(request.state, "viewer", None) is None:
        request.state.viewer = await run_in_threadpool(_token_viewer, request, token)
    return viewer_of(request)


def check_csrf(viewer: Viewer, token: str | None) -> None:
    """A browser sends cookies by itself, so a write by cookie must carry the token; a
    browser never adds an Authorization header by itself (and no CORS lets a page add one),
    so a write by API token needs none."""
    if viewer.by_token:
        return
    if not token or not secrets.compare_digest(token.encode(), viewer.csrf.encode()):
        raise HTTPException(403, "the form's CSRF token is missing or wrong; reload the page")


def check_write(request: Request, viewer: Viewer, csrf: str | None, action: str) -> None:
    """What every write does first: its CSRF token checked, then it counts against the
    action's rate limit (ratelimit.RULES)."""
    check_csrf(viewer, csrf)
    limits(request).hit(action, client_key(request, viewer))


def signed_in(viewer: Viewer) -> User:
    if viewer.user is None:
        raise SignInRequired
    return viewer.user


def paper_or_404(request: Request, ident: str) -> StoredPaper:
    sp = find_paper(library(request), ident)
    if sp is None or sp.hidden:
        raise HTTPException(404, f"no paper with id {ident!r}")
    return sp


def paper_by_pid(request: Request, pid: int) -> StoredPaper:
    sp = library(request).store.get_many([pid]).get(pid)
    if sp is None or sp.hidden:
        raise HTTPException(404, f"no paper {pid}")
    return sp


def password_gate(request: Request) -> PasswordGate:
    return request.app.state.password_gate


def client_address(request: Request) -> str:
    """The client's address: the socket's, or X-Forwarded-For's from a trusted proxy only
    (uvicorn's proxy headers, on for web.trusted_proxies alone)."""
    return request.client.host if request.client else "?"


def client_key(request: Request, viewer: Viewer) -> str:
    if viewer.user:
        return f"user:{viewer.user.uid}"
    return f"ip:{client_address(request)}"


def same_site_path(url: str) -> bool:
    """A path on this site: not //host, not /\\host (browsers read \\ as /), no scheme,
    no control characters."""
    return url.startswith("/") and not url.startswith(("//", "/\\")) and "\\" not in url \
        and not any(ord(c) < 32 or ord(c) == 127 for c in url)


def back_to(request: Request, default: str = "/") -> str:
    """Where a form returns to: the page it was sent from (its Referer), when that is a
    path on this site; never another site, whatever the Referer says."""
    try:
        ref = urlsplit(request.headers.get("referer", ""))
    except ValueError:
        return default
    ours = {request.headers.get("host", ""), urlsplit(site_base(request)).netloc} - {""}
    path = ref.path + (f"?{ref.query}" if ref.query else "")
    if ref.scheme not in ("http", "https") or ref.netloc not in ours:
        return default
    return path if same_site_path(path) else default


@dataclass(frozen=True)
class AskedCategory:
    """?category= as asked: its name (None for every paper) and whether any paper here has
    it (the lexical index tells in ms; the SQL would walk every paper's row to find none)."""

    name: str | None
    known: bool


# The dependencies below read only the query, so they run on the event loop (async): a
# plain function would cost a hop to a worker thread and back for each.

async def _asked_category(request: Request,
                          category: str | None = Query(None, max_length=80,
                                                       description="cs.LG, or an archive: cs")
                          ) -> AskedCategory:
    try:
        category = feed.parse_category(category)
    except feed.BadCategory as e:
        raise HTTPException(400, str(e)) from None
    return AskedCategory(category, not category
                         or await run_in_threadpool(_has_category, request, category))


def _has_category(request: Request, category: str) -> bool:
    return library(request).lexical.has_category(category)  # the index caught up first


async def _feed_category(asked: Annotated[AskedCategory, Depends(_asked_category)]
                         ) -> str | None:
    if not asked.known:
        raise HTTPException(404, f"no paper here is in {asked.name}")
    return asked.name


# ?category=cs.LG (or an archive, cs) on a feed page: None for every paper
FeedCategory = Annotated[str | None, Depends(_feed_category)]
# the same for a feed reader, which gets an empty feed rather than an error page
ReaderCategory = Annotated[AskedCategory, Depends(_asked_category)]


VENUE_KEY = r"^[A-Za-z0-9][A-Za-z0-9.-]{0,59}$"  # "ICLR-2026", "SIGGRAPH-Asia-2025"


async def _feed_narrow(code: bool = Query(False, description="only papers with a code link"),
                       venue: str | None = Query(None, pattern=VENUE_KEY,
                                                 description="a venue's key: ICLR-2026")
                       ) -> Narrow:
    return Narrow(code, venue or None)


# ?code=1 (papers with code) and ?venue=ICLR-2026 on a feed page
FeedNarrow = Annotated[Narrow, Depends(_feed_narrow)]


@dataclass
class SearchOptions:
    filters: Filters
    mode: str | None
    sort: str


def _optional_day(value: str | None, name: str) -> date | None:
    """A date field a form sent, where an empty one (the search form's own) is no date."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise HTTPException(400, f"{name}: {value!r} is not a date (YYYY-MM-DD)") from None


async def _search_options(date_from: str | None = Query(None, alias="from", max_length=10,
                                                        description="YYYY-MM-DD"),
                          date_to: str | None = Query(None, alias="to", max_length=10,
                                                      description="YYYY-MM-DD"),
                          category: str | None = Query(None, max_length=40,
                                                       description="cs.LG, or an archive: cs"),
                          mode: str | None = Query(None, pattern="^(lexical|semantic|hybrid)$"),
                          sort: str = Query("relevance", pattern="^(relevance|date)$"),
                          narrow: Narrow = Depends(_feed_narrow)) -> SearchOptions:
    return SearchOptions(Filters(_optional_day(date_from, "from"), _optional_day(date_to, "to"),
                                 category or None, code=narrow.code, venue=narrow.venue),
                         mode, sort)


# what narrows and orders a search, the same for its page, its export and the API
SearchChoices = Annotated[SearchOptions, Depends(_search_options)]


def category_query(category: str | None, narrow: Narrow | None = None) -> str:
    """The query string that keeps a feed's category (and its narrowing: code, venue) on
    its links ('' for every paper); a category's and a venue key's shapes need no escaping."""
    parts = [f"category={category}"] if category else []
    if narrow and narrow.code:
        parts.append("code=1")
    if narrow and narrow.venue:
        parts.append(f"venue={narrow.venue}")
    return "?" + "&".join(parts) if parts else ""


def send_soon(tasks: BackgroundTasks, request: Request, mid: int | None) -> None:
    """Send a mail just queued (a confirmation, a reset link) right after the response,
    not at the worker's next round."""
    if mid is not None and library(request).settings.mail.can_send:
        tasks.add_task(mailer.send_due, library(request), None, mid)


def _socket_address(request: Request) -> str:
    """The address this request came in on: the socket's, which no client can forge,
    unlike the Host header."""
    host, port = request.scope.get("server") or ("127.0.0.1", 80)
    scheme = request.url.scheme
    host = f"[{host}]" if ":" in host else host
    default = {"http": 80, "https": 443}.get(scheme)
    return f"{scheme}://{host}" + ("" if port == default else f":{port}")


def site_base(request: Request) -> str:
    """The site's address for absolute links (feeds, sitemap, robots.txt, the API's Link
    header): the site_url setting, else the socket's address; never the Host header."""
    return library(request).settings.site_url or _socket_address(request)


def remember_address(request: Request) -> None:
    """Before a mail is queued: the address this request came in on, for its links when no
    site_url is set."""
    subscriptions.remember_address(library(request), _socket_address(request))


def mail_note(request: Request, sent: str) -> str:
    """What a page says about a mail it queued: sent, or waiting for a mail server."""
    if library(request).settings.mail.can_send:
        return sent
    return ("This site has no mail server configured yet (mail.smtp_host), so the mail "
            "waits in its outbox until one is.")
