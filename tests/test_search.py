"""Lexical search through the search service, on a real store and tantivy index."""

from datetime import date

import pytest

from paperwire.domain import Paper
from paperwire.index.lexical import Filters
from paperwire.index.sync import open_lexical
from paperwire.services.discovery.search import search
from paperwire.services.intake.importing import import_file
from tests.conftest import write_jsonl

RECORDS = [
    {"arxiv_id": "2203.07404", "title": "Respecting causality for training physics-informed neural networks",
     "abstract": "We propose a simple re-formulation of PINN loss functions.",
     "authors": ["Sifan Wang", "Paris Perdikaris"], "published": "2022-03-14",
     "categories": ["cs.LG", "physics.comp-ph"]},
    {"arxiv_id": "2301.00001", "title": "Graph neural networks for molecules",
     "abstract": "Message passing networks for molecules; causality is not discussed here.",
     "authors": ["Ada Lovelace"], "published": "2023-01-02", "categories": ["q-bio.BM"]},
    {"arxiv_id": "2305.00002", "title": "Transformers are RNNs",
     "abstract": "Linear attention makes transformers fast <script>alert(1)</script> & small.",
     "authors": ["José Müller"], "published": "2023-05-01", "categories": ["cs.LG"]},
    {"title": "Neural operators without an id", "abstract": "Operator learning for PDEs.",
     "published": "2021-06-01"},
]


@pytest.fixture
def corpus(library, tmp_path):
    import_file(library, write_jsonl(tmp_path / "corpus.jsonl", RECORDS))
    return library


def ids(results) -> list[str]:
    return [h.paper.paper.key for h in results.hits]


def test_title_matches_outrank_abstract_matches(corpus):
    # paper 2 says "causality" once in its abstract; paper 1 once, in its title
    assert ids(search(corpus, "causality"))[0] == "2203.07404"


def test_phrase_and_prefix_queries(corpus):
    assert ids(search(corpus, '"neural networks" molecules'))[0] == "2301.00001"
    assert ids(search(corpus, '"networks neural"')) == []
    assert set(ids(search(corpus, "transfor*"))) == {"2305.00002"}
    assert "2203.07404" not in ids(search(corpus, "networks -causality"))


def test_stemming_finds_other_word_forms(corpus):
    assert ids(search(corpus, "respect causal training"))[0] == "2203.07404"


def test_filters_by_date_category_and_author(corpus):
    def found(**kw):
        return set(ids(search(corpus, "networks OR transformers attention operator",
                              Filters(**kw))))

    assert found(date_from=date(2023, 1, 1)) == {"2301.00001", "2305.00002"}
    assert found(date_to=date(2022, 12, 31)) == {"2203.07404", corpus.store.find(
        Paper(title=RECORDS[3]["title"]).key).paper.key}
    assert found(category="cs.LG") == {"2203.07404", "2305.00002"}
    assert found(category="cs.lg") == {"2203.07404", "2305.00002"}  # as the feeds take it
    assert found(category="q-bio") == {"2301.00001"}
    assert found(author="perdikaris") == {"2203.07404"}
    assert found(author="Jose Muller") == {"2305.00002"}  # accents folded
    assert found(author="Nobody Here") == set()


def test_arxiv_field_prefixes_in_the_query_become_filters(corpus):
    assert ids(search(corpus, "au:perdikaris networks")) == ["2203.07404"]
    assert ids(search(corpus, 'networks author:"Sifan Wang"')) == ["2203.07404"]
    assert ids(search(corpus, "au:Perdikaris_P")) == ["2203.07404"], "arXiv's surname_initial"
    assert set(ids(search(corpus, "cat:cs.LG networks transformers"))) == {"2203.07404",
                                                                           "2305.00002"}
    # only fields: every paper of theirs, newest first, whatever the mode asked
    assert ids(search(corpus, "cat:cs.LG", mode="hybrid")) == ["2305.00002", "2203.07404"]
    assert ids(search(corpus, "au:Nobody")) == []
    assert ids(search(corpus, "cat:cs.LG", Filters(category="q-bio"))) == ["2301.00001"], \
        "a filter chosen on the page wins over the query's"
    # not fields: cat: with no category, an empty au:, a word that merely ends in a colon
    assert ids(search(corpus, "cat:!! causality"))[0] == "2203.07404"
    assert ids(search(corpus, 'au:"" molecules')) == ["2301.00001"]
    assert search(corpus, "au: cat:").hits == []


def test_sort_by_date_puts_newest_first(corpus):
    results = search(corpus, "networks transformers operator", sort="date")
    dates = [h.paper.paper.published for h in results.hits]
    assert dates == sorted(dates, reverse=True) and len(dates) == 4


def test_snippets_highlight_terms_and_escape_markup(corpus):
    (hit,) = search(corpus, "linear attention").hits
    assert "<b>attention</b>" in hit.snippet_html.lower()
    assert "<script>" not in hit.snippet_html and "&lt;script&gt;" in hit.snippet_html


HOSTILE = ['"unbalanced', 'a "b', "AND OR NOT", "title:x", "NEAR(a b)", "*", "-", "- -",
           "(((", ")))", "[1 TO 2]", "a^2", "~", "\\", "\x00\x01\x1b[31m", "x" * 10_000,
           "causality " * 2000, "ü∂∫ 漢字 🙂", "", "   ", "'; DROP TABLE papers; --",
           "field:(a OR b)", "\"\"", "a*b*c", "-causality", "🙂*", "_", "au:", 'au:"',
           "cat:" + "x" * 5000, "au:*", "au:-x", 'au:"a" au:"b" cat:cs cat:q-bio', "au:_"]


@pytest.mark.parametrize("query", HOSTILE)
def test_any_query_string_returns_a_list_never_an_exception(corpus, query):
    results = search(corpus, query)
    assert isinstance(results.hits, list)
    assert corpus.store.count() == 4


def test_index_is_derived_data_rebuilt_when_missing_or_corrupt(corpus):
    path = corpus.settings.lexical_dir
    for f in path.iterdir():
        if f.suffix in {".idx", ".term", ".store"}:
            f.write_bytes(b"garbage")
    (path / "meta.json").write_text("{broken")
    index = open_lexical(corpus.store, path)
    assert index.num_docs() == 4
    import shutil

    shutil.rmtree(path)
    assert open_lexical(corpus.store, path).num_docs() == 4


def test_index_catches_up_with_changes_made_while_it_was_closed(corpus, tmp_path):
    from paperwire.ingest import ingest

    ingest(corpus.store, [Paper(title="Quantum annealing schedules", abstract="Annealing.")])
    index = open_lexical(corpus.store, corpus.settings.lexical_dir)
    assert index.num_docs() == 5


def test_stop_words_are_dropped_only_when_other_words_remain(corpus):
    assert ids(search(corpus, "the causality of")) == ids(search(corpus, "causality"))
    assert isinstance(search(corpus, "the of and").hits, list)
    assert ids(search(corpus, '"are RNNs"')) == ["2305.00002"]  # kept inside phrases
