"""Email addresses: double opt-in (a signed, expiring link), the trending digest for anyone
with an address, a schedule per subscriber, one-click unsubscribe."""

from __future__ import annotations

import hashlib
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from email_validator import EmailNotValidError, validate_email

from paperwire import clock
from paperwire.services.errors import Invalid, NotFound
from paperwire.services.mail import tokens
from paperwire.services.mail.mailtext import render_mail
from paperwire.store.base import StoredPaper
from paperwire.store.mail import AddressTaken, Mail, Subscriber
from paperwire.store.site import User

FREQUENCIES = ("daily", "weekly")


def normalize_email(text: str) -> str:
    try:
        return validate_email(text.strip(), check_deliverability=False).normalized
    except EmailNotValidError as e:
        raise Invalid(f"that is not an email address: {e}") from None


_ADDRESS = "site_address"
FALLBACK_URL = "http://localhost"  # never reached: a site is addressed before it mails


def remember_address(library, url: str) -> None:
    """Where this site was reached (scheme://host:port): the links in mail, when no
    site_url is configured."""
    if not library.settings.mail.site_url and library.mail.recalled(_ADDRESS) != url:
        library.mail.remember(_ADDRESS, url)


def site_url(library) -> str:
    return (library.settings.mail.site_url or library.mail.recalled(_ADDRESS)
            or FALLBACK_URL)


def link(library, path: str, **params: str) -> str:
    query = "&".join(f"{k}={quote(v, safe='')}" for k, v in params.items())
    return f"{site_url(library)}{path}" + (f"?{query}" if query else "")


def message_id(library, mail_key: str) -> str:
    """The same for every attempt at one mail: a receiver sees a resend as the same mail."""
    digest = hashlib.sha256(mail_key.encode()).hexdigest()[:24]
    host = urlsplit(site_url(library)).hostname or "localhost"
    return f"<{digest}.{mail_key.split(':')[0]}@{host}>"


def unsubscribe_url(library, sub: Subscriber, path: str = "/unsubscribe") -> str:
    """The signed link that unsubscribes this address (or, at /email/settings, changes
    when its digest comes), without signing in."""
    token = tokens.make(library, "unsubscribe", {"sid": sub.sid, "email": sub.email},
                        tokens.UNSUBSCRIBE_SECONDS)
    return link(library, path, token=token)


def queue_once(library, sub: Subscriber, key: str, kind: str, subject: str,
               context: dict) -> int | None:
    """A one-off mail to this subscriber (a confirmation, a reset link) from the template
    named by kind, queued at most once per key; its outbox id if it was queued now."""
    text, html = render_mail(kind, {
        "site": urlsplit(site_url(library)).netloc, **context})
    mail = Mail(0, key, sub.sid, kind, message_id(library, key), sub.email, subject, text,
                html, None, "pending", 0)
    if not library.mail.enqueue(mail, [], None):
        return None
    return library.mail.mail_id(key)


def _queue_confirmation(library, sub: Subscriber, what: str) -> int | None:
    """A confirmation mail, at most one per address and day; its outbox id if queued."""
    day = clock.today().isoformat()
    token = tokens.make(library, "confirm", {"sid": sub.sid, "email": sub.email},
                        tokens.CONFIRM_SECONDS)
    return queue_once(library, sub, f"confirm:{sub.sid}:{sub.email.lower()}:{day}", "confirm",
                      "Confirm your address for paperwire", {
                          "what": what, "email": sub.email,
                          "confirm_url": link(library, "/email/confirm", token=token)})


def subscribe(library, email: str, schedule: tuple[str, int, str] | None = None
              ) -> tuple[Subscriber, int | None]:
    """An email-only subscription to the trending digest (daily or weekly, at an hour of a
    time zone); unconfirmed until its link is opened. Returns the subscriber and the
    confirmation mail queued, if one was. A schedule never changes a confirmed address's:
    only its owner, by the signed link in each digest, may."""
    address = normalize_email(email)
    if schedule:
        check_schedule(*schedule)
    sub = library.mail.add_subscriber(address)
    if sub.active:
        return sub, None
    if schedule:
        library.mail.set_schedule(sub.sid, *schedule)
    return sub, _queue_confirmation(library, sub, "the trending papers digest")


def set_account_email(library, user: User, email: str) -> tuple[Subscriber, int | None]:
    try:
        sub = library.mail.set_account_email(user.uid, normalize_email(email))
    except AddressTaken:
        raise Invalid("another account uses that address") from None
    if sub.confirmed_at:
        return sub, None
    return sub, _queue_confirmation(library, sub, "your paperwire digest")


def _subscriber_of(library, data: dict) -> Subscriber:
    sub = library.mail.subscriber(int(data.get("sid", 0)))
    if sub is None or sub.email.lower() != str(data.get("email", "")).lower():
        raise tokens.BadToken("this link is for an address this site no longer has")
    return sub


def confirm(library, token: str) -> Subscriber:
    sub = _subscriber_of(library, tokens.read(library, "confirm", token))
    library.mail.confirm(sub.sid)
    return library.mail.subscriber(sub.sid)  # type: ignore[return-value]


def unsubscribe(library, token: str) -> Subscriber:
    """Only the address its signed token names; works without signing in."""
    sub = _subscriber_of(library, tokens.read(library, "unsubscribe", token))
    library.mail.unsubscribe(sub.sid)
    return library.mail.subscriber(sub.sid)  # type: ignore[return-value]


def subscriber_for_token(library, purpose: str, token: str) -> Subscriber:
    return _subscriber_of(library, tokens.read(library, purpose, token))


def check_schedule(frequency: str, hour: int, tz: str) -> None:
    if frequency not in FREQUENCIES:
        raise Invalid("a digest comes daily or weekly")
    if not 0 <= hour <= 23:
        raise Invalid("the hour is 0 to 23")
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(f"{tz!r} is not a time zone (like Europe/Paris)") from None


def set_schedule(library, sub: Subscriber, frequency: str, hour: int, tz: str) -> None:
    check_schedule(frequency, hour, tz)
    library.mail.set_schedule(sub.sid, frequency, hour, tz)


def save_schedule(library, sub: Subscriber, frequency: str, hour: int, tz: str) -> None:
    """Daily or weekly at this hour, or "off" (unsubscribed)."""
    if frequency == "off":
        library.mail.unsubscribe(sub.sid)
        return
    set_schedule(library, sub, frequency, hour, tz)
    library.mail.resubscribe(sub.sid)


def time_zones() -> list[str]:
    return sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc"))


def dismiss_url(library, sub: Subscriber, sp: StoredPaper) -> str:
    token = tokens.make(library, "dismiss", {"sid": sub.sid, "email": sub.email,
                                             "pid": sp.pid}, tokens.DISMISS_SECONDS)
    return link(library, "/mail/not-interested", token=token)


def dismiss_from_mail(library, token: str) -> StoredPaper:
    """'Not interested' from a digest: for the account behind the address, or the address."""
    data = tokens.read(library, "dismiss", token)
    sub = _subscriber_of(library, data)
    sp = library.store.get_many([int(data.get("pid", 0))]).get(int(data.get("pid", 0)))
    if sp is None:
        raise NotFound("that paper is no longer here")
    if sub.uid is not None:
        library.personal.set_dismissed(sub.uid, sp.pid, True)
    else:
        library.mail.dismiss_for(sub.sid, sp.pid)
    return sp


def paper_for_token(library, token: str) -> StoredPaper:
    data = tokens.read(library, "dismiss", token)
    _subscriber_of(library, data)
    sp = library.store.get_many([int(data.get("pid", 0))]).get(int(data.get("pid", 0)))
    if sp is None:
        raise NotFound("that paper is no longer here")
    return sp
