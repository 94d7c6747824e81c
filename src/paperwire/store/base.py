"""What every store implementation offers its callers (ingest, index, services)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
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
    added_on: date | None = None  # the day the store first saw it

    @property
    def feed_date(self) -> date | None:
        """The day it is listed on: its listing day, else published, else when it arrived."""
        return self.paper.listed_on or self.paper.published or self.added_on


@dataclass
class VectorRow:
    pid: int
    text_hash: str
    paper_rev: int
    vector: bytes  # float32, little-endian


@dataclass
class HarvestCheckpoint:
    """Where a harvest stands; saved in the same transaction as the records of its page."""

    name: str  # "arxiv-oai:cs", "arxiv-api:cs.LG", "hf"
    token: str | None = None  # the next page's resumption token; None when no list is open
    list_from: str | None = None  # the open list's arguments, to restart it if need be
    list_until: str | None = None
    pages: int = 0  # pages of the open list harvested so far
    cursor: str | None = None  # the newest datestamp or day harvested completely


class StoreError(Exception):
    """The database could not be written (full, read-only, an I/O error, unreachable); the
    transaction was rolled back, so the store holds what it held before it."""


class WriteConflict(Exception):
    """Another process wrote the same papers between this batch's reads and its write (an
    arXiv id or key now taken, or a row changed since it was read); nothing was written.
    Read again and retry."""


@dataclass
class StoreStats:
    papers: int
    with_arxiv_id: int
    size_bytes: int
    by_source: dict[str, int]
    newest_published: str | None
    oldest_published: str | None


class Store(Protocol):
    def lookup(self, arxiv_ids: Iterable[str], title_keys: Iterable[str],
               doi_keys: Iterable[str] = (), source_ids: Iterable[str] = ()
               ) -> list[StoredPaper]:
        """Rows whose arXiv id, title key, DOI key or a source id is among the given ones."""
        ...

    def write_batch(self, inserts: list[Paper], updates: list[tuple[int, Paper]],
                    checkpoint: HarvestCheckpoint | None = None,
                    read_revs: dict[int, int] | None = None) -> list[int]:
        """Insert and update papers in one transaction, with the harvest checkpoint if one is
        given; returns the new rows' pids, in order. Raises WriteConflict, writing nothing,
        when an insert's identity is already taken or an updated row's revision is no longer
        the one in read_revs (when given)."""
        ...

    def copy_rows(self, rows: list[StoredPaper]) -> int:
        """Write papers as another store holds them (same pid, revision, hidden flag, day
        added), in one transaction; rows already here at that revision are left alone.
        Returns how many were written. For `paperwire db copy`."""
        ...

    def vector_rows(self, model: str, after_pid: int, limit: int) -> list[VectorRow]:
        """Stored vectors with their text hash and paper revision, by pid."""
        ...

    def bulk_load(self) -> AbstractContextManager[None]:
        """A context for writing very many papers: the store may defer work no write needs
        (secondary indexes) until it ends; a store reopened after a crash completes it."""
        ...

    def harvest_checkpoint(self, name: str) -> HarvestCheckpoint | None: ...

    def save_checkpoint(self, checkpoint: HarvestCheckpoint) -> None: ...

    def get_many(self, pids: Iterable[int]) -> dict[int, StoredPaper]: ...

    def find(self, key: str) -> StoredPaper | None:
        """A paper by its public key: versionless arXiv id or title key."""
        ...

    def changed_since(self, rev: int, batch_size: int = 5000) -> Iterator[list[StoredPaper]]: ...

    def pids_changed_since(self, rev: int, limit: int) -> list[int]:
        """Up to `limit` papers (ids) written after revision `rev`."""
        ...

    def max_rev(self) -> int: ...

    def count(self, visible_only: bool = False) -> int: ...

    def integrity_problems(self) -> list[str]:
        """What the database's own consistency check finds wrong; empty when all is well."""
        ...

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

    def vectors_of(self, model: str, pids: list[int]) -> dict[int, bytes]:
        """The vectors of these papers that have one."""
        ...

    def close(self) -> None: ...
