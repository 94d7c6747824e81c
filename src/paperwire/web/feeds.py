"""RSS 2.0 and Atom feeds of the daily and trending lists (feedgen writes them)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from fastapi import APIRouter, HTTPException, Request, Response
from feedgen.feed import FeedGenerator

from paperwire import clock
from paperwire.services.discovery import feed
from paperwire.web.deps import FeedCategory, category_query, library

router = APIRouter(prefix="/feeds", tags=["feeds"])
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # XML 1.0 forbids these
MEDIA = {"rss": "application/rss+xml", "atom": "application/atom+xml"}


def _clean(text: str) -> str:
    return _CONTROL.sub("", text)


def _build(request: Request, title: str, items: list[feed.FeedItem], page: str,
           fmt: str) -> Response:
    base = str(request.base_url).rstrip("/")
    fg = FeedGenerator()
    fg.id(base + page)
    fg.title(f"paperwire: {title}")
    fg.link(href=base + page, rel="alternate")
    fg.link(href=str(request.url), rel="self")
    fg.description(f"{title} on paperwire")
    fg.updated(clock.now())
    for item in reversed(items):  # feedgen prepends: add the last first
        p = item.paper.paper
        entry = fg.add_entry()
        url = f"{base}/papers/{p.key}"
        entry.id(url)
        entry.link(href=url)
        entry.title(_clean(p.title))
        entry.description(_clean(p.abstract) or _clean(p.title))
        for name in p.authors[:20]:
            entry.author(name=_clean(name))
        when = item.feed_date or clock.today()
        entry.published(datetime(when.year, when.month, when.day, tzinfo=UTC))
        entry.updated(datetime(when.year, when.month, when.day, tzinfo=UTC))
    body = fg.rss_str(pretty=True) if fmt == "rss" else fg.atom_str(pretty=True)
    return Response(body, media_type=MEDIA[fmt])


@router.get("/{name}.{fmt}", summary="RSS or Atom feed: daily or trending")
def feed_file(request: Request, name: str, fmt: str, category: FeedCategory) -> Response:
    """?category=cs.LG (or cs) narrows either feed to a category or an archive."""
    if fmt not in MEDIA or name not in ("daily", "trending"):
        raise HTTPException(404, "feeds are daily.rss, daily.atom, trending.rss, trending.atom")
    lib = library(request)
    where, query = (f" in {category}" if category else ""), category_query(category)
    if name == "daily":
        period = feed.latest_period(lib.site, "day", clock.today(), category)
        items = feed.period_feed(lib, lib.site, period, None, category=category)[0]
        return _build(request, f"Daily papers{where}, {period.label}", items, "/" + query, fmt)
    return _build(request, f"Trending papers{where}",
                  feed.trending_feed(lib, lib.site, None, category=category),
                  "/trending" + query, fmt)
