"""The paper store: one interface, an SQLite implementation (PostgreSQL to follow)."""

from __future__ import annotations

from pathlib import Path

from paperwire.store.base import Store, StoredPaper
from paperwire.store.sqlite import SQLiteStore

__all__ = ["Store", "StoredPaper", "SQLiteStore", "open_store"]


def open_store(location: str | Path) -> Store:
    """Open (creating and migrating) the store at a file path or database URL."""
    text = str(location)
    if text.startswith(("postgres://", "postgresql://")):
        raise NotImplementedError("PostgreSQL support is not built yet; use an SQLite file path")
    return SQLiteStore(Path(text.removeprefix("sqlite:///")))
