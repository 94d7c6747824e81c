"""The HTML pages: thin routes that parse input, call a service and render a template."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from paperwire import clock
from paperwire.embedding import MODEL_NAME
from paperwire.services.community import contributions, moderation
from paperwire.services.discovery import authors, code_trending, feed, papers, similar
from paperwire.services.discovery import search as search_service
from paperwire.services.intake import embed
from paperwire.services.intake.submit import SubmitError, submit
from paperwire.services.operations import status as status_service
from paperwire.services.personal import foryou, signals
from paperwire.store import trending
from paperwire.store.feeds import Narrow
from paperwire.web.deps import (
    MAX_ROW_ID,
    FeedCategory,
    FeedNarrow,
    FormRowId,
    RowId,
    SearchChoices,
    Viewer,
    back_to,
    category_query,
    check_csrf,
    check_write,
    library,
    paper_by_pid,
    paper_or_404,
    signed_in,
    viewer,
)
from paperwire.web.page_cache import cached_page
from paperwire.web.rendering import page_url, render

router = APIRouter(default_response_class=HTMLResponse)
PAGE_SIZE = 30
MAX_SEARCH_PAGE = 32  # a thousand results is as deep as a reader goes
MAX_FEED_PAGE = 1000
COLLECTION_LIKE = 10  # new papers like a collection's, under it
MAX_PASTE = 5000  # a pasted abstract, searched by meaning; the API's q stays at 250
AUTHOR_FIRST = 5  # papers by the author a query names, above its results
Csrf = Annotated[str | None, Form(alias="csrf")]
CurrentViewer = Annotated[Viewer, Depends(viewer)]
FeedPage = Annotated[int, Query(ge=0, le=MAX_FEED_PAGE, description="0 is the first page")]


# -- feeds -------------------------------------------------------------------------------

def _feed_page(request: Request, v: Viewer, period: feed.Period, page: int,
               note: str | None = None, category: str | None = None,
               narrow: Narrow | None = None):
    return cached_page(request, v,
                       lambda: _render_feed(request, v, period, page, note, category, narrow))


def _render_feed(request: Request, v: Viewer, period: feed.Period, page: int,
                 note: str | None, category: str | None, narrow: Narrow | None):
    lib, today = library(request), clock.today()
    items, total = feed.period_feed(lib, lib.site, period, v.user, limit=PAGE_SIZE,
                                    offset=page * PAGE_SIZE, category=category, narrow=narrow)
    around = feed.frame(lib, period, today, category)
    return render(request, "feed.html", {
        "period": period, "items": items, "page": page, "total": total, "note": note,
        "has_more": total > (page + 1) * PAGE_SIZE, "prev": around.before,
        "next": around.after, "today": today, "month": around.month,
        "week": feed.week_of(period.start), "calendar": around.calendar,
        "category": category, "categories": feed.store_categories(lib), "narrow": narrow,
        "category_query": category_query(category, narrow), "subscribed": _subscribed(request, v)})


def _subscribed(request: Request, v: Viewer) -> bool:
    """Whether the reader already gets the digest (the feed's inbox banner is not for them)."""
    if v.user is None:
        return False
    sub = library(request).mail.subscriber_of(v.user.uid)
    return bool(sub and sub.active)


@router.get("/")
def daily_latest(request: Request, v: CurrentViewer, category: FeedCategory,
                 narrow: FeedNarrow, page: FeedPage = 0):
    period, note = feed.front(library(request), clock.today(), category)
    return _feed_page(request, v, period, page, note, category, narrow)


@router.get("/papers/{kind}/{value}")
def period_page(request: Request, v: CurrentViewer, kind: str, value: str,
                category: FeedCategory, narrow: FeedNarrow, page: FeedPage = 0):
    if kind not in ("date", "week", "month"):
        return paper_page(request, v, f"{kind}/{value}")  # an old-style arXiv id
    try:
        period = feed.parse_period("day" if kind == "date" else kind, value)
    except feed.BadPeriod as e:
        raise HTTPException(404, str(e)) from None
    return _feed_page(request, v, period, page, category=category, narrow=narrow)


@router.get("/papers/go")
def pick_period(category: FeedCategory, date_: date | None = Query(None, alias="date"),
                week: str | None = Query(None, max_length=10),
                month: str | None = Query(None, max_length=7)):
    """Where the day, week and month pickers lead: the period's own address."""
    also = category_query(category)
    try:
        if date_:
            return RedirectResponse(
                f"/papers/date/{feed.parse_period('day', date_.isoformat()).key}{also}", 303)
        if week:
            return RedirectResponse(
                f"/papers/week/{feed.parse_period('week', week).key}{also}", 303)
        if month:
            return RedirectResponse(
                f"/papers/month/{feed.parse_period('month', month).key}{also}", 303)
    except feed.BadPeriod as e:
        raise HTTPException(400, str(e)) from None
    raise HTTPException(400, "choose a date, a week or a month")


@router.get("/weekly")
def weekly_latest(request: Request, v: CurrentViewer, category: FeedCategory,
                  narrow: FeedNarrow, page: FeedPage = 0):
    period = feed.latest_period(library(request).site, "week", clock.today(), category)
    return _feed_page(request, v, period, page, category=category, narrow=narrow)


@router.get("/monthly")
def monthly_latest(request: Request, v: CurrentViewer, category: FeedCategory,
                   narrow: FeedNarrow, page: FeedPage = 0):
    period = feed.latest_period(library(request).site, "month", clock.today(), category)
    return _feed_page(request, v, period, page, category=category, narrow=narrow)


@router.get("/trending")
def trending_page(request: Request, v: CurrentViewer, category: FeedCategory,
                  narrow: FeedNarrow, page: FeedPage = 0,
                  by: Literal["votes", "code"] = Query("votes")):
    """Two modes, each saying its formula: upvotes decayed by age, or GitHub stars gained."""
    lib = library(request)

    def make():
        context = {"trending": by, "page": page, "subscribed": _subscribed(request, v),
                   "category": category, "categories": feed.store_categories(lib),
                   "narrow": narrow, "category_query": category_query(category, narrow),
                   "formulas": {"votes": trending.FORMULA, "code": code_trending.FORMULA}}
        if by == "code":
            found = code_trending.code_trending(lib, v.user, PAGE_SIZE + 1, page * PAGE_SIZE)
            context |= {"items": found.items[:PAGE_SIZE], "observed": found.observed,
                        "reasons": [f"+{n:,} GitHub stars this week" for n in found.gained],
                        "has_more": len(found.items) > PAGE_SIZE}
        else:
            items = feed.trending_feed(lib, lib.site, v.user, PAGE_SIZE + 1,
                                       offset=page * PAGE_SIZE, category=category,
                                       narrow=narrow)
            context |= {"items": items[:PAGE_SIZE], "has_more": len(items) > PAGE_SIZE}
        return render(request, "feed.html", context)

    return cached_page(request, v, make)


# -- search and papers -------------------------------------------------------------------

@router.get("/search")
def search_page(request: Request, v: CurrentViewer, options: SearchChoices,
                q: str = Query("", max_length=MAX_PASTE),
                page: int = Query(0, ge=0, le=MAX_SEARCH_PAGE)):
    lib = library(request)
    pasted = papers.pasted_paper(lib, q)
    if pasted and pasted.found:
        return RedirectResponse(f"/papers/{pasted.found.paper.key}", 303)
    results, items, extras = None, [], {}
    filters = options.filters
    if q.strip() and not pasted:
        results = search_service.search(lib, q, filters, PAGE_SIZE, offset=page * PAGE_SIZE,
                                        sort=options.sort, count=True,
                                        mode=search_service.mode_for(lib, q, options.mode))
        found = feed.items_for(lib, lib.site, [h.paper for h in results.hits], v.user)
        items = list(zip(results.hits, found, strict=True))
        extras = _search_extras(request, v, q, page)
    shown_to = page * PAGE_SIZE + len(items)
    more = results is not None and (shown_to < results.total if results.total is not None
                                    else len(items) == PAGE_SIZE and page < MAX_SEARCH_PAGE)
    return render(request, "search.html", {
        "q": q, "results": results, "items": items, "date_from": filters.date_from,
        "date_to": filters.date_to, "category": filters.category or "", "page": page,
        "code": filters.code, "venue": filters.venue,
        "more": more, "sort": options.sort, "shown_from": page * PAGE_SIZE + 1,
        "shown_to": shown_to, "coverage": embed.coverage(lib), "pasted": pasted,
        "long": len(q) > search_service.LONG_QUERY, **extras,
        # the export gives what the page shows: same words, filters and order
        "export_query": str(request.url.remove_query_params(["page"]).query),
        "page_link": lambda n: page_url(request, n)})


def _search_extras(request: Request, v: Viewer, q: str, page: int) -> dict:
    """Beside the results of a short query's first page: papers by the author it names,
    and a "did you mean" from the index's own words."""
    lib = library(request)
    if page or len(q) > search_service.LONG_QUERY:
        return {}
    by = authors.named_author(lib, q, AUTHOR_FIRST)
    return {"by_author": by,
            "by_author_items": feed.items_for(lib, lib.site, by.papers, v.user) if by else [],
            "did_you_mean": search_service.did_you_mean(lib, q)}


@router.get("/authors/{name:path}")
def author_page(request: Request, v: CurrentViewer, name: str,
                page: int = Query(0, ge=0, le=MAX_SEARCH_PAGE)):
    if len(name) > signals.MAX_FOLLOW_VALUE:
        raise HTTPException(404, "no author has a name that long")
    lib = library(request)
    found = authors.papers_by(lib, name, PAGE_SIZE, page * PAGE_SIZE)
    if not found.papers:
        raise HTTPException(404, f"no papers by {name} here")
    return render(request, "author.html", {
        "found": found, "page": page,
        "items": feed.items_for(lib, lib.site, found.papers, v.user),
        "following": signals.author_follow(lib, v.user, name)})


@router.get("/papers/{ident}")
def paper_page(request: Request, v: CurrentViewer, ident: str):
    """One copy for every anonymous reader while the papers and vectors (so the glances
    and similar papers) are unchanged, others' comments and votes showing within seconds
    as on the feeds; a signed-in reader's own comment, vote or note shows at once, so
    theirs is made each time."""
    if v.user is None:
        lib = library(request)
        version = f"{lib.store.max_rev()}:{lib.store.vector_seq(MODEL_NAME)}"
        return cached_page(request, v, lambda: _render_paper(request, v, ident), version)
    return _render_paper(request, v, ident)


def _render_paper(request: Request, v: Viewer, ident: str):
    sp = paper_or_404(request, ident)
    lib = library(request)
    alike = similar.similar_to_paper(lib, sp, 8) if lib.has_vectors() else []
    # one read of the counts and marks for the paper and its neighbours together
    item, *neighbours = feed.items_for(lib, lib.site, [sp, *(s.paper for s in alike)], v.user)
    if v.user:
        signals.mark_seen(lib, v.user, [sp])
    discussion = contributions.threads(lib.site, sp.pid)
    return render(request, "paper.html", {
        "item": item, "p": sp.paper, "threads": discussion,
        "comments": [c for thread in discussion for c in thread.live()],
        "note": signals.note_html(lib, v.user, sp),
        "similar": neighbours, "coverage": embed.coverage(lib),
        "collections": lib.site.collections_of(v.user.uid, False) if v.user else [],
        "held": lib.site.collections_holding(v.user.uid, sp.pid) if v.user else set()})


@router.post("/p/{pid}/upvote")
def upvote(request: Request, v: CurrentViewer, pid: RowId, csrf: Csrf = None,
           up: Annotated[bool, Form()] = True):
    check_write(request, v, csrf, "vote")
    user = signed_in(v)
    contributions.set_upvote(library(request).site, user, paper_by_pid(request, pid), up)
    return RedirectResponse(f"{back_to(request)}#paper-{pid}", 303)


@router.post("/p/{pid}/comments")
def comment(request: Request, v: CurrentViewer, pid: RowId, csrf: Csrf = None,
            body: Annotated[str, Form(max_length=20000)] = "",
            reply_to: Annotated[int | None, Form(ge=1, le=MAX_ROW_ID)] = None):
    check_write(request, v, csrf, "comment")
    user = signed_in(v)
    sp = paper_by_pid(request, pid)
    cid = contributions.add_comment(library(request).site, user, sp, body, reply_to)
    return RedirectResponse(f"/papers/{sp.paper.key}#comment-{cid}", 303)


@router.post("/comments/{cid}/edit")
def edit_comment(request: Request, v: CurrentViewer, cid: RowId, csrf: Csrf = None,
                 body: Annotated[str, Form(max_length=20000)] = ""):
    check_write(request, v, csrf, "comment")
    contributions.edit_comment(library(request).site, signed_in(v), cid, body)
    return RedirectResponse(f"{back_to(request)}#comment-{cid}", 303)


@router.post("/comments/{cid}/delete")
def delete_comment(request: Request, v: CurrentViewer, cid: RowId, csrf: Csrf = None):
    check_csrf(v, csrf)
    contributions.delete_comment(library(request).site, signed_in(v), cid)
    return RedirectResponse(back_to(request), 303)


@router.post("/p/{pid}/collect")
def collect(request: Request, v: CurrentViewer, pid: RowId, collection: FormRowId,
            csrf: Csrf = None, present: Annotated[bool, Form()] = True):
    check_write(request, v, csrf, "collection")
    user = signed_in(v)
    contributions.set_in_collection(library(request).site, user, collection,
                                paper_by_pid(request, pid), present)
    return RedirectResponse(f"{back_to(request)}#collections", 303)


@router.post("/p/{pid}/hide")
def hide(request: Request, v: CurrentViewer, pid: RowId, csrf: Csrf = None):
    check_csrf(v, csrf)
    moderation.set_paper_hidden(library(request), signed_in(v), pid, True)
    return RedirectResponse("/", 303)


# -- submitting --------------------------------------------------------------------------

@router.get("/submit")
def submit_form(request: Request, v: CurrentViewer, paper: str = Query("", max_length=300)):
    signed_in(v)
    return render(request, "submit.html", {"value": paper})


@router.post("/submit")
def submit_paper(request: Request, v: CurrentViewer, csrf: Csrf = None,
                 paper: Annotated[str, Form(max_length=300)] = ""):
    check_write(request, v, csrf, "submit")
    user = signed_in(v)
    lib = library(request)
    try:
        sp = submit(lib, lib.site, lib.arxiv, user, paper)
    except SubmitError as e:
        return render(request, "submit.html", {"error": str(e), "value": paper,
                                               "existing": e.existing, "detail": e.detail},
                      status_code=503 if e.detail else 400)
    return RedirectResponse(f"/papers/{sp.paper.key}", 303)


# -- users and collections ---------------------------------------------------------------

@router.get("/users/{username}")
def user_page(request: Request, v: CurrentViewer, username: str):
    lib = library(request)
    user = lib.site.user_by_name(username)
    if user is None:
        raise HTTPException(404, f"no user {username!r}")
    own = v.user is not None and v.user.uid == user.uid
    voted = lib.store.get_many(lib.site.voted_papers(user.uid))
    papers = [sp for sp in voted.values() if not sp.hidden]
    return render(request, "user.html", {
        "who": user, "own": own, "collections": lib.site.collections_of(user.uid, not own),
        "items": feed.items_for(lib, lib.site, papers, v.user)})


@router.post("/collections")
def create_collection(request: Request, v: CurrentViewer, csrf: Csrf = None,
                      name: Annotated[str, Form(max_length=200)] = "",
                      public: Annotated[bool, Form()] = False,
                      paper: Annotated[int | None, Form(ge=1, le=MAX_ROW_ID)] = None):
    """A new collection; made from a paper's page, it holds that paper and the page stays."""
    check_write(request, v, csrf, "collection")
    user = signed_in(v)
    site = library(request).site
    sp = paper_by_pid(request, paper) if paper else None
    coll_id = contributions.create_collection(site, user, name, public)
    if sp is None:
        return RedirectResponse(f"/collections/{coll_id}", 303)
    contributions.set_in_collection(site, user, coll_id, sp, True)
    return RedirectResponse(f"/papers/{sp.paper.key}#collections", 303)


@router.get("/collections/{coll_id}")
def collection_page(request: Request, v: CurrentViewer, coll_id: RowId):
    lib = library(request)
    coll = contributions.visible_collection(lib.site, v.user, coll_id)
    shown = contributions.collection_papers(lib.site, coll_id)
    like = foryou.for_collection(lib, lib.site.items(coll_id), v.user, COLLECTION_LIKE)
    return render(request, "collection.html", {
        "coll": coll, "items": feed.items_for(lib, lib.site, shown, v.user),
        "own": v.user is not None and v.user.uid == coll.uid,
        "like": feed.items_for(lib, lib.site, [r.paper for r in like], v.user),
        "like_reasons": [r.reason for r in like]})


# -- administration --------------------------------------------------------------------------

@router.get("/admin/status")
def admin_status(request: Request, v: CurrentViewer):
    """The worker and each source: last success, last error, next run, where it resumes."""
    if not v.is_admin:
        signed_in(v)  # signed out: to sign in, and back here
        raise HTTPException(403, "moderators only")
    return render(request, "admin_status.html",
                  {"status": status_service.status(library(request))})
