"""The JSON API. Names and parameters follow Hugging Face's papers API where it has one."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request, Response
from pydantic import BaseModel, Field

from paperwire import clock
from paperwire.services.community import contributions
from paperwire.services.discovery import feed, hf_details, similar, suggest
from paperwire.services.discovery import search as search_service
from paperwire.services.discovery.feed import FeedItem
from paperwire.services.discovery.papers import paper_json as stored_paper_json
from paperwire.services.markdown import render_comment, web_link
from paperwire.services.personal import foryou, signals
from paperwire.web.deps import (
    API_TOKEN,
    RowId,
    SearchChoices,
    Viewer,
    check_csrf,
    check_write,
    library,
    paper_or_404,
    signed_in,
    site_base,
    viewer,
)

router = APIRouter(prefix="/api", tags=["api"])
# routes a reader must be signed in for declare the API token; the reads declare none, so
# a generated client calls them without one (given, it shows one's own votes and private
# collections)
NEEDS_TOKEN = [Depends(API_TOKEN)]
CurrentViewer = Annotated[Viewer, Depends(viewer)]
CsrfHeader = Annotated[str | None, Header(alias="X-CSRF-Token")]
# an answer's bound: its text fields are cut at these lengths (arXiv's own limits are 1,920
# characters of abstract and a few hundred of title), so limit × this bounds a list
MAX_TEXT, MAX_TITLE = 20_000, 1_000


def clip(text: str | None, limit: int = MAX_TEXT) -> str | None:
    """Text as an answer carries it: whole up to `limit` characters, else cut with "…"."""
    return text if text is None or len(text) <= limit else text[:limit - 1] + "…"


def _iso(d: date | None) -> str | None:
    return f"{d.isoformat()}T00:00:00.000Z" if d else None


def paper_json(item: FeedItem) -> dict:
    """Hugging Face's `paper` object (what a sync brought, under HF's names), with ours."""
    p = item.paper.paper
    return hf_details.paper_fields(p) | {
        "id": p.key, "arxivId": p.arxiv_id, "title": clip(p.title, MAX_TITLE),
        "summary": clip(p.abstract),
        "authors": hf_details.authors_json(p), "numAuthors": p.n_authors,
        "publishedAt": _iso(p.published), "upvotes": item.upvotes,
        "localUpvotes": item.local_votes, "externalUpvotes": p.external_upvotes,
        "githubRepo": web_link(p.code_url), "categories": p.categories,
        "links": {"abs": web_link(p.abs_url), "pdf": p.pdf_url},
        # ours, under our own name: keywords, gist, code and venue, and whose each is
        "glance": item.glance.as_json(),
    }


def item_json(item: FeedItem) -> dict:
    """A daily item as Hugging Face's: every field a sync brought, then ours; comments and
    upvotes count Hugging Face's and this site's."""
    p = item.paper.paper
    details = hf_details.HfDetails.of(p)
    submitted = details.item.get("submittedBy") or (
        {"name": item.submitted_by} if item.submitted_by else None)
    return details.item | {
        "paper": paper_json(item), "publishedAt": details.listed_at or _iso(item.feed_date),
        "title": clip(p.title, MAX_TITLE), "summary": clip(p.abstract),
        "numComments": details.comments + item.comments, "submittedBy": submitted}


@router.get("/daily_papers", summary="The daily papers, as Hugging Face's /api/daily_papers")
def daily_papers(
    request: Request, response: Response, v: CurrentViewer,
    p: int = Query(0, ge=0, le=10_000, description="page, from 0"),
    limit: int = Query(50, ge=1, le=100),
    date_: str | None = Query(None, alias="date", description="YYYY-MM-DD"),
    week: str | None = Query(None, description="YYYY-Www"),
    month: str | None = Query(None, description="YYYY-MM"),
    submitter: str | None = Query(None, max_length=40),
    sort: str | None = Query(None, pattern="^(publishedAt|trending)$",
                             description="none: most upvoted first, as Hugging Face answers "
                                         "a day; publishedAt: most recently listed first"),
) -> list[dict]:
    lib = library(request)
    chosen = [(k, x) for k, x in (("day", date_), ("week", week), ("month", month)) if x]
    if len(chosen) > 1:
        raise HTTPException(400, "give at most one of date, week and month")
    try:
        period = feed.parse_period(*chosen[0]) if chosen else None
    except feed.BadPeriod as e:
        raise HTTPException(400, str(e)) from None
    if sort == "trending":
        # one more than asked for tells whether there is a next page
        page = feed.trending_feed(lib, lib.site, v.user, limit + 1, p * limit,
                                  submitter=submitter, period=period)
        more = len(page) > limit
        page = page[:limit]
    else:
        period = period or feed.front_period(lib.site, clock.today())[0]
        page, total = feed.period_feed(lib, lib.site, period, v.user, submitter, limit,
                                       p * limit, newest_first=sort == "publishedAt")
        more = total > (p + 1) * limit
    if more:
        _link_next(request, response, p=p + 1, limit=limit)
    return [item_json(i) for i in page]


@router.get("/suggest", summary="Titles and authors for what is being typed in a search box")
def suggestions(request: Request, q: str = Query("", max_length=100)) -> dict:
    return suggest.suggest(library(request), q).as_json()


@router.get("/for-you", summary="New papers ranked for you, each with why it is there",
            dependencies=NEEDS_TOKEN)
def for_you(request: Request, v: CurrentViewer, limit: int = Query(30, ge=1, le=200),
            offset: int = Query(0, ge=0, le=1000)) -> dict:
    """What /for-you shows, for the signed-in reader or the owner of the API token."""
    recs = foryou.recommend(library(request), signed_in(v), limit, offset=offset)
    return {"results": _recommendations_json(recs)}


def _recommendations_json(recs: list[foryou.Recommendation]) -> list[dict]:
    return [stored_paper_json(r.paper) | {
        "title": clip(r.paper.paper.title, MAX_TITLE), "abstract": clip(r.paper.paper.abstract),
        "reason": r.reason, "score": round(r.score, 4)} for r in recs]


def _link_next(request: Request, response: Response, **params: object) -> None:
    """Where the next page is, as Hugging Face says it: a Link header (rel=next)."""
    url = request.url.include_query_params(**params)  # the site_url's, never the Host's
    response.headers["Link"] = f'<{site_base(request)}{url.path}?{url.query}>; rel="next"'


@router.get("/papers", summary="Papers by publication date, newest first (Hugging Face's "
            "/api/papers): the next page is the Link header's rel=next cursor")
def list_papers(request: Request, response: Response, v: CurrentViewer,
                cursor: str | None = Query(None, max_length=100),
                limit: int = Query(50, ge=1, le=100)) -> list[dict]:
    lib = library(request)
    try:
        items, after = feed.published_feed(lib, lib.site, v.user, limit, cursor)
    except feed.BadCursor as e:
        raise HTTPException(400, str(e)) from None
    if after:
        _link_next(request, response, cursor=after, limit=limit)
    return [paper_info_json(i) for i in items]


@router.get("/papers/search", summary="Search papers (hybrid once papers are embedded); "
            "without q, the newest papers, as Hugging Face answers")
def search_papers(request: Request, v: CurrentViewer,
                  options: SearchChoices, q: str = Query("", max_length=250),
                  limit: int = Query(20, ge=1, le=120),
                  author: str | None = Query(None, max_length=120)) -> list[dict]:
    lib = library(request)
    if not q.strip():
        recent = feed.published_feed(lib, lib.site, v.user, limit)[0]
        return [{"paper": paper_json(i), "title": clip(i.paper.paper.title, MAX_TITLE),
                 "summary": clip(i.paper.paper.abstract)} for i in recent]
    filters = replace(options.filters, author=author or None)
    results = search_service.search(lib, q, filters, limit=limit, sort=options.sort,
                                    mode=options.mode)
    items = feed.items_for(lib, lib.site, [h.paper for h in results.hits], v.user)
    return [{"paper": paper_json(i), "title": clip(i.paper.paper.title, MAX_TITLE),
             "summary": clip(i.paper.paper.abstract), "score": h.score}
            for h, i in zip(results.hits, items, strict=True)]


@router.get("/papers/{ident:path}/similar", summary="Papers similar to this one")
def similar_papers(request: Request, v: CurrentViewer, ident: str,
                   limit: int = Query(10, ge=1, le=100),
                   sort: str = Query("relevance", pattern="^(relevance|date|upvotes)$")
                   ) -> list[dict]:
    lib = library(request)
    found = similar.similar_to_paper(lib, paper_or_404(request, ident), limit, sort)
    items = feed.items_for(lib, lib.site, [s.paper for s in found], v.user)
    return [{"paper": paper_json(i), "similarity": round(s.similarity, 4)}
            for s, i in zip(found, items, strict=True)]


class Vote(BaseModel):
    up: bool = True


@router.post("/papers/{ident:path}/upvote", summary="Upvote (or take back) a paper",
             dependencies=NEEDS_TOKEN)
def upvote(request: Request, v: CurrentViewer, ident: str, vote: Vote,
           csrf: CsrfHeader = None) -> dict:
    user = signed_in(v)
    check_write(request, v, csrf, "vote")
    sp = paper_or_404(request, ident)
    local = contributions.set_upvote(library(request).site, user, sp, vote.up)
    return {"id": sp.paper.key, "upvoted": vote.up,
            "upvotes": local + (sp.paper.external_upvotes or 0)}


def paper_info_json(item: FeedItem) -> dict:
    """A paper as Hugging Face's /api/papers/{id}: its fields, the comments here and there."""
    details = hf_details.HfDetails.of(item.paper.paper)
    return {**paper_json(item), "numComments": details.comments + item.comments,
            "localComments": item.comments,
            "submittedBy": details.item.get("submittedBy") or (
                {"name": item.submitted_by} if item.submitted_by else None)}


class Draft(BaseModel):
    body: str = Field(max_length=contributions.MAX_COMMENT * 4)


@router.post("/comments/preview", summary="The HTML a comment (Markdown) would be shown as",
             dependencies=NEEDS_TOKEN)
def preview_comment(v: CurrentViewer, draft: Draft, csrf: CsrfHeader = None) -> dict:
    """Sanitized as a posted comment is (the same render_comment); nothing is stored."""
    signed_in(v)
    check_csrf(v, csrf)
    return {"html": render_comment(draft.body)}


class Dismissal(BaseModel):
    dismissed: bool = True


@router.post("/papers/{ident:path}/not-interested",
             summary="Not interested in a paper (or take it back): it leaves your lists",
             dependencies=NEEDS_TOKEN)
def not_interested(request: Request, v: CurrentViewer, ident: str, body: Dismissal,
                   csrf: CsrfHeader = None) -> dict:
    user = signed_in(v)
    check_write(request, v, csrf, "vote")
    sp = paper_or_404(request, ident)
    signals.set_not_interested(library(request), user, sp, body.dismissed)
    return {"id": sp.paper.key, "dismissed": body.dismissed}


class NewFollow(BaseModel):
    kind: str = Field(pattern="^(author|category|query|topic)$")
    value: str = Field(min_length=1, max_length=signals.MAX_FOLLOW_VALUE)


@router.post("/follows", status_code=201, summary="Follow an author, a category or words",
             dependencies=NEEDS_TOKEN)
def add_follow(request: Request, v: CurrentViewer, body: NewFollow,
               csrf: CsrfHeader = None) -> dict:
    user = signed_in(v)
    check_write(request, v, csrf, "collection")
    made = signals.follow(library(request), user, body.kind, body.value)
    return {"id": made.fid, "kind": made.kind, "value": made.value}


@router.delete("/follows/{fid}", summary="Stop following", dependencies=NEEDS_TOKEN)
def remove_follow(request: Request, v: CurrentViewer, fid: RowId,
                  csrf: CsrfHeader = None) -> dict:
    user = signed_in(v)
    check_write(request, v, csrf, "collection")
    signals.unfollow(library(request), user, fid)
    return {"id": fid, "following": False}


@router.get("/papers/{ident:path}", summary="One paper")
def get_paper(request: Request, v: CurrentViewer, ident: str) -> dict:
    lib = library(request)
    (item,) = feed.items_for(lib, lib.site, [paper_or_404(request, ident)], v.user)
    return paper_info_json(item)


class NewCollection(BaseModel):
    name: str = Field(min_length=1, max_length=80)
    public: bool = False


class CollectionItem(BaseModel):
    paper: str = Field(min_length=1, max_length=300)
    present: bool = True


def _collection_json(request: Request, v: Viewer, coll_id: int) -> dict:
    lib = library(request)
    coll = contributions.visible_collection(lib.site, v.user, coll_id)
    shown = contributions.collection_papers(lib.site, coll_id)
    return {"id": coll.coll_id, "name": coll.name, "owner": coll.owner,
            "public": coll.is_public,
            "papers": [paper_json(i) for i in feed.items_for(lib, lib.site, shown, v.user)]}


@router.post("/collections", status_code=201, summary="Create a collection",
             dependencies=NEEDS_TOKEN)
def create_collection(request: Request, v: CurrentViewer, body: NewCollection,
                      csrf: CsrfHeader = None) -> dict:
    user = signed_in(v)
    check_write(request, v, csrf, "collection")
    coll_id = contributions.create_collection(library(request).site, user, body.name, body.public)
    return _collection_json(request, v, coll_id)


@router.get("/collections/{coll_id}", summary="A collection (private ones only to their owner)")
def get_collection(request: Request, v: CurrentViewer, coll_id: RowId) -> dict:
    return _collection_json(request, v, coll_id)


@router.get("/collections/{coll_id}/recommendations",
            summary="New papers like a collection's, each with the paper it is nearest to")
def collection_recommendations(request: Request, v: CurrentViewer, coll_id: RowId,
                               limit: int = Query(10, ge=1, le=200)) -> dict:
    lib = library(request)
    contributions.visible_collection(lib.site, v.user, coll_id)
    recs = foryou.for_collection(lib, lib.site.items(coll_id), v.user, limit)
    return {"results": _recommendations_json(recs)}


@router.post("/collections/{coll_id}/papers", summary="Add a paper to (or remove it from) a "
             "collection", dependencies=NEEDS_TOKEN)
def collect(request: Request, v: CurrentViewer, coll_id: RowId, body: CollectionItem,
            csrf: CsrfHeader = None) -> dict:
    user = signed_in(v)
    check_write(request, v, csrf, "collection")
    contributions.set_in_collection(library(request).site, user, coll_id,
                                paper_or_404(request, body.paper), body.present)
    return _collection_json(request, v, coll_id)
