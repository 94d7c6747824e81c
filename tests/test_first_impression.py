"""What a new user sees first: full front and trending pages on the demo corpus, a thin
day widened to its week, undated papers listed on the day they arrived, said so."""

from __future__ import annotations

import os
import re

from paperwire import clock
from tests.servers import Site

ITEM = re.compile(r'<article class="item"')


def _papers(n: int, published: str, first: int = 0, upvotes: int = 0) -> list[dict]:
    return [{"arxiv_id": f"2503.{first + i:05d}", "title": f"Paper number {first + i} on "
             "graph learning", "abstract": f"Abstract {first + i}.", "published": published,
             "upvotes": upvotes} for i in range(n)]


def test_a_thin_day_widens_to_its_week_and_says_so(tmp_path):
    records = _papers(2, "2025-03-14") + _papers(11, "2025-03-11", first=100, upvotes=2)
    with Site.with_papers(tmp_path, records) as site:
        with site.client() as c:
            front = c.get("/").text
            api = c.get("/api/daily_papers").json()
            day = c.get("/papers/date/2025-03-14").text
        assert len(ITEM.findall(front)) == 13 and len(api) == 13
        assert "The latest day, March 14, 2025, has only 2 papers, so here is its week." in front
        assert "Week of March 10, 2025" in front
        assert len(ITEM.findall(day)) == 2  # asked for by date: the day as it is


def test_undated_papers_are_listed_on_the_day_they_arrived_and_marked_added(tmp_path):
    undated = [{"title": "A listing entry without any date", "abstract": "Seen on a listing."}]
    with Site.with_papers(tmp_path, undated) as site:
        today = clock.today()
        with site.client() as c:
            page = c.get(f"/papers/date/{today.isoformat()}").text
        assert "A listing entry without any date" in page
        assert f"added {today.strftime('%b %-d, %Y')}" in page


def test_an_empty_site_explains_how_to_load_data(tmp_path):
    with Site(tmp_path / "s.db", dict(os.environ)) as site:
        with site.client() as c:
            front = c.get("/").text
            trending = c.get("/trending").text
        for page in (front, trending):
            assert "paperwire harvest arxiv" in page and "paperwire worker" in page


def test_the_demo_corpus_fills_the_front_page_and_trending(tmp_path, shared, model_dir):
    env = dict(os.environ, PAPERWIRE_MODEL_DIR=str(model_dir))
    with Site(tmp_path / "demo.db", env) as site:
        site.cli("demo", "--shared", str(shared))
        with site.client() as c:
            pages = {path: c.get(path).text for path in ("/", "/trending", "/weekly",
                                                         "/monthly")}
            api = c.get("/api/daily_papers").json()
        for path, html in pages.items():
            assert len(ITEM.findall(html)) >= 10, path
        assert len(api) >= 10
        # trending ranks papers that have votes: its first entries carry them
        first = re.search(r'class="count">(\d+)<', pages["/trending"])
        assert first and int(first.group(1)) > 0


def test_without_the_demo_corpus_or_a_network_it_says_so_in_one_sentence(cli, tmp_path,
                                                                           monkeypatch):
    monkeypatch.setenv("PAPERWIRE_OAI_URL", "http://127.0.0.1:9/oai")
    result = cli("demo", "--shared", str(tmp_path / "nothing"))
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("No demo corpus in")
    assert lines[1].startswith("No network (arxiv could not be reached")
    assert lines[1].endswith("the site starts empty, and its front page says how to load "
                             "papers.") and len(lines) == 2


def test_without_the_demo_corpus_it_offers_to_harvest_a_week(cli, tmp_path, monkeypatch,
                                                            model_dir):
    from datetime import timedelta

    from tests.replay import HfDays, OaiList, Replay, hf_item

    oai = Replay(OaiList(pages=2, per_page=6))
    yesterday = clock.today() - timedelta(days=1)
    hf = Replay(HfDays({yesterday.isoformat(): [hf_item(3, yesterday, 9), hf_item(99, yesterday)]}),
                content_type="application/json")
    monkeypatch.setenv("PAPERWIRE_OAI_URL", oai.url + "/oai")
    monkeypatch.setenv("PAPERWIRE_HF_URL", hf.url)
    monkeypatch.setenv("PAPERWIRE_ARXIV_INTERVAL", "0")
    monkeypatch.setenv("PAPERWIRE_HF_INTERVAL", "0")
    try:
        offered = cli("demo", "--shared", str(tmp_path / "nothing"), "--no-harvest")
        assert "Harvest the last 7 days of cs.LG from arXiv and Hugging Face: about 7,700 " \
               "papers, about" in offered.output and "paperwire demo --harvest" in offered.output
        harvested = cli("demo", "--shared", str(tmp_path / "nothing"), "--harvest")
    finally:
        oai.close(), hf.close()
    assert "arxiv-oai:cs:cs:LG: 2 pages, 12 added" in harvested.output
    assert "hf: 7 pages, 1 added, 1 updated" in harvested.output
    set_request = next(p for _, p in oai.hits if "Identify" not in p)
    assert "set=cs%3Acs%3ALG" in set_request
    assert f"from={(clock.today() - timedelta(days=7)).isoformat()}" in set_request
