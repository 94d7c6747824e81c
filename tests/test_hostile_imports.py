"""Files that crashed or half-wrote an import (issue 21, items 4, 5, 7 and 9), through the
real `paperwire import`: bad records are named by file and line and skipped, a file that
cannot be read changes nothing, the summary is always printed, a full store is said plainly
and holds whole batches."""

import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from paperwire.cli import main
from paperwire.config import Settings
from paperwire.ingest import BATCH_SIZE
from paperwire.record_rules import MAX_ABSTRACT
from paperwire.services.library import Library
from paperwire.sources.base import MAX_LINE_BYTES
from paperwire.sources.files import GZIP_ALLOWANCE
from tests.conftest import write_jsonl


def record(i: int, **extra) -> dict:
    return {"arxiv_id": f"2101.{i:05d}", "title": f"Paper number {i}",
            "abstract": f"The abstract of paper {i}.", **extra}


def lines(records: list[dict]) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in records)


def papers(cli) -> int:
    return json.loads(cli("stats", "--json").output)["papers"]


def test_one_invalid_utf8_line_mid_file_is_skipped_by_line_and_the_rest_imported(cli, tmp_path):
    n = 12_000  # three batches; the bad line in the second
    body = lines([record(i) for i in range(1, 6000)]) + b'{"title": "caf\xe9"}\n' + lines(
        [record(i) for i in range(6000, n)])
    path = tmp_path / "big.jsonl"
    path.write_bytes(body)
    result = cli("import", str(path))
    assert result.exit_code == 1
    assert f"skipped {path}: line 6000: not UTF-8 text (byte 15 of the line)" in result.output
    assert f"{path}: {n - 1} added, 0 updated, 0 unchanged, 1 skipped" in result.output
    assert "Traceback" not in result.output and papers(cli) == n - 1


@pytest.mark.parametrize("fmt", ["jsonl", "listing", "csv", "hf-daily", "bibtex", "arxiv-oai"])
def test_a_binary_file_is_refused_whatever_format_is_named_and_changes_nothing(cli, tmp_path,
                                                                               fmt):
    cli("import", str(write_jsonl(tmp_path / "one.jsonl", [record(1)])))
    path = tmp_path / "photo.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 40)
    result = cli("import", "--format", fmt, str(path))
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"error: {path}: not text: binary data (a NUL byte at byte 9)" in result.output
    assert f"{path}: 0 added, 0 updated, 0 unchanged, 0 skipped" in result.output
    assert papers(cli) == 1


def test_deeply_nested_json_is_a_bad_line_or_an_unreadable_file(cli, tmp_path):
    deep = "[" * 100_000 + "]" * 100_000
    path = tmp_path / "deep.jsonl"
    path.write_text(json.dumps(record(1)) + "\n" + '{"title": "x", "abstract": ' + deep + "}\n"
                    + json.dumps(record(2)) + "\n")
    result = cli("import", str(path))
    assert result.exit_code == 1
    assert f"skipped {path}: line 2: JSON nested too deeply" in result.output
    assert "2 added, 0 updated, 0 unchanged, 1 skipped" in result.output
    daily = tmp_path / "2024-06-03.json"
    daily.write_text(deep)
    result = cli("import", "--format", "hf-daily", str(daily))
    assert result.exit_code == 2 and "not valid JSON: nested too deeply" in result.output
    assert "0 added, 0 updated, 0 unchanged, 0 skipped" in result.output and papers(cli) == 2


def test_a_line_over_the_limit_is_skipped_without_being_held(cli, tmp_path):
    path = tmp_path / "huge.jsonl"
    with path.open("wb") as out:
        out.write(lines([record(1)]) + b'{"title": "Huge", "abstract": "')
        for _ in range(MAX_LINE_BYTES // 2**20 + 2):
            out.write(b"word " * (2**20 // 5))
        out.write(b'"}\n' + lines([record(2)]))
    result = cli("import", str(path))
    assert f"skipped {path}: line 2: longer than 16 MiB, the most one record may take" \
        in result.output
    assert "2 added, 0 updated, 0 unchanged, 1 skipped" in result.output


def test_oversized_and_hostile_fields_are_cut_or_left_out_with_warnings(cli, tmp_path):
    path = write_jsonl(tmp_path / "hostile.jsonl", [
        record(1, abstract="long " * MAX_ABSTRACT, url="javascript:alert(1)",
               categories=["cs.LG", 'cs.LG"><script>alert(1)</script>']),
        record(2, title="T" * 5000),
        record(3, code_url="data:text/html,<script>alert(1)</script>", doi="not a doi")])
    result = cli("import", str(path))
    assert result.exit_code == 1
    assert f"skipped {path}: line 2: the title has 5,000 characters" in result.output
    for warning in (f"line 1: the abstract of {5 * MAX_ABSTRACT - 1:,} characters was cut",
                    "line 1: url 'javascript:alert(1)' left out: only http and https links",
                    "line 1: category 'cs.LG\"><script>alert(1)</script>' left out: not an "
                    "arXiv category", "line 3: code_url 'data:text/html,<script>alert(1)</script>' "
                    "left out", "line 3: doi 'not a doi' left out"):
        assert f"warning {path}: {warning}" in result.output
    assert "2 added, 0 updated, 0 unchanged, 1 skipped" in result.output
    shown = json.loads(cli("show", "2101.00001", "--json").output)
    assert len(shown["abstract"]) <= MAX_ABSTRACT and shown["categories"] == ["cs.LG"]
    assert "javascript" not in json.dumps(shown)


def test_hostile_fields_from_a_hugging_face_listing_and_an_oai_page_are_checked_too(cli,
                                                                                   tmp_path):
    daily = tmp_path / "2024-06-03.json"
    daily.write_text(json.dumps([{"paper": {
        "id": "2406.00001", "title": "From the daily list", "summary": "s " * MAX_ABSTRACT,
        "authors": [{"name": "Ada"}], "githubRepo": "javascript:alert(1)", "upvotes": 10**40},
        "title": "From the daily list"}]))
    result = cli("import", str(daily))
    assert result.exit_code == 0, result.output
    assert f"warning {daily}: item 1: code_url 'javascript:alert(1)' left out" in result.output
    assert f"warning {daily}: item 1: upvotes {10**40} left out: not a count" in result.output
    oai = tmp_path / "page.xml"
    oai.write_text(
        '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords><record><header>'
        '<identifier>oai:arXiv.org:2406.00002</identifier></header><metadata>'
        '<arXivRaw xmlns="http://arxiv.org/OAI/arXivRaw/"><id>2406.00002</id>'
        '<title>From a harvest</title><abstract>A.</abstract><authors>Ada Lovelace</authors>'
        '<categories>cs.LG cs.LG"&gt;&lt;img&gt;</categories></arXivRaw></metadata></record>'
        '</ListRecords></OAI-PMH>')
    result = cli("import", str(oai))
    assert f"warning {oai}: record 1: category 'cs.LG\"><img>' left out" in result.output
    assert json.loads(cli("show", "2406.00002", "--json").output)["categories"] == ["cs.LG"]


def test_a_jsonl_file_whose_first_record_passes_64_kb_is_recognised(cli, tmp_path):
    path = write_jsonl(tmp_path / "first-is-long.jsonl",
                       [record(1, abstract="word " * 20_000), record(2)])
    result = cli("import", str(path))
    assert result.exit_code == 0, result.output
    assert "2 added, 0 updated, 0 unchanged, 0 skipped" in result.output


@pytest.mark.parametrize("name", ["papers.jsonl.gz", "papers.jsonl", "papers.data"])
def test_gzip_is_read_transparently_whatever_the_name(cli, tmp_path, name):
    path = tmp_path / name
    path.write_bytes(gzip.compress(lines([record(i) for i in range(1, 4)])))
    result = cli("import", str(path))
    assert result.exit_code == 0, result.output
    assert "3 added, 0 updated, 0 unchanged, 0 skipped" in result.output
    csv_path = tmp_path / ("table-" + name)
    csv_path.write_bytes(gzip.compress(b"arxiv_id,title\n2101.00009,From a CSV\n"))
    assert "1 added" in cli("import", str(csv_path)).output


def test_a_gzip_bomb_stops_at_its_bound_and_the_whole_records_before_it_are_kept(cli,
                                                                               tmp_path):
    path = tmp_path / "bomb.jsonl.gz"
    with gzip.open(path, "wb", compresslevel=9) as out:
        out.write(lines([record(1), record(2)]))
        zeros = b"0" * 2**20
        for _ in range(GZIP_ALLOWANCE // 2**20 + 64):  # 1,000 times its compressed size
            out.write(zeros)
    result = cli("import", str(path))
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "it decompresses to more than" in result.output
    assert f"{path}: 2 added, 0 updated, 0 unchanged, 0 skipped" in result.output
    assert papers(cli) == 2


def test_a_damaged_gzip_file_is_said_so(cli, tmp_path):
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(gzip.compress(lines([record(i) for i in range(1, 200)]))[:-40])
    result = cli("import", str(path))
    assert result.exit_code == 2 and "the gzip data is damaged" in result.output
    assert "Traceback" not in result.output


def test_a_csv_with_a_byte_order_mark_imports_every_row(cli, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffarxiv_id,title,published\n2101.00001,First,2026-01-02\n"
                     "2101.00002,Second,2026-1-3\n".encode())
    result = cli("import", str(path))
    assert result.exit_code == 0, result.output
    assert "2 added, 0 updated, 0 unchanged, 0 skipped" in result.output


def test_an_invalid_utf8_row_of_a_csv_is_skipped_by_line(cli, tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"title,abstract\nFirst,one\nCaf\xe9,two\nThird,three\n")
    result = cli("import", str(path))
    assert f"skipped {path}: line 3: not UTF-8 text" in result.output
    assert "2 added, 0 updated, 0 unchanged, 1 skipped" in result.output


def test_an_error_names_the_path_once(cli, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("just some notes\n")
    result = cli("import", str(path))
    error = next(line for line in result.output.splitlines() if line.startswith("error:"))
    assert error.count(str(path)) == 1 and error.count(path.name) == 1


def test_records_repeating_one_paper_are_told_as_repeats(cli, tmp_path):
    n = 10_000
    path = write_jsonl(tmp_path / "same.jsonl",
                       [record(1, title=f"Version {i}", abstract=f"Text {i}") for i in range(n)])
    result = cli("import", str(path))
    assert result.exit_code == 0
    assert (f"{path}: 1 added, 0 updated, 0 unchanged, 0 skipped; {n - 1} repeated a paper "
            "read earlier in the same input (merged into it)") in result.output
    assert (f"warning {path}: line 2: repeats arXiv:2101.00001, read earlier in the same "
            "input; merged into it") in result.output
    assert f"... and {n - 1 - 50} more warnings" in result.output and papers(cli) == 1


@pytest.mark.parametrize(("written", "stored"), [
    ("2026-1-1", "2026-01-01"), ("2026-02-28", "2026-02-28"),
    ("2026-02-28T23:59:59Z", "2026-02-28"), ("2026-2-8 07:30", "2026-02-08"),
    ("2026-02-28T10:00:00.123+05:30", "2026-02-28")])
def test_dates_without_leading_zeros_or_with_a_real_time_are_taken(cli, tmp_path, written,
                                                                   stored):
    cli("import", str(write_jsonl(tmp_path / "d.jsonl", [record(1, published=written)])))
    assert json.loads(cli("show", "2101.00001", "--json").output)["published"] == stored


@pytest.mark.parametrize("written", ["2026-02-28T25:00:00", "2026-02-30", "2026-13-01",
                                     "28/02/2026", "2026-02-28junk", "2026-02-28T10:61"])
def test_dates_that_are_not_real_days_or_times_are_refused_by_line(cli, tmp_path, written):
    path = write_jsonl(tmp_path / "d.jsonl", [record(1), record(2, published=written)])
    result = cli("import", str(path))
    assert result.exit_code == 1
    assert f"skipped {path}: line 2: published {written!r} is not a date" in result.output


def _full_store(tmp_path: Path) -> Library:
    """A store whose database file can grow by about one batch of the records below and no
    more: SQLite's max_page_count answers SQLITE_FULL past it, as a full disk does."""
    library = Library(Settings(db=tmp_path / "full.db"))
    db = library.store.db
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages + 2500}")  # ~10 MB; a batch takes ~7
    return library


def test_a_full_disk_is_said_plainly_and_the_store_holds_whole_batches(tmp_path):
    library = _full_store(tmp_path)
    runner = CliRunner()

    def cli(*args: str):
        return runner.invoke(main, ["--db", str(library.settings.db), *args],
                             obj={"library": library}, catch_exceptions=False)

    n = 3 * BATCH_SIZE
    path = write_jsonl(tmp_path / "many.jsonl",
                       [record(i, abstract=f"{i} " + "text " * 200) for i in range(1, n + 1)])
    try:
        result = cli("import", str(path))
        assert result.exit_code == 2 and "Traceback" not in result.output
        assert "cannot rollback" not in result.output
        assert "database or disk is full" in result.output
        assert "was rolled back and the import stopped there" in result.output
        stored = papers(cli)
        assert stored % BATCH_SIZE == 0 and stored < n  # whole batches, nothing of the next
        assert f"{path}: {stored} added, 0 updated, 0 unchanged, 0 skipped" in result.output
        assert library.store.integrity_problems() == []
        assert json.loads(cli("stats", "--json").output)["lexical_index_docs"] == stored
        library.store.db.execute("PRAGMA max_page_count = 4294967294")  # space again
        again = cli("import", str(path))
        assert again.exit_code == 0, again.output
        assert f"{n - stored} added, 0 updated, {stored} unchanged" in again.output
        assert papers(cli) == n
    finally:
        library.close()


def test_a_submitted_paper_is_held_to_the_same_rules(tmp_path):
    """arXiv's answer goes through ingest like any file: a category that is no category is
    left out of the submitted paper, which is stored."""
    from paperwire.config import HarvestSettings
    from paperwire.services.intake.submit import submit
    from paperwire.sources.http import Politeness
    from tests.servers import ArxivReplay

    replay = ArxivReplay()
    replay.add("2401.00001", (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry>'
        b"<id>http://arxiv.org/abs/2401.00001v1</id><title>Submitted</title>"
        b"<summary>An abstract.</summary><published>2024-01-01T00:00:00Z</published>"
        b'<author><name>Ada Lovelace</name></author><category term="cs.LG"/>'
        b'<category term="cs.LG&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"/>'
        b"</entry></feed>"))
    fast = Politeness(interval=0.0, attempts=1, backoff=0.0, backoff_max=0.0, timeout=5.0)
    library = Library(Settings(db=tmp_path / "s.db", harvest=HarvestSettings(
        arxiv_api=replay.url, arxiv=fast)))
    try:
        user = library.site.create_user("ada", "not a password hash")
        stored = submit(library, library.site, library.arxiv, user, "2401.00001")
        assert stored.paper.categories == ["cs.LG"]
    finally:
        library.close()
        replay.close()
