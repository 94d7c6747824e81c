"""App factory: the settings go in, a FastAPI app with its library comes out."""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from paperwire.config import Settings
from paperwire.services import search as search_service
from paperwire.services.library import Library
from paperwire.services.papers import find_paper

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
PAGE_SIZE = 50


def create_app(settings: Settings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.library = Library(settings)
        app.state.library.lexical  # noqa: B018 - open (and catch up) before serving
        yield
        app.state.library.close()

    app = FastAPI(title="paperwire", lifespan=lifespan)

    def library(request: Request) -> Library:
        return request.app.state.library

    @app.get("/", response_class=HTMLResponse)
    def papers_page(request: Request, page: int = Query(0, ge=0, le=10_000)):
        papers = library(request).store.latest(PAGE_SIZE, page * PAGE_SIZE)
        return TEMPLATES.TemplateResponse(request, "list.html", {
            "papers": papers, "page": page, "has_next": len(papers) == PAGE_SIZE})

    @app.get("/search", response_class=HTMLResponse)
    def search_page(request: Request, q: str = Query("", max_length=250)):
        results = search_service.search(library(request), q, limit=PAGE_SIZE) if q else None
        return TEMPLATES.TemplateResponse(request, "search.html", {"q": q, "results": results})

    @app.get("/papers/{ident:path}", response_class=HTMLResponse)
    def paper_page(request: Request, ident: str):
        sp = find_paper(library(request), ident)
        if sp is None or sp.hidden:
            return TEMPLATES.TemplateResponse(request, "missing.html", {"ident": ident},
                                              status_code=404)
        return TEMPLATES.TemplateResponse(request, "paper.html", {"p": sp.paper})

    return app
