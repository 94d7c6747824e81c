"""The command line, driven through its real entry point on real files."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import write_jsonl

GOOD = {"arxiv_id": "2203.07404v2", "title": "Respecting causality in PINNs",
        "abstract": "Causal training of physics-informed networks.", "published": "2022-03-14",
        "authors": ["Sifan Wang"], "categories": ["cs.LG"]}


def test_import_prints_a_summary_and_is_idempotent(cli, tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [GOOD, {"title": "Second", "abstract": "x"}])
    first = cli("import", str(path))
    assert first.exit_code == 0
    assert "2 added, 0 updated, 0 unchanged, 0 skipped" in first.output
    second = cli("import", str(path))
    assert "0 added, 0 updated, 2 unchanged, 0 skipped" in second.output


def test_import_with_bad_records_reports_where_and_exits_nonzero(cli, tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text(json.dumps(GOOD) + "\n{broken\n" + json.dumps({"title": ""}) + "\n"
                    + json.dumps({"title": "Third", "abstract": "ok"}) + "\n")
    result = cli("import", str(path))
    assert result.exit_code == 1
    assert "2 added, 0 updated, 0 unchanged, 2 skipped" in result.output
    assert f"{path}: line 2: not valid JSON" in result.output
    assert f"{path}: line 3: the record has no title" in result.output
    assert json.loads(cli("stats", "--json").output)["papers"] == 2


def test_unknown_format_gets_one_clear_sentence(cli, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("just some notes\n")
    result = cli("import", str(path))
    assert result.exit_code == 2
    assert f"error: {path}: not in a format paperwire knows" in result.output
    assert f"{path}: 0 added, 0 updated, 0 unchanged, 0 skipped" in result.output
    assert "Traceback" not in result.output
    missing = cli("import", str(tmp_path / "nope.json"))
    assert missing.exit_code == 2 and "No such file" in missing.output


def test_format_override_and_broken_file(cli, tmp_path):
    path = tmp_path / "feed.data"
    path.write_text("<feed xmlns='http://www.w3.org/2005/Atom'><entry>")
    result = cli("import", "--format", "arxiv-api", str(path))
    assert result.exit_code == 2 and "broken XML" in result.output


def test_show_by_any_id_form_and_search_json(cli, tmp_path):
    cli("import", str(write_jsonl(tmp_path / "a.jsonl", [GOOD])))
    for ident in ("2203.07404", "arXiv:2203.07404v1", "https://arxiv.org/abs/2203.07404"):
        shown = cli("show", ident, "--json")
        assert shown.exit_code == 0 and json.loads(shown.output)["version"] == 2
    assert "Respecting causality in PINNs" in cli("show", "2203.07404").output
    missing = cli("show", "9999.99999")
    assert missing.exit_code == 1 and "no paper with id '9999.99999'" in missing.output
    found = json.loads(cli("search", "causal physics", "--json").output)
    assert found["total"] == 1 and found["results"][0]["id"] == "2203.07404"
    assert "no papers found" in cli("search", "zebra").output
    bad = cli("search", "x", "--from", "yesterday")
    assert bad.exit_code == 2 and "is not a date" in bad.output


def test_reindex_rebuilds_from_the_store(cli, tmp_path):
    cli("import", str(write_jsonl(tmp_path / "a.jsonl", [GOOD])))
    result = cli("reindex")
    assert "indexed 1 papers" in result.output
    assert json.loads(cli("search", "causality", "--json").output)["total"] == 1


@pytest.mark.parametrize("command", ["", "init", "import", "search", "show", "stats", "serve",
                                     "demo", "reindex"])
def test_help_everywhere(cli, command):
    result = cli(*([command] if command else []), "--help")
    assert result.exit_code == 0 and "Usage:" in result.output


def test_installed_entry_point_uses_env_db_and_prints_no_bar_when_piped(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [GOOD])
    exe = Path(sys.executable).with_name("paperwire")
    env = {"PAPERWIRE_DB": str(tmp_path / "env.db"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([exe, "import", str(path)], capture_output=True, text=True, env=env,
                          check=True)
    assert "1 added" in done.stdout
    assert "papers/s" not in done.stderr and "it/s" not in done.stderr
    assert (tmp_path / "env.db").exists()


def test_the_listing_pages_import_each_paper_once(cli, shared):
    pages = sorted((shared / "fixtures/listings").glob("*.txt"))
    assert cli("import", *map(str, pages)).exit_code == 0
    stats = json.loads(cli("stats", "--json").output)
    # 188 entries on three overlapping pages are 173 papers; each is stored once
    assert stats["by_source"] == {"listing": 173}
    assert stats["papers"] == 173 and stats["lexical_index_docs"] == 173
    assert "Respecting causality" in cli("search", "respecting causality physics-informed").output


def test_demo_loads_the_daily_papers_archive_on_its_listing_days(cli, shared):
    result = cli("demo", "--shared", str(shared), "--no-embed")
    assert result.exit_code == 0, result.output
    assert ("580 listing days of Hugging Face's daily papers (2024-05-27 to 2026-08-21)"
            in result.output)
    stats = json.loads(cli("stats", "--json").output)
    # 9,881 items, 9,877 papers (four listed on two days), and the arXiv snapshot's 200
    assert stats["by_source"] == {"hf-daily": 9877, "arxiv-snapshot": 200}
    assert stats["papers"] == stats["lexical_index_docs"] == 10077
    # listed on 2026-08-21; its item's publishedAt is the arXiv time, 2026-08-19T20:00Z
    shown = json.loads(cli("show", "2608.19880", "--json").output)
    assert (shown["listed_on"], shown["published"]) == ("2026-08-21", "2026-08-20")
    again = cli("demo", "--shared", str(shared), "--no-embed")
    assert "0 added, 0 updated" in again.output, "re-loading changes nothing"




def test_a_process_killed_holding_the_migration_lock_does_not_stop_the_next(db):
    """kill -9 while migrating leaves yoyo's lock row behind; every later command waited
    10 s and failed with "Process N has locked this database" (seen under test_mail_delivery
    on PostgreSQL)."""
    from paperwire.config import Settings
    from paperwire.services.library import Library
    from tests.servers import EXE

    library = Library(Settings(db=db))
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)
    library.store.sql.execute(
        "INSERT INTO yoyo_lock (locked, ctime, pid) VALUES (1, '2026-01-01 00:00:00', "
        f"{int(ended.stdout)})")
    run = subprocess.run([EXE, "--db", str(db), "stats"], capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0, run.stderr[-500:]
    assert "locked" not in run.stderr
