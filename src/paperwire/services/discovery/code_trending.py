"""Trending by code, the way Hugging Face describes its trending ("ranked by recent GitHub
activity"): papers by the GitHub stars their code gained over the last WINDOW_DAYS, as the
hourly Hugging Face syncs counted them (one count a day per paper, store/stars.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from paperwire import clock
from paperwire.services.discovery.feed import FeedItem, items_for
from paperwire.services.library import Library
from paperwire.store.site import User

WINDOW_DAYS = 7
FORMULA = (f"stars gained on GitHub over the last {WINDOW_DAYS} days: the highest count the "
           "Hugging Face syncs saw less the lowest; ties by stars")


@dataclass
class CodeTrending:
    items: list[FeedItem]
    gained: list[int]  # beside each item: stars gained in the window
    observed: int  # papers with two or more counts in the window (growth needs two)


def code_trending(library: Library, viewer: User | None, limit: int, offset: int = 0,
                  today: date | None = None) -> CodeTrending:
    since = (today or clock.today()) - timedelta(days=WINDOW_DAYS)
    found = library.stars.most_gained(since, limit, offset)
    items = items_for(library, library.site, [g.paper for g in found], viewer)
    return CodeTrending(items, [g.gained for g in found], library.stars.observed_papers(since))
