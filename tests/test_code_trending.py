"""Trending by code (issue 23, item 5): a second trending mode beside upvotes by age, papers
ranked by the GitHub stars their code gained this week as the Hugging Face syncs counted
them, each saying how many; both formulas on the page."""

from __future__ import annotations

from datetime import timedelta

import pytest

from paperwire import clock
from tests.servers import Site

TODAY = clock.today()
PAPERS = [{"arxiv_id": f"2611.{n:05d}", "title": f"Study {n} of robot learning",
           "abstract": "Robots learn.", "published": (TODAY - timedelta(days=4)).isoformat(),
           "upvotes": 10 * n} for n in range(1, 5)]
COUNTS = {1: (100, 180), 2: (5, 400), 3: (50, 50)}  # a week ago, today; paper 4: none


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with Site.with_papers(tmp_path_factory.mktemp("stars"), PAPERS) as running:
        for n, counts in COUNTS.items():
            for day, stars in zip((TODAY - timedelta(days=6), TODAY), counts, strict=True):
                running.query("INSERT INTO star_counts (pid, seen_on, stars) SELECT pid, ?, ? "
                              "FROM papers WHERE arxiv_id = ?",
                              (day.isoformat(), stars, f"2611.{n:05d}"))
        yield running


def test_code_activity_ranks_by_stars_gained_and_says_how_many(site):
    with site.client() as c:
        html = c.get("/trending?by=code").text
    order = [html.find(f"Study {n} of") for n in (2, 1)]
    assert -1 < order[0] < order[1], order  # +395 before +80
    assert "+395 GitHub stars this week" in html and "+80 GitHub stars this week" in html
    assert "Study 3 of" not in html and "Study 4 of" not in html  # no growth, no counts
    assert "stars gained on GitHub over the last 7 days" in html
    assert "3 papers with two or more counts this week" in html
    assert 'aria-current="page">By code activity' in html


def test_votes_remain_the_default_mode_with_its_formula(site):
    with site.client() as c:
        html = c.get("/trending").text
    assert "upvotes ÷ (hours since listed + 2)^1.5" in html
    assert 'aria-current="page">By upvotes' in html and 'href="/trending?by=code"' in html
    assert html.find("Study 4 of") < html.find("Study 1 of")  # 40 upvotes before 10


def test_an_unknown_mode_is_a_clear_422(site):
    with site.client() as c:
        r = c.get("/trending?by=stars")
    assert r.status_code == 422 and "by" in r.text
