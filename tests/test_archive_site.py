"""The site on the demo archive (Hugging Face's own daily papers, ../shared): feeds page
through every paper, counts and dates agree between lists and paper pages, and filters
offer only what the store holds."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import SHARED
from tests.servers import Site

ITEM_ID = re.compile(r'<article class="item" id="paper-\d+">.*?href="/papers/([^"#]+)"', re.S)


@pytest.fixture(scope="module")
def archive_site(tmp_path_factory):
    if not (SHARED / "fixtures/hf-daily-archive").is_dir():
        pytest.skip(f"the demo archive is not in {SHARED} (CI always provides it)")
    with Site.with_archive(tmp_path_factory.mktemp("archive")) as site:
        yield site


def _ids(html: str) -> list[str]:
    return ITEM_ID.findall(html)


@pytest.mark.parametrize("path", ["/weekly", "/monthly", "/trending", "/papers/month/2026-07"])
def test_every_list_pages_through_its_papers_and_says_when_they_end(archive_site, path):
    with archive_site.client() as c:
        first, second = c.get(path).text, c.get(path, params={"page": 1}).text
        beyond = c.get(path, params={"page": 99})
    assert len(_ids(first)) == 30 and _ids(second), path
    assert not set(_ids(first)) & set(_ids(second)), "the second page repeats the first"
    assert f'href="{path}?page=1" rel="next">More papers' in first
    assert f'href="{path}" rel="prev">← Previous papers' in second
    assert beyond.status_code == 200 and not _ids(beyond.text)
    assert "No more papers here" in beyond.text and "More papers" not in beyond.text


def test_comment_counts_say_which_are_here_and_which_are_on_hugging_face(archive_site):
    item = next(i for i in json.loads(
        (SHARED / "fixtures/hf-daily-archive/2026-08-21.json").read_text()) if i["numComments"])
    ident, theirs = item["paper"]["id"], item["numComments"]
    with archive_site.client() as c:
        front, page = c.get("/").text, c.get(f"/papers/{ident}").text
    on_hf = f'{theirs} on Hugging Face</a>'
    card = front[front.index(f'href="/papers/{ident}"'):][:3000]
    assert "0 comments</a>" in card and on_hf in card
    assert "0 comments</a>" in page and on_hf in page and "Comments (0)" in page


def test_a_list_shows_the_date_the_paper_page_shows(archive_site):
    with archive_site.client() as c:
        front = c.get("/").text
        for ident in _ids(front)[:5]:
            card = front[front.index(f'href="/papers/{ident}"'):][:3000]
            shown = re.search(r"(\w{3} \d{1,2}, \d{4}) ·", card).group(1)
            assert f"listed {shown}" in c.get(f"/papers/{ident}").text, ident


def test_the_category_filter_offers_only_categories_papers_here_have(archive_site):
    with archive_site.client() as c:
        page = c.get("/").text
    offered = re.findall(r'<option value="([^"]+)">', page.split('<datalist id="categories">')[1]
                         .split("</datalist>")[0])
    snapshot = Path(SHARED / "fixtures/arxiv-snapshot/first-200.jsonl").read_text().splitlines()
    present = {c for line in snapshot for c in json.loads(line)["categories"].split()}
    present |= {c.split(".")[0] for c in present}
    assert offered and set(offered) <= present
    assert "cs.LG" not in offered, "no paper of the archive has a category (the API has none)"
    with archive_site.client() as c:
        for category in offered[:5]:
            assert c.get("/", params={"category": category}).status_code == 200, category
