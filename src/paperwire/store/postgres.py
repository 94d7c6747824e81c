"""PostgreSQL store: the papers, their checkpoints and vectors, behind the same protocol as
SQLite's, for several servers and workers on one database (psycopg 3 with a pool).

Writers of papers and of vectors take one transaction-scoped advisory lock each, as SQLite's
BEGIN IMMEDIATE does: revisions and vector sequence numbers then commit in the order they
are given, which is what lets every server's indexes catch up by "everything after n".
A batch that raced another writer (an arXiv id inserted meanwhile, a row changed since it
was read) raises WriteConflict and writes nothing; ingest reads it again and retries.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

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
from paperwire.store.rows import COLUMNS, N_COLUMNS, SELECT, from_row, local_keys, to_row
from paperwire.store.sql import PostgresDb, without_nul

PAPERS_LOCK, VECTORS_LOCK = 7301, 7302  # advisory lock ids: one writer of each at a time
MIGRATE_LOCK = 7300  # and one migrator
_NOW = PostgresDb.now
_STALE = ("FROM papers p LEFT JOIN embeddings e ON e.pid = p.pid "
          "WHERE (e.pid IS NULL OR e.model != %s OR p.rev > e.paper_rev)")


def migrate(url: str) -> None:
    """yoyo's lock row may be another host's: any left is stale once the advisory lock,
    which ends with its holder's session, is ours."""
    migrating.migrate(url.replace("postgresql://", "postgresql+psycopg://", 1)
                      .replace("postgres://", "postgresql+psycopg://", 1), "postgres",
                      exclusive=_advisory_lock(url, MIGRATE_LOCK), stale=lambda pid: True)


@contextmanager
def _advisory_lock(url: str, key: int) -> Iterator[None]:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (key,))
        yield


class PostgresStore(PaperReads):
    _mark = "%s"

    def __init__(self, url: str, pool_size: int = 4) -> None:
        self.url = url
        migrate(url)
        # autocommit: a read is one round trip, not BEGIN, SELECT, COMMIT (a signed-in page
        # made 36 where 12 do); writes of more than one statement say conn.transaction()
        self.pool = ConnectionPool(url, min_size=1, max_size=pool_size, open=True,
                                   kwargs={"row_factory": dict_row, "autocommit": True})
        self.sql = PostgresDb(self.pool)  # for the stores shared with SQLite

    @contextmanager
    def _conn(self) -> Iterator[psycopg.Connection]:
        with self.pool.connection() as conn:
            yield conn

    def _rows(self, sql: str, params: Iterable = ()) -> list[dict]:
        params = [[without_nul([v])[0] for v in p] if isinstance(p, list) else p
                  for p in without_nul(params)]
        with self._conn() as conn:
            return conn.execute(sql, params).fetchall()

    def _value(self, sql: str, params: Iterable = ()):
        rows = self._rows(sql, params)
        return next(iter(rows[0].values())) if rows else None

    def _select(self, where: str, params: Iterable = ()) -> list[StoredPaper]:
        return [from_row(r) for r in self._rows(f"{SELECT} {where}", params)]

    def close(self) -> None:
        self.pool.close()

    # -- papers ----------------------------------------------------------------------------

    def lookup(self, arxiv_ids: Iterable[str], title_keys: Iterable[str],
               doi_keys: Iterable[str] = (), source_ids: Iterable[str] = ()
               ) -> list[StoredPaper]:
        return self._select(
            "WHERE arxiv_id = ANY(%s) OR title_key = ANY(%s) OR doi_key = ANY(%s) OR pid IN "
            "(SELECT pid FROM source_ids WHERE source_id = ANY(%s)) ORDER BY pid",
            (list(arxiv_ids), list(title_keys), list(doi_keys), list(source_ids)))

    def write_batch(self, inserts: list[Paper], updates: list[tuple[int, Paper]],
                    checkpoint: HarvestCheckpoint | None = None,
                    read_revs: dict[int, int] | None = None) -> list[int]:
        try:
            with self._conn() as conn, conn.transaction():
                return self._write(conn, inserts, updates, checkpoint, read_revs or {})
        except psycopg.errors.UniqueViolation as e:
            raise WriteConflict(str(e)) from e
        except self.sql.busy as e:  # a full disk, a lost connection, a read-only database
            raise StoreError(f"the database could not be written: {e}") from e

    def _write(self, conn: psycopg.Connection, inserts: list[Paper],
               updates: list[tuple[int, Paper]], checkpoint: HarvestCheckpoint | None,
               read_revs: dict[int, int]) -> list[int]:
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (PAPERS_LOCK,))
        if read_revs:
            now = conn.execute("SELECT pid, rev FROM papers WHERE pid = ANY(%s)",
                               (list(read_revs),)).fetchall()
            if any(r["rev"] != read_revs[r["pid"]] for r in now):
                raise WriteConflict("papers changed since they were read")
        row = conn.execute("SELECT coalesce(max(rev), 0) + 1 AS rev, "
                           "coalesce(max(pid), 0) + 1 AS pid FROM papers").fetchone()
        rev, first = row["rev"], row["pid"]
        pids = list(range(first, first + len(inserts)))
        keys = local_keys(inserts, lambda base: {r["local_key"] for r in conn.execute(
            "SELECT local_key FROM papers WHERE title_key = %s AND local_key IS NOT NULL",
            (base,))})
        marks = ",".join(["%s"] * (N_COLUMNS + 3))
        with conn.cursor() as cur:
            cur.executemany(f"INSERT INTO papers (pid, local_key, {COLUMNS}, rev) "
                            f"VALUES ({marks})",
                            [(pid, key, *to_row(p), rev)
                             for pid, key, p in zip(pids, keys, inserts, strict=True)])
            assignments = ", ".join(f"{c.strip()} = %s" for c in COLUMNS.split(","))
            cur.executemany(f"UPDATE papers SET {assignments}, rev = %s, changed_at = {_NOW} "
                            "WHERE pid = %s", [(*to_row(p), rev, pid) for pid, p in updates])
            cur.executemany("INSERT INTO source_ids (source_id, pid) VALUES (%s, %s) "
                            "ON CONFLICT (source_id) DO NOTHING",
                            [(s, pid) for pid, p in (*zip(pids, inserts, strict=False),
                                                     *updates) for s in p.source_ids])
        if checkpoint is not None:
            _save_checkpoint(conn, checkpoint)
        return pids

    def copy_rows(self, rows: list[StoredPaper]) -> int:
        with self._conn() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (PAPERS_LOCK,))
            written = 0
            with conn.cursor() as cur:
                for sp in rows:  # executemany would not report per-row counts
                    cur.execute(COPY_SQL, copy_values(sp))
                    written += cur.rowcount
                cur.executemany("INSERT INTO source_ids (source_id, pid) VALUES (%s, %s) "
                                "ON CONFLICT (source_id) DO NOTHING",
                                [(s, sp.pid) for sp in rows for s in sp.paper.source_ids])
            return written

    def vector_rows(self, model: str, after_pid: int, limit: int) -> list[VectorRow]:
        return [VectorRow(r["pid"], r["text_hash"], r["paper_rev"], bytes(r["vector"]))
                for r in self._rows("SELECT pid, text_hash, paper_rev, vector FROM embeddings "
                                    "WHERE model = %s AND pid > %s ORDER BY pid LIMIT %s",
                                    (model, after_pid, limit))]

    @contextmanager
    def bulk_load(self) -> Iterator[None]:
        yield  # PostgreSQL's own bulk paths (COPY) are not used yet: plain batches

    def harvest_checkpoint(self, name: str) -> HarvestCheckpoint | None:
        rows = self._rows("SELECT name, token, list_from, list_until, pages, cursor FROM "
                          "harvest_state WHERE name = %s", (name,))
        return HarvestCheckpoint(**rows[0]) if rows else None

    def save_checkpoint(self, checkpoint: HarvestCheckpoint) -> None:
        with self._conn() as conn, conn.transaction():
            _save_checkpoint(conn, checkpoint)

    def get_many(self, pids: Iterable[int]) -> dict[int, StoredPaper]:
        return {sp.pid: sp for sp in self._select("WHERE pid = ANY(%s)", (list(pids),))}

    def max_rev(self) -> int:
        return self._value("SELECT coalesce(max(rev), 0) FROM papers")

    def pids_changed_since(self, rev: int, limit: int) -> list[int]:
        return [r["pid"] for r in self._rows("SELECT pid FROM papers WHERE rev > %s LIMIT %s",
                                             (rev, limit))]

    def count(self, visible_only: bool = False) -> int:
        return self._value("SELECT count(*) FROM papers" +
                           (" WHERE hidden = 0" if visible_only else ""))

    def integrity_problems(self) -> list[str]:
        orphans = self._value("SELECT count(*) FROM source_ids s LEFT JOIN papers p "
                              "ON p.pid = s.pid WHERE p.pid IS NULL")
        return [f"{orphans} source ids name no paper"] if orphans else []

    def stats(self) -> StoreStats:
        row = self._rows("SELECT count(*) AS n, count(arxiv_id) AS ids, max(published) AS new, "
                         "min(published) AS old, pg_database_size(current_database()) AS size "
                         "FROM papers")[0]
        by_source: dict[str, int] = {}
        for r in self._rows("SELECT sources, count(*) AS n FROM papers GROUP BY sources"):
            for s in r["sources"].split(","):
                if s:
                    by_source[s] = by_source.get(s, 0) + r["n"]
        return StoreStats(row["n"], row["ids"], row["size"], dict(sorted(by_source.items())),
                          row["new"], row["old"])

    def set_hidden(self, pid: int, hidden: bool) -> bool:
        with self._conn() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (PAPERS_LOCK,))
            return conn.execute(
                "UPDATE papers SET hidden = %s, rev = (SELECT coalesce(max(rev), 0) + 1 "
                "FROM papers) WHERE pid = %s", (int(hidden), pid)).rowcount == 1

    def hidden_among(self, pids: list[int]) -> set[int]:
        return {r["pid"] for r in self._rows(
            "SELECT pid FROM papers WHERE hidden = 1 AND pid = ANY(%s)", (list(pids),))}

    def published_of(self, pids: list[int]) -> dict[int, date]:
        return {r["pid"]: date.fromisoformat(r["published"]) for r in self._rows(
            "SELECT pid, published FROM papers WHERE published IS NOT NULL AND pid = ANY(%s)",
            (list(pids),))}

    # -- vectors ---------------------------------------------------------------------------

    def papers_to_embed(self, model: str, after_pid: int, limit: int
                        ) -> list[tuple[StoredPaper, str | None]]:
        cols = ", ".join(f"p.{c.strip()}" for c in COLUMNS.split(","))
        rows = self._rows(
            f"SELECT p.pid, p.rev, p.hidden, p.local_key, p.added_at, {cols}, "
            f"CASE WHEN e.model = %s THEN e.text_hash END AS old_hash {_STALE} "
            "AND p.pid > %s ORDER BY p.pid LIMIT %s", (model, model, after_pid, limit))
        return [(from_row(r), r["old_hash"]) for r in rows]

    def count_to_embed(self, model: str) -> int:
        return self._value(f"SELECT count(*) {_STALE}", (model,))

    def save_vectors(self, model: str, rows: list[VectorRow]) -> None:
        with self._conn() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (VECTORS_LOCK,))
            seq = conn.execute("SELECT coalesce(max(seq), 0) + 1 AS seq FROM embeddings"
                               ).fetchone()["seq"]
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO embeddings (pid, model, text_hash, paper_rev, seq, vector) "
                    "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (pid) DO UPDATE SET "
                    "model = excluded.model, text_hash = excluded.text_hash, "
                    "paper_rev = excluded.paper_rev, seq = excluded.seq, "
                    "vector = excluded.vector",
                    [(r.pid, model, r.text_hash, r.paper_rev, seq, r.vector) for r in rows])

    def mark_vectors_current(self, pids_revs: list[tuple[int, int]]) -> None:
        with self._conn() as conn, conn.transaction(), conn.cursor() as cur:
            cur.executemany("UPDATE embeddings SET paper_rev = %s WHERE pid = %s",
                            [(rev, pid) for pid, rev in pids_revs])

    def vectors_since(self, model: str, seq: int, batch_size: int = 20000
                      ) -> Iterator[tuple[list[int], list[bytes]]]:
        last = 0
        while True:
            rows = self._rows("SELECT pid, vector FROM embeddings WHERE model = %s AND seq > %s "
                              "AND pid > %s ORDER BY pid LIMIT %s",
                              (model, seq, last, batch_size))
            if not rows:
                return
            yield [r["pid"] for r in rows], [bytes(r["vector"]) for r in rows]
            last = rows[-1]["pid"]

    def vector_seq(self, model: str) -> int:
        return self._value("SELECT coalesce(max(seq), 0) FROM embeddings WHERE model = %s",
                           (model,))

    def vector_count(self, model: str) -> int:
        return self._value("SELECT count(*) FROM embeddings WHERE model = %s", (model,))

    def vector_of(self, model: str, pid: int) -> bytes | None:
        blob = self._value("SELECT vector FROM embeddings WHERE model = %s AND pid = %s",
                           (model, pid))
        return bytes(blob) if blob is not None else None

    def vectors_of(self, model: str, pids: list[int]) -> dict[int, bytes]:
        return {r["pid"]: bytes(r["vector"]) for r in self._rows(
            "SELECT pid, vector FROM embeddings WHERE model = %s AND pid = ANY(%s)",
            (model, list(pids)))}


def _save_checkpoint(conn: psycopg.Connection, c: HarvestCheckpoint) -> None:
    conn.execute(
        "INSERT INTO harvest_state (name, token, list_from, list_until, pages, cursor, "
        f"updated_at) VALUES (%s, %s, %s, %s, %s, %s, {_NOW}) ON CONFLICT (name) DO UPDATE "
        "SET token = excluded.token, list_from = excluded.list_from, "
        "list_until = excluded.list_until, pages = excluded.pages, cursor = excluded.cursor, "
        "updated_at = excluded.updated_at",
        (c.name, c.token, c.list_from, c.list_until, c.pages, c.cursor))
