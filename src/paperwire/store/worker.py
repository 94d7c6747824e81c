"""What the harvesters and the worker share through the store: request pacing, job status,
the one-worker lock. Runs on the papers store's database (store/sql.py); parameterized SQL
only."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from paperwire.store.base import StoreError
from paperwire.store.sql import unusable_now

T = TypeVar("T")


@dataclass
class JobStatus:
    name: str
    last_start: str | None
    last_success: str | None
    last_error: str | None
    last_error_at: str | None
    next_run: str | None
    added_last: int
    added_total: int


class StorePacer:
    """The harvesters' Pacer (sources/http.py), kept in the store for every process. A
    booking that cannot be written (a full disk, a read-only file) is a StoreError, which a
    harvest reports with where it resumes."""

    def __init__(self, store: WorkerStore) -> None:
        self.store = store

    def reserve(self, service: str, interval: float) -> float:
        return self._written(lambda: self.store.reserve_request(service, interval))

    def push_back(self, service: str, until: float) -> None:
        self._written(lambda: self.store.push_back(service, until))

    def _written(self, write: Callable[[], T]) -> T:
        try:
            return write()
        except self.store.db.busy as e:
            if not unusable_now(e):
                raise
            raise StoreError(f"the store could not be written: {e}") from e


class WorkerStore:
    def __init__(self, papers) -> None:
        self.papers = papers
        self.db = papers.sql

    def reserve_request(self, service: str, interval: float) -> float:
        """Take the turn to call a service if `interval` seconds have passed since any
        process on this store took the last one (and no Retry-After holds it) and return 0;
        otherwise return the seconds until it is free, taking nothing."""
        out: list[float] = []

        def work(db) -> None:
            db.lock("request_slots")
            now = time.time()
            row = db.execute("SELECT next_at FROM request_slots WHERE service = ?",
                             (service,)).fetchone()
            if row and row[0] > now:
                out.append(row[0] - now)
                return
            db.execute("INSERT INTO request_slots (service, next_at) VALUES (?, ?) "
                       "ON CONFLICT (service) DO UPDATE SET next_at = excluded.next_at",
                       (service, now + interval))
            out.append(0.0)

        self.db.transaction(work)
        return out[0]

    def push_back(self, service: str, until: float) -> None:
        """No request to this service before `until` (a Retry-After from the server)."""
        self.db.transaction(lambda db: db.execute(
            "INSERT INTO request_slots (service, next_at) VALUES (?, ?) ON CONFLICT (service) "
            f"DO UPDATE SET next_at = {self.db.greatest}(request_slots.next_at, excluded.next_at)",
            (service, until)))

    # -- jobs ------------------------------------------------------------------------------

    def job_started(self, name: str, at: str) -> None:
        self.db.execute("INSERT INTO jobs (name, last_start) VALUES (?, ?) ON CONFLICT (name) "
                        "DO UPDATE SET last_start = excluded.last_start", (name, at))

    def job_finished(self, name: str, at: str, added: int, error: str | None) -> None:
        if error is None:
            self.db.execute("UPDATE jobs SET last_success = ?, added_last = ?, "
                            "added_total = added_total + ? WHERE name = ?",
                            (at, added, added, name))
        else:
            self.db.execute("UPDATE jobs SET last_error = ?, last_error_at = ?, "
                            "added_total = added_total + ? WHERE name = ?",
                            (error, at, added, name))

    def job_scheduled(self, name: str, next_run: str) -> None:
        self.db.execute("INSERT INTO jobs (name, next_run) VALUES (?, ?) ON CONFLICT (name) "
                        "DO UPDATE SET next_run = excluded.next_run", (name, next_run))

    def jobs(self) -> list[JobStatus]:
        return [JobStatus(*r) for r in self.db.execute(
            "SELECT name, last_start, last_success, last_error, last_error_at, next_run, "
            "added_last, added_total FROM jobs ORDER BY name")]

    # -- the one-worker lock ---------------------------------------------------------------

    def take_lock(self, name: str, holder: str, stale_after: float,
                  holder_is_gone=lambda holder: False) -> str | None:
        """Take the lock; None when taken, else who holds it. A holder whose heartbeat is
        older than stale_after seconds, or who is gone, loses it."""
        out: list[str | None] = []

        def work(db) -> None:
            db.lock("locks")
            now = time.time()
            row = db.execute("SELECT holder, heartbeat FROM locks WHERE name = ?",
                             (name,)).fetchone()
            if row and row[0] != holder and now - row[1] < stale_after \
                    and not holder_is_gone(row[0]):
                out.append(row[0])
                return
            db.execute("INSERT INTO locks (name, holder, heartbeat) VALUES (?, ?, ?) "
                       "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, "
                       "heartbeat = excluded.heartbeat", (name, holder, now))
            out.append(None)

        self.db.transaction(work)
        return out[0]

    def heartbeat(self, name: str, holder: str) -> None:
        self.db.execute("UPDATE locks SET heartbeat = ? WHERE name = ? AND holder = ?",
                        (time.time(), name, holder))

    def release_lock(self, name: str, holder: str) -> None:
        self.db.execute("DELETE FROM locks WHERE name = ? AND holder = ?", (name, holder))

    def checkpoint_names(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT name FROM harvest_state ORDER BY name")]

    def lock_holder(self, name: str) -> tuple[str, float] | None:
        """(holder, heartbeat epoch seconds) of a lock, if anyone holds it."""
        row = self.db.execute("SELECT holder, heartbeat FROM locks WHERE name = ?",
                              (name,)).fetchone()
        return (row[0], row[1]) if row else None
