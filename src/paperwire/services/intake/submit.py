"""Submit a paper by arXiv id or URL: fetch its metadata from arXiv, ingest, remember who."""

from __future__ import annotations

import io

from paperwire import clock
from paperwire.domain import Paper, parse_arxiv_id
from paperwire.services.intake import embed
from paperwire.services.intake.importing import import_records
from paperwire.services.library import Library
from paperwire.sources import arxiv_atom
from paperwire.sources.arxiv_client import ArxivClient, Unreachable
from paperwire.sources.base import SourceError
from paperwire.store.base import StoredPaper
from paperwire.store.site import SiteStore, User


class SubmitError(Exception):
    """Why a submission was not taken; the message is for the user."""

    def __init__(self, message: str, existing: StoredPaper | None = None,
                 detail: str | None = None) -> None:
        super().__init__(message)
        self.existing = existing
        self.detail = detail  # what went wrong, for whoever runs the site


def submit(library: Library, site: SiteStore, client: ArxivClient, user: User,
           text: str) -> StoredPaper:
    ident = parse_arxiv_id(text)
    if ident is None:
        raise SubmitError(f"{text.strip()[:100]!r} is not an arXiv id or arXiv URL")
    existing = library.store.find(ident.id)
    if existing is not None:
        raise SubmitError(f"arXiv:{ident.id} is already here", existing)
    try:
        body = client.by_id(ident.id)  # the latest version, whatever version was pasted
        found = [p for p in arxiv_atom.parse(io.BytesIO(body)) if isinstance(p, Paper)]
    except Unreachable as e:
        raise SubmitError(f"This site cannot reach arXiv right now, so it cannot fetch the "
                          f"title, authors and abstract of arXiv:{ident.id}. Nothing was "
                          "saved: try again later.", detail=str(e)) from e
    except SourceError as e:
        raise SubmitError(str(e)) from e
    if not found:
        raise SubmitError(f"arXiv has no paper arXiv:{ident}")
    paper = found[0]
    paper.listed_on = clock.today()  # listed the day it is submitted, as on daily-papers sites
    report = import_records(library, [paper], where="submission")
    stored = library.store.find(paper.arxiv_id or ident.id)
    if stored is None:
        reason = report.failure or (report.errors[0] if report.errors else "not stored")
        raise SubmitError(f"arXiv's record of arXiv:{ident.id} could not be stored: {reason}")
    site.record_submission(stored.pid, user.uid)
    if library.has_model():
        embed.embed_pending(library)
    return stored
