"""Fetch papers from the arXiv API by id. Returns bytes; parsing is arxiv_atom's job.

arXiv asks for at most one request every 3 seconds; requests from this process are spaced
at least `min_interval` apart. The base URL is a setting so tests can point it at a local
server replaying recorded responses.
"""

from __future__ import annotations

import threading
import time

import httpx

DEFAULT_BASE_URL = "https://export.arxiv.org/api/query"
USER_AGENT = "paperwire/0.1 (self-hosted paper discovery)"


class Unreachable(Exception):
    """arXiv did not answer usefully (network failure, time-out, server error)."""


class ArxivClient:
    def __init__(self, base_url: str = DEFAULT_BASE_URL, min_interval: float = 3.0,
                 timeout: float = 15.0) -> None:
        self.base_url, self.min_interval, self.timeout = base_url, min_interval, timeout
        self._lock = threading.Lock()
        self._last = 0.0

    def _wait_turn(self) -> None:
        with self._lock:
            delay = self._last + self.min_interval - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            self._last = time.monotonic()

    def by_id(self, arxiv_id: str) -> bytes:
        """The Atom response for one id; an error response (HTTP 400) is returned too, since
        its body says what was wrong."""
        self._wait_turn()
        params = {"search_query": "", "id_list": arxiv_id, "sortBy": "relevance",
                  "sortOrder": "descending", "start": "0", "max_results": "100"}
        try:
            response = httpx.get(self.base_url, params=params, timeout=self.timeout,
                                 headers={"User-Agent": USER_AGENT})
        except httpx.HTTPError as e:
            raise Unreachable(f"arXiv could not be reached ({type(e).__name__})") from e
        if response.status_code >= 500 or response.status_code not in (200, 400):
            raise Unreachable(f"arXiv answered HTTP {response.status_code}")
        return response.content
