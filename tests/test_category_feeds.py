"""Feeds of one arXiv category or archive, as arXiv's lists: the daily, weekly, monthly
and trending pages narrowed to cs.LG (or all of cs), their links keeping the choice."""

from __future__ import annotations

import pytest
from lxml import etree, html

from tests.servers import Site, csrf_of, sign_up

RECORDS = [
    {"arxiv_id": "2503.00001", "title": "Learning A", "abstract": "A.", "upvotes": 1,
     "categories": ["cs.LG"], "published": "2025-03-14"},
    {"arxiv_id": "2503.00002", "title": "Learning B", "abstract": "B.", "upvotes": 5,
     "categories": ["stat.ML", "cs.LG"], "published": "2025-03-14"},
    {"arxiv_id": "2503.00003", "title": "Vision C", "abstract": "C.", "upvotes": 9,
     "categories": ["cs.CV"], "published": "2025-03-14"},
    {"arxiv_id": "2503.00004", "title": "Geometry D", "abstract": "D.", "upvotes": 2,
     "categories": ["math.AG"], "published": "2025-03-14"},
    {"arxiv_id": "2503.00005", "title": "Learning E", "abstract": "E.",
     "categories": ["cs.LG"], "published": "2025-03-13"},
    {"arxiv_id": "2503.00006", "title": "Strings F", "abstract": "F.",
     "categories": ["hep-th"], "published": "2025-03-10"},
    {"arxiv_id": "2504.00007", "title": "Markets G", "abstract": "G.",
     "categories": ["q-fin.ST"], "published": "2025-04-20"},
]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with Site.with_papers(tmp_path_factory.mktemp("categories"), RECORDS) as running:
        yield running


def _listed(page) -> list[str]:
    return [h.rpartition("/")[2] for h in html.fromstring(page.text).xpath(
        "//article//h2/a/@href")]


def test_a_day_narrowed_to_a_category_or_an_archive(site):
    with site.client() as c:
        day = "/papers/date/2025-03-14"
        assert _listed(c.get(day)) == ["2503.00003", "2503.00002", "2503.00004", "2503.00001"]
        assert _listed(c.get(day, params={"category": "cs.LG"})) == ["2503.00002", "2503.00001"]
        assert _listed(c.get(day, params={"category": "cs.lg"})) == ["2503.00002", "2503.00001"]
        assert _listed(c.get(day, params={"category": "cs"})) == [
            "2503.00003", "2503.00002", "2503.00001"]
        assert _listed(c.get(day, params={"category": "stat"})) == ["2503.00002"]
        empty = c.get(day, params={"category": "hep-th"})
        assert empty.status_code == 200 and "No hep-th papers here." in empty.text
        assert _listed(c.get("/papers/date/2025-03-10", params={"category": "hep-th"})) == [
            "2503.00006"]
        for path in ("/", "/trending", day):  # a category no paper has
            missing = c.get(path, params={"category": "cs.XX"})
            assert missing.status_code == 404 and "no paper here is in cs.XX" in missing.text
        # a feed reader subscribed to it gets an empty feed, which fills when papers come
        empty_feed = c.get("/feeds/daily.rss", params={"category": "cs.XX"})
        assert empty_feed.status_code == 200 and "<channel>" in empty_feed.text
        assert "<item>" not in empty_feed.text


def test_links_of_a_narrowed_feed_keep_the_category(site):
    with site.client() as c:
        page = html.fromstring(c.get("/papers/date/2025-03-14?category=cs.LG").text)
        assert page.xpath("//a[@rel='prev']/@href") == ["/papers/date/2025-03-13?category=cs.LG"]
        assert "/papers/week/2025-W11?category=cs.LG" in page.xpath("//nav//a/@href")
        calendar_days = page.xpath("//section[@class='calendar']//a/@href")
        assert calendar_days == ["/papers/date/2025-03-13?category=cs.LG",
                                 "/papers/date/2025-03-14?category=cs.LG"]
        picked = c.get("/papers/go", params={"date": "2025-03-13", "category": "cs.LG"})
        assert picked.headers["location"] == "/papers/date/2025-03-13?category=cs.LG"
        (clear,) = page.xpath("//a[text()='All categories']/@href")
        assert clear == "/papers/date/2025-03-14"


def test_the_front_page_trending_and_a_paper_page_by_category(site):
    with site.client() as c:
        front = c.get("/", params={"category": "cs.LG"})
        assert _listed(front) == ["2503.00002", "2503.00001", "2503.00005"]
        assert "cs.LG" in html.fromstring(front.text).xpath("string(//h1)")
        assert _listed(c.get("/trending", params={"category": "math"})) == ["2503.00004"]
        assert _listed(c.get("/weekly", params={"category": "hep-th"})) == ["2503.00006"]
        paper = html.fromstring(c.get("/papers/2503.00002").text)
        links = paper.xpath("//p[@class='meta']//a[@class='category']/@href")
        assert links == ["/?category=stat.ML", "/?category=cs.LG"]


def test_rss_and_atom_of_a_category(site):
    with site.client() as c:
        page = html.fromstring(c.get("/papers/date/2025-03-14?category=cs").text)
        assert "/feeds/daily.rss?category=cs" in page.xpath("//nav//a/@href")
        rss = etree.fromstring(c.get("/feeds/daily.rss", params={"category": "cs"}).content)
        assert rss.findtext("channel/title") == \
            "paperwire: Daily papers in cs, Friday, March 14, 2025"
        assert [t.text for t in rss.iterfind("channel/item/title")] == [
            "Vision C", "Learning B", "Learning A"]
        atom = etree.fromstring(c.get("/feeds/trending.atom?category=math").content)
        ns = {"a": "http://www.w3.org/2005/Atom"}
        assert [t.text for t in atom.iterfind("a:entry/a:title", ns)] == ["Geometry D"]
        assert c.get("/feeds/daily.rss", params={"category": "cs.%"}).status_code == 400


@pytest.mark.parametrize("bad", ["cs.L%", "cs LG", "' OR 1=1 --", "x" * 81, "CS"])
def test_a_malformed_category_is_refused_clearly(site, bad):
    with site.client() as c:
        for path in ("/", "/weekly", "/trending", "/papers/date/2025-03-14", "/papers/go",
                     "/feeds/daily.rss"):
            r = c.get(path, params={"category": bad})
            assert r.status_code in (400, 422), (path, r.status_code)
            assert "category" in r.text


def test_trending_ends_at_the_newest_upvoted_paper_external_or_local(site):
    with site.client() as c:
        # the April paper has no votes: trending is the month up to March 14's upvoted papers
        assert _listed(c.get("/trending"))[:2] == ["2503.00003", "2503.00002"]
        assert "2504.00007" not in _listed(c.get("/trending"))
        sign_up(c, "voter")
        pid = site.query("SELECT pid FROM papers WHERE arxiv_id = '2504.00007'")[0][0]
        assert c.post(f"/p/{pid}/upvote", data={"csrf": csrf_of(c, "/")}).status_code == 303
        assert _listed(c.get("/trending")) == ["2504.00007"]  # March 14 is past its window


def test_the_categories_offered_are_counted_again_while_pages_go_on(library, monkeypatch):
    """The category filter's list is counted anew in a thread of its own when it is old
    (services/discovery/feed.py): the page asking gets the last count at once, and a
    category new since then is offered as soon as the recount is done."""
    from paperwire.domain import Paper
    from paperwire.ingest import ingest
    from paperwire.services.discovery import feed
    from tests.waiting import wait_until

    def papers(n: int, category: str) -> list[Paper]:
        return [Paper(title=f"{category} paper {i}", arxiv_id=f"2503.{n + i:05d}",
                      abstract="x", categories=[category], sources=["test"])
                for i in range(3)]

    ingest(library.store, papers(0, "cs.LG"))
    assert feed.store_categories(library) == ["cs", "cs.LG"]
    ingest(library.store, papers(10, "math.AG"))
    assert feed.store_categories(library) == ["cs", "cs.LG"]  # within ten minutes: as was
    monkeypatch.setattr(feed, "CATEGORIES_EVERY", 0)
    assert feed.store_categories(library) == ["cs", "cs.LG"]  # old: recounted, not waited on
    wait_until(lambda: "math.AG" in feed.store_categories(library), "math.AG is offered")
    assert feed.store_categories(library) == ["cs", "cs.LG", "math", "math.AG"]
