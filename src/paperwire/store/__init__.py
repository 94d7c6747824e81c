"""The paper store: one interface; SQLite for a file path, PostgreSQL for a database URL.
The site's, readers', mail and worker tables are reached through store/sql.py on either."""

from __future__ import annotations

from pathlib import Path

from paperwire.store.base import Store, StoredPaper
from paperwire.store.sqlite import SQLiteStore

__all__ = ["Store", "StoredPaper", "SQLiteStore", "open_store"]


def is_database_url(location: str | Path) -> bool:
    return str(location).startswith(("postgres://", "postgresql://"))


def open_store(location: str | Path) -> Store:
    """Open (creating and migrating) the store at a file path or database URL."""
    text = str(location)
    if is_database_url(text):
        from paperwire.store.postgres import PostgresStore

        return PostgresStore(text)
    return SQLiteStore(Path(text.removeprefix("sqlite:///")))
