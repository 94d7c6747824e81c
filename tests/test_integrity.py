"""The nightly integrity check: derived indexes that drifted from the store come back."""

from __future__ import annotations

from paperwire.domain import Paper
from paperwire.index.query import parse_user_query
from paperwire.services.intake.importing import import_records
from paperwire.services.operations import integrity


def _papers(n: int) -> list[Paper]:
    return [Paper(title=f"Integrity paper {i} about sparse attention", abstract="Text.",
                  arxiv_id=f"2402.{i:05d}") for i in range(n)]


def test_a_lexical_index_that_lost_documents_is_rebuilt(library):
    import_records(library, _papers(4))
    first = library.store.find("2402.00001")
    library.lexical.delete([first.pid])  # a crash lost a document, the revision says current
    library.lexical.commit(library.store.max_rev())
    assert library.lexical.num_docs() == 3
    report = integrity.check(library)
    assert report.lexical_rebuilt and report.store_problems == []
    assert library.lexical.num_docs() == 4
    _, hits = library.lexical.search(parse_user_query("integrity paper 1"), limit=10)
    assert first.pid in [h.doc_id for h in hits]
    assert "lexical index: rebuilt" in report.summary()


def test_a_healthy_library_reports_nothing_to_repair(library):
    import_records(library, _papers(2))
    report = integrity.check(library)
    assert report.repaired == 0 and report.summary().startswith("store: ok")
