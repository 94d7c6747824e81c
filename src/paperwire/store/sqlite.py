"""SQLite store: a single file in WAL mode, migrated by yoyo on open."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from paperwire.domain import Paper
from paperwire.store import migrating
from paperwire.store.base import (
    HarvestCheckpoint,
    StoredPaper,
    StoreError,
    StoreStats,
    VectorRow,
    WriteConflict,
)
from paperwire.store.copying import COPY_SQL, copy_values
from paperwire.store.paper_reads import PaperReads
from paperwire.store.rows import (
    COLUMNS,
    LOOKUP_CHUNK,
    N_COLUMNS,
    SELECT,
    chunks,
    from_row,
    local_keys,
    to_row,
)
from paperwire.store.sql import SQLiteDb, unusable_now

_STALE = ("FROM papers p LEFT JOIN embeddings e ON e.pid = p.pid "
          "WHERE (e.pid IS NULL OR e.model != ? OR p.rev > e.paper_rev)")
# Indexes the import itself never reads: a bulk load drops them and builds them once at
# the end (much cheaper than a million scattered b-tree inserts; papers_rev stays, as
# write_batch reads max(rev) and its inserts append at the end of the tree anyway).
# Each store open makes sure they exist, so a bulk load killed midway heals on reopening.
# The definitions are the migrations' (0001, 0004), kept identical (tests/test_bulk.py).
BULK_CHECKPOINT_PAGES = 131072  # 512 MiB of 4 KiB pages
DEFERRABLE_INDEXES = {
    "papers_published": "CREATE INDEX IF NOT EXISTS papers_published ON papers (published)",
    "papers_listed_on": "CREATE INDEX IF NOT EXISTS papers_listed_on ON papers (listed_on)",
    "papers_feed_day": "CREATE INDEX IF NOT EXISTS papers_feed_day ON papers "
                       "(coalesce(listed_on, published, substr(added_at, 1, 10)))",
}


def migrate(path: Path) -> None:
    migrating.migrate(f"sqlite:///{path}", "sqlite")


def _revs_moved(db: sqlite3.Connection, read_revs: dict[int, int]) -> bool:
    """Whether any of these rows' revisions moved since they were read."""
    pids = list(read_revs)
    for chunk in chunks(pids, LOOKUP_CHUNK):
        marks = ",".join("?" * len(chunk))
        for pid, rev in db.execute(f"SELECT pid, rev FROM papers WHERE pid IN ({marks})", chunk):
            if rev != read_revs[pid]:
                return True
    return False


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA busy_timeout=10000")
    db.execute("PRAGMA cache_size=-65536")  # at most 64 MiB: b-tree pages of big imports
    return db


class ThreadConnections:
    """A connection per thread, made on its first statement; those of threads that have
    ended are closed as new ones are made, the rest by close_all."""

    def __init__(self, connect) -> None:
        self._connect = connect
        self._local = threading.local()
        self._lock = threading.Lock()
        self._made: dict[int, tuple[threading.Thread, sqlite3.Connection]] = {}

    def get(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = self._connect()
            with self._lock:
                for ident, (thread, old) in list(self._made.items()):
                    if not thread.is_alive():
                        old.close()
                        del self._made[ident]
                self._made[threading.get_ident()] = (threading.current_thread(), db)
        return db

    def close_all(self) -> None:
        with self._lock:
            for _, db in self._made.values():
                db.close()
            self._made.clear()
        self._local = threading.local()


class SQLiteStore(PaperReads):
    _mark = "?"

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        migrate(path)
        self._connections = ThreadConnections(lambda: _connect(path))
        self.db.execute("PRAGMA journal_mode=WAL")
        self.sql = SQLiteDb(lambda: self.db, self._transaction)  # the stores shared with PostgreSQL
        self._ensure_indexes()

    @property
    def db(self) -> sqlite3.Connection:
        """This thread's connection. One shared by a server's threads would mix their
        statements: a read in one thread would join another's write transaction, and a
        write beside a read still stepping fails ("another row available")."""
        return self._connections.get()

    def _ensure_indexes(self) -> None:
        for sql in DEFERRABLE_INDEXES.values():
            self.db.execute(sql)

    @contextmanager
    def bulk_load(self) -> Iterator[None]:
        """Write many papers faster: the indexes no import reads are built once, after."""
        for name in DEFERRABLE_INDEXES:
            self.db.execute(f"DROP INDEX IF EXISTS {name}")
        # fewer, larger WAL checkpoints: a page rewritten by many batches is copied once
        self.db.execute(f"PRAGMA wal_autocheckpoint={BULK_CHECKPOINT_PAGES}")
        try:
            yield
        finally:
            try:
                self._ensure_indexes()
                self.db.execute("PRAGMA wal_autocheckpoint=1000")
                self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.DatabaseError as e:  # a full disk: the next open builds them
                raise StoreError(f"{self.path}: the deferred indexes wait for the next "
                                 f"open ({e})") from e

    def close(self) -> None:
        self._connections.close_all()

    def _select(self, where: str, params: Iterable = ()) -> list[StoredPaper]:
        return [from_row(r) for r in self.db.execute(f"{SELECT} {where}", tuple(params))]

    def lookup(self, arxiv_ids: Iterable[str], title_keys: Iterable[str],
               doi_keys: Iterable[str] = (), source_ids: Iterable[str] = ()
               ) -> list[StoredPaper]:
        found: dict[int, StoredPaper] = {}
        for where, values in (("arxiv_id IN ({marks})", arxiv_ids),
                              ("title_key IN ({marks})", title_keys),
                              ("doi_key IN ({marks})", doi_keys),
                              ("pid IN (SELECT pid FROM source_ids WHERE source_id IN ({marks}))",
                               source_ids)):
            for chunk in chunks(list(values), LOOKUP_CHUNK):
                marks = ",".join("?" * len(chunk))
                for sp in self._select("WHERE " + where.format(marks=marks), chunk):
                    found[sp.pid] = sp
        return sorted(found.values(), key=lambda sp: sp.pid)

    def write_batch(self, inserts: list[Paper], updates: list[tuple[int, Paper]],
                    checkpoint: HarvestCheckpoint | None = None,
                    read_revs: dict[int, int] | None = None) -> list[int]:
        pids: list[int] = []

        def work(db: sqlite3.Connection) -> None:
            if read_revs and _revs_moved(db, read_revs):
                raise WriteConflict("papers changed since they were read")
            rev, first = db.execute(
                "SELECT coalesce(max(rev), 0) + 1, coalesce(max(pid), 0) + 1 FROM papers"
            ).fetchone()
            pids.extend(range(first, first + len(inserts)))  # we hold the write lock
            keys = local_keys(inserts, lambda base: {r[0] for r in db.execute(
                "SELECT local_key FROM papers WHERE title_key = ? AND local_key IS NOT NULL",
                (base,))})
            marks = ",".join("?" * (N_COLUMNS + 3))
            db.executemany(
                f"INSERT INTO papers (pid, local_key, {COLUMNS}, rev) VALUES ({marks})",
                [(pid, key, *to_row(p), rev)
                 for pid, key, p in zip(pids, keys, inserts, strict=True)])
            assignments = ", ".join(f"{c.strip()} = ?" for c in COLUMNS.split(","))
            db.executemany(
                f"UPDATE papers SET {assignments}, rev = ?, "
                "changed_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE pid = ?",
                [(*to_row(p), rev, pid) for pid, p in updates],
            )
            db.executemany("INSERT OR IGNORE INTO source_ids (source_id, pid) VALUES (?, ?)",
                           [(s, pid) for pid, p in (*zip(pids, inserts, strict=False), *updates)
                            for s in p.source_ids])
            if checkpoint is not None:
                _save_checkpoint(db, checkpoint)

        try:
            self._transaction(work)
        except sqlite3.IntegrityError as e:
            if e.sqlite_errorname == "SQLITE_CONSTRAINT_UNIQUE":  # inserted meanwhile
                raise WriteConflict(str(e)) from e
            raise
        except sqlite3.DatabaseError as e:  # full, read-only, I/O error, locked too long
            if not unusable_now(e):
                raise
            raise StoreError(f"{self.path}: {e}") from e
        return pids

    def copy_rows(self, rows: list[StoredPaper]) -> int:
        written: list[int] = []

        def work(db: sqlite3.Connection) -> None:
            before = db.total_changes
            db.executemany(COPY_SQL.replace("%s", "?"), [copy_values(sp) for sp in rows])
            written.append(db.total_changes - before)
            db.executemany("INSERT OR IGNORE INTO source_ids (source_id, pid) VALUES (?, ?)",
                           [(s, sp.pid) for sp in rows for s in sp.paper.source_ids])

        self._transaction(work)
        return written[0]

    def vector_rows(self, model: str, after_pid: int, limit: int) -> list[VectorRow]:
        return [VectorRow(*r) for r in self.db.execute(
            "SELECT pid, text_hash, paper_rev, vector FROM embeddings WHERE model = ? AND "
            "pid > ? ORDER BY pid LIMIT ?", (model, after_pid, limit))]

    def harvest_checkpoint(self, name: str) -> HarvestCheckpoint | None:
        row = self.db.execute("SELECT name, token, list_from, list_until, pages, cursor "
                              "FROM harvest_state WHERE name = ?", (name,)).fetchone()
        return HarvestCheckpoint(*row) if row else None

    def save_checkpoint(self, checkpoint: HarvestCheckpoint) -> None:
        self._transaction(lambda db: _save_checkpoint(db, checkpoint))

    def get_many(self, pids: Iterable[int]) -> dict[int, StoredPaper]:
        out: dict[int, StoredPaper] = {}
        for chunk in chunks(list(pids), LOOKUP_CHUNK):
            marks = ",".join("?" * len(chunk))
            out.update((sp.pid, sp) for sp in self._select(f"WHERE pid IN ({marks})", chunk))
        return out

    def max_rev(self) -> int:
        return self.db.execute("SELECT coalesce(max(rev), 0) FROM papers").fetchone()[0]

    def pids_changed_since(self, rev: int, limit: int) -> list[int]:
        return [r[0] for r in self.db.execute("SELECT pid FROM papers WHERE rev > ? LIMIT ?",
                                              (rev, limit))]

    def count(self, visible_only: bool = False) -> int:
        where = " WHERE hidden = 0" if visible_only else ""
        return self.db.execute("SELECT count(*) FROM papers" + where).fetchone()[0]

    def integrity_problems(self) -> list[str]:
        rows = [r[0] for r in self.db.execute("PRAGMA quick_check")]
        return [] if rows == ["ok"] else rows

    def stats(self) -> StoreStats:
        db = self.db
        total, with_id, newest, oldest = db.execute(
            "SELECT count(*), count(arxiv_id), max(published), min(published) FROM papers"
        ).fetchone()
        by_source: dict[str, int] = {}
        for sources, n in db.execute("SELECT sources, count(*) FROM papers GROUP BY sources"):
            for s in sources.split(","):
                if s:
                    by_source[s] = by_source.get(s, 0) + n
        size = sum(f.stat().st_size for f in self.path.parent.glob(self.path.name + "*")
                   if f.is_file())
        return StoreStats(total, with_id, size, dict(sorted(by_source.items())), newest, oldest)

    # -- vectors ------------------------------------------------------------------------------

    def papers_to_embed(self, model: str, after_pid: int, limit: int
                        ) -> list[tuple[StoredPaper, str | None]]:
        cols = ", ".join(f"p.{c.strip()}" for c in COLUMNS.split(","))
        rows = self.db.execute(
            f"SELECT p.pid, p.rev, p.hidden, p.local_key, p.added_at, {cols}, "
            f"CASE WHEN e.model = ? THEN e.text_hash END AS old_hash {_STALE} "
            "AND p.pid > ? ORDER BY p.pid LIMIT ?", (model, model, after_pid, limit))
        return [(from_row(r), r["old_hash"]) for r in rows]

    def count_to_embed(self, model: str) -> int:
        return self.db.execute(f"SELECT count(*) {_STALE}", (model,)).fetchone()[0]

    def _transaction(self, work) -> None:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            work(self.db)
            self.db.execute("COMMIT")
        except BaseException:
            # SQLite may have rolled back already (a full disk, an I/O error): then a
            # ROLLBACK would fail with "no transaction is active" and hide the real error
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise

    def save_vectors(self, model: str, rows: list[VectorRow]) -> None:
        def work(db: sqlite3.Connection) -> None:
            seq = db.execute("SELECT coalesce(max(seq), 0) + 1 FROM embeddings").fetchone()[0]
            db.executemany(
                "INSERT OR REPLACE INTO embeddings (pid, model, text_hash, paper_rev, seq, vector)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [(r.pid, model, r.text_hash, r.paper_rev, seq, r.vector) for r in rows])
        self._transaction(work)

    def mark_vectors_current(self, pids_revs: list[tuple[int, int]]) -> None:
        self._transaction(lambda db: db.executemany(
            "UPDATE embeddings SET paper_rev = ? WHERE pid = ?",
            [(rev, pid) for pid, rev in pids_revs]))

    def vectors_since(self, model: str, seq: int, batch_size: int = 20000
                      ) -> Iterator[tuple[list[int], list[bytes]]]:
        last = 0
        while True:
            rows = self.db.execute(
                "SELECT pid, vector FROM embeddings WHERE model = ? AND seq > ? AND pid > ? "
                "ORDER BY pid LIMIT ?", (model, seq, last, batch_size)).fetchall()
            if not rows:
                return
            yield [r[0] for r in rows], [r[1] for r in rows]
            last = rows[-1][0]

    def vector_seq(self, model: str) -> int:
        return self.db.execute("SELECT coalesce(max(seq), 0) FROM embeddings WHERE model = ?",
                               (model,)).fetchone()[0]

    def vector_count(self, model: str) -> int:
        return self.db.execute("SELECT count(*) FROM embeddings WHERE model = ?",
                               (model,)).fetchone()[0]

    def vector_of(self, model: str, pid: int) -> bytes | None:
        row = self.db.execute("SELECT vector FROM embeddings WHERE model = ? AND pid = ?",
                              (model, pid)).fetchone()
        return row[0] if row else None

    def vectors_of(self, model: str, pids: list[int]) -> dict[int, bytes]:
        out: dict[int, bytes] = {}
        for chunk in chunks(pids, LOOKUP_CHUNK):
            marks = ",".join("?" * len(chunk))
            out.update(self.db.execute(f"SELECT pid, vector FROM embeddings WHERE model = ? "
                                       f"AND pid IN ({marks})", (model, *chunk)).fetchall())
        return out

    def set_hidden(self, pid: int, hidden: bool) -> bool:
        """Hide or show a paper; bumps its revision so the indexes follow."""
        changed: list[int] = []

        def work(db: sqlite3.Connection) -> None:
            rev = db.execute("SELECT coalesce(max(rev), 0) + 1 FROM papers").fetchone()[0]
            changed.append(db.execute("UPDATE papers SET hidden = ?, rev = ? WHERE pid = ?",
                                      (int(hidden), rev, pid)).rowcount)

        self._transaction(work)
        return changed[0] == 1

    def hidden_among(self, pids: list[int]) -> set[int]:
        out: set[int] = set()
        for chunk in chunks(pids, LOOKUP_CHUNK):
            marks = ",".join("?" * len(chunk))
            out.update(r[0] for r in self.db.execute(
                f"SELECT pid FROM papers WHERE hidden = 1 AND pid IN ({marks})", chunk))
        return out

    def published_of(self, pids: list[int]) -> dict[int, date]:
        out: dict[int, date] = {}
        for chunk in chunks(pids, LOOKUP_CHUNK):
            out.update((pid, date.fromisoformat(d)) for pid, d in self.db.execute(
                f"SELECT pid, published FROM papers WHERE published IS NOT NULL AND pid IN "
                f"({','.join('?' * len(chunk))})", chunk))
        return out


def _save_checkpoint(db: sqlite3.Connection, c: HarvestCheckpoint) -> None:
    db.execute(
        "INSERT INTO harvest_state (name, token, list_from, list_until, pages, cursor, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now')) "
        "ON CONFLICT (name) DO UPDATE SET token = excluded.token, "
        "list_from = excluded.list_from, list_until = excluded.list_until, "
        "pages = excluded.pages, cursor = excluded.cursor, updated_at = excluded.updated_at",
        (c.name, c.token, c.list_from, c.list_until, c.pages, c.cursor))
