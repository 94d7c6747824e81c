"""Pages for one reader: for you, follows, not interested, notes, email and digest
settings and the signed links from mail. Thin routes over services."""

from __future__ import annotations

from typing import Annotated

from fastapi import (
    APIRouter,
    BackgroundTasks,
    Depends,
    File,
    Form,
    Query,
    Request,
    UploadFile,
)
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from paperwire.services.community import accounts
from paperwire.services.discovery import feed
from paperwire.services.errors import Invalid
from paperwire.services.mail import subscriptions
from paperwire.services.personal import foryou, signals
from paperwire.store.site import User
from paperwire.web.deps import (
    RowId,
    Viewer,
    back_to,
    check_csrf,
    check_write,
    library,
    mail_note,
    paper_by_pid,
    remember_address,
    send_soon,
    signed_in,
    viewer,
)
from paperwire.web.page_cache import cached_page
from paperwire.web.rendering import render, this_page

router = APIRouter(default_response_class=HTMLResponse)
PAGE_SIZE = 30
MAX_LIBRARY_BYTES = 5_000_000
Csrf = Annotated[str | None, Form(alias="csrf")]
CurrentViewer = Annotated[Viewer, Depends(viewer)]


# -- for you ---------------------------------------------------------------------------------

def _recommendations(request: Request, user: User, page: int, limit: int = PAGE_SIZE):
    return foryou.recommend(library(request), user, limit + 1, offset=page * limit)


@router.get("/for-you")
def for_you_page(request: Request, v: CurrentViewer, page: int = Query(0, ge=0, le=6)):
    user = signed_in(v)
    return cached_page(request, v, lambda: _render_for_you(request, user, page))


def _render_for_you(request: Request, user: User, page: int):
    lib = library(request)
    recs = _recommendations(request, user, page)
    shown = recs[:PAGE_SIZE]
    items = feed.items_for(lib, lib.site, [r.paper for r in shown], user)
    cold = not lib.personal.positives(user.uid) and not lib.personal.follows(user.uid) \
        and not lib.personal.library_count(user.uid)
    return render(request, "for_you.html", {
        "items": items, "reasons": [r.reason for r in shown], "page": page,
        "has_more": len(recs) > PAGE_SIZE, "cold": cold,
        "hide_seen": lib.personal.hide_seen(user.uid)})


@router.post("/p/{pid}/not-interested")
def not_interested(request: Request, v: CurrentViewer, pid: RowId, csrf: Csrf = None,
                   undo: Annotated[bool, Form()] = False):
    check_write(request, v, csrf, "vote")
    user = signed_in(v)
    signals.set_not_interested(library(request), user, paper_by_pid(request, pid), not undo)
    return RedirectResponse(f"{back_to(request, '/for-you')}#paper-{pid}", 303)


@router.post("/p/{pid}/note")
def save_note(request: Request, v: CurrentViewer, pid: RowId, csrf: Csrf = None,
              note: Annotated[str, Form(max_length=40000)] = ""):
    check_write(request, v, csrf, "comment")
    user = signed_in(v)
    sp = paper_by_pid(request, pid)
    signals.save_note(library(request), user, sp, note)
    return RedirectResponse(f"/papers/{sp.paper.key}#note", 303)


# -- follows ---------------------------------------------------------------------------------

def _following(request: Request, user: User, error: str | None = None, value: str = "",
               status_code: int = 200):
    return render(request, "following.html", {
        "follows": library(request).personal.follows(user.uid), "error": error,
        "value": value}, status_code=status_code)


@router.get("/following")
def following_page(request: Request, v: CurrentViewer):
    return _following(request, signed_in(v))


@router.post("/follows")
def add_follow(request: Request, v: CurrentViewer, csrf: Csrf = None,
               kind: Annotated[str, Form(max_length=20)] = "",
               value: Annotated[str, Form(max_length=500)] = ""):
    check_write(request, v, csrf, "collection")
    user = signed_in(v)
    try:
        signals.follow(library(request), user, kind, value)
    except Invalid as e:
        return _following(request, user, str(e), value, 400)
    return RedirectResponse(back_to(request, "/following"), 303)


@router.post("/follows/{fid}/delete")
def remove_follow(request: Request, v: CurrentViewer, fid: RowId, csrf: Csrf = None):
    check_csrf(v, csrf)
    signals.unfollow(library(request), signed_in(v), fid)
    return RedirectResponse(back_to(request, "/following"), 303)


# -- settings --------------------------------------------------------------------------------

def settings_page(request: Request, user: User, error: str | None = None,
                  done: str | None = None, status_code: int = 200,
                  new_token: str | None = None):
    lib = library(request)
    return render(request, "settings.html", {
        "error": error, "done": done, "sub": lib.mail.subscriber_of(user.uid),
        "zones": subscriptions.time_zones(), "hide_seen": lib.personal.hide_seen(user.uid),
        "library_count": lib.personal.library_count(user.uid),
        "tokens": accounts.api_tokens(lib.site, user), "new_token": new_token},
        status_code=status_code)


@router.get("/settings")
def settings_form(request: Request, v: CurrentViewer):
    return settings_page(request, signed_in(v))


@router.post("/settings/email")
def set_email(request: Request, v: CurrentViewer, tasks: BackgroundTasks, csrf: Csrf = None,
              email: Annotated[str, Form(max_length=320)] = ""):
    check_write(request, v, csrf, "subscribe")
    user = signed_in(v)
    remember_address(request)
    try:
        sub, mid = subscriptions.set_account_email(library(request), user, email)
    except Invalid as e:
        return settings_page(request, user, str(e), status_code=400)
    send_soon(tasks, request, mid)
    done = None if sub.confirmed_at else mail_note(
        request, f"We mailed a confirmation link to {sub.email}.")
    return settings_page(request, user, done=done)


@router.post("/settings/digest")
def set_digest(request: Request, v: CurrentViewer, csrf: Csrf = None,
               frequency: Annotated[str, Form(max_length=10)] = "daily",
               hour: Annotated[int, Form(ge=0, le=23)] = 8,
               tz: Annotated[str, Form(max_length=64)] = "UTC"):
    check_csrf(v, csrf)
    user = signed_in(v)
    lib = library(request)
    sub = lib.mail.subscriber_of(user.uid)
    if sub is None or not sub.confirmed_at:
        return settings_page(request, user, "confirm your address first", status_code=400)
    try:
        subscriptions.save_schedule(lib, sub, frequency, hour, tz)
    except Invalid as e:
        return settings_page(request, user, str(e), status_code=400)
    return settings_page(request, user, done="Saved.")


@router.post("/settings/hide-seen")
def set_hide_seen(request: Request, v: CurrentViewer, csrf: Csrf = None,
                  hide: Annotated[bool, Form()] = True):
    check_csrf(v, csrf)
    library(request).personal.set_hide_seen(signed_in(v).uid, hide)
    return RedirectResponse(back_to(request, "/for-you"), 303)


@router.post("/settings/library")
async def import_library(request: Request, v: CurrentViewer, csrf: Csrf = None,
                         file: Annotated[UploadFile | None, File()] = None):
    check_write(request, v, csrf, "submit")
    user = signed_in(v)
    data = await file.read(MAX_LIBRARY_BYTES + 1) if file else b""
    if not data or len(data) > MAX_LIBRARY_BYTES:
        return settings_page(request, user, "choose a BibTeX or CSL JSON file of at most 5 MB",
                             status_code=400)
    try:
        report = await run_in_threadpool(signals.import_library, library(request), user, data)
    except Invalid as e:
        return settings_page(request, user, str(e), status_code=400)
    return settings_page(request, user, done=report.summary())


# -- subscribing with only an address, and the links in mail ---------------------------------

def _subscribe_form(request: Request, status_code: int = 200, **context) -> Response:
    return render(request, "subscribe.html", {
        "sends_mail": library(request).settings.mail.can_send,
        "zones": subscriptions.time_zones(), "frequency": "daily", "hour": 8, "tz": "UTC",
        **context}, status_code=status_code)


@router.get("/subscribe")
def subscribe_form(request: Request):
    return _subscribe_form(request)


@router.post("/subscribe")
def subscribe(request: Request, v: CurrentViewer, tasks: BackgroundTasks, csrf: Csrf = None,
              email: Annotated[str, Form(max_length=320)] = "",
              frequency: Annotated[str, Form(max_length=10)] = "daily",
              hour: Annotated[int, Form(ge=0, le=23)] = 8,
              tz: Annotated[str, Form(max_length=64)] = "UTC"):
    check_write(request, v, csrf, "subscribe")
    if not library(request).settings.mail.can_send:  # a confirmation would never leave
        return _subscribe_form(request, 503, email=email)
    remember_address(request)
    try:
        sub, mid = subscriptions.subscribe(library(request), email, (frequency, hour, tz))
    except Invalid as e:
        return _subscribe_form(request, 400, error=str(e), email=email, frequency=frequency,
                               hour=hour, tz=tz)
    send_soon(tasks, request, mid)
    # the same answer whether or not the address was known: it reveals nothing
    return _message(request, "Check your inbox",
                    f"If {sub.email} is yours, a mail with a confirmation link is on its way. "
                    f"The {frequency} digest starts once you open it.")


def _message(request: Request, heading: str, message: str, status_code: int = 200,
             **form) -> Response:
    return render(request, "message.html", {"heading": heading, "message": message,
                                            "error": status_code >= 400, **form},
                  status_code=status_code)


@router.get("/email/confirm")
def confirm_email(request: Request, token: str = Query("", max_length=1000)):
    sub = subscriptions.confirm(library(request), token)
    return _message(request, "Address confirmed",
                    f"{sub.email} is confirmed: your {sub.frequency} digest comes at "
                    f"{sub.hour:02d}:00 ({sub.tz}).")


@router.get("/unsubscribe")
def unsubscribe_form(request: Request, token: str = Query("", max_length=1000)):
    sub = subscriptions.subscriber_for_token(library(request), "unsubscribe", token)
    return _message(request, "Unsubscribe", f"Stop the digest to {sub.email}?",
                    action=this_page(request), button="Unsubscribe")


@router.post("/unsubscribe")
def unsubscribe(request: Request, token: str = Query("", max_length=1000)):
    """RFC 8058 one-click: a POST with no cookie and no CSRF token; the signed token in the
    address is the authority, and it names the one address it unsubscribes."""
    sub = subscriptions.unsubscribe(library(request), token)
    return _message(request, "Unsubscribed", f"No more digests go to {sub.email}.")


def _email_settings(request: Request, token: str, sub, error: str | None = None,
                    done: str | None = None, status_code: int = 200) -> Response:
    return render(request, "email_settings.html", {
        "sub": sub, "token": token, "zones": subscriptions.time_zones(), "error": error,
        "done": done}, status_code=status_code)


@router.get("/email/settings")
def email_settings(request: Request, token: str = Query("", max_length=1000)):
    """An email-only subscriber's schedule, reached from the link in every digest."""
    sub = subscriptions.subscriber_for_token(library(request), "unsubscribe", token)
    return _email_settings(request, token, sub)


@router.post("/email/settings")
def save_email_settings(request: Request, token: str = Query("", max_length=1000),
                        frequency: Annotated[str, Form(max_length=10)] = "daily",
                        hour: Annotated[int, Form(ge=0, le=23)] = 8,
                        tz: Annotated[str, Form(max_length=64)] = "UTC"):
    # the signed token is the authority, as for one-click unsubscribe: no session here
    lib = library(request)
    sub = subscriptions.subscriber_for_token(lib, "unsubscribe", token)
    try:
        subscriptions.save_schedule(lib, sub, frequency, hour, tz)
    except Invalid as e:
        return _email_settings(request, token, sub, str(e), status_code=400)
    return _email_settings(request, token, lib.mail.subscriber(sub.sid), done="Saved.")


@router.get("/mail/not-interested")
def dismiss_form(request: Request, token: str = Query("", max_length=1000)):
    sp = subscriptions.paper_for_token(library(request), token)
    # a page with a button, not an action on GET: mail scanners open links
    return _message(request, "Not interested?",
                    f"“{sp.paper.title}” and papers like it will stop coming to you.",
                    action=this_page(request), button="Not interested")


@router.post("/mail/not-interested")
def dismiss_from_mail(request: Request, token: str = Query("", max_length=1000)):
    sp = subscriptions.dismiss_from_mail(library(request), token)
    return _message(request, "Noted", f"You will not see “{sp.paper.title}” again.")
