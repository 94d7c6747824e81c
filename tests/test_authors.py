"""Author pages: every author's name links to their papers, newest first, matching the
ways one name is written and not another author who shares a surname and an initial."""

from __future__ import annotations

import os
from urllib.parse import quote

import pytest
from lxml import html

from tests.servers import Site, csrf_of, sign_up

XSS = '<script>alert(1)</script> Smith'
RECORDS = [
    {"arxiv_id": "2501.00001", "title": "Energy-based models", "abstract": "Energy.",
     "authors": ["Yann LeCun", "Ada Lovelace"], "published": "2025-01-10"},
    {"arxiv_id": "2502.00002", "title": "Self-supervised vision", "abstract": "Vision.",
     "authors": ["Y. LeCun"], "published": "2025-02-10"},
    {"arxiv_id": "2412.00003", "title": "Convolutional networks", "abstract": "Convolutions.",
     "authors": ["LeCun, Yann"], "published": "2024-12-01"},
    {"arxiv_id": "2503.00004", "title": "Another LeCun", "abstract": "Not Yann.",
     "authors": ["Yves LeCun"], "published": "2025-03-01"},
    {"arxiv_id": "2503.00005", "title": "Surname and initial from two people", "abstract": "X.",
     "authors": ["Yann Dauphin", "Bob LeCun"], "published": "2025-03-02"},
    {"arxiv_id": "2503.00006", "title": "Hidden by a moderator", "abstract": "Hidden.",
     "authors": ["Yann LeCun"], "published": "2025-03-03"},
    {"arxiv_id": "2503.00007", "title": "Markup in a name", "abstract": "Escaped.",
     "authors": [XSS], "published": "2025-03-04"},
    *({"arxiv_id": f"2504.{i:05d}", "title": f"Compilers, part {i}", "abstract": "Code.",
       "authors": ["Grace Hopper"], "published": f"2025-04-{i:02d}"} for i in range(1, 31)),
    *({"arxiv_id": f"2505.{i:05d}", "title": f"Compilers, part {30 + i}", "abstract": "Code.",
       "authors": ["G. Hopper"], "published": f"2025-05-{i:02d}"} for i in range(1, 6)),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("authors")
    with Site.with_papers(folder, RECORDS, dict(os.environ)) as running:
        moderator = running.client()
        sign_up(moderator, "mod")
        running.cli("user", "admin", "mod")
        hidden = running.query("SELECT pid FROM papers WHERE arxiv_id = '2503.00006'")[0][0]
        r = moderator.post(f"/p/{hidden}/hide", data={"csrf": csrf_of(moderator, "/")})
        assert r.status_code == 303
        moderator.close()
        yield running


def _listed(page_html: str) -> list[str]:
    tree = html.fromstring(page_html)
    return [href.rpartition("/")[2] for href in tree.xpath("//article//h2/a/@href")]


def test_an_author_name_on_a_paper_leads_to_their_papers_newest_first(site):
    with site.client() as c:
        paper = html.fromstring(c.get("/papers/2501.00001").text)
        (link,) = paper.xpath("//p[@class='meta']//a[text()='Yann LeCun']/@href")
        assert link == "/authors/Yann%20LeCun"
        page = c.get(link)
        assert page.status_code == 200
        # "Y. LeCun" and "LeCun, Yann" are him; Yves LeCun, two people sharing his surname
        # and initial, and a hidden paper are not
        assert _listed(page.text) == ["2502.00002", "2501.00001", "2412.00003"]
        assert "3 papers, newest first" in page.text
        # a paper signed "Y. LeCun" may be either man's, so it is on both pages
        assert _listed(c.get("/authors/Yves LeCun").text) == ["2503.00004", "2502.00002"]
        assert _listed(c.get("/authors/Y. LeCun").text) == [
            "2503.00004", "2502.00002", "2501.00001", "2412.00003"]


def test_author_pages_page_through_many_papers(site):
    with site.client() as c:
        first = c.get("/authors/Grace Hopper").text
        assert len(_listed(first)) == 30 and "35 papers" in first
        assert _listed(first)[0] == "2505.00005"
        (more,) = html.fromstring(first).xpath("//a[text()='More papers →']/@href")
        rest = _listed(c.get("/authors/Grace Hopper" + more).text)
        assert rest == [f"2504.{i:05d}" for i in range(5, 0, -1)]


def test_unknown_blank_hostile_and_overlong_names_get_clear_answers(site):
    with site.client() as c:
        assert c.get("/authors/Nobody Known").status_code == 404
        assert c.get("/authors/%21%21").status_code == 400
        assert c.get("/authors/" + "x" * 500).status_code == 404
        page = c.get("/authors/" + quote(XSS, safe=""))
        assert page.status_code == 200 and "<script>alert(1)" not in page.text
        assert _listed(page.text) == ["2503.00007"]
        assert "<script>alert(1)" not in c.get("/papers/2503.00007").text


def test_a_signed_in_reader_follows_an_author_from_the_page(site):
    with site.client() as c:
        assert "Follow" not in html.fromstring(c.get("/authors/Grace Hopper").text).xpath(
            "//button/text()")
        sign_up(c, "reader")
        page = html.fromstring(c.get("/authors/Grace Hopper").text)
        (form,) = page.xpath("//form[@action='/follows']")
        fields = {i.get("name"): i.get("value") for i in form.xpath(".//input")}
        assert fields["kind"] == "author" and fields["value"] == "Grace Hopper"
        assert c.post("/follows", data=fields).status_code == 303
        assert "Grace Hopper" in c.get("/following").text
        again = html.fromstring(c.get("/authors/Grace Hopper").text)
        assert not again.xpath("//form[@action='/follows']")
        (button,) = again.xpath("//form[starts-with(@action, '/follows/')]//button")
        assert button.text == "✓ Following" and button.get("aria-pressed") == "true"
