"""The feeds every anonymous reader shares are answered at the front door (web/front_door.py):
while the server's one work slot is taken, an anonymous reader still gets the front page
and a feed reader its 304; nothing of that reaches a signed-in reader, and others' votes
still show to everyone within the feeds' ten seconds (issue 22)."""

from __future__ import annotations

import gzip

import httpx
import pytest
from lxml import html as lhtml

from tests.servers import Site, csrf_of, sign_up, the_one_slot_taken
from tests.waiting import wait_until

PAPERS = [{"arxiv_id": f"2501.{n:05d}", "title": f"Graph paper {n}",
           "abstract": "Graph neural networks on many graphs. " * 20, "published": "2025-01-06",
           "upvotes": n} for n in range(1, 13)]
TEN_SECONDS_AND_A_PAGE = 15  # the page cache's TTL, and the making of a page


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    env = {"PAPERWIRE_WEB_THREADS": "1", "PAPERWIRE_WEB_QUEUE": "0"}
    with Site.with_papers(tmp_path_factory.mktemp("door"), PAPERS, env=env) as running:
        yield running


def test_the_shared_front_page_and_its_304_are_answered_while_the_server_is_full(site):
    with site.client() as c:
        plain = c.get("/trending")
        zipped = c.get("/trending", headers={"Accept-Encoding": "gzip"})
        assert plain.status_code == zipped.status_code == 200
        with the_one_slot_taken(site):
            again = c.get("/trending")
            with c.stream("GET", "/trending", headers={"Accept-Encoding": "gzip"}) as r:
                raw = b"".join(r.iter_raw())
                encoding = r.headers["content-encoding"]
            unchanged = c.get("/trending", headers={"If-None-Match": plain.headers["etag"]})
            other_page = c.get("/trending?page=1")
            signed_in = c.get("/trending", headers={"Cookie": "pw_session=anything"})
    assert again.status_code == 200 and again.content == plain.content
    assert again.headers["etag"] == plain.headers["etag"]
    assert again.headers["content-security-policy"] == plain.headers["content-security-policy"]
    assert encoding == "gzip" and gzip.decompress(raw) == plain.content
    assert unchanged.status_code == 304 and unchanged.content == b""
    assert "content-type" not in unchanged.headers
    # what was not made for every anonymous reader is not answered at the door
    assert other_page.status_code == 503 and signed_in.status_code == 503


def _votes(c: httpx.Client, pid: int) -> str:
    page = c.get("/papers/date/2025-01-06")
    assert page.status_code == 200
    card = lhtml.fromstring(page.text).get_element_by_id(f"paper-{pid}")
    return card.xpath("string(.//span[@class='count'])")


def test_an_anonymous_reader_sees_anothers_vote_within_the_feeds_ten_seconds(site):
    voter = site.client()
    sign_up(voter, "ada")
    with site.client() as anonymous:
        assert _votes(anonymous, 1) == "1"
        token = csrf_of(voter, "/")
        assert voter.post("/p/1/upvote", data={"csrf": token, "up": "true"}).status_code == 303
        wait_until(lambda: _votes(anonymous, 1) == "2", "the anonymous page counts ada's vote",
                   within=TEN_SECONDS_AND_A_PAGE)
    voter.close()


def test_a_signed_in_reader_sees_their_own_vote_at_once_not_the_shared_copy(site):
    reader = site.client()
    sign_up(reader, "bob")
    with site.client() as anonymous:
        shared = anonymous.get("/papers/date/2025-01-06")
    token = csrf_of(reader, "/")
    assert reader.post("/p/2/upvote", data={"csrf": token, "up": "true"}).status_code == 303
    own = reader.get("/papers/date/2025-01-06")
    assert own.headers["cache-control"] == "private, no-cache" and "etag" not in own.headers
    assert own.content != shared.content and 'aria-pressed="true"' in own.text
    reader.close()


def test_a_signed_in_page_comes_gzipped_to_a_browser_and_is_never_shared(site):
    reader = site.client()
    sign_up(reader, "cyd")
    plain = reader.get("/")
    with reader.stream("GET", "/", headers={"Accept-Encoding": "gzip"}) as r:
        raw, headers = b"".join(r.iter_raw()), r.headers
    assert headers["content-encoding"] == "gzip" and gzip.decompress(raw) == plain.content
    assert "etag" not in headers and "accept-encoding" in headers["vary"].lower()
    assert csrf_of(reader, "/") in plain.text
    reader.close()


def test_a_made_up_parameter_is_never_kept_at_the_door(site):
    with site.client() as c:
        assert c.get("/trending", params={"junk": 1}).headers["x-cache"] == "BYPASS"
        with the_one_slot_taken(site):
            assert c.get("/trending", params={"junk": 1}).status_code == 503
    assert httpx.get(site.url + "/healthz").status_code == 200
