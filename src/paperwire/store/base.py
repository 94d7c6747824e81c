"""What every store implementation offers its callers (ingest, index, services)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from paperwire.domain import Paper


@dataclass
class StoredPaper:
    pid: int
    paper: Paper
    rev: int
    hidden: bool = False


@dataclass
class StoreStats:
    papers: int
    with_arxiv_id: int
    size_bytes: int
    by_source: dict[str, int]
    newest_published: str | None
    oldest_published: str | None


class Store(Protocol):
    def lookup(self, arxiv_ids: Iterable[str], title_keys: Iterable[str]) -> list[StoredPaper]:
        """Rows whose arXiv id or title key is among the given ones."""
        ...

    def write_batch(self, inserts: list[Paper], updates: list[tuple[int, Paper]]) -> list[int]:
        """Insert and update papers in one transaction; returns the new rows' pids, in order."""
        ...

    def get_many(self, pids: Iterable[int]) -> dict[int, StoredPaper]: ...

    def find(self, key: str) -> StoredPaper | None:
        """A paper by its public key: versionless arXiv id or title key."""
        ...

    def changed_since(self, rev: int, batch_size: int = 5000) -> Iterator[list[StoredPaper]]: ...

    def max_rev(self) -> int: ...

    def count(self) -> int: ...

    def latest(self, limit: int, offset: int = 0) -> list[StoredPaper]: ...

    def stats(self) -> StoreStats: ...

    def close(self) -> None: ...
