"""The daily, weekly and monthly feeds and trending: papers ranked by upvotes."""

from __future__ import annotations

import base64
import logging
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from paperwire import clock
from paperwire.domain import CATEGORY
from paperwire.services.glance.cards import Glance, glances
from paperwire.services.library import Library
from paperwire.store import trending
from paperwire.store.base import StoredPaper
from paperwire.store.feeds import Narrow
from paperwire.store.site import SiteStore, User

log = logging.getLogger(__name__)
PERIODS = ("day", "week", "month")
_WEEK = re.compile(r"(\d{4})-W(\d{2})")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
# the days a feed page can be asked for: far from the ends of Python's dates (years 1 and
# 9999), where a neighbour or a calendar week would overflow
FIRST_DAY, LAST_DAY = date(1000, 1, 1), date(9998, 12, 31)


class BadPeriod(ValueError):
    pass


class BadCategory(ValueError):
    pass


def parse_category(value: str | None) -> str | None:
    """A feed's category ("cs.LG") or archive ("cs") as given; None for every paper."""
    value = (value or "").strip()
    if not value:
        return None
    if not CATEGORY.fullmatch(value):
        raise BadCategory(f"{value[:40]!r} is not an arXiv category (like cs.LG) or archive "
                          "(like cs)")
    return value


@dataclass
class FeedItem:
    paper: StoredPaper
    local_votes: int
    comments: int
    submitted_by: str | None
    voted: bool
    dismissed: bool = False  # "not interested", by the viewer
    glance: Glance = Glance()  # keywords, gist, code, venue (services/glance/cards.py)

    @property
    def upvotes(self) -> int:
        """External upvotes (kept apart in the store) plus local ones."""
        return (self.paper.paper.external_upvotes or 0) + self.local_votes

    @property
    def feed_date(self) -> date | None:
        return self.paper.feed_date


@dataclass
class Period:
    kind: str
    start: date
    end: date

    @property
    def key(self) -> str:
        if self.kind == "day":
            return self.start.isoformat()
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        return self.start.strftime("%Y-%m")

    @property
    def label(self) -> str:
        if self.kind == "day":
            return self.start.strftime("%A, %B %-d, %Y")
        if self.kind == "week":
            return f"Week of {self.start.strftime('%B %-d, %Y')}"
        return self.start.strftime("%B %Y")

    def shifted(self, steps: int) -> Period:
        if self.kind == "day":
            return day(self.start + timedelta(days=steps))
        if self.kind == "week":
            return week_of(self.start + timedelta(weeks=steps))
        month = self.start.year * 12 + self.start.month - 1 + steps
        return month_of(date(month // 12, month % 12 + 1, 1))


def day(d: date) -> Period:
    return Period("day", d, d)


def week_of(d: date) -> Period:
    monday = d - timedelta(days=d.weekday())
    return Period("week", monday, monday + timedelta(days=6))


def month_of(d: date) -> Period:
    first = d.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Period("month", first, following - timedelta(days=1))


PERIOD_OF = {"day": day, "week": week_of, "month": month_of}  # the period holding a date


def _first_day(kind: str, value: str) -> date | None:
    """The first day of the period a value names, or None if it names none."""
    try:
        if kind == "day":
            return date.fromisoformat(value)
        if kind == "week" and (m := _WEEK.fullmatch(value)):
            return date.fromisocalendar(int(m[1]), int(m[2]), 1)
        if kind == "month" and (m := _MONTH.fullmatch(value)):
            return date(int(m[1]), int(m[2]), 1)
    except ValueError:
        pass
    return None


def parse_period(kind: str, value: str) -> Period:
    """'day' + 2025-03-14, 'week' + 2025-W11, 'month' + 2025-03, within FIRST_DAY and
    LAST_DAY (a period, its neighbours and its calendar's weeks are then real dates)."""
    first = _first_day(kind, value)
    if first is not None and FIRST_DAY <= first <= LAST_DAY:
        return PERIOD_OF[kind](first)
    if first is not None:
        raise BadPeriod(f"no such {kind}: this site lists papers from {FIRST_DAY.year} "
                        f"to {LAST_DAY.year}, not on {value}")
    examples = {"day": "2025-03-14", "week": "2025-W11", "month": "2025-03"}
    raise BadPeriod(f"{value!r} is not a {kind} (like {examples.get(kind, '2025-03-14')})")


SHARED_LIST_SECONDS = 5  # a feed's order is shared by every reader of a process this long


def shared_list(library: Library, kind: str, key: tuple,
                make: Callable[[], tuple[list[StoredPaper], int]]
                ) -> tuple[list[StoredPaper], int]:
    """A feed's ranked papers and their total, ranked once per process for every reader
    for up to SHARED_LIST_SECONDS while the papers are unchanged (ranking counts every
    paper's votes: a third of a signed-in feed). Votes move the order that much later, as
    on the cached anonymous page; the counts, the reader's own marks and the papers
    themselves are read anew for every page, so a hidden or edited paper goes at once."""
    tick = int(time.monotonic() // SHARED_LIST_SECONDS)

    def ranked() -> tuple[list[int], int]:
        papers, total = make()
        return [sp.pid for sp in papers], total

    rev = library.store.max_rev()
    pids, total = library.memo.get(kind, (rev, tick, *key), ranked, size=1024)
    found = library.papers.get_many(pids, at=rev)
    return [found[p] for p in pids if p in found], total


def items_for(library: Library, site: SiteStore, papers: list[StoredPaper],
              viewer: User | None) -> list[FeedItem]:
    pids = [sp.pid for sp in papers]
    votes, comments = site.vote_counts(pids), site.comment_counts(pids)
    submitters = site.submitters(pids)
    voted = site.voted(viewer.uid, pids) if viewer else set()
    dismissed = set(library.personal.dismissed(viewer.uid)) & set(pids) if viewer else set()
    seen = glances(library, papers)
    return [FeedItem(sp, votes.get(sp.pid, 0), comments.get(sp.pid, 0), submitters.get(sp.pid),
                     sp.pid in voted, sp.pid in dismissed, seen[sp.pid]) for sp in papers]


def latest_period(site: SiteStore, kind: str, today: date,
                  category: str | None = None) -> Period:
    latest = site.latest_feed_date(today, category=category) or today
    return PERIOD_OF[kind](latest)


def neighbours(site: SiteStore, period: Period, today: date, category: str | None = None
               ) -> tuple[Period | None, Period | None]:
    """The nearest periods of the same kind before and after this one that hold papers
    (of the category, if one is given), skipping empty days (weekends, holidays); never
    one in the future."""
    make = PERIOD_OF[period.kind]
    before = site.latest_feed_date(period.start - timedelta(days=1), category=category)
    after = (site.first_feed_date_after(period.end, today, category)
             if period.end < today else None)
    return (make(before) if before else None), (make(after) if after else None)


@dataclass
class CalendarDay:
    day: date
    papers: int
    in_month: bool


def calendar(site: SiteStore, month: Period,
             category: str | None = None) -> list[list[CalendarDay]]:
    """The month's weeks (Monday first), each day with its number of papers."""
    counts = site.day_counts(month.start, month.end, category)
    monday = month.start - timedelta(days=month.start.weekday())
    weeks = []
    while monday <= month.end:
        days = [monday + timedelta(days=i) for i in range(7)]
        weeks.append([CalendarDay(d, counts.get(d, 0), month.start <= d <= month.end)
                      for d in days])
        monday += timedelta(days=7)
    return weeks


@dataclass(frozen=True)
class Frame:
    """What a period's page shows around its papers: the periods before and after it with
    papers, and its month's calendar."""

    before: Period | None
    after: Period | None
    month: Period
    calendar: list[list[CalendarDay]]


def _while_papers_unchanged(library: Library, kind: str, key: tuple, make):
    """Made once per revision of the store's papers: what only the papers decide (their
    days and counts), the same for every reader, so never stale."""
    return library.memo.get(kind, (library.store.max_rev(), *key), make)


def frame(library: Library, period: Period, today: date, category: str | None) -> Frame:
    def make() -> Frame:
        month = month_of(period.start + timedelta(days=3) if period.kind == "week"
                         else period.start)  # a week's Thursday: where most of its days are
        return Frame(*neighbours(library.site, period, today, category), month,
                     calendar(library.site, month, category))

    return _while_papers_unchanged(library, "frame", (period.kind, period.start, today,
                                                      category), make)


def front(library: Library, today: date, category: str | None = None
          ) -> tuple[Period, str | None]:
    """front_period, made once per revision of the store's papers."""
    return _while_papers_unchanged(library, "front", (today, category),
                                   lambda: front_period(library.site, today, category))


FULL_PAGE = 10  # a front page with fewer papers than this widens to the week, then the month


def front_period(site: SiteStore, today: date,
                 category: str | None = None) -> tuple[Period, str | None]:
    """The front page's period: the latest day with papers, widened to its week and then
    its month while it holds fewer than FULL_PAGE; and a sentence saying so, if widened."""
    latest = site.latest_feed_date(today, category=category)
    if latest is None:  # nothing yet (in this category)
        return day(today), None
    n_day = site.count_between(latest, latest, category)
    if n_day >= FULL_PAGE:
        return day(latest), None
    period = week_of(latest)
    if site.count_between(period.start, period.end, category) < FULL_PAGE:
        period = month_of(latest)
    papers = f"{category} paper" if category else "paper"
    return period, (f"The latest day, {latest.strftime('%B %-d, %Y')}, has only {n_day} "
                    f"{papers}{'' if n_day == 1 else 's'}, so here is its {period.kind}.")


def period_feed(library: Library, site: SiteStore, period: Period, viewer: User | None,
                submitter: str | None = None, limit: int = 50, offset: int = 0,
                category: str | None = None, newest_first: bool = False,
                narrow: Narrow | None = None) -> tuple[list[FeedItem], int]:
    """A page of the period's papers, most upvoted (or most recently listed) first, and how
    many there are in all; narrowed to papers with code or of a venue if asked."""
    papers, total = shared_list(library, "feed.page", (
        period.kind, period.start, period.end, limit, offset, submitter, category,
        newest_first, narrow), lambda: site.feed_page(period.start, period.end, limit, offset,
                                                      submitter, category, newest_first, narrow))
    return items_for(library, site, papers, viewer), total


def trending_feed(library: Library, site: SiteStore, viewer: User | None, limit: int = 50,
                  offset: int = 0, now: datetime | None = None,
                  category: str | None = None, submitter: str | None = None,
                  period: Period | None = None, narrow: Narrow | None = None
                  ) -> list[FeedItem]:
    """Papers of the trending window (or of a period), by trending score (see trending.py
    for the window and the age)."""
    now = now or clock.now()
    if period is None:
        latest = (site.latest_upvoted_feed_date(now.date(), category)
                  or site.latest_feed_date(now.date(), category) or now.date())
        period = Period("trending", latest - timedelta(days=trending.WINDOW_DAYS), latest)
    at = trending.reference_instant(period.end, now).strftime("%Y-%m-%d %H:%M:%S")
    papers, _ = shared_list(library, "feed.trending", (
        period.start, period.end, at[:15], limit, offset, category, submitter, narrow),
        lambda: (site.trending_page(period.start, period.end, at, limit, offset, category,
                                    submitter, narrow), 0))
    return items_for(library, site, papers, viewer)


CATEGORIES_EVERY = 600  # seconds a count of the categories serves before a recount


@dataclass
class _Counted:
    categories: list[str]
    at: float
    recounting: bool = False


_COUNTED: dict[str, _Counted] = {}
_RECOUNT = threading.Lock()


def store_categories(library: Library) -> list[str]:
    """The categories papers here have, with their archives (cs for cs.LG), most papers
    first: what a category filter may offer. Counted once, then anew every ten minutes at
    most in a thread of its own while pages go on with the last count: the count reads
    every paper's row (0.3 s at 100k papers, 3 s at 1M), which a reader once waited for."""
    key = str(library.settings.db)
    counted = _COUNTED.get(key)
    if counted is None:
        counted = _COUNTED[key] = _Counted(_count_categories(library), time.monotonic())
    elif time.monotonic() - counted.at > CATEGORIES_EVERY:
        with _RECOUNT:
            start, counted.recounting = not counted.recounting, True
        if start:
            threading.Thread(target=_recount, args=(library, key, counted), daemon=True,
                             name="recount-categories").start()
    return counted.categories


def _recount(library: Library, key: str, counted: _Counted) -> None:
    try:
        _COUNTED[key] = _Counted(_count_categories(library), time.monotonic())
    except Exception:
        log.exception("the categories could not be counted again; the last count stays")
        counted.recounting = False


def _count_categories(library: Library) -> list[str]:
    counts = Counter(library.site.category_counts())
    for category, n in list(counts.items()):
        if "." in category:
            counts[category.split(".")[0]] += n
    return sorted(counts, key=lambda c: (-counts[c], c))


class BadCursor(ValueError):
    """A cursor this site did not hand out."""


def _cursor(sp: StoredPaper) -> str:
    raw = f"{sp.paper.published.isoformat()}|{sp.pid}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _after(cursor: str) -> tuple[str, int]:
    try:
        day, pid = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().split("|")
        return date.fromisoformat(day).isoformat(), int(pid)
    except (ValueError, UnicodeDecodeError):
        raise BadCursor(f"{cursor[:40]!r} is not a cursor this site gave") from None


def published_feed(library: Library, site: SiteStore, viewer: User | None, limit: int,
                   cursor: str | None = None) -> tuple[list[FeedItem], str | None]:
    """Papers by publication date, newest first, as Hugging Face's /api/papers lists them:
    a page and the cursor of the next one (None at the end)."""
    papers = site.published_page(_after(cursor) if cursor else None, limit + 1)
    more = len(papers) > limit
    papers = papers[:limit]
    return items_for(library, site, papers, viewer), _cursor(papers[-1]) if more else None
