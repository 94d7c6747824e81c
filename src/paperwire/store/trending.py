"""Trending: upvotes decayed by age. The one place the formula lives, in the store because
the database ranks by it (SiteStore.trending_page); trending_score says the same in Python.

score = upvotes / (age_hours + 2) ** 1.5

the ranking formula Hacker News made familiar: a paper needs ever more votes to stay up as
it ages. `upvotes` is external (e.g. Hugging Face) plus local votes; age runs from the
paper's feed date (the day it was listed, else its publication date) at 00:00 UTC.

The window: the WINDOW_DAYS up to the newest dated paper with an upvote (here or at its
source), so a store whose newest papers have no votes yet still has a trend. Only dated
papers take part: an undated one's feed day is the day it arrived, a recency it never
earned. Ages are counted at the end of the window's last day, or now if that is sooner: a
store whose papers stop months ago (an archive, a worker long off) shows what was trending
then, ranked as it was, rather than ages so alike that upvotes alone decide.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

GRAVITY = 1.5
AGE_OFFSET_HOURS = 2.0
WINDOW_DAYS = 30  # papers older than this are not trending, however voted
FORMULA = ("upvotes ÷ (hours since listed + 2)^1.5, over papers of the last 30 days: a paper "
           "needs ever more votes to stay up as it ages")


def reference_instant(window_end: date, now: datetime) -> datetime:
    """When ages are counted: the end of the window's last day, or now if sooner."""
    end = datetime(window_end.year, window_end.month, window_end.day, tzinfo=UTC)
    return min(now, end + timedelta(days=1))


def age_hours(feed_date: date, now: datetime) -> float:
    start = datetime(feed_date.year, feed_date.month, feed_date.day, tzinfo=UTC)
    return max(0.0, (now - start).total_seconds() / 3600)


def trending_score(upvotes: int, feed_date: date, now: datetime) -> float:
    return upvotes / (age_hours(feed_date, now) + AGE_OFFSET_HOURS) ** GRAVITY


def sql_score(upvotes_sql: str, feed_date_sql: str, now_param: str = "?",
              dialect: str = "sqlite") -> str:
    """The same formula as an SQL expression, for ranking inside the database."""
    if dialect == "postgres":
        age = (f"greatest(0.0, extract(epoch FROM (CAST({now_param} AS timestamp) - "
               f"CAST({feed_date_sql} AS timestamp))) / 3600.0)")
    else:
        age = f"max(0.0, (julianday({now_param}) - julianday({feed_date_sql})) * 24.0)"
    return f"(({upvotes_sql}) / pow({age} + {AGE_OFFSET_HOURS}, {GRAVITY}))"
