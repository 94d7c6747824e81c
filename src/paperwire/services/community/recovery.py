"""A forgotten password: a signed link, good for an hour and for one use, mailed to the
account's confirmed address; opening it lets the reader choose a new password."""

from __future__ import annotations

import hashlib
from datetime import datetime

from paperwire import clock
from paperwire.services.community import accounts
from paperwire.services.mail import subscriptions, tokens
from paperwire.store.mail import Subscriber
from paperwire.store.site import User

RESET_SECONDS = 3600


def _fingerprint(user: User) -> str:
    """Changes with the password, so a link stops working once it has been used (or the
    password was changed some other way)."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:20]


def _account(library, name_or_email: str) -> tuple[User, Subscriber] | None:
    """The account named, or whose address this is, if it has a confirmed address."""
    text = name_or_email.strip()
    if "@" in text:
        sub = library.mail.subscriber_by_email(text)
        user = library.site.user_by_id(sub.uid) if sub and sub.uid else None
    else:
        user = library.site.user_by_name(text) if accounts.USERNAME.fullmatch(text) else None
        sub = library.mail.subscriber_of(user.uid) if user else None
    if user is None or sub is None or not sub.confirmed_at or sub.bounced_at:
        return None
    return user, sub


def request_reset(library, name_or_email: str, now: datetime | None = None) -> int | None:
    """Queue the mail with the link, at most one an hour per account; its outbox id if one
    was queued. Says nothing about whether the account exists (the caller answers alike)."""
    found = _account(library, name_or_email)
    if found is None:
        return None
    user, sub = found
    hour = (now or clock.now()).strftime("%Y-%m-%dT%H")
    token = tokens.make(library, "reset", {"uid": user.uid, "email": sub.email,
                                           "pw": _fingerprint(user)}, RESET_SECONDS)
    return subscriptions.queue_once(
        library, sub, f"reset:{user.uid}:{hour}", "reset", "Choose a new paperwire password",
        {"username": user.username,
         "reset_url": subscriptions.link(library, "/password/reset", token=token)})


def user_for_token(library, token: str) -> User:
    """The account a reset link is for, if the link is genuine, fresh and unused."""
    data = tokens.read(library, "reset", token)
    user = library.site.user_by_id(int(data.get("uid", 0)))
    sub = library.mail.subscriber_of(user.uid) if user else None
    if user is None or sub is None or sub.email.lower() != str(data.get("email", "")).lower():
        raise tokens.BadToken("this link is for an account or address this site no longer has")
    if data.get("pw") != _fingerprint(user):
        raise tokens.BadToken("this link has been used already; ask for a new one")
    return user


def reset_password(library, token: str, new: str) -> User:
    """Set the new password and end every session of the account."""
    user = user_for_token(library, token)
    accounts.set_password(library.site, user, new)
    return library.site.user_by_id(user.uid)  # type: ignore[return-value]
