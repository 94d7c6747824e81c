"""The venue pages: `/venues` (where papers here appeared) and `/venues/ICLR-2026` (its
papers). Public pages beside pages.py (full at 400 lines), calling discovery/venues.py."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from paperwire.services.discovery import venues
from paperwire.web.deps import VENUE_KEY, Viewer, library, viewer
from paperwire.web.page_cache import cached_page
from paperwire.web.rendering import page_url, render

router = APIRouter(default_response_class=HTMLResponse)
PAGE_SIZE = 30
CurrentViewer = Annotated[Viewer, Depends(viewer)]


@router.get("/venues")
def venue_list(request: Request, v: CurrentViewer):
    return cached_page(request, v, lambda: render(request, "venues.html", {
        "venues": venues.all_venues(library(request))}))


@router.get("/venues/{key}")
def venue_page(request: Request, v: CurrentViewer, key: str,
               page: int = Query(0, ge=0, le=1000)):
    if not re.fullmatch(VENUE_KEY, key):
        raise HTTPException(404, "that is not a venue's address (like /venues/ICLR-2026)")

    def make():
        found = venues.venue_page(library(request), key, v.user, PAGE_SIZE, page * PAGE_SIZE)
        if found is None:
            raise HTTPException(404, f"no paper here appeared at {key}")
        return render(request, "venue.html", {
            "found": found, "items": found.items, "page": page,
            "has_more": found.total > (page + 1) * PAGE_SIZE,
            "page_link": lambda n: page_url(request, n)})

    return cached_page(request, v, make)
