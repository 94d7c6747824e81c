"""The digest: replies in discussions the reader took part in, then trending papers, for-you
papers and follow matches the reader has not seen, composed once per subscriber and period
into the outbox (its mail_key is unique)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from paperwire import clock
from paperwire.services.discovery import feed
from paperwire.services.mail.mailtext import render_mail
from paperwire.services.mail.subscriptions import (
    dismiss_url,
    link,
    message_id,
    site_url,
    unsubscribe_url,
)
from paperwire.services.personal import foryou
from paperwire.store.base import StoredPaper
from paperwire.store.mail import Mail, Subscriber

TRENDING = 5
FOR_YOU = 5
ALERTS = 10
REPLIES = 20
ABSTRACT_CHARS = 300


@dataclass
class Entry:
    paper: StoredPaper
    title: str
    authors: str
    abstract: str
    url: str
    dismiss_url: str
    reason: str = ""
    upvotes: int = 0


@dataclass
class Section:
    name: str
    entries: list[Entry] = field(default_factory=list)


@dataclass
class Reply:
    """Someone answered in a discussion the reader took part in."""
    who: str
    paper_title: str
    excerpt: str  # the reply's Markdown, cut, shown as text
    url: str  # to the reply on the paper's page


@dataclass
class Composed:
    mail: Mail
    pids: list[int]
    sections: list[Section]
    replies: list[Reply] = field(default_factory=list)


def period_of(sub: Subscriber, now: datetime) -> tuple[str, bool]:
    """(the period this moment falls in for the subscriber, whether its digest is due):
    daily from the chosen hour of each local day, weekly from that hour on Mondays."""
    local = now.astimezone(ZoneInfo(sub.tz))
    if sub.frequency == "weekly":
        year, week, weekday = local.isocalendar()
        return f"{year}-W{week:02d}", weekday > 1 or local.hour >= sub.hour
    return local.date().isoformat(), local.hour >= sub.hour


def _period_window(sub: Subscriber, now: datetime) -> tuple[datetime, datetime]:
    """[start of the previous period, start of this one): what this digest looks back on.
    Consecutive digests' windows meet, so each reply is told once."""
    local = now.astimezone(ZoneInfo(sub.tz))
    start = local.replace(hour=sub.hour, minute=0, second=0, microsecond=0)
    step = timedelta(days=1)
    if sub.frequency == "weekly":
        start -= timedelta(days=local.weekday())
        step = timedelta(days=7)
    return (start - step).astimezone(UTC), start.astimezone(UTC)


def replies_for(library, sub: Subscriber, now: datetime) -> list[Reply]:
    if sub.uid is None:
        return []
    since, until = (clock.stamp(t) for t in _period_window(sub, now))
    found = library.site.replies_to(sub.uid, since, until, REPLIES)
    papers = library.store.get_many(list({c.pid for c in found}))
    out = []
    for c in found:
        sp = papers.get(c.pid)
        if sp is None or sp.hidden:
            continue
        out.append(Reply(c.username, sp.paper.title, _cut(c.body),
                         link(library, f"/papers/{sp.paper.key}") + f"#comment-{c.cid}"))
    return out


def digest_key(sub: Subscriber, period: str) -> str:
    """The outbox's unique key for one subscriber's digest of one period."""
    return f"digest:{sub.sid}:{period}"


def _cut(text: str) -> str:
    """At most ABSTRACT_CHARS, ending on a whole word."""
    return text if len(text) <= ABSTRACT_CHARS else \
        text[:ABSTRACT_CHARS].rsplit(" ", 1)[0] + "…"


def _authors(sp: StoredPaper) -> str:
    names = sp.paper.authors
    return ", ".join(names[:3]) + (" et al." if len(names) > 3 else "")


def _entry(library, sub: Subscriber, sp: StoredPaper, reason: str = "", upvotes: int = 0
           ) -> Entry:
    p = sp.paper
    abstract = _cut(p.abstract)
    return Entry(sp, p.title, _authors(sp), abstract, link(library, f"/papers/{p.key}"),
                 dismiss_url(library, sub, sp), reason, upvotes)


def _excluded(library, sub: Subscriber) -> set[int]:
    out = library.mail.mailed(sub.sid) | library.mail.dismissed_for(sub.sid)
    if sub.uid is not None:
        out |= set(library.personal.dismissed(sub.uid)) | library.personal.seen(sub.uid)
    return out


def sections_for(library, sub: Subscriber, now: datetime) -> list[Section]:
    skip = _excluded(library, sub)
    user = library.site.user_by_id(sub.uid) if sub.uid is not None else None
    trending = Section("Trending")
    for item in feed.trending_feed(library, library.site, None, 50, now=now):
        if item.paper.pid not in skip and len(trending.entries) < TRENDING:
            trending.entries.append(_entry(library, sub, item.paper, upvotes=item.upvotes))
    sections = [trending]
    if user is not None:
        shown = {e.paper.pid for e in trending.entries}
        days = 7 if sub.frequency == "weekly" else 2
        recs = foryou.recommend(library, user, 60, extra_exclude=skip | shown, today=now.date())
        alerts = Section("Your follows", [_entry(library, sub, r.paper, r.reason)
                                          for r in recs if r.follow and r.age_days <= days
                                          ][:ALERTS])
        mine = Section("For you", [_entry(library, sub, r.paper, r.reason) for r in recs
                                   if not r.follow][:FOR_YOU])
        sections = [alerts, mine, trending] if alerts.entries else [mine, trending]
    return [s for s in sections if s.entries]


def compose(library, sub: Subscriber, now: datetime, period: str) -> Composed | None:
    """This period's digest for a subscriber, or None when there is nothing new for them."""
    sections, replies = sections_for(library, sub, now), replies_for(library, sub, now)
    if not sections and not replies:
        return None
    key = digest_key(sub, period)
    kind = "weekly" if sub.frequency == "weekly" else "daily"
    day = now.astimezone(ZoneInfo(sub.tz))
    title = (f"Your weekly papers, week of {day.strftime('%B %-d')}" if kind == "weekly"
             else f"Your papers for {day.strftime('%A, %B %-d')}")
    unsubscribe = unsubscribe_url(library, sub)
    text, html = render_mail("digest", {
        "title": title, "sections": sections, "replies": replies, "frequency": kind,
        "email": sub.email,
        "site": urlsplit(site_url(library)).netloc,
        "settings_url": (link(library, "/settings") if sub.uid
                         else unsubscribe_url(library, sub, "/email/settings")),
        "unsubscribe_url": unsubscribe})
    mail = Mail(0, key, sub.sid, "digest", message_id(library, key), sub.email, title, text,
                html, unsubscribe, "pending", 0)
    pids = [e.paper.pid for s in sections for e in s.entries]
    return Composed(mail, pids, sections, replies)


def compose_due(library, now: datetime | None = None, dry_run: bool = False
                ) -> list[Composed]:
    """Compose every digest that is due and not yet composed; with dry_run, compose them
    without putting them in the outbox."""
    now = now or clock.now()
    out = []
    for sub in library.mail.active_subscribers():
        period, due = period_of(sub, now)
        if not due or library.mail.has_mail(digest_key(sub, period)):
            continue
        composed = compose(library, sub, now, period)
        if composed is None:
            continue
        if dry_run or library.mail.enqueue(composed.mail, composed.pids, sub.uid):
            out.append(composed)
    return out
