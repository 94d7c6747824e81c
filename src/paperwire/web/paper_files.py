"""Papers as files for tools: /papers/{id}.md (Hugging Face's Markdown page), /bibtex/{id}
(arXiv's), and the BibTeX, CSV and JSON exports of a collection, for-you and a search."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response

from paperwire.services.community import contributions
from paperwire.services.discovery import feed, paper_markdown
from paperwire.services.discovery import search as search_service
from paperwire.services.personal import export, foryou
from paperwire.web.deps import (
    RowId,
    SearchChoices,
    Viewer,
    library,
    paper_or_404,
    signed_in,
    site_base,
    viewer,
)

router = APIRouter(tags=["files"])
CurrentViewer = Annotated[Viewer, Depends(viewer)]
ExportFormat = Query("bibtex", alias="format", pattern="^(bibtex|csv|json)$")
_EXPORT_MEDIA = {"content": {media: {} for media, _ in export.FORMATS.values()}}
_TEXT = {"content": {"text/plain": {}}}


def _download(papers, fmt: str, name: str, reasons: list[str] | None = None) -> Response:
    media, ext = export.FORMATS[fmt]
    return Response(export.export(papers, fmt, reasons), media_type=f"{media}; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}.{ext}"'})


@router.get("/papers/{ident:path}.md", summary="A paper as Markdown (Hugging Face's "
            "/papers/{id}.md)", response_class=Response,
            responses={200: {"content": {"text/markdown": {}}}})
def paper_markdown_file(request: Request, v: CurrentViewer, ident: str) -> Response:
    lib = library(request)
    (item,) = feed.items_for(lib, lib.site, [paper_or_404(request, ident)], v.user)
    site = site_base(request)
    return Response(paper_markdown.to_markdown(item, site),
                    media_type="text/markdown; charset=utf-8")


@router.get("/bibtex/{ident:path}", summary="A paper's BibTeX entry (arXiv's /bibtex/{id})",
            response_class=Response, responses={200: _TEXT})
def paper_bibtex(request: Request, ident: str) -> Response:
    return Response(export.to_bibtex([paper_or_404(request, ident)]),
                    media_type="text/plain; charset=utf-8")


@router.get("/collections/{coll_id}/export", summary="A collection as BibTeX, CSV or JSON",
            response_class=Response, responses={200: _EXPORT_MEDIA})
def export_collection(request: Request, v: CurrentViewer, coll_id: RowId,
                      fmt: str = ExportFormat) -> Response:
    lib = library(request)
    coll = contributions.visible_collection(lib.site, v.user, coll_id)
    return _download(contributions.collection_papers(lib.site, coll.coll_id), fmt,
                     f"collection-{coll.coll_id}")


@router.get("/for-you/export", summary="Your for-you list as BibTeX, CSV or JSON",
            response_class=Response, responses={200: _EXPORT_MEDIA})
def export_for_you(request: Request, v: CurrentViewer, fmt: str = ExportFormat) -> Response:
    recs = foryou.recommend(library(request), signed_in(v), 100)
    return _download([r.paper for r in recs], fmt, "for-you", [r.reason for r in recs])


@router.get("/search/export", summary="The best 100 of a search as BibTeX, CSV or JSON",
            response_class=Response, responses={200: _EXPORT_MEDIA})
def export_search(request: Request, options: SearchChoices,
                  q: str = Query("", max_length=5000), fmt: str = ExportFormat) -> Response:
    """The filters and order are the search page's (a pasted abstract searched by meaning,
    as there)."""
    if not q.strip():
        raise HTTPException(400, "say what to search for: ?q=…")
    lib = library(request)
    found = search_service.search(lib, q, options.filters, limit=100, sort=options.sort,
                                  mode=search_service.mode_for(lib, q, options.mode))
    return _download([h.paper for h in found.hits], fmt, "search")
