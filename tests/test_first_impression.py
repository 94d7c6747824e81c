"""What a new user sees first: full front and trending pages on the demo corpus, a thin
day widened to its week, undated papers listed on the day they arrived, said so."""

from __future__ import annotations

import json
import os
import re

from paperwire import clock
from paperwire.services.intake import demo
from tests.conftest import write_jsonl
from tests.servers import Site, csrf_of, sign_up

ITEM = re.compile(r'<article class="item"')


def _archive(shared):
    """(listing day, items) of the demo archive up to today, by paperwire's clock."""
    return [(day, json.loads(path.read_text())) for day, path in demo.archive_days(shared)
            if day <= clock.today()]


def _newest_archive_day(shared):
    return _archive(shared)[-1]


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


def test_the_demo_corpus_fills_the_front_page_and_trending(tmp_path, shared):
    with Site(tmp_path / "demo.db", dict(os.environ)) as site:
        site.cli("demo", "--shared", str(shared), "--no-embed")
        with site.client() as c:
            pages = {path: c.get(path).text for path in ("/", "/trending", "/weekly",
                                                         "/monthly")}
            api = c.get("/api/daily_papers").json()
    # the front page is the archive's newest listing day (up to today: 2026-08-21 when the
    # clock is true), by upvotes, with authors and votes
    day, items = _newest_archive_day(shared)
    assert f"<h1>{day.strftime('%A, %B %-d, %Y')}</h1>" in pages["/"]
    for path, html in pages.items():
        assert len(ITEM.findall(html)) >= 10, path
    top = max(items, key=lambda item: item["paper"]["upvotes"])["paper"]
    assert api[0]["paper"]["id"] == top["id"] and api[0]["paper"]["upvotes"] == top["upvotes"]
    assert len(api[0]["paper"]["authors"]) == len(top["authors"]) > 0
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


TRENDING_ID = re.compile(r'<article class="item"[^>]*>.*?href="/papers/([^"]+)"', re.S)


def test_a_few_local_votes_on_other_eras_leave_trending_to_the_archives_recent_papers(
        tmp_path, shared):
    undated = [{"title": "A listing entry without any date", "abstract": "Seen on a listing."}]
    with Site(tmp_path / "demo.db", dict(os.environ)) as site:
        site.cli("demo", "--shared", str(shared), "--no-embed")
        site.cli("import", str(write_jsonl(tmp_path / "undated.jsonl", undated)))
        with site.client() as c:
            before = TRENDING_ID.findall(c.get("/trending").text)[:10]
            sign_up(c, "ada")
            token = csrf_of(c, "/")
            undated_id = site.query("SELECT local_key FROM papers WHERE arxiv_id IS NULL "
                                    "AND published IS NULL")[0][0]
            for ident in ("2405.15738", "2405.15574", undated_id):  # May 2024, and no date
                voted = c.post(f"/api/papers/{ident}/upvote", json={"up": True},
                               headers={"X-CSRF-Token": token})
                assert voted.status_code == 200, voted.text
            after = TRENDING_ID.findall(c.get("/trending").text)[:10]
    assert len(before) == 10 and after == before
    # all of them listed in the month up to the archive's newest listing day
    newest, _ = _newest_archive_day(shared)
    listed = {item["paper"]["id"]: day for day, items in _archive(shared) for item in items}
    assert all(0 <= (newest - listed[ident]).days <= 30 for ident in before)


def test_while_papers_are_being_embedded_the_site_says_how_far_it_has_got(tmp_path, model_dir):
    first = [{"arxiv_id": f"2501.0000{n}", "title": f"Graph study {n}",
              "abstract": f"Graphs and their spectra, case {n}."} for n in range(3)]
    later = [{"arxiv_id": f"2501.0001{n}", "title": f"Graph sequel {n}",
              "abstract": f"More graphs, case {n}."} for n in range(2)]
    env = dict(os.environ, PAPERWIRE_MODEL_DIR=str(model_dir))
    with Site(tmp_path / "s.db", env) as site:
        site.cli("import", str(write_jsonl(tmp_path / "first.jsonl", first)))
        with site.client() as c:
            assert "Similar papers appear as papers are embedded: 0 of 3 so far" in \
                c.get("/papers/2501.00001").text
        site.cli("embed")
        site.cli("import", str(write_jsonl(tmp_path / "later.jsonl", later)))
        with site.client() as c:
            search = c.get("/search", params={"q": "graph"}).text
            waiting = c.get("/papers/2501.00010").text
        assert "Search by meaning reaches 3 of 5 papers so far" in search
        assert "Search by words reaches all of them" in search
        # a paper not embedded yet still has its neighbours among those that are
        assert "Similar papers appear" not in waiting and "Graph study 1" in waiting
        site.cli("embed")
        with site.client() as c:
            done = c.get("/search", params={"q": "graph", "sort": "date"}).text
        assert "Search by meaning reaches" not in done and "5 papers match" in done
