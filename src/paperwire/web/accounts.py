"""Accounts: sign up, sign in and out, passwords (changed, or reset by a link mailed to the
confirmed address) and personal API tokens. Thin routes over services."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from paperwire.services.community import accounts, contributions, recovery
from paperwire.web import reader
from paperwire.web.deps import (
    MAX_ROW_ID,
    SESSION_COOKIE,
    RowId,
    Viewer,
    check_csrf,
    check_write,
    client_address,
    client_key,
    library,
    limits,
    password_gate,
    remember_address,
    same_site_path,
    send_soon,
    signed_in,
    viewer,
)
from paperwire.web.rendering import render

router = APIRouter(default_response_class=HTMLResponse)
Csrf = Annotated[str | None, Form(alias="csrf")]
CurrentViewer = Annotated[Viewer, Depends(viewer)]
Token = Annotated[str, Query(max_length=1000)]
# a vote asked for while signed out: cast once the reader has signed in (or up)
PendingVote = Annotated[int | None, Query(ge=1, le=MAX_ROW_ID)]
PendingVoteField = Annotated[int | None, Form(ge=1, le=MAX_ROW_ID)]


def _pending_paper(request: Request, upvote: int | None):
    sp = library(request).store.get_many([upvote]).get(upvote) if upvote else None
    return sp if sp and not sp.hidden else None


def _pending(request: Request, upvote: int | None) -> dict:
    """What a sign-in form carries for a vote asked for signed out, and says about it."""
    sp = _pending_paper(request, upvote)
    return {"upvote": sp.pid, "upvote_title": sp.paper.title} if sp else {}


def _cast_pending(request: Request, user, upvote: int | None) -> None:
    if sp := _pending_paper(request, upvote):
        contributions.set_upvote(library(request).site, user, sp, True)


def _signed_in_response(request: Request, user, next_url: str) -> RedirectResponse:
    token = accounts.new_session(library(request).site, user)
    target = next_url if same_site_path(next_url) else "/"
    response = RedirectResponse(target, 303)
    response.set_cookie(SESSION_COOKIE, token, max_age=accounts.SESSION_DAYS * 86400,
                        httponly=True, samesite="lax", secure=request.url.scheme == "https")
    return response


@router.get("/signup")
def signup_form(request: Request, next: str = Query("/", max_length=500),
                upvote: PendingVote = None):
    return render(request, "signup.html", {"next": next, **_pending(request, upvote)})


@router.post("/signup")
def signup(request: Request, v: CurrentViewer, csrf: Csrf = None,
           username: Annotated[str, Form(max_length=100)] = "",
           password: Annotated[str, Form(max_length=1000)] = "",
           next: Annotated[str, Form(max_length=500)] = "/",
           upvote: PendingVoteField = None):
    check_write(request, v, csrf, "signup")
    try:
        with password_gate(request).slot(known=False):
            user = accounts.sign_up(library(request).site, username, password)
    except accounts.AccountError as e:
        return render(request, "signup.html", {"error": str(e), "username": username,
                                               "next": next, **_pending(request, upvote)},
                      status_code=400)
    _cast_pending(request, user, upvote)
    return _signed_in_response(request, user, next)


@router.get("/signin")
def signin_form(request: Request, next: str = Query("/", max_length=500),
                upvote: PendingVote = None):
    return render(request, "signin.html", {"next": next, **_pending(request, upvote)})


@router.post("/signin")
def signin(request: Request, v: CurrentViewer, csrf: Csrf = None,
           username: Annotated[str, Form(max_length=100)] = "",
           password: Annotated[str, Form(max_length=1000)] = "",
           next: Annotated[str, Form(max_length=500)] = "/",
           upvote: PendingVoteField = None):
    check_csrf(v, csrf)
    site, gate = library(request).site, password_gate(request)
    # counted before the per-name limit, so one name tried over and over from one address
    # also spends the address's budget, and the shield then holds its refusals back
    gate.admit_address(client_address(request))
    limits(request).hit("signin", f"{client_key(request, v)}:{username.lower()}")
    known = accounts.has_account(site, username)
    if not known:
        gate.admit_unknown()  # cheap refusals before any hashing
    with gate.slot(known):
        user = accounts.sign_in(site, username, password)
    if user is None:
        return render(request, "signin.html", {"error": "wrong username or password",
                                               "username": username, "next": next,
                                               **_pending(request, upvote)},
                      status_code=401)
    _cast_pending(request, user, upvote)
    return _signed_in_response(request, user, next)


@router.post("/signout")
def signout(request: Request, v: CurrentViewer, csrf: Csrf = None):
    check_csrf(v, csrf)
    accounts.sign_out(library(request).site, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/", 303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.post("/settings/password")
def change_password(request: Request, v: CurrentViewer, csrf: Csrf = None,
                    old: Annotated[str, Form(max_length=1000)] = "",
                    new: Annotated[str, Form(max_length=1000)] = ""):
    check_write(request, v, csrf, "signin")
    user = signed_in(v)
    try:
        with password_gate(request).slot(known=True):
            accounts.change_password(library(request).site, user, old, new)
    except accounts.AccountError as e:
        return reader.settings_page(request, user, str(e), status_code=400)
    return _signed_in_response(request, user, "/settings")


def _sends_mail(request: Request) -> bool:
    return library(request).settings.mail.can_send


@router.get("/password/forgot")
def forgot_form(request: Request):
    return render(request, "forgot.html", {"sends_mail": _sends_mail(request)})


@router.post("/password/forgot")
def forgot(request: Request, v: CurrentViewer, tasks: BackgroundTasks, csrf: Csrf = None,
           who: Annotated[str, Form(max_length=320)] = ""):
    check_write(request, v, csrf, "reset")
    if not _sends_mail(request):  # a link queued for an hour's use would never leave
        return render(request, "forgot.html", {"sends_mail": False}, status_code=503)
    remember_address(request)
    send_soon(tasks, request, recovery.request_reset(library(request), who))
    # the same answer for every name and address: it reveals nothing about accounts
    return render(request, "message.html", {
        "heading": "Check your inbox",
        "message": "If that account has a confirmed email address, a link to choose a new "
                   "password is on its way. It works for an hour."})


@router.get("/password/reset")
def reset_form(request: Request, token: Token = ""):
    user = recovery.user_for_token(library(request), token)
    return render(request, "reset.html", {"token": token, "who": user})


@router.post("/password/reset")
def reset(request: Request, v: CurrentViewer, token: Token = "", csrf: Csrf = None,
          new: Annotated[str, Form(max_length=1000)] = ""):
    check_write(request, v, csrf, "signin")
    lib = library(request)
    try:
        with password_gate(request).slot(known=True):
            user = recovery.reset_password(lib, token, new)
    except accounts.AccountError as e:
        return render(request, "reset.html", {"token": token, "error": str(e),
                                              "who": recovery.user_for_token(lib, token)},
                      status_code=400)
    return _signed_in_response(request, user, "/settings")


@router.post("/settings/tokens")
def create_api_token(request: Request, v: CurrentViewer, csrf: Csrf = None,
                     name: Annotated[str, Form(max_length=200)] = ""):
    check_write(request, v, csrf, "token")
    user = signed_in(v)
    try:
        token = accounts.new_api_token(library(request).site, user, name)
    except accounts.AccountError as e:
        return reader.settings_page(request, user, str(e), status_code=400)
    return reader.settings_page(request, user, new_token=token)


@router.post("/settings/tokens/{tid}/delete")
def revoke_api_token(request: Request, v: CurrentViewer, tid: RowId, csrf: Csrf = None):
    check_csrf(v, csrf)
    if not accounts.revoke_api_token(library(request).site, signed_in(v), tid):
        raise HTTPException(404, f"you have no token {tid}")
    return RedirectResponse("/settings#api", 303)
