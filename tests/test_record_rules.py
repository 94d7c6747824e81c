"""What a record may hold on its way into the store (record_rules, applied by ingest to every
record: files, harvests, Hugging Face listings, submissions), seen in what the store keeps."""

import pytest

from paperwire.domain import Paper
from paperwire.ingest import ingest
from paperwire.record_rules import (
    MAX_ABSTRACT,
    MAX_AUTHOR_NAME,
    MAX_AUTHORS,
    MAX_CATEGORIES,
    MAX_COMMENT,
    MAX_TITLE,
)


def stored(library, paper: Paper):
    report = ingest(library.store, [paper], where="in.jsonl")
    found = library.store.find(paper.arxiv_id) if paper.arxiv_id else None
    return report, found.paper if found else None


def test_a_huge_abstract_is_cut_at_the_limit_between_words_and_said_so(library):
    words = "attention " * (5 * MAX_ABSTRACT // 10)
    report, p = stored(library, Paper(title="Long", abstract=words, arxiv_id="2101.00001"))
    assert len(p.abstract) <= MAX_ABSTRACT and p.abstract.endswith("attention…")
    assert words.startswith(p.abstract[:-1])
    assert report.added == 1 and report.warnings == [
        f"in.jsonl: record 1: the abstract of {len(words):,} characters was cut to "
        f"{MAX_ABSTRACT:,}"]


def test_a_title_over_the_limit_is_refused_with_the_reason(library):
    report, p = stored(library, Paper(title="T" * (MAX_TITLE + 1), arxiv_id="2101.00002"))
    assert p is None and report.skipped == 1
    assert "the title has 1,001 characters; at most 1,000" in report.errors[0]


def test_authors_beyond_the_limit_are_counted_and_names_cut(library):
    names = [f"Author {i}" for i in range(MAX_AUTHORS + 500)]
    names[0] = "N" * (MAX_AUTHOR_NAME + 50)
    report, p = stored(library, Paper(title="Collab", authors=names, arxiv_id="2101.00003"))
    assert len(p.authors) == MAX_AUTHORS and p.author_count == MAX_AUTHORS + 500
    assert len(p.authors[0]) == MAX_AUTHOR_NAME and p.authors[0].endswith("…")
    again = ingest(library.store, [Paper(title="Collab", authors=names, arxiv_id="2101.00003")])
    assert again.unchanged == 1, "the same record again changes nothing"


def test_categories_are_arxiv_categories_or_left_out(library):
    wanted = ["cs.LG", 'cs.LG"><script>alert(1)</script>', "hep-th", "physics.atom-ph",
              "math.AG", "<b>", "cs.LG"]
    report, p = stored(library, Paper(title="Cats", categories=wanted, arxiv_id="2101.00004"))
    assert p.categories == ["cs.LG", "hep-th", "physics.atom-ph", "math.AG"]
    assert sum("not an arXiv category" in w for w in report.warnings) == 2
    many = [f"cs.X{chr(65 + i)}" for i in range(MAX_CATEGORIES + 5)]
    _, p = stored(library, Paper(title="Many", categories=many, arxiv_id="2101.00005"))
    assert p.categories == many[:MAX_CATEGORIES]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JaVaScRiPt:alert(1)",
                                 "data:text/html,<script>alert(1)</script>", "vbscript:x",
                                 "//evil.example/x", "https://", "http://a b.example/",
                                 "https://example.org/" + "x" * 2000])
def test_only_http_links_are_stored_as_links(library, url):
    report, p = stored(library, Paper(title="Links", url=url, code_url=url,
                                      arxiv_id="2101.00006"))
    assert (p.url, p.code_url) == (None, None)
    assert len(report.warnings) == 2 and "only http and https links" in report.warnings[0]


def test_web_links_and_dois_are_kept(library):
    _, p = stored(library, Paper(title="Good", url="https://example.org/a?b=1#c",
                                 code_url="http://github.com/x/y", doi="10.1103/PhysRevD.76.1",
                                 arxiv_id="2101.00007"))
    assert (p.url, p.code_url, p.doi) == ("https://example.org/a?b=1#c",
                                          "http://github.com/x/y", "10.1103/PhysRevD.76.1")
    report, p = stored(library, Paper(title="Bad doi", doi="not a doi", arxiv_id="2101.00008"))
    assert p.doi is None and "not a DOI" in report.warnings[0]


def test_control_characters_and_lone_surrogates_never_reach_the_store(library):
    _, p = stored(library, Paper(title="Nul \x00 and \x1b[31m red \ud800", abstract="a\x07b",
                                 authors=["Ada\x00 Lovelace"], comment="\uffff",
                                 arxiv_id="2101.00009"))
    assert (p.title, p.abstract, p.authors, p.comment) == (
        "Nul and [31m red \ufffd", "ab", ["Ada Lovelace"], None)


def test_long_comments_are_cut_and_numbers_out_of_range_left_out(library):
    report, p = stored(library, Paper(title="Numbers", comment="c" * (MAX_COMMENT * 2),
                                      external_upvotes=10**30, arxiv_id="2101.00010"))
    assert len(p.comment) == MAX_COMMENT and p.external_upvotes is None
    assert len(report.warnings) == 2
    report, p = stored(library, Paper(title="Version", arxiv_id="2101.00011", version=10**20))
    assert p is None and "is not an arXiv version" in report.errors[0]
