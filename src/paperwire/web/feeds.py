"""RSS 2.0 and Atom feeds of the daily and trending lists (feedgen writes them)."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime

from fastapi import APIRouter, HTTPException, Request, Response
from feedgen.feed import FeedGenerator

from paperwire import clock
from paperwire.services.discovery import feed
from paperwire.web.api import MAX_TEXT, clip
from paperwire.web.deps import ReaderCategory, category_query, library, site_base
from paperwire.web.rendering import this_page

router = APIRouter(prefix="/feeds", tags=["feeds"])
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # XML 1.0 forbids these
MEDIA = {"rss": "application/rss+xml", "atom": "application/atom+xml"}


def _clean(text: str) -> str:
    return _CONTROL.sub("", text)


def _no_tags(text: str) -> str:
    """Text for a field some readers show as HTML and others as text: its "<" and ">"
    escaped for HTML (shown as such by the first, as entities by the second, which is rare
    in a title: "<" is), the rest as it is."""
    return text.replace("<", "&lt;").replace(">", "&gt;")


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _entry(fg: FeedGenerator, base: str, item: feed.FeedItem, fmt: str) -> None:
    p = item.paper.paper
    entry = fg.add_entry()
    url = f"{base}/papers/{p.key}"
    entry.id(url)
    entry.link(href=url)
    title, text = _clean(p.title), _clean(p.abstract) or _clean(p.title)
    if fmt == "rss":
        # a description is HTML to every reader: the abstract is text, so escaped as such;
        # many readers take a title as HTML too, so no "<" of it can open a tag there
        entry.title(_no_tags(title))
        entry.description(html.escape(clip(text, MAX_TEXT)))
    else:
        entry.title(title)  # Atom's title is text unless it says otherwise
        entry.content(clip(text, MAX_TEXT), type="text")
    names = [_no_tags(_clean(name)) if fmt == "rss" else _clean(name)
             for name in p.authors[:20]]
    for name in names:
        entry.author(name=name)
    if names:
        entry.dc.dc_creator(names)
    for category in p.categories:
        entry.category(term=category)
    when = _midnight(item.feed_date or clock.today())
    entry.published(when)
    entry.updated(when)


def _build(request: Request, title: str, items: list[feed.FeedItem], page: str,
           fmt: str) -> Response:
    base = site_base(request)  # the site_url setting, never the Host header
    fg = FeedGenerator()
    fg.load_extension("dc")
    fg.id(base + page)
    fg.title(f"paperwire: {title}")
    fg.author(name="paperwire")  # Atom entries without authors of their own need one
    fg.link(href=base + page, rel="alternate")
    fg.link(href=base + this_page(request), rel="self")
    fg.description(f"{title} on paperwire")
    # dated by its papers, not by the clock: an unchanged feed is byte for byte the same,
    # so its ETag still matches and a reader's conditional GET gets 304
    days = [i.feed_date for i in items if i.feed_date]
    newest = _midnight(max(days) if days else clock.today())
    fg.updated(newest)
    fg.lastBuildDate(newest)
    for item in reversed(items):  # feedgen prepends: add the last first
        _entry(fg, base, item, fmt)
    body = fg.rss_str(pretty=True) if fmt == "rss" else fg.atom_str(pretty=True)
    return Response(body, media_type=MEDIA[fmt])


@router.get("/{name}.{fmt}", summary="RSS or Atom feed: daily or trending",
            response_class=Response,
            responses={200: {"content": {media: {} for media in MEDIA.values()}}})
def feed_file(request: Request, name: str, fmt: str, asked: ReaderCategory) -> Response:
    """?category=cs.LG (or cs) narrows either feed to a category or an archive; one no
    paper has gives an empty feed, which fills when such papers arrive."""
    if fmt not in MEDIA or name not in ("daily", "trending"):
        raise HTTPException(404, "feeds are daily.rss, daily.atom, trending.rss, trending.atom")
    lib, category = library(request), asked.name
    where, query = (f" in {category}" if category else ""), category_query(category)
    if name == "daily":
        if not asked.known:
            return _build(request, f"Daily papers{where}", [], "/" + query, fmt)
        period = feed.latest_period(lib.site, "day", clock.today(), category)
        items = feed.period_feed(lib, lib.site, period, None, category=category)[0]
        return _build(request, f"Daily papers{where}, {period.label}", items, "/" + query, fmt)
    items = feed.trending_feed(lib, lib.site, None, category=category) if asked.known else []
    return _build(request, f"Trending papers{where}", items, "/trending" + query, fmt)
