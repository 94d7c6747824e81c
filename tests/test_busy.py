"""Past its capacity a server says so early — 503 with Retry-After, HTML for pages and
JSON for the API, after the second that Retry-After names rather than at once, so a client
that asks again at once cannot spin the server on refusals — instead of letting requests
queue until their clients give up, and /healthz keeps answering throughout (issue 22). The
server here may work on one request at a time and hold none in line, so any two requests
at once make one too many."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.servers import Site, the_one_slot_taken

PAPERS = [{"arxiv_id": f"2501.{n:05d}", "title": f"Graph paper {n}",
           "abstract": "Graph neural networks on many graphs. " * 20,
           "published": "2025-01-06"} for n in range(1, 41)]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    env = {"PAPERWIRE_WEB_THREADS": "1", "PAPERWIRE_WEB_QUEUE": "0"}
    with Site.with_papers(tmp_path_factory.mktemp("busy"), PAPERS, env=env) as running:
        yield running


def _at_once(site: Site, paths: list[str]) -> list[httpx.Response]:
    with ThreadPoolExecutor(len(paths)) as pool, site.client() as c:
        return list(pool.map(lambda p: c.get(p), paths))


def test_requests_past_capacity_are_told_to_come_back_and_the_rest_are_served(site):
    answers = _at_once(site, [f"/search?q=graph+{n}" for n in range(48)])
    codes = {r.status_code for r in answers}
    assert codes == {200, 503}, codes
    busy = next(r for r in answers if r.status_code == 503)
    assert busy.headers["retry-after"] == "1" and "busy" in busy.text
    assert busy.headers["x-content-type-options"] == "nosniff"
    served = [r for r in answers if r.status_code == 200]
    assert served and all("/papers/2501." in r.text for r in served)


def test_the_api_is_told_in_json(site):
    answers = _at_once(site, [f"/api/papers/search?q=graph+{n}" for n in range(48)])
    busy = [r for r in answers if r.status_code == 503]
    assert busy and busy[0].json()["status"] == 503
    assert {r.status_code for r in answers} == {200, 503}


def test_healthz_answers_while_the_pages_are_busy(site):
    with ThreadPoolExecutor(33) as pool, site.client() as c:
        pages = [pool.submit(c.get, f"/search?q=networks+{n}") for n in range(32)]
        health = [pool.submit(c.get, "/healthz") for _ in range(8)]
        assert all(h.result().status_code == 200 for h in health)
        assert {p.result().status_code for p in pages} <= {200, 503}


def test_a_client_asking_again_at_once_gets_one_refusal_a_second_not_a_spin(site):
    """A refusal is held for the second its Retry-After names (web/admission.py), asleep:
    a script retrying in a loop gets about one 503 a second, and the server meanwhile
    answers /healthz at once."""
    with the_one_slot_taken(site), site.client() as c:
        start, refusals = time.monotonic(), 0
        while time.monotonic() - start < 3:
            assert c.get("/search?q=retry").status_code == 503
            refusals += 1
        health_took = time.monotonic()
        assert c.get("/healthz").status_code == 200
        health_took = time.monotonic() - health_took
    assert refusals <= 4, refusals  # at once, a loop gets hundreds in 3 s
    assert health_took < 0.5
