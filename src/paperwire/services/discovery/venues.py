"""Venues: the papers that appeared at one (`/venues/ICLR-2026`), ranked as the feeds rank
(most upvoted, then the latest listed), and the venues papers here appeared at."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from paperwire.services.discovery.feed import FeedItem, items_for
from paperwire.services.library import Library
from paperwire.store.feeds import Narrow
from paperwire.store.glance import VenueCount
from paperwire.store.site import User

_EVER = (date(1, 1, 1), date(9999, 12, 31))


@dataclass
class VenuePage:
    label: str  # "ICLR 2026"
    key: str
    items: list[FeedItem]
    total: int


def venue_page(library: Library, key: str, viewer: User | None, limit: int,
               offset: int = 0) -> VenuePage | None:
    """A page of the venue's papers; None when no paper here appeared there."""
    papers, total = library.site.feed_page(*_EVER, limit, offset, narrow=Narrow(venue=key))
    if not total:
        return None
    items = items_for(library, library.site, papers, viewer)
    shown = next((i.glance.venue for i in items if i.glance.venue), None)
    return VenuePage(shown.label if shown else key, shown.key if shown else key, items, total)


def all_venues(library: Library) -> list[VenueCount]:
    return library.glance.venues()
