"""Migrations by yoyo that survive a process killed in the middle of one.

yoyo's lock is a row, which a kill -9 leaves behind: every process opening the store after
that waited 10 s and failed ("Process N has locked this database"). So a store that is up
to date takes no lock at all, and a store that needs migrating first clears a lock whose
holder is gone: on one host, a row whose process has ended; on PostgreSQL, shared by
hosts, any row, once an advisory lock (which dies with its session) says no other
migrator is running."""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from importlib import resources

from yoyo import get_backend, read_migrations


def migrate(backend_url: str, dialect: str,
            exclusive: AbstractContextManager | None = None,
            stale: Callable[[int], bool] | None = None) -> None:
    """Apply what is pending; `exclusive` is held while migrating, and `stale(pid)` says
    whether a lock row's holder is gone (default: its process has ended on this host)."""
    backend = get_backend(backend_url)
    folder = resources.files("paperwire.store") / "migrations" / dialect
    migrations = read_migrations(str(folder))
    if not backend.to_apply(migrations):
        return
    with exclusive or nullcontext():
        _clear_stale_lock(backend, stale or process_gone)
        with backend.lock():
            backend.apply_migrations(backend.to_apply(migrations))


def process_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


def _clear_stale_lock(backend, stale: Callable[[int], bool]) -> None:
    table = backend.lock_table_quoted
    holders = [row[0] for row in backend.execute(f"SELECT pid FROM {table}").fetchall()]
    gone = [pid for pid in holders if stale(pid)]
    if not gone:
        return
    with backend.transaction():
        for pid in gone:
            backend.execute(f"DELETE FROM {table} WHERE pid = :pid", {"pid": pid})
