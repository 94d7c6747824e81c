"""Hostile requests and records against the web side (issue 21, items 4, 6, 7 and 8): dates
at the ends of the calendar, bodies that never end, made-up query parameters, feed text
and record links that would run in a reader, and a request that lies about its Host,
Referer or CSRF cookie. Served for real; each is what an attacker or a reader would see."""

from __future__ import annotations

import os
import select
import socket
import time

import bibtexparser
import pytest
from lxml import etree, html

from tests.servers import Site, csrf_of, sign_up

SITE_URL = "https://papers.example.org"
XSS = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
LONG = "word " * 200_000  # a million characters of abstract
HOSTILE_DOI = '10.1/x}} @preamble{"evil"} @misc{zz, title={'
PAPERS = [
    {"arxiv_id": "2203.07404", "title": f"Respecting causality {XSS}",
     "abstract": f"An abstract that holds {XSS} in it.", "authors": [f"Eve {XSS}"],
     "published": "2025-03-14", "categories": ["cs.LG"]},
    {"title": "Hostile links", "abstract": "Its links are scripts.", "published": "2025-03-14",
     "url": "javascript:alert(document.cookie)", "code_url": "data:text/html,<script>x</script>",
     "doi": "10.5555/hostile.links"},
    {"title": "A very long abstract", "abstract": LONG, "published": "2025-03-13",
     "doi": HOSTILE_DOI, "url": "https://example.org/a}b @misc{zz, title={x"},
]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    env = {**os.environ, "PAPERWIRE_SITE_URL": SITE_URL}
    with Site.with_papers(tmp_path_factory.mktemp("hostile"), PAPERS, env) as running:
        yield running


def _key(site: Site, title: str) -> str:
    with site.client() as c:
        listed = c.get("/api/papers", params={"limit": 10}).json()
    return next(p["id"] for p in listed if p["title"] == title)


# -- item 6: dates -----------------------------------------------------------------------

@pytest.mark.parametrize(("path", "status"), [
    ("/papers/date/9999-12-31", 404), ("/papers/date/0001-01-01", 404),
    ("/papers/week/0001-W01", 404), ("/papers/month/9999-12", 404),
    ("/api/daily_papers?month=9999-12", 400), ("/papers/go?week=9999-W52", 400),
    ("/papers/go?date=9999-12-31", 400), ("/papers/go?month=0001-01", 400)])
def test_days_at_the_ends_of_the_calendar_are_no_such_day(site, path, status):
    with site.client() as c:
        r = c.get(path)
    assert r.status_code == status, r.text[:300]
    assert "no such" in r.text
    assert r.headers["content-security-policy"] and r.headers["x-content-type-options"]


def test_a_server_error_page_carries_the_security_headers(tmp_path):
    with Site.with_papers(tmp_path, PAPERS[:1]) as site:
        site.query("DROP TABLE comments")  # a store gone wrong under a running site
        for path in ("/papers/2203.07404", "/api/papers/2203.07404"):
            with site.client() as c:  # a connection each: the server closes one after a 500
                r = c.get(path)
            assert r.status_code == 500, path
            assert "default-src 'self'" in r.headers["content-security-policy"], path
            assert r.headers["x-content-type-options"] == "nosniff", path
            assert r.headers["referrer-policy"] == "same-origin", path


# -- item 4: sizes -----------------------------------------------------------------------

def test_made_up_parameters_never_fill_the_page_cache(site):
    with site.client() as c:
        for n in range(3):
            assert c.get("/", params={"junk": n}).headers["x-cache"] == "BYPASS"
        c.get("/", params={"page": 0})
        assert c.get("/", params={"page": 0}).headers["x-cache"] == "HIT"


def test_the_page_cache_is_bounded_by_bytes(tmp_path):
    env = {**os.environ, "PAPERWIRE_PAGE_CACHE_BYTES": "4096"}  # less than one front page
    with Site.with_papers(tmp_path, PAPERS[:2], env) as site, site.client() as c:
        assert [c.get("/").headers["x-cache"] for _ in range(3)] == ["MISS"] * 3


def _raw(site: Site, head: str, chunks: list[bytes]) -> bytes:
    """Sends a request's head and as many body chunks as the server reads before it
    answers; returns the answer's first bytes."""
    with socket.create_connection(("127.0.0.1", site.port), timeout=60) as s:
        s.sendall(head.encode())
        for chunk in chunks:
            if select.select([s], [], [], 0)[0]:
                break  # answered already
            try:
                s.sendall(chunk)
            except OSError:
                break
        return s.recv(200)


def test_a_body_announced_too_large_is_refused_unread(site):
    answer = _raw(site, "POST /api/comments/preview HTTP/1.1\r\nHost: x\r\n"
                        "Content-Type: application/json\r\nContent-Length: 50000000\r\n\r\n", [])
    assert answer.startswith(b"HTTP/1.1 413")


def test_a_body_that_grows_too_large_is_refused_while_it_arrives(site):
    chunk = b"x" * 65536
    framed = b"%x\r\n%s\r\n" % (len(chunk), chunk)
    for path, media in (("/api/comments/preview", "application/json"),
                        ("/signin", "application/x-www-form-urlencoded")):
        # never ends: 18 chunks (1.1 MiB, past the 1 MiB limit) are sent, never the last one
        answer = _raw(site, f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: {media}\r\n"
                            "Transfer-Encoding: chunked\r\n\r\n", [framed] * 18)
        assert answer.startswith(b"HTTP/1.1 413"), (path, answer)


def test_api_answers_are_bounded_whatever_a_record_holds(site):
    key = _key(site, "A very long abstract")
    with site.client() as c:
        one = c.get(f"/api/papers/{key}").json()
        found = c.get("/api/papers/search", params={"q": "very long abstract"}).json()
    assert 1000 < len(one["summary"]) <= 20_000 and one["summary"].endswith("…")
    assert all(len(hit["summary"]) <= 20_000 for hit in found) and found


def test_bibtex_of_a_long_and_hostile_record_is_one_entry_in_seconds(site):
    key = _key(site, "A very long abstract")
    with site.client() as c:
        started = time.monotonic()
        r = c.get(f"/bibtex/{key}")
        took = time.monotonic() - started
    assert r.status_code == 200 and took < 20, took
    library = bibtexparser.parse_string(r.text)
    assert len(library.entries) == 1 and not library.strings and not library.preambles
    assert not library.failed_blocks


# -- item 7: feeds and links -------------------------------------------------------------

def _elements(text: str | None) -> list[str]:
    """The elements a reader that takes this text as HTML would make of it."""
    fragment = html.fragment_fromstring(text or "", create_parent="div")
    return [el.tag for el in fragment.iter() if el is not fragment]


def test_feed_text_is_inert_in_readers(site):
    with site.client() as c:
        rss = etree.fromstring(c.get("/feeds/daily.rss").content)
        atom = etree.fromstring(c.get("/feeds/daily.atom").content)
    items = rss.findall("channel/item")
    assert any(XSS in (i.findtext("description") or "").replace("&lt;", "<")
               .replace("&gt;", ">").replace("&quot;", '"') for i in items)
    for item in items:
        for field in ("title", "description", "{http://purl.org/dc/elements/1.1/}creator"):
            for el in item.findall(field):
                assert _elements(el.text) == [], (field, el.text)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = atom.findall("a:entry", ns)
    assert entries and any(XSS in e.findtext("a:title", namespaces=ns) for e in entries)
    for entry in entries:
        for field in ("a:title", "a:content", "a:summary"):
            for el in entry.findall(field, ns):
                assert el.get("type", "text") == "text", field


def test_a_record_s_links_are_http_only_on_its_page_its_files_and_the_api(site):
    key = _key(site, "Hostile links")
    with site.client() as c:
        page = html.fromstring(c.get(f"/papers/{key}").text)
        listed = html.fromstring(c.get("/papers/date/2025-03-14").text)
        markdown = c.get(f"/papers/{key}.md").text
        api = c.get(f"/api/papers/{key}").json()
    hrefs = page.xpath("//a/@href") + listed.xpath("//a/@href")
    assert hrefs and not [h for h in hrefs if h.strip().lower().startswith(("javascript:", "data:"))]
    assert "javascript:" not in markdown and "data:text" not in markdown
    assert api["links"]["abs"] is None and api["githubRepo"] is None


# -- item 8: trusting the request --------------------------------------------------------

def test_absolute_links_use_the_site_url_never_the_host_header(site):
    forged = {"host": "evil.example"}
    with site.client() as c:
        answers = [c.get(path, headers=forged) for path in (
            "/feeds/daily.rss", "/feeds/trending.atom", "/sitemap.xml", "/robots.txt",
            "/sitemaps/papers-0.xml", "/papers/2203.07404.md")]
        paged = c.get("/api/papers", params={"limit": 1}, headers=forged)
    for r in answers:
        assert r.status_code == 200 and "evil.example" not in r.text, r.url
        assert SITE_URL in r.text, r.url
    assert paged.headers["link"].startswith(f"<{SITE_URL}/api/papers?")
    assert "evil.example" not in paged.headers["link"]


def test_without_a_site_url_links_name_the_address_the_site_listens_on(tmp_path):
    with Site.with_papers(tmp_path, PAPERS[:1]) as site, site.client() as c:
        robots = c.get("/robots.txt", headers={"host": "evil.example"}).text
    assert f"Sitemap: {site.url}/sitemap.xml" in robots


REFERERS = ["{site}//evil.example/x", "{site}/\\evil.example", "https://evil.example/papers/x",
            "{site}/%0d%0aX: y", "javascript:alert(1)", "{site}/papers/2203.07404"]


def test_after_an_action_the_reader_comes_back_only_to_this_site(site):
    with site.client() as c:
        sign_up(c, "walker")
        token = csrf_of(c, "/")
        locations = [c.post("/p/1/upvote", data={"csrf": token, "up": "true"},
                            headers={"referer": ref.format(site=site.url)}).headers["location"]
                     for ref in REFERERS]
    for referer, location in zip(REFERERS, locations, strict=True):
        assert location.startswith("/") and not location.startswith("//"), (referer, location)
        assert "evil" not in location and "\\" not in location, (referer, location)
    assert locations[-1] == "/papers/2203.07404#paper-1"  # its own page, as before


def test_a_csrf_cookie_the_site_did_not_sign_is_refused(site):
    forged = "A" * 43
    with site.client() as c:
        c.cookies.set("pw_csrf", forged)
        r = c.post("/signin", data={"csrf": forged, "username": "nobody1",
                                    "password": "a wrong guess"})
        assert r.status_code == 403
    with site.client() as c:  # the cookie the site made and signed still works
        genuine = c.post("/signin", data={"csrf": csrf_of(c), "username": "nobody1",
                                          "password": "a wrong guess"})
        assert genuine.status_code == 401
