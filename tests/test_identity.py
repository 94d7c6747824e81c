"""The identity rule: one paper through many sources is one row; distinct papers that share a
title stay apart; stores made before the rule keep their rows and keys."""

import json
import sqlite3
from datetime import date
from importlib import resources
from io import BytesIO

from yoyo import get_backend, read_migrations

from paperwire.config import Settings
from paperwire.domain import Paper
from paperwire.ingest import ingest
from paperwire.services.intake.importing import import_file
from paperwire.services.library import Library
from paperwire.sources import read
from tests.conftest import write_jsonl

ABSTRACT = ("Diffusion policies learn visuomotor control from demonstrations by denoising "
            "action sequences conditioned on observations; we show they scale to bimanual tasks.")


def test_one_paper_through_arxiv_hf_and_a_listing_page_is_one_row(library):
    listing = (b"Diffusion Policy: Visuomotor Policy Learning via Action Diffusion\n\n"
               + ABSTRACT.encode() + b"\n\n")
    hf = json.dumps([{"paper": {
        "id": "2303.04137", "title": "Diffusion Policy: Visuomotor Policy Learning via "
        "Action Diffusion", "summary": ABSTRACT, "upvotes": 41,
        "authors": [{"name": "Cheng Chi"}, {"name": "Siyuan Feng"}],
        "publishedAt": "2023-03-07T00:00:00.000Z", "ai_keywords": ["diffusion policy"]},
        "publishedAt": "2023-03-08T00:00:00.000Z", "numComments": 4,
        "title": "Diffusion Policy", "summary": ABSTRACT}]).encode()
    atom = f"""<feed xmlns="http://www.w3.org/2005/Atom"><entry>
      <id>http://arxiv.org/abs/2303.04137v5</id><title>Diffusion Policy: Visuomotor Policy
      Learning via Action Diffusion</title><summary>{ABSTRACT}</summary>
      <published>2023-03-07T00:00:00Z</published><updated>2024-03-14T00:00:00Z</updated>
      <author><name>C. Chi</name></author><author><name>S. Feng</name></author>
      </entry></feed>""".encode()
    for fmt, body in (("listing", listing), ("hf-daily", hf), ("arxiv-api", atom)):
        ingest(library.store, read(BytesIO(body), fmt))
    assert library.store.count() == 1
    stored = library.store.find("2303.04137").paper
    assert stored.sources == ["arxiv-api", "hf-daily", "listing"]
    assert stored.version == 5 and stored.external_upvotes == 41
    assert stored.extras["hf"]["item"]["numComments"] == 4
    assert stored.listed_on == date(2023, 3, 8)


def test_distinct_papers_sharing_a_generic_title_stay_apart(library):
    records = [Paper(title="Summary", abstract="Cardiac outcomes after stenting in adults."),
               Paper(title="Summary", abstract="Soil microbiomes of alpine meadows in spring."),
               Paper(title="Reply", abstract="We thank the authors.", authors=["A. Smith"]),
               Paper(title="Reply", abstract="We thank the authors.", authors=["B. Jones"]),
               Paper(title="Editorial", doi="10.1000/a"), Paper(title="Editorial", doi="10.1000/b")]
    report = ingest(library.store, records)
    assert (report.added, library.store.count()) == (6, 6)
    keys = {sp.paper.key for sp in library.store.latest(10)}
    assert len(keys) == 6  # each has its own public key, and each key finds its own paper
    assert {library.store.find(k).paper.key for k in keys} == keys
    again = ingest(library.store, records)
    assert (again.added, again.unchanged, library.store.count()) == (0, 6, 6)


def test_a_title_match_holds_across_initials_and_re_typeset_abstracts(library):
    ingest(library.store, [Paper(title="Deep learning", authors=["Yann LeCun", "Y. Bengio"],
                                 abstract="Deep learning allows $\\mathcal{M}$ models to learn.")])
    report = ingest(library.store, [Paper(title="Deep Learning.", authors=["Y. LeCun"],
                                          abstract="Deep learning allows M models to learn",
                                          doi="10.1038/nature14539")])
    assert (report.updated, library.store.count()) == (1, 1)


def test_doi_and_source_ids_match_across_changed_titles(library):
    ingest(library.store, [Paper(title="A study", doi="https://doi.org/10.1000/XYZ"),
                           Paper(title="Old", source_ids=["beir:c:1"])])
    report = ingest(library.store, [Paper(title="A study, revised", doi="10.1000/xyz"),
                                    Paper(title="New", source_ids=["beir:c:1"], abstract="x")])
    # no version: the records only fill blanks (the abstract), they match all the same
    assert (report.added, report.unchanged, report.updated, library.store.count()) == (0, 1, 1, 2)


def test_beir_documents_with_their_own_ids_never_merge_by_title(library, tmp_path):
    corpus = tmp_path / "mini" / "corpus.jsonl"
    corpus.parent.mkdir()
    write_jsonl(corpus, [{"_id": "1", "title": "Summary", "text": "First text."},
                         {"_id": "2", "title": "Summary", "text": "First text."},
                         {"_id": "3", "title": "Corresponding author", "text": ""}])
    assert import_file(library, corpus).added == 3
    assert import_file(library, corpus).unchanged == 3
    assert library.store.count() == 3


def test_scifact_imports_one_paper_per_document(library, shared):
    corpus = shared / "eval" / "scifact" / "corpus.jsonl"
    documents = sum(1 for line in corpus.open() if line.strip())
    report = import_file(library, corpus)
    assert report.added == documents == 5183
    assert library.store.count() == 5183


def test_a_store_made_before_the_rule_keeps_its_rows_and_keys(tmp_path):
    db = tmp_path / "made-before-the-rule.db"  # the rule came while stores were SQLite
    folder = resources.files("paperwire.store") / "migrations" / "sqlite"
    backend = get_backend(f"sqlite:///{db}")
    old = read_migrations(str(folder)).filter(lambda m: m.id < "0004")
    with backend.lock():
        backend.apply_migrations(backend.to_apply(old))
    with sqlite3.connect(db) as conn:
        conn.executemany(
            "INSERT INTO papers (pid, arxiv_id, title_key, title, doi, url, rev) "
            "VALUES (?, ?, ?, ?, ?, ?, 1)",
            [(1, "2101.00001", "t-x", "With id", "10.1/A 10.1/B", None),
             (2, None, "t-0123456789abcdef", "Summary", None, "beir:77")])
    library = Library(Settings(db=db))
    try:
        assert library.store.find("t-0123456789abcdef").paper.title == "Summary"
        assert library.store.find("2101.00001").paper.doi_key == "10.1/a"
        assert library.store.find("t-0123456789abcdef").paper.url is None
    finally:
        library.close()
