"""Moments relative to paperwire's clock, for tests that need a fixed hour of a past day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from paperwire import clock


def days_ago(days: int, hour: int = 9) -> datetime:
    """`hour`:00 UTC on the day `days` before today."""
    day = clock.today() - timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
