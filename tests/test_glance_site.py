"""Each card at a glance, on the running site: the code link the abstract gives where
Hugging Face gave none, the venue chip and its page, the "has code" filter on feeds and
search, keyword chips that search and a one-line gist once papers are embedded, and
Hugging Face's own keywords and summary shown as theirs. Records written by the tests."""

from __future__ import annotations

import json
import re

import pytest

from paperwire.ingest import ingest
from paperwire.services.intake import embed as embed_service
from paperwire.sources.native import parse_jsonl
from tests.conftest import write_jsonl
from tests.servers import Site

MOE = {
    "arxiv_id": "2601.00001", "title": "Sparse expert routing for long-context language models",
    "abstract": "Long contexts make dense transformers slow. We route each token to a few "
                "experts chosen by a learned sparse router, which keeps the cost of "
                "attention flat as the context grows. On long-document question answering "
                "the sparse router matches dense models at a third of the compute. Code: "
                "https://github.com/lab/moe-route.git.",
    "comment": "Accepted at ICLR 2026; 20 pages", "published": "2025-11-13",
    "categories": "cs.CL", "upvotes": 9}
GRAPHS = {
    "arxiv_id": "2601.00002", "title": "Message passing on hypergraphs for molecule design",
    "abstract": "Molecules are hypergraphs of atoms and rings. We propose hypergraph message "
                "passing networks that generate molecules ring by ring, and show they produce "
                "more valid and novel molecules than graph baselines.",
    "comment": "NeurIPS 2025 (spotlight)", "published": "2025-11-13", "categories": "cs.LG",
    "upvotes": 5}
REVIEW = {
    "arxiv_id": "2601.00003", "title": "A survey of language model evaluation",
    "abstract": "We survey how language models are evaluated, from benchmarks to human "
                "preference, and argue for evaluations that report their uncertainty.",
    "comment": "Under review at ICLR 2026", "published": "2025-11-13", "categories": "cs.CL",
    "upvotes": 3}
HF_CODE = {
    "arxiv_id": "2601.00004", "title": "Fast tokenizers for language models in Rust",
    "abstract": "We describe a tokenizer library for language models written in Rust.",
    "code_url": "https://github.com/hf/tokenizers", "published": "2025-11-13",
    "categories": "cs.CL", "upvotes": 1}
RECORDS = [MOE, GRAPHS, REVIEW, HF_CODE]


def _card(html: str, arxiv_id: str) -> str:
    start = html.index(f'href="/papers/{arxiv_id}"')
    end = html.find("</article>", start)
    return html[start:end]


def _listed(html: str) -> set[str]:
    return set(re.findall(r'<article class="item[^"]*" id="paper-\d+">.*?href="/papers/([^"]+)"',
                          html, re.S))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with Site.with_papers(tmp_path_factory.mktemp("glance"), RECORDS) as s:
        yield s


def test_a_card_links_the_code_its_abstract_gives_and_prefers_hugging_faces(site):
    with site.client() as c:
        front = c.get("/").text
    assert 'class="code" href="https://github.com/lab/moe-route"' in _card(front, MOE["arxiv_id"])
    assert 'class="code" href="https://github.com/hf/tokenizers"' in _card(front,
                                                                           HF_CODE["arxiv_id"])
    assert 'class="code"' not in _card(front, GRAPHS["arxiv_id"])


def test_the_venue_is_a_chip_that_opens_the_venues_page(site):
    with site.client() as c:
        front = c.get("/").text
        venue = c.get("/venues/ICLR-2026")
        folded = c.get("/venues/iclr-2026")
        unknown = c.get("/venues/ICML-1999")
        venues = c.get("/venues").text
    moe, graphs = _card(front, MOE["arxiv_id"]), _card(front, GRAPHS["arxiv_id"])
    assert '<li class="venue"><a href="/venues/ICLR-2026"' in moe and ">ICLR 2026</a>" in moe
    assert ">NeurIPS 2025 · spotlight</a>" in graphs
    assert 'class="venue"' not in _card(front, REVIEW["arxiv_id"]), "under review is no venue"
    assert venue.status_code == 200 and "<h1>ICLR 2026</h1>" in venue.text
    assert _listed(venue.text) == {MOE["arxiv_id"]}
    assert _listed(folded.text) == {MOE["arxiv_id"]}
    assert unknown.status_code == 404
    assert 'href="/venues/ICLR-2026">ICLR 2026</a> 1' in venues
    assert 'href="/venues/NeurIPS-2025">NeurIPS 2025</a> 1' in venues


def test_has_code_narrows_feeds_and_search_and_stays_on_their_links(site):
    with site.client() as c:
        feed = c.get("/", params={"code": "1"}).text
        week = c.get("/papers/week/2025-W46", params={"code": "1"}).text
        trending = c.get("/trending", params={"code": "1"}).text
        found = c.get("/search", params={"q": "language models", "code": "1"}).text
        everything = c.get("/search", params={"q": "language models"}).text
        at_venue = c.get("/", params={"venue": "NeurIPS-2025"}).text
    with_code = {MOE["arxiv_id"], HF_CODE["arxiv_id"]}
    assert _listed(feed) == with_code and _listed(week) == with_code
    assert _listed(trending) == with_code
    assert 'name="code" value="1" checked' in feed
    assert _listed(found) == with_code
    assert REVIEW["arxiv_id"] in _listed(everything)
    assert _listed(at_venue) == {GRAPHS["arxiv_id"]}


def test_the_api_adds_the_glance_under_its_own_name_and_keeps_hugging_faces_fields(site):
    with site.client() as c:
        ours = c.get(f"/api/papers/{MOE['arxiv_id']}").json()
        theirs = c.get(f"/api/papers/{HF_CODE['arxiv_id']}").json()
    paper = ours
    assert paper["githubRepo"] is None, "HF's field says what HF said: nothing"
    assert paper["glance"]["codeUrl"] == "https://github.com/lab/moe-route"
    assert paper["glance"]["codeBy"] == "paperwire"
    assert (paper["glance"]["venue"], paper["glance"]["venueKey"]) == ("ICLR 2026", "ICLR-2026")
    other = theirs
    assert other["githubRepo"] == "https://github.com/hf/tokenizers"
    assert other["glance"]["codeBy"] == "Hugging Face"


def _hf_day(tmp_path):
    item = {"paper": {"id": "2601.00005", "title": "Video diffusion with causal attention",
                      "summary": "We make video diffusion models causal. They stream frames "
                                 "one at a time and keep long-range consistency.",
                      "publishedAt": "2025-11-13T00:00:00.000Z", "upvotes": 2,
                      "authors": [{"name": "A. Author"}],
                      "ai_keywords": ["video diffusion", "causal attention", "streaming"],
                      "ai_summary": "Causal video diffusion streams frames one by one."},
            "publishedAt": "2025-11-13T00:00:00.000Z", "title": "Video diffusion with causal "
            "attention", "numComments": 0}
    path = tmp_path / "2025-11-13.json"
    path.write_text(json.dumps([item]))
    return path


def test_once_embedded_cards_carry_keywords_that_search_and_a_gist(tmp_path, model_dir):
    with Site.with_papers(tmp_path, RECORDS) as s:
        s.cli("import", str(_hf_day(tmp_path)))
        with s.client() as c:  # the paper page (the front page is cached for seconds)
            before = c.get(f"/papers/{MOE['arxiv_id']}").text
        assert "Gist (" not in before and "/search?q=" not in before
        out = s.cli("embed").stdout
        assert "keywords and a gist for 5" in out
        with s.client() as c:
            front = c.get("/").text
            paper = c.get(f"/papers/{MOE['arxiv_id']}").text
            chips = re.findall(r'<li><a href="(/search\?q=[^"]+)">([^<]+)</a></li>',
                               _card(front, MOE["arxiv_id"]))
            searched = c.get(chips[0][0].replace("&amp;", "&")).text
    moe = _card(front, MOE["arxiv_id"])
    gist = re.search(r'<p class="gist"><span class="by">Gist:</span> ([^<]+)</p>', moe)
    assert gist and gist.group(1).rstrip("…")[:40] in MOE["abstract"]
    assert 3 <= len(chips) <= 6
    assert any("router" in k.lower() or "expert" in k.lower() for _, k in chips), chips
    assert MOE["arxiv_id"] in _listed(searched), "a keyword chip finds its paper"
    assert "Gist (the abstract's central sentence):" in paper
    hf = _card(front, "2601.00005")
    assert "AI summary by Hugging Face:</span> Causal video diffusion streams" in hf
    assert ">video diffusion</a>" in hf and "keywords by Hugging Face" in hf


def test_the_embed_step_fills_glances_for_new_papers_and_rows_stored_before_them(
        model_dir, library, tmp_path):
    """The worker's embed step (embed_pending) makes keyphrases for papers harvested since
    the last run, and reads code and venue again for rows written before migration 0010."""
    with write_jsonl(tmp_path / "p.jsonl", RECORDS).open("rb") as fp:
        papers = list(parse_jsonl(fp))
    ingest(library.store, papers)
    library.store.sql.transaction(lambda db: db.execute(  # as a store before migration 0010
        "UPDATE papers SET code_found = NULL, venue = NULL, venue_key = NULL, found_v = NULL"))
    assert library.glance.venues() == []
    report = embed_service.embed_pending(library)
    assert report.glanced == len(RECORDS)
    assert [v.key for v in library.glance.venues()] == ["ICLR-2026", "NeurIPS-2025"]
    made = library.glance.made_for([sp.pid for sp in library.store.latest(10)])
    assert all(m.keywords and m.gist for m in made.values()) and len(made) == len(RECORDS)
    again = embed_service.embed_pending(library)
    assert again.glanced == 0, "nothing is made twice for an unchanged text"
