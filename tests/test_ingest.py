"""Ingest on a real SQLite file: identity, merging, idempotence and bad input."""

import re
import sqlite3
from datetime import date

import pytest

from paperwire.domain import Paper
from paperwire.ingest import ingest, merge
from paperwire.sources.base import RecordError


def paper(**kw) -> Paper:
    base = {"title": "Respecting Causality in Training PINNs", "abstract": "We train.",
            "sources": ["jsonl"]}
    return Paper(**{**base, **kw})


def test_same_input_twice_changes_nothing(library):
    records = [paper(arxiv_id="2203.07404", version=1), paper(title="Another", abstract="B")]
    first = ingest(library.store, records)
    rev = library.store.max_rev()
    second = ingest(library.store, [paper(arxiv_id="2203.07404", version=1),
                                    paper(title="Another", abstract="B")])
    assert (first.added, second.added, second.updated, second.unchanged) == (2, 0, 0, 2)
    assert library.store.max_rev() == rev  # nothing was written
    assert library.store.count() == 2


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_a_paper_listed_on_two_days_keeps_the_later_listing_whichever_arrives_last(library,
                                                                                    order):
    days = [paper(arxiv_id="2405.00001", listed_on=date(2024, 6, 3), external_upvotes=4,
                  sources=["hf-daily"]),
            paper(arxiv_id="2405.00001", listed_on=date(2024, 9, 2), external_upvotes=31,
                  sources=["hf-daily"])]
    for n in order:
        ingest(library.store, [days[n]])
    stored = library.store.find("2405.00001").paper
    assert (stored.listed_on, stored.external_upvotes) == (date(2024, 9, 2), 31)
    again = [ingest(library.store, [days[n]]) for n in order]
    assert [r.unchanged for r in again] == [1, 1], "re-reading either listing changes nothing"


def test_same_paper_from_two_formats_is_one_row_with_both_sources(library):
    listed = paper(title="Respecting causality in training PINNs.", author_count=3,
                   published=date(2022, 3, 14), external_upvotes=5, sources=["listing"])
    from_api = paper(title="Respecting Causality in Training {PINNs}", arxiv_id="2203.07404",
                     version=2, authors=["S. Wang", "S. Sankaran", "P. Perdikaris"],
                     categories=["cs.LG"], sources=["arxiv-api"])
    ingest(library.store, [listed])
    report = ingest(library.store, [from_api])
    assert (report.added, report.updated) == (0, 1)
    assert library.store.count() == 1
    stored = library.store.find("2203.07404").paper
    assert stored.sources == ["arxiv-api", "listing"]
    assert stored.authors == ["S. Wang", "S. Sankaran", "P. Perdikaris"]
    assert stored.external_upvotes == 5 and stored.published == date(2022, 3, 14)


def test_two_different_papers_with_the_same_title_stay_apart(library):
    ingest(library.store, [paper(arxiv_id="2101.00001"), paper(arxiv_id="2101.00002")])
    assert library.store.count() == 2


def test_newest_version_wins_the_text_older_only_fills_blanks():
    v1 = paper(arxiv_id="2101.00001", version=1, title="Old title", abstract="old",
               comment="v1 comment")
    v3 = paper(arxiv_id="2101.00001", version=3, title="New title", abstract="new",
               comment=None, published=date(2021, 1, 5))
    assert merge(v1, v3).title == "New title"
    assert merge(v1, v3).comment == "v1 comment"  # blank in the newer one: kept
    assert merge(v3, v1).title == "New title" and merge(v3, v1).version == 3
    assert merge(v3, v1).comment == "v1 comment"  # the older one fills a blank


def test_duplicates_inside_one_batch_merge(library):
    report = ingest(library.store, [paper(author_count=3), paper(published=date(2020, 1, 1))])
    assert (report.added, report.unchanged, report.repeated) == (1, 0, 1)
    assert report.warnings == ["record 2: repeats 'Respecting Causality in Training PINNs', "
                               "read earlier in the same input; merged into it"]
    stored = library.store.find(paper().key).paper
    assert (stored.author_count, stored.published) == (3, date(2020, 1, 1))


def test_bad_records_are_counted_reported_and_the_good_ones_around_them_stored(library):
    records = [paper(title="Good one"), RecordError("line 2", "not valid JSON"),
               paper(title="   "), paper(title="Good two", arxiv_id="not-an-id"),
               paper(title="Good three")]
    report = ingest(library.store, records, where="in.jsonl")
    assert (report.added, report.skipped) == (2, 3)
    assert report.errors[0] == "in.jsonl: line 2: not valid JSON"
    assert "no title" in report.errors[1] and "not an arXiv id" in report.errors[2]
    assert library.store.count() == 2


def test_an_interrupted_batch_leaves_no_half_written_paper(library):
    ingest(library.store, [paper(title=f"Kept {i}") for i in range(3)])

    def records():
        yield paper(title="In the failing batch 1")
        yield paper(title="In the failing batch 2")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ingest(library.store, records(), batch_size=10)
    assert library.store.count() == 3
    assert library.store.integrity_problems() == []
    if not library.settings.is_url:
        db = sqlite3.connect(library.settings.db)
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


POISON_TRIGGER = {
    "sqlite": ["CREATE TRIGGER boom BEFORE INSERT ON papers WHEN NEW.title = 'Poison' "
               "BEGIN SELECT RAISE(ABORT, 'boom'); END"],
    "postgres": ["CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                 "IF NEW.title = 'Poison' THEN RAISE EXCEPTION 'boom'; END IF; "
                 "RETURN NEW; END $$",
                 "CREATE TRIGGER boom BEFORE INSERT ON papers FOR EACH ROW "
                 "EXECUTE FUNCTION boom()"],
}


def test_a_failure_inside_the_write_rolls_the_whole_batch_back(library):
    import psycopg

    ingest(library.store, [paper(title="Existing", arxiv_id="2101.00001")])
    for statement in POISON_TRIGGER["postgres" if library.settings.is_url else "sqlite"]:
        library.store.sql.execute(statement)
    with pytest.raises((sqlite3.IntegrityError, psycopg.errors.RaiseException)):
        ingest(library.store, [paper(title="Fine"), paper(title="Poison")])
    assert library.store.count() == 1
    assert library.store.find("2101.00001") is not None


def test_external_upvotes_follow_the_latest_report(library):
    ingest(library.store, [paper(arxiv_id="2101.00001", external_upvotes=3)])
    ingest(library.store, [paper(arxiv_id="2101.00001", external_upvotes=9)])
    ingest(library.store, [paper(arxiv_id="2101.00001")])  # a source with no count
    assert library.store.find("2101.00001").paper.external_upvotes == 9


def test_links_stored_before_imports_checked_them_are_dropped_on_upgrade(db, library):
    """Issue 21: an old store may hold a javascript: or data: link (imports now drop them);
    the upgrade drops them too, so no export or page can carry them, and keeps good ones."""
    from paperwire.config import Settings
    from paperwire.services.library import Library

    ingest(library.store, [paper(arxiv_id="2101.00001"), paper(arxiv_id="2101.00002")])
    sql = library.store.sql
    sql.execute("UPDATE papers SET url = ?, code_url = ? WHERE arxiv_id = ?",
                ("javascript:alert(1)", "data:text/html,<script>x</script>", "2101.00001"))
    sql.execute("UPDATE papers SET url = ?, code_url = ? WHERE arxiv_id = ?",
                ("https://example.org/p", "HTTP://github.com/a/b", "2101.00002"))
    step = "0015_web_links_only" if not library.settings.is_url else "0012_web_links_only"
    sql.execute("DELETE FROM _yoyo_migration WHERE migration_id = ?", (step,))
    library.close()
    again = Library(Settings(db=db))
    bad, good = again.store.find("2101.00001").paper, again.store.find("2101.00002").paper
    assert (bad.url, bad.code_url) == (None, None)
    assert (good.url, good.code_url) == ("https://example.org/p", "HTTP://github.com/a/b")
    again.close()


def test_reopening_the_store_keeps_everything_and_migrations_run_once(db, library):
    from paperwire.config import Settings
    from paperwire.services.library import Library

    ingest(library.store, [paper(arxiv_id="2101.00001")])
    library.close()
    again = Library(Settings(db=db))
    assert again.store.find("2101.00001") is not None
    from importlib import resources

    dialect = "postgres" if again.settings.is_url else "sqlite"
    files = list((resources.files("paperwire.store") / "migrations" / dialect).iterdir())
    applied = again.store.sql.execute("SELECT count(*) FROM _yoyo_migration").fetchone()[0]
    assert applied == len([f for f in files if f.name.endswith(".sql")]) >= 2
    again.close()


def test_input_that_stops_midway_keeps_the_whole_records_read_before(library):
    from paperwire.sources.base import SourceError

    def records():
        yield paper(title="Read first")
        yield RecordError("line 2", "not valid JSON")
        yield paper(title="Read third")
        raise SourceError("the gzip data is damaged (truncated)")

    report = ingest(library.store, records(), where="in.jsonl.gz", batch_size=10)
    assert report.failure == ("in.jsonl.gz: reading stopped after 3 records: the gzip data "
                              "is damaged (truncated)")
    assert (report.added, report.skipped, library.store.count()) == (2, 1, 2)


def test_a_store_that_refuses_writes_says_so_and_keeps_what_it_held(library):
    """A read-only file, or a database that refuses writes (a standby): the import stops
    with the reason in words, not a traceback, and nothing is half-written."""
    from tests.conftest import writes_refused

    ingest(library.store, [paper(title="Kept")])
    with writes_refused(library):
        report = ingest(library.store, [paper(title="Refused 1"), paper(title="Refused 2")])
    assert "the store could not be written" in report.failure
    assert re.search("readonly|read-only transaction", report.failure), report.failure
    assert "the batch of 2 records in flight was rolled back" in report.failure
    assert (report.added, library.store.count()) == (0, 1)
    assert library.store.integrity_problems() == []


def test_sqlite_tells_a_database_it_cannot_use_from_a_statement_gone_wrong(tmp_path):
    """Both are sqlite3.OperationalError; the site answers the first 503 (try again) and
    the second 500 (our fault): store/sql.py unusable_now."""
    from paperwire.store.sql import unusable_now

    db = sqlite3.connect(tmp_path / "t.db", isolation_level=None)
    db.execute("CREATE TABLE t (x TEXT)")
    raised = {}
    for name, setup, statement in (
            ("read-only", "PRAGMA query_only = ON", "INSERT INTO t VALUES ('a')"),
            ("full", "PRAGMA max_page_count = 2",
             "INSERT INTO t SELECT hex(randomblob(4000))"),
            ("no such table", "SELECT 1", "SELECT * FROM missing")):
        db.execute(setup)
        with pytest.raises(sqlite3.OperationalError) as caught:
            db.execute(statement)
        raised[name] = unusable_now(caught.value)
        db.execute("PRAGMA query_only = OFF")
    assert raised == {"read-only": True, "full": True, "no such table": False}


def test_a_write_whose_statement_goes_wrong_is_not_called_a_store_that_cannot_be_written(tmp_path):
    """A missing table is a fault in the code or the schema, not a full or read-only disk:
    it raises as itself (the site's 500) instead of "the store could not be written" (its
    503, try again later), which would send the reader back to no end."""
    from paperwire.store import open_store

    store = open_store(tmp_path / "t.db")
    try:
        ingest(store, [paper(title="Kept")])
        store.db.execute("CREATE TRIGGER broken AFTER INSERT ON papers "
                         "BEGIN INSERT INTO missing VALUES (1); END")
        with pytest.raises(sqlite3.OperationalError, match="no such table: main.missing"):
            ingest(store, [paper(title="Another")])
        assert store.count() == 1
    finally:
        store.close()
