"""HTTP as people and crawlers expect it: HEAD like GET, compression, robots.txt, a
favicon, a sitemap of paper pages, sign-in returning to the page it came from (and only
to this site), KaTeX only on pages with math, similar papers without raw scores."""

from __future__ import annotations

import httpx
import pytest
from lxml import etree

from paperwire import clock
from tests.servers import Site, csrf_of, sign_up

PAPERS = [
    {"arxiv_id": "2203.07404", "title": "Respecting causality in PINNs",
     "abstract": "We show $\\mathcal{L} = \\sum_i w_i$ matters.", "published": "2025-03-14"},
    {"arxiv_id": "2503.00002", "title": "Graph transformers", "abstract": "Plain words only.",
     "published": "2025-03-14"},
    {"title": "A paper without an arXiv id", "abstract": "Listed elsewhere.",
     "published": "2025-03-13"},
]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with Site.with_papers(tmp_path_factory.mktemp("http"), PAPERS) as running:
        yield running


@pytest.mark.parametrize("path", ["/", "/trending", "/papers/2203.07404", "/search?q=graph",
                                  "/api/daily_papers", "/api/papers/2203.07404",
                                  "/feeds/daily.rss", "/robots.txt", "/sitemap.xml",
                                  "/static/site.css", "/healthz"])
def test_head_answers_like_get(site, path):
    with site.client() as c:
        got, head = c.get(path), c.head(path)
    assert head.status_code == got.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]


@pytest.mark.parametrize(("path", "kept"), [
    ("/feeds/daily.atom", 300), ("/papers/2203.07404.md", 300), ("/api/daily_papers", 60),
    ("/api/papers/2203.07404", 60), ("/", 10), ("/trending", 10)])
def test_anonymous_reads_revalidate_to_304_and_say_how_long_to_keep_them(site, path, kept):
    with site.client() as c:
        first = c.get(path)
        assert first.headers["cache-control"] == f"public, max-age={kept}"
        etag, modified = first.headers["etag"], first.headers["last-modified"]
        assert etag.startswith('W/"')
        same = c.get(path, headers={"If-None-Match": etag})
        assert same.status_code == 304 and same.content == b"" and same.headers["etag"] == etag
        assert c.get(path, headers={"If-Modified-Since": modified}).status_code == 304
        assert c.get(path, headers={"If-None-Match": 'W/"other"'}).status_code == 200


def test_what_a_signed_in_reader_sees_is_private_and_never_304(site):
    with site.client() as c:
        sign_up(c, "privacy")
        page = c.get("/")
        assert page.headers["cache-control"] == "private, no-cache" and "etag" not in page.headers
        assert c.get("/", headers={"If-None-Match": "*"}).status_code == 200
    with site.client() as c:  # a form for this visitor alone is not shared either
        assert c.get("/signin").headers["cache-control"] == "private, no-cache"


def test_html_json_css_and_js_are_compressed(site):
    with httpx.Client(base_url=site.url, headers={"Accept-Encoding": "gzip"}) as c:
        for path in ("/", "/api/daily_papers", "/static/site.css",
                     "/static/katex/katex.min.js"):
            r = c.get(path)
            assert r.headers.get("content-encoding") == "gzip", path
            raw = c.get(path, headers={"Accept-Encoding": "identity"})
            assert r.content == raw.content  # httpx decoded it: the same bytes either way
            assert r.num_bytes_downloaded < len(raw.content) / 2, path


def test_a_public_page_is_gzipped_once_into_the_same_bytes_for_every_reader(site):
    """Compressed once per body (web/compression.py; what it saves is measured in
    benchmarks/): the same ETag, gzip bytes and length however often it is asked for, HEAD
    saying so too, and a 304 as before."""
    import gzip

    def raw(c: httpx.Client, method: str = "GET", **headers: str) -> httpx.Response:
        with c.stream(method, "/", headers={"Accept-Encoding": "gzip", **headers}) as r:
            r.compressed = b"".join(r.iter_raw())
            return r

    with httpx.Client(base_url=site.url) as c:
        first, again, head = raw(c), raw(c), raw(c, "HEAD")
        unchanged = raw(c, **{"If-None-Match": first.headers["etag"]})
        plain = c.get("/", headers={"Accept-Encoding": "identity"})
    assert first.headers["content-encoding"] == "gzip"
    assert again.headers["etag"] == first.headers["etag"] == plain.headers["etag"]
    assert again.compressed == first.compressed
    assert gzip.decompress(first.compressed) == plain.content
    assert int(first.headers["content-length"]) == len(first.compressed)
    assert head.headers["content-length"] == first.headers["content-length"]
    assert head.compressed == b""
    assert "Accept-Encoding" in first.headers["vary"] and "Cookie" in first.headers["vary"]
    assert unchanged.status_code == 304 and unchanged.compressed == b""


def test_robots_favicon_and_the_sitemap(site):
    with site.client() as c:
        robots = c.get("/robots.txt").text
        assert "Disallow: /api/" in robots and f"Sitemap: {site.url}/sitemap.xml" in robots
        assert c.get("/favicon.ico").headers["location"] == "/static/favicon.svg"
        assert c.get("/static/favicon.svg").headers["content-type"].startswith("image/svg")
        index = etree.fromstring(c.get("/sitemap.xml").content)
        ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
        parts = [loc.text for loc in index.findall("s:sitemap/s:loc", ns)]
        assert parts == [f"{site.url}/sitemaps/papers-0.xml"]
        urls = etree.fromstring(c.get(parts[0].removeprefix(site.url)).content)
        locs = [loc.text for loc in urls.findall("s:url/s:loc", ns)]
        assert f"{site.url}/papers/2203.07404" in locs and len(locs) == 3
        assert all(c.get(u.removeprefix(site.url)).status_code == 200 for u in locs)
        assert c.get("/sitemaps/papers-7.xml").status_code == 404


def test_katex_loads_only_on_pages_with_math(site):
    with site.client() as c:
        with_math, plain = c.get("/papers/2203.07404").text, c.get("/papers/2503.00002")
    assert "/static/katex/katex.min." in with_math
    assert "katex" not in plain.text and len(plain.content) < 30_000


def test_static_files_have_hashed_names_cached_for_a_year(site):
    import re

    with site.client() as c:
        page = c.get("/papers/2203.07404").text
        css = re.search(r'href="(/static/site\.[0-9a-f]{12}\.css)"', page).group(1)
        js = re.search(r'src="(/static/katex/katex\.min\.[0-9a-f]{12}\.js)"', page).group(1)
        for url in (css, js):
            r = c.get(url)
            assert r.status_code == 200
            assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert c.get(css).content == c.get("/static/site.css").content
        assert "immutable" not in c.get("/static/site.css").headers["cache-control"]
        stale = css.replace(css.split(".")[1], "0" * 12)
        assert c.get(stale).status_code == 404


def test_sign_in_returns_to_the_page_it_came_from_and_only_on_this_site(site):
    with site.client() as c:
        page = c.get("/papers/2503.00002").text
        assert 'href="/signin?next=/papers/2503.00002"' in page
        sign_up(c, "roamer")
        c.post("/signout", data={"csrf": csrf_of(c, "/")})
    for target, lands in (("/papers/2503.00002", "/papers/2503.00002"),
                          ("//evil.example/x", "/"), ("/\\evil.example", "/"),
                          ("https://evil.example/", "/"), ("/ok\r\nSet-Cookie: x=1", "/")):
        with site.client() as c:
            r = c.post("/signin", data={"csrf": csrf_of(c, "/signin"), "username": "roamer",
                                        "password": "correct horse 1", "next": target})
            assert r.status_code == 303 and r.headers["location"] == lands, target


def test_search_pages_through_every_match_and_counts_them(tmp_path):
    papers = [{"arxiv_id": f"2504.{i:05d}", "title": f"Graph study {i}",
               "abstract": "Graphs, again.", "published": "2025-04-01"} for i in range(70)]
    with Site.with_papers(tmp_path, papers) as running, running.client() as c:
        first = c.get("/search", params={"q": "graph"}).text
        assert "70 papers match; 1–30 shown" in first
        assert first.count('<article class="item"') == 30
        assert 'rel="next"' in first and 'rel="prev"' not in first
        last = c.get("/search", params={"q": "graph", "page": 2}).text
        assert "61–70 shown" in last and last.count('<article class="item"') == 10
        assert 'rel="prev"' in last and 'rel="next"' not in last
        assert first.count('role="search"') == 1  # one search box on the page
        nothing = c.get("/search", params={"q": '"graph study elephant"'}).text
        assert "No papers match" in nothing
        one = c.get("/search", params={"q": '"graph study 7"'}).text
        assert "1 paper matches" in one


@pytest.mark.parametrize("arxiv_id", ["2203.07404", None])
def test_a_paper_page_offers_its_bibtex_entry_to_copy(site, arxiv_id):
    import bibtexparser

    ident = arxiv_id or site.query("SELECT local_key FROM papers WHERE arxiv_id IS NULL")[0][0]
    with site.client() as c:
        page = etree.HTML(c.get(f"/papers/{ident}").text)
        (link,) = page.xpath("//p[@class='links']/a[text()='BibTeX']/@href")
        r = c.get(link)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
        (entry,) = bibtexparser.parse_string(r.text).entries
        assert entry["title"].strip("{}") == page.xpath("string(//h1)")
        assert c.get("/bibtex/9999.99999").status_code == 404


def test_search_sorts_newest_first_and_exports_what_the_page_shows(tmp_path):
    papers = [{"arxiv_id": f"2504.{i:05d}", "title": f"Graph study {i}",
               "abstract": "Graphs." + " graph" * (9 - i), "published": f"2025-04-0{i + 1}",
               "categories": ["cs.LG" if i % 2 else "cs.CV"]} for i in range(9)]
    with Site.with_papers(tmp_path, papers) as running, running.client() as c:
        def shown(page: str) -> list[str]:
            return [h.rpartition("/")[2] for h in
                    etree.HTML(page).xpath("//article//h2/a/@href")]

        newest = c.get("/search", params={"q": "graph", "sort": "date"}).text
        assert shown(newest) == [f"2504.{i:05d}" for i in range(8, -1, -1)]
        assert '<option value="date" selected>' in newest
        narrowed = c.get("/search", params={"q": "graph", "category": "cs.LG",
                                            "from": "2025-04-03", "sort": "date"}).text
        assert shown(narrowed) == ["2504.00007", "2504.00005", "2504.00003"]
        (bibtex,) = etree.HTML(narrowed).xpath("//a[text()='BibTeX']/@href")
        exported = c.get(bibtex)
        assert exported.status_code == 200
        assert [line.split("/")[-1].strip('},') for line in exported.text.splitlines()
                if "arxiv.org/abs/" in line] == ["2504.00007", "2504.00005", "2504.00003"]
        assert c.get("/search", params={"q": "graph", "sort": "upvotes"}).status_code == 422


def test_previous_and_next_skip_empty_days_and_never_reach_the_future(tmp_path):
    from datetime import timedelta

    today = clock.today()
    papers = [{"arxiv_id": f"2505.{i:05d}", "title": f"Paper of day {d}", "abstract": "Text.",
               "published": d} for i, d in enumerate(["2025-03-07", "2025-03-10", "2025-03-10",
                                                      today.isoformat()])]
    with Site.with_papers(tmp_path, papers) as running, running.client() as c:
        monday = c.get("/papers/date/2025-03-10").text
        assert 'href="/papers/date/2025-03-07" rel="prev"' in monday  # over the weekend
        friday = c.get("/papers/date/2025-03-07").text
        assert 'href="/papers/date/2025-03-10" rel="next"' in friday
        assert 'rel="prev"' not in friday  # nothing older
        latest = c.get(f"/papers/date/{today.isoformat()}").text
        assert 'rel="next"' not in latest
        future = (today + timedelta(days=3)).isoformat()
        assert 'rel="next"' not in c.get(f"/papers/date/{future}").text
        month = c.get("/papers/month/2025-03").text
        assert '<a href="/papers/date/2025-03-10" title="2 papers">10</a>' in month
        assert '<span>11</span>' in month  # a day without papers: no link
        go = c.get("/papers/go", params={"week": "2025-W11"})
        assert go.status_code == 303 and go.headers["location"] == "/papers/week/2025-W11"
        assert c.get("/papers/go", params={"month": "2025-13"}).status_code == 400


def test_suggestions_offer_titles_and_authors_as_you_type(tmp_path):
    papers = [{"arxiv_id": "2506.00001", "title": "Graph transformers for molecules",
               "abstract": "A.", "authors": ["Ada Lovelace", "Grace Hopper"]},
              {"arxiv_id": "2506.00002", "title": "Graphical models of causality",
               "abstract": "B.", "authors": ["Judea Pearl"]},
              {"arxiv_id": "2506.00003", "title": "Protein folding", "abstract": "C.",
               "authors": ["Émile Lovász"]}]
    with Site.with_papers(tmp_path, papers) as running, running.client() as c:
        def ask(q: str) -> dict:
            return c.get("/api/suggest", params={"q": q}).json()

        assert [t["id"] for t in ask("graphic")["titles"]] == ["2506.00002"]
        assert {t["id"] for t in ask("gra")["titles"]} == {"2506.00001", "2506.00002"}
        assert ask("graph trans")["titles"][0]["title"] == "Graph transformers for molecules"
        assert ask("lovel")["authors"] == ["Ada Lovelace"]
        assert ask("lovas")["authors"] == ["Émile Lovász"]  # accents folded
        assert ask("g") == {"titles": [], "authors": []}
        assert ask("zzqx") == {"titles": [], "authors": []}
        assert c.get("/api/suggest", params={"q": "x" * 101}).status_code == 422
