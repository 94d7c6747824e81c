"""Local replay servers for the harvesters (OAI-PMH, arXiv API, Hugging Face) that inject
faults on command, and the synthetic pages the core tests harvest.

A fault is queued with `fail(...)` and spent by the next request: "503" (with Retry-After),
"drop" (the connection closes mid-page), "cut" (half the page, honestly labelled), "slow"
(answers after the client's time-out), "expired" (the resumption token is no longer
known), "malformed" (not XML / not JSON).

Every date they serve is relative to paperwire's clock (today, UTC), never a fixed day, so
the suite sees the same world on any day it runs.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

from paperwire import clock

Answer = tuple[int, dict[str, str], bytes]
OAI_NS = "http://www.openarchives.org/OAI/2.0/"
RAW_NS = "http://arxiv.org/OAI/arXivRaw/"


class Replay:
    """A real HTTP server on 127.0.0.1 answering through `answer(path, params)`."""

    def __init__(self, answer: Callable[[str, dict[str, str]], Answer],
                 content_type: str = "text/xml", slow_seconds: float = 3.0) -> None:
        self.answer, self.content_type, self.slow_seconds = answer, content_type, slow_seconds
        self.faults: list[str] = []
        self.hits: list[tuple[float, str]] = []  # (monotonic time, path) of every request
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def fail(self, *faults: str) -> None:
        with self.lock:
            self.faults.extend(faults)

    def _next_fault(self) -> str | None:
        with self.lock:
            return self.faults.pop(0) if self.faults else None

    def _handler(self):
        replay = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                with replay.lock:
                    replay.hits.append((time.monotonic(), self.path))
                parts = urlsplit(self.path)
                params = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                status, headers, body = replay.answer(parts.path, params)
                fault = replay._next_fault()
                if fault == "503":
                    status, headers, body = 503, {"Retry-After": "1"}, b"busy, try later"
                elif fault == "slow":
                    time.sleep(replay.slow_seconds)
                elif fault == "expired" and "resumptionToken" in params:
                    status, headers, body = 200, {}, oai_error("badResumptionToken",
                                                              "The token has expired")
                elif fault == "malformed":
                    body = b"<OAI-PMH><ListRecords><record>" if replay.content_type.endswith(
                        "xml") else b'{"papers": [{"title": '
                elif fault == "cut":
                    body = body[: len(body) // 2]
                self.send_response(status)
                self.send_header("Content-Type", replay.content_type)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if fault == "drop":
                    self.wfile.write(body[: len(body) // 3])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        return Handler

    def gaps(self) -> list[float]:
        """Seconds between consecutive requests, as the server saw them."""
        times = sorted(t for t, _ in self.hits)
        return [b - a for a, b in zip(times, times[1:], strict=False)]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# -- OAI-PMH ----------------------------------------------------------------------------------

def raw_record(n: int, day: date, set_spec: str = "cs") -> str:
    """One arXivRaw record we wrote: an id, two versions, a submitter, a distinct title."""
    arxiv_id = f"2611.{n:05d}"
    first = day - timedelta(days=3)
    return f"""<record><header><identifier>oai:arXiv.org:{arxiv_id}</identifier>
<datestamp>{day.isoformat()}</datestamp><setSpec>{set_spec}</setSpec></header>
<metadata><arXivRaw xmlns="{RAW_NS}"><id>{arxiv_id}</id><submitter>Ada Harvest{n}</submitter>
<version version="v1"><date>{first.strftime('%a, %d %b %Y')} 10:00:00 GMT</date><size>100kb</size></version>
<version version="v2"><date>{day.strftime('%a, %d %b %Y')} 09:00:00 GMT</date><size>120kb</size>
</version><title>Harvested study number {n} of sparse attention for robot learning</title>
<authors>Ada Harvest{n}, Grace Hopper and Alan Turing</authors><categories>cs.LG cs.RO</categories>
<comments>{n % 7 + 5} pages</comments><abstract>  We study sparse attention, case {n}, for
robot learning from demonstrations, and report what changes with scale {n * 3}.
</abstract></arXivRaw></metadata></record>"""


def response_date() -> str:
    """Noon today: when the replayed server says it answered."""
    return f"{clock.today().isoformat()}T12:00:00Z"


def oai_page(records: list[str], token: str | None, size: int | None = None) -> bytes:
    if token is None:
        resumption = '<resumptionToken cursor="0"/>'  # the last page, as arXiv sends it
    else:
        resumption = (f'<resumptionToken cursor="0" completeListSize="{size or 0}" '
                      f'expirationDate="{clock.today() + timedelta(days=1)}T12:00:00Z">'
                      f"{escape(token)}</resumptionToken>")
    return (f'<?xml version="1.0" encoding="UTF-8"?><OAI-PMH xmlns="{OAI_NS}">'
            f"<responseDate>{response_date()}</responseDate>"
            f'<request verb="ListRecords">https://oaipmh.arxiv.org/oai</request>'
            f"<ListRecords>{''.join(records)}{resumption}</ListRecords></OAI-PMH>").encode()


def oai_error(code: str, text: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><OAI-PMH xmlns="{OAI_NS}">'
            f"<responseDate>{response_date()}</responseDate><request>https://oaipmh.arxiv.org/oai"
            f'</request><error code="{code}">{escape(text)}</error></OAI-PMH>').encode()


class OaiList:
    """A ListRecords list of `pages` pages of `per_page` records, tokens "page-1", "page-2"….
    Requests starting a list `from` a day after the newest datestamp match nothing. The
    newest datestamp is yesterday unless given."""

    def __init__(self, pages: int, per_page: int, first: int = 1,
                 newest: date | None = None) -> None:
        newest = newest or clock.today() - timedelta(days=1)
        self.newest = newest
        self.pages: list[bytes] = []
        n = first
        for k in range(pages):
            day = newest - timedelta(days=pages - 1 - k)
            records = [raw_record(n + i, day) for i in range(per_page)]
            n += per_page
            token = f"page-{k + 1}" if k + 1 < pages else None
            self.pages.append(oai_page(records, token, pages * per_page))
        self.list_requests: list[dict[str, str]] = []

    def __call__(self, path: str, params: dict[str, str]) -> Answer:
        if params.get("verb") != "ListRecords":
            return 200, {}, oai_error("badVerb", "Illegal verb")
        token = params.get("resumptionToken")
        if token is not None:
            k = int(token.split("-")[1]) if token.startswith("page-") else -1
            if not 0 < k < len(self.pages):
                return 200, {}, oai_error("badResumptionToken", f"unknown token {token}")
            return 200, {}, self.pages[k]
        self.list_requests.append(params)
        if params.get("metadataPrefix") not in ("arXivRaw", "arXiv"):
            return 200, {}, oai_error("cannotDisseminateFormat", "unknown metadataPrefix")
        if params.get("from", "") > self.newest.isoformat():
            return 200, {}, oai_error("noRecordsMatch", "no records match")
        return 200, {}, self.pages[0]


# -- Hugging Face daily papers ---------------------------------------------------------------

def hf_item(n: int, day: date, upvotes: int = 10) -> dict:
    """A daily-papers item shaped like Hugging Face's, for a paper we made up."""
    arxiv_id = f"2611.{n:05d}"
    return {
        "paper": {"id": arxiv_id, "authors": [{"_id": f"a{n}", "name": f"Ada Harvest{n}",
                                               "hidden": False}],
                  "publishedAt": f"{day - timedelta(days=3)}T10:00:00.000Z",
                  "title": f"Harvested study number {n} of sparse attention for robot learning",
                  "summary": f"We study sparse attention, case {n}, for robot learning.",
                  "upvotes": upvotes, "discussionId": f"d{n}",
                  "ai_summary": f"Sparse attention case {n} helps robots.",
                  "ai_keywords": ["sparse attention", "robot learning"],
                  "githubRepo": f"https://github.com/example/study{n}", "githubStars": n * 5},
        "publishedAt": f"{day.isoformat()}T13:00:00.000Z",
        "title": f"Harvested study number {n} of sparse attention for robot learning",
        "summary": f"We study sparse attention, case {n}, for robot learning.",
        "thumbnail": f"https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/{arxiv_id}.png",
        "numComments": n % 4,
        "submittedBy": {"_id": "u1", "fullname": "Paper Curator", "name": "curator",
                        "avatarUrl": "/avatars/u1.svg", "type": "user"},
        "isAuthorParticipating": False,
    }


class HfDays:
    """/api/daily_papers?date=D answers from a dict of day → items (an empty list otherwise)."""

    def __init__(self, days: dict[str, list[dict]]) -> None:
        self.days = days

    def __call__(self, path: str, params: dict[str, str]) -> Answer:
        if path != "/api/daily_papers":
            return 404, {}, b'{"error": "not found"}'
        return 200, {}, json.dumps(self.days.get(params.get("date", ""), [])).encode()


# -- the arXiv API -----------------------------------------------------------------------------

def atom_feed(entries: list[tuple[str, str, str]]) -> bytes:
    """An arXiv API answer with (arXiv id, title, published day) entries we wrote."""
    body = "".join(
        f"<entry><id>http://arxiv.org/abs/{ident}v1</id><published>{day}T10:00:00Z</published>"
        f"<updated>{day}T10:00:00Z</updated><title>{escape(title)}</title><summary>Announced "
        f"today: {escape(title)}, a study of sparse attention.</summary><author><name>Ada "
        f"Newcomer</name></author><category term=\"cs.LG\"/></entry>"
        for ident, title, day in entries)
    return ('<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom" '
            'xmlns:arxiv="http://arxiv.org/schemas/atom" '
            'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">'
            f"<opensearch:totalResults>{len(entries)}</opensearch:totalResults>"
            f"{body}</feed>").encode()


class ArxivNewest:
    """/api/query answers with the entries it holds (newest first), whatever the query."""

    def __init__(self, entries: list[tuple[str, str, str]]) -> None:
        self.entries = entries

    def __call__(self, path: str, params: dict[str, str]) -> Answer:
        start = int(params.get("start", "0"))
        return 200, {}, atom_feed(self.entries[start:start + int(params.get("max_results",
                                                                              "100"))])
