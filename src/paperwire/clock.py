"""The one clock paperwire reads: every "now" and "today", in UTC.

Feeds, harvests, digests, sessions and signed links all count from here, so a day means
the same thing to each of them (UTC, as arXiv's and Hugging Face's days do). Services that
a caller may want to ask about another moment take a `now` or `today` parameter; its
default is this clock. Tests make their data relative to it rather than pinning it, so the
suite sees the same world on any day (and under `faketime`, a year either way).
"""

from __future__ import annotations

from datetime import UTC, date, datetime


def now() -> datetime:
    """This instant in UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0)


def today() -> date:
    """Today in UTC."""
    return now().date()


def stamp(moment: datetime | None = None) -> str:
    """An instant as the store keeps it: 2026-11-20T12:00:00Z."""
    return (moment or now()).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
