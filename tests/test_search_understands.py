# ruff: noqa: F811 - the browser fixture, imported, is a test's argument
"""Search that understands what people paste (issue 19, item 4), on the demo archive: an
id, an arXiv or Hugging Face URL or a DOI opens the paper (or says it is not here and
offers to submit it); an author's name typed plainly finds their papers; a misspelled word
gets "did you mean" from the index's own words; a pasted abstract is searched by meaning."""

from __future__ import annotations

import json
import os
from urllib.parse import quote

import pytest

from tests.conftest import SHARED
from tests.servers import Site, sign_up
from tests.test_browser import browser  # noqa: F401 - the fixture

ARCHIVE = SHARED / "fixtures/hf-daily-archive"
MOA = "2406.14909"  # MoA: Mixture of Sparse Attention…, listed 2024-06-28
SNAPSHOT_DOI = ("0704.0001", "10.1103/PhysRevD.76.013009")


@pytest.fixture(scope="module")
def archive_site(tmp_path_factory):
    if not ARCHIVE.is_dir():
        pytest.skip(f"the demo archive is not in {SHARED} (CI always provides it)")
    with Site(tmp_path_factory.mktemp("archive") / "demo.db", dict(os.environ)) as site:
        site.cli("demo", "--shared", str(SHARED), "--no-embed")
        yield site


@pytest.mark.parametrize("pasted", [
    MOA, f"arXiv:{MOA}", f"https://arxiv.org/abs/{MOA}v2", f"arxiv.org/pdf/{MOA}.pdf",
    f"https://arxiv.org/abs/{MOA}?context=cs", f"https://huggingface.co/papers/{MOA}",
    f"huggingface.co/papers/{MOA}#community", f"10.48550/arXiv.{MOA}",
    f"https://doi.org/10.48550/arXiv.{MOA}"])
def test_a_pasted_id_url_or_doi_opens_the_paper(archive_site, pasted):
    with archive_site.client() as c:
        r = c.get("/search", params={"q": f"  {pasted} "})
    assert r.status_code == 303 and r.headers["location"] == f"/papers/{MOA}"


def test_a_pasted_doi_opens_the_paper_that_has_it(archive_site):
    ident, doi = SNAPSHOT_DOI
    with archive_site.client() as c:
        for q in (doi, doi.lower(), f"https://doi.org/{doi}", f"doi:{doi}"):
            r = c.get("/search", params={"q": q})
            assert r.status_code == 303 and r.headers["location"] == f"/papers/{ident}", q


def test_a_paper_that_is_not_here_is_said_so_and_offered_for_submitting(archive_site):
    with archive_site.client() as c:
        page = c.get("/search", params={"q": "https://arxiv.org/abs/2601.99999"}).text
        assert "arXiv:2601.99999 is not here yet" in page
        assert 'href="/signin?next=/submit%3Fpaper%3D2601.99999">Sign in to submit it' in page
        sign_up(c, "paster")
        page = c.get("/search", params={"q": "2601.99999"}).text
        assert 'href="/submit?paper=2601.99999">Submit it</a>' in page
        assert 'value="2601.99999"' in c.get("/submit?paper=2601.99999").text  # filled in
        doi = c.get("/search", params={"q": "10.1000/not-here.42"}).text
        assert "No paper here has the DOI 10.1000/not-here.42" in doi


def test_an_author_typed_plainly_finds_their_papers(archive_site):
    with archive_site.client() as c:
        page = c.get("/search", params={"q": "Xunhao Lai"}).text
        topic = c.get("/search", params={"q": "sparse attention"}).text
    section = page.split('class="by-author"')[1].split("</section>")[0]
    assert 'Papers by <a href="/authors/Xunhao%20Lai">Xunhao Lai</a> (2)' in section
    assert 'href="/papers/2605.26494"' in section  # The MiniMax-M2 Series, by them
    assert 'class="by-author"' not in topic  # words that are no one's name list no one


@pytest.mark.parametrize(("typed", "meant"), [
    ("difusion modles", "diffusion model"), ("halucination", "hallucination"),
    ("retreival augmented generaton", "retrieval augmented generation")])
def test_a_misspelled_query_gets_did_you_mean_from_the_index_words(archive_site, typed, meant):
    with archive_site.client() as c:
        page = c.get("/search", params={"q": typed}).text
        right = c.get("/search", params={"q": meant}).text
    assert f'Did you mean <a href="/search?q={quote(meant)}">{meant}</a>?' in page
    assert "Did you mean" not in right


def test_the_api_keeps_its_limit_for_q_and_says_so_in_json(archive_site):
    with archive_site.client() as c:
        r = c.get("/api/papers/search", params={"q": "word " * 60})
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/json")
    assert "250" in r.json()["error"] and "q" in r.json()["error"]


@pytest.fixture(scope="module")
def embedded_site(tmp_path_factory, model_dir):
    """Two of the archive's days, embedded: search by meaning needs vectors."""
    if not ARCHIVE.is_dir():
        pytest.skip(f"the demo archive is not in {SHARED} (CI always provides it)")
    folder = tmp_path_factory.mktemp("embedded")
    env = dict(os.environ, PAPERWIRE_MODEL_DIR=str(model_dir))
    with Site(folder / "site.db", env) as site:
        for day in ("2024-06-28", "2025-12-09"):
            site.cli("import", str(ARCHIVE / f"{day}.json"))
        site.cli("embed")
        yield site


def _abstract(day: str, ident: str) -> str:
    item = next(i for i in json.loads((ARCHIVE / f"{day}.json").read_text())
                if i["paper"]["id"] == ident)
    return " ".join(item["paper"]["summary"].split())


@pytest.mark.parametrize("width", [1280, 390])
def test_a_pasted_abstract_is_searched_by_meaning(browser, embedded_site, width):
    abstract = _abstract("2024-06-28", MOA)
    assert len(abstract) > 1000
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(embedded_site.url + "/")
    box = page.locator("header input[name=q]")
    box.fill(abstract)
    assert box.input_value() == abstract, "the search box cut the pasted text"
    box.press("Enter")
    page.wait_for_url("**/search?q=*")
    assert "found by meaning" in page.locator("main .note").all_inner_texts()[-1]
    first = page.locator("article.item h2 a").first
    assert first.get_attribute("href") == f"/papers/{MOA}"
    assert "semantic search" in page.locator("main p.meta").first.inner_text()
    page.context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_in_the_browser_a_pasted_url_opens_the_paper_and_a_name_lists_theirs(
        browser, archive_site, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(archive_site.url + "/")
    page.fill("header input[name=q]", f"https://huggingface.co/papers/{MOA}")
    page.press("header input[name=q]", "Enter")
    page.wait_for_url(f"**/papers/{MOA}")
    assert "MoA: Mixture of Sparse Attention" in page.locator("h1").inner_text()
    page.goto(archive_site.url + "/search")
    page.fill("main input[name=q]", "Xunhao Lai")
    page.press("main input[name=q]", "Enter")
    section = page.locator("section.by-author")
    section.wait_for()
    assert section.locator("article.item").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth - innerWidth") <= 0
    page.context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_similar_papers_are_cards_with_authors_and_votes(browser, embedded_site, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(embedded_site.url + f"/papers/{MOA}")
    cards = page.locator("section.similar article.item")
    assert cards.count() >= 3
    first = cards.first
    assert first.locator("h3 a").get_attribute("href").startswith("/papers/")
    assert first.locator(".meta a.author").count() >= 1
    assert first.locator(".vote .count").inner_text().isdigit()
    assert page.evaluate("document.documentElement.scrollWidth - innerWidth") <= 0
    page.context.close()
