"""The map of the field: `/map` (a canvas drawn by static/fieldmap.js over `/api/map`),
`/topics/{id}` (a topic's or an area's papers and months), and `/api/map`, `/api/topics`
and `/api/map/overlay` (where a search's results or a reader's upvotes lie) as JSON. Over
services/fieldmap (the map), discovery/topics.py (a topic's page) and discovery's search."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse

from paperwire.services.community import contributions
from paperwire.services.discovery import search as search_service
from paperwire.services.discovery import topics
from paperwire.services.fieldmap import placing, view
from paperwire.web.deps import MAX_ROW_ID, SearchChoices, Viewer, library, viewer
from paperwire.web.page_cache import cached_page
from paperwire.web.rendering import page_url, render

router = APIRouter(default_response_class=HTMLResponse)
api_router = APIRouter(prefix="/api", tags=["api"])
PAGE_SIZE = 30
CurrentViewer = Annotated[Viewer, Depends(viewer)]
TopicId = Annotated[int, PathParam(ge=1, le=2**31 - 1)]
CollectionId = Annotated[int | None, Query(ge=1, le=MAX_ROW_ID,
                                           description="show this collection's papers")]


@router.get("/map")
def map_page(request: Request, v: CurrentViewer, collection: CollectionId = None):
    shown = (contributions.visible_collection(library(request).site, v.user, collection)
             if collection else None)  # 404 for one that is private and not the reader's

    def make():
        lib = library(request)
        areas = lib.fieldmap.topics(level=0)
        by_area = {a.topic_id: [] for a in areas}
        for t in lib.fieldmap.topics(level=1):
            by_area.setdefault(t.parent_id, []).append(t)
        return render(request, "map.html", {
            "build": lib.fieldmap.latest_build(), "areas": areas, "by_area": by_area,
            "drift": placing.drift(lib), "latest": view.latest_day(lib), "collection": shown})

    return cached_page(request, v, make)


@router.get("/topics/{topic_id}")
def topic_page(request: Request, v: CurrentViewer, topic_id: TopicId,
               page: int = Query(0, ge=0, le=1000)):
    def make():
        lib = library(request)
        found = topics.topic_page(lib, topic_id, v.user, PAGE_SIZE, page * PAGE_SIZE)
        if found is None:
            raise HTTPException(404, f"the map has no topic {topic_id} (it may have been "
                                     "merged in a rebuild: see /map)")
        following = next((f for f in lib.personal.follows(v.user.uid) if f.kind == "topic"
                          and f.match_key == str(topic_id)), None) if v.user else None
        return render(request, "topic.html", {
            "found": found, "items": found.items, "page": page, "following": following,
            "has_more": found.total > (page + 1) * PAGE_SIZE,
            "page_link": lambda n: page_url(request, n)})

    return cached_page(request, v, make)


@api_router.get("/map", summary="The map's papers in a view: grid cells, or papers when few")
def api_map(
    request: Request,
    zoom: int = Query(0, ge=0, le=view.MAX_ZOOM, description="0: the whole map in "
                      f"{view.GRID}×{view.GRID} cells; each level halves a cell's side"),
    x0: float = Query(0.0, ge=-1.0, le=2.0), y0: float = Query(0.0, ge=-1.0, le=2.0),
    x1: float = Query(1.0, ge=-1.0, le=2.0), y1: float = Query(1.0, ge=-1.0, le=2.0),
) -> dict:
    """Cells are [x, y, papers, topic, papers of the latest week]; papers [x, y, key,
    topic, mark (2: the latest day, 1: its week), title]. The map spans [0, 1]."""
    return view.view(library(request), zoom, (x0, y0, x1, y1))


@api_router.get("/topics", summary="The map's areas and topics, with their labels")
def api_topics(request: Request) -> dict:
    return view.topics_payload(library(request))


UPVOTES_AT_MOST = 500  # a reader's most recent upvotes shown on the map


@api_router.get("/map/overlay", summary="Where a search's results, your own upvotes or a "
                "collection's papers lie on the map")
def api_overlay(request: Request, v: CurrentViewer, options: SearchChoices,
                q: str = Query("", max_length=250),
                mine: bool = Query(False, description="the signed-in reader's upvotes"),
                collection: CollectionId = None) -> dict:
    """Papers [x, y, key, title] in the search's order (up to 100), the reader's upvotes
    (newest first) or a collection's papers (public, or the reader's own; as its page
    lists them); `missing` counts those with no place on the map yet."""
    lib = library(request)
    if collection:
        contributions.visible_collection(lib.site, v.user, collection)
        pids = [sp.pid for sp in contributions.collection_papers(lib.site, collection)]
    elif mine:
        if v.user is None:
            raise HTTPException(401, "sign in to see your upvotes on the map")
        pids = lib.site.voted_papers(v.user.uid, UPVOTES_AT_MOST)
    elif q.strip():
        results = search_service.search(lib, q, options.filters, limit=search_service.MAX_LIMIT,
                                        sort=options.sort, mode=options.mode)
        pids = [h.paper.pid for h in results.hits]
    else:
        raise HTTPException(400, "give q (words to search), mine=true or collection=<id>")
    return view.overlay(lib, pids)
