"""One way to run SQL on either database, for the stores written once for both (site,
readers, mail, worker): `?` placeholders, rows readable by position and by column name,
transactions, and the few expressions the dialects spell differently."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any


class Duplicate(Exception):
    """A unique constraint refused the write."""


class Result:
    """What a statement returned, read in full."""

    def __init__(self, rows: list, rowcount: int) -> None:
        self.rows, self.rowcount = rows, rowcount

    def __iter__(self) -> Iterator:
        return iter(self.rows)

    def fetchone(self):
        return self.rows[0] if self.rows else None

    def fetchall(self) -> list:
        return self.rows


def busy_errors(dialect: str) -> tuple[type[Exception], ...]:
    """What the driver raises when the database cannot be used just now: locked, unreachable,
    full, or refusing writes (a standby: psycopg's ReadOnlySqlTransaction is an InternalError)."""
    if dialect == "sqlite":
        return (sqlite3.OperationalError,)
    import psycopg

    return (psycopg.OperationalError, psycopg.errors.ReadOnlySqlTransaction)


SQLITE_UNUSABLE = ("SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_READONLY", "SQLITE_IOERR",
                   "SQLITE_FULL", "SQLITE_CANTOPEN", "SQLITE_CORRUPT", "SQLITE_NOTADB")


def unusable_now(error: Exception) -> bool:
    """Whether one of busy_errors says the database cannot be used just now, rather than
    that a statement is wrong: SQLite raises OperationalError for both ("no such table")."""
    name = getattr(error, "sqlite_errorname", None)
    return name is None or name.startswith(SQLITE_UNUSABLE)


@contextmanager
def unless_unusable(busy: tuple[type[Exception], ...]) -> Iterator[None]:
    """Leave out a write that can wait (bookkeeping, a cache) while the database cannot be
    used; a statement gone wrong still raises."""
    try:
        yield
    except busy as e:
        if not unusable_now(e):
            raise


class SQLiteDb:
    dialect = "sqlite"
    now = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
    greatest = "max"
    busy = busy_errors("sqlite")

    def __init__(self, connection: Callable[[], sqlite3.Connection], transaction) -> None:
        self._connection = connection  # the calling thread's (store/sqlite.py)
        self._transaction = transaction  # the store's BEGIN IMMEDIATE … COMMIT

    @property
    def connection(self) -> sqlite3.Connection:
        return self._connection()

    def execute(self, sql: str, params: Iterable = ()) -> Any:
        try:
            return self.connection.execute(sql, tuple(params))
        except sqlite3.IntegrityError as e:
            if e.sqlite_errorname in ("SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"):
                raise Duplicate(str(e)) from e
            raise

    def executemany(self, sql: str, rows: Iterable[tuple]) -> None:
        self.connection.executemany(sql, rows)

    def lock(self, name: str) -> None:
        """Inside a transaction: one holder of this name at a time (BEGIN IMMEDIATE already
        serializes every SQLite writer)."""

    def transaction(self, work: Callable[[SQLiteDb], Any]) -> Any:
        out: list = []
        self._transaction(lambda _: out.append(work(self)))
        return out[0]


class KeyedRow(tuple):
    """A row by position or by column name, as sqlite3.Row."""

    index: dict[str, int]

    def __getitem__(self, key):  # type: ignore[override]
        if isinstance(key, str):
            key = self.index[key]
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self.index)


def keyed_rows(cursor):
    names = {c.name: i for i, c in enumerate(cursor.description or [])}

    def make(values):
        row = KeyedRow(values)
        row.index = names
        return row

    return make


def without_nul(params: Iterable) -> tuple:
    """PostgreSQL text cannot hold NUL: one in user input becomes U+FFFD (so a lookup finds
    nothing, as it would on SQLite, and a write keeps the rest of the text)."""
    return tuple(p.replace("\x00", "\ufffd") if isinstance(p, str) else p for p in params)


class PostgresDb:
    dialect = "postgres"
    now = "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
    greatest = "greatest"

    def __init__(self, pool) -> None:
        self.pool = pool
        self.busy = busy_errors("postgres")
        self._local = threading.local()  # the connection of a transaction in progress

    @staticmethod
    def _sql(sql: str) -> str:
        return sql.replace("%", "%%").replace("?", "%s")

    @contextmanager
    def _connection(self):
        held = getattr(self._local, "conn", None)
        if held is not None:
            yield held
            return
        with self.pool.connection() as conn:
            yield conn

    def execute(self, sql: str, params: Iterable = ()) -> Result:
        import psycopg

        with self._connection() as conn:
            try:
                cur = conn.cursor(row_factory=keyed_rows)
                cur.execute(self._sql(sql), without_nul(params))
            except psycopg.errors.UniqueViolation as e:
                raise Duplicate(str(e)) from e
            rows = cur.fetchall() if cur.description else []
            return Result(rows, cur.rowcount)

    def executemany(self, sql: str, rows: Iterable[tuple]) -> None:
        rows = list(rows)
        if not rows:
            return
        with self._connection() as conn, conn.cursor() as cur:
            cur.executemany(self._sql(sql), [without_nul(r) for r in rows])

    def lock(self, name: str) -> None:
        """Inside a transaction: one holder of this name at a time, until it ends."""
        self.execute("SELECT pg_advisory_xact_lock(hashtext(?))", (name,))

    def transaction(self, work: Callable[[PostgresDb], Any]) -> Any:
        if getattr(self._local, "conn", None) is not None:
            return work(self)
        with self.pool.connection() as conn, conn.transaction():
            self._local.conn = conn
            try:
                return work(self)
            finally:
                self._local.conn = None
