"""What every store implementation offers its callers (ingest, index, services)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from paperwire.domain import Paper


@dataclass
class StoredPaper:
    pid: int
    paper: Paper
    rev: int
    hidden: bool = False


@dataclass
class VectorRow:
    pid: int
    text_hash: str
    paper_rev: int
    vector: bytes  # float32, little-endian


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

    def set_hidden(self, pid: int, hidden: bool) -> bool: ...

    def hidden_among(self, pids: list[int]) -> set[int]: ...

    def published_of(self, pids: list[int]) -> dict[int, date]: ...

    # -- vectors (derived from title and abstract by the embedding model) -------------------

    def papers_to_embed(self, model: str, after_pid: int, limit: int
                        ) -> list[tuple[StoredPaper, str | None]]:
        """Papers with no vector for this model or changed since theirs was made, with the
        text hash of the vector they have (None when they have none)."""
        ...

    def count_to_embed(self, model: str) -> int: ...

    def save_vectors(self, model: str, rows: list[VectorRow]) -> None:
        """Store new vectors, in one transaction."""
        ...

    def mark_vectors_current(self, pids_revs: list[tuple[int, int]]) -> None:
        """Papers whose text did not change: their vectors stay, now at this revision."""
        ...

    def vectors_since(self, model: str, seq: int, batch_size: int = 20000
                      ) -> Iterator[tuple[list[int], list[bytes]]]: ...

    def vector_seq(self, model: str) -> int:
        """The highest vector write sequence for this model (cheap: asked on every query)."""
        ...

    def vector_count(self, model: str) -> int: ...

    def vector_of(self, model: str, pid: int) -> bytes | None: ...

    def close(self) -> None: ...
