"""Requests to the arXiv API (export.arxiv.org/api/query). Returns bytes; parsing is
arxiv_atom's job. Pacing, retries and the User-Agent come from the PoliteClient it is given,
so submissions and harvests share arXiv's one-request-every-3-seconds between them.
"""

from __future__ import annotations

from paperwire.sources.http import PoliteClient, Unreachable

__all__ = ["ArxivClient", "Unreachable"]

DEFAULT_BASE_URL = "https://export.arxiv.org/api/query"
SERVICE = "arxiv"  # one pacing slot for all of arXiv's interfaces (API and OAI-PMH)


class ArxivClient:
    def __init__(self, base_url: str, http: PoliteClient) -> None:
        self.base_url, self.http = base_url, http

    def by_id(self, arxiv_id: str) -> bytes:
        """The Atom response for one id; an error response (HTTP 400) is returned too, since
        its body says what was wrong."""
        return self._query({"search_query": "", "id_list": arxiv_id, "sortBy": "relevance",
                            "sortOrder": "descending", "start": "0", "max_results": "100"})

    def newest(self, categories: list[str], start: int, max_results: int) -> bytes:
        """New submissions in these categories, newest first."""
        query = " OR ".join(f"cat:{c}" for c in categories)
        return self._query({"search_query": query, "sortBy": "submittedDate",
                            "sortOrder": "descending", "start": str(start),
                            "max_results": str(max_results)})

    def _query(self, params: dict[str, str]) -> bytes:
        _, body = self.http.get(self.base_url, params, ok_statuses=(200, 400))
        return body
