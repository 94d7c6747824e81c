"""Bulk loads: a large file is parsed in a second process and the store defers the indexes
no import reads; the result is the same store, the same report, the same idempotence."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from paperwire.config import Settings
from paperwire.services.intake import importing
from paperwire.services.library import Library
from paperwire.store import sqlite as sqlite_store


def _snapshot(path: Path, n: int) -> Path:
    lines = []
    for i in range(n):
        lines.append(json.dumps({
            "id": f"2401.{i:05d}", "title": f"Bulk paper {i} on sparse attention",
            "abstract": f"Abstract of bulk paper {i}.", "authors": "Ada Lovelace, Alan Turing",
            "authors_parsed": [["Lovelace", "Ada", ""], ["Turing", "Alan", ""]],
            "categories": "cs.LG", "comments": None, "journal-ref": None, "doi": None,
            "versions": [{"version": "v1", "created": f"Mon, {1 + i % 28} Jan 2024 10:00:00 GMT"}],
            "update_date": "2024-02-01"}))
        if i == 7:
            lines.append('{"id": "2401.99999", "title": ')  # cut short
        if i == 11:
            lines.append(json.dumps({"id": "not an id", "title": "Broken", "versions": []}))
    path.write_text("\n".join(lines) + "\n")
    return path


def _dump(db: Path) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        cols = [r[1] for r in con.execute("PRAGMA table_info(papers)")
                if r[1] not in ("added_at", "changed_at")]
        return con.execute(f"SELECT {', '.join(cols)} FROM papers ORDER BY pid").fetchall()
    finally:
        con.close()


def _indexes(db: Path) -> dict[str, str]:
    con = sqlite3.connect(db)
    try:
        return dict(con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                                "AND tbl_name = 'papers' AND sql IS NOT NULL"))
    finally:
        con.close()


def _import(db: Path, path: Path) -> importing.ImportReport:
    library = Library(Settings(db=db))
    try:
        return importing.import_file(library, path)
    finally:
        library.close()


def test_a_bulk_load_gives_the_same_store_and_report(tmp_path, monkeypatch):
    path = _snapshot(tmp_path / "snapshot.jsonl", 3000)
    plain = _import(tmp_path / "plain.db", path)
    monkeypatch.setattr(importing, "BULK_BYTES", 0)
    bulk = _import(tmp_path / "bulk.db", path)
    assert (bulk.added, bulk.skipped) == (plain.added, plain.skipped) == (3000, 2)
    assert bulk.errors == plain.errors
    assert any("line 9: not valid JSON" in e for e in bulk.errors)
    assert _dump(tmp_path / "bulk.db") == _dump(tmp_path / "plain.db")
    assert _indexes(tmp_path / "bulk.db") == _indexes(tmp_path / "plain.db")
    again = _import(tmp_path / "bulk.db", path)
    assert (again.added, again.unchanged) == (0, 3000)


def test_deferred_indexes_are_the_migrations_own(tmp_path):
    Library(Settings(db=tmp_path / "fresh.db")).close()
    made = _indexes(tmp_path / "fresh.db")
    for name, sql in sqlite_store.DEFERRABLE_INDEXES.items():
        assert made[name] == sql.replace(" IF NOT EXISTS", "")


def test_a_bulk_load_killed_midway_heals_when_the_store_opens(tmp_path):
    db = tmp_path / "killed.db"
    store = sqlite_store.SQLiteStore(db)
    with pytest.raises(KeyboardInterrupt), store.bulk_load():
        assert not set(sqlite_store.DEFERRABLE_INDEXES) & set(_indexes(db))
        raise KeyboardInterrupt  # the finally still rebuilds; a kill -9 would not:
    for name in sqlite_store.DEFERRABLE_INDEXES:
        store.db.execute(f"DROP INDEX {name}")
    store.close()
    sqlite_store.SQLiteStore(db).close()
    assert set(sqlite_store.DEFERRABLE_INDEXES) <= set(_indexes(db))
