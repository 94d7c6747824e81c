"""`paperwire db copy`, the store's side: a paper as another store holds it (same pid and
revision), written by either store's copy_rows; the other tables copied row for row, ids
kept, and counted to verify the copy."""

from __future__ import annotations

from paperwire.store.base import Store, StoredPaper
from paperwire.store.rows import COLUMNS, N_COLUMNS, to_row

# what people and the worker added, in an order that keeps every reference satisfied
TABLES = ("harvest_state", "users", "sessions", "api_tokens", "votes", "comments",
          "collections", "collection_items", "submissions", "dismissals", "seen", "follows",
          "library_items", "notes", "tastes", "subscribers", "outbox", "mailed",
          "subscriber_dismissals", "site_secrets", "jobs", "glance", "map_builds",
          "map_topics", "map_points")
SERIAL_KEYS = {"users": "uid", "api_tokens": "tid", "comments": "cid",
               "collections": "coll_id", "follows": "fid", "subscribers": "sid", "outbox": "mid"}

COPY_SQL = (
    f"INSERT INTO papers (pid, rev, hidden, local_key, added_at, {COLUMNS}) VALUES "
    f"({','.join(['%s'] * (N_COLUMNS + 5))}) ON CONFLICT (pid) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in
                ["rev", "hidden", "local_key", "added_at", *(c.strip() for c in
                                                             COLUMNS.split(","))])
    + " WHERE papers.rev != excluded.rev OR papers.hidden != excluded.hidden")


def copy_values(sp: StoredPaper) -> tuple:
    added = sp.added_on.isoformat() + "T00:00:00Z" if sp.added_on else None
    return (sp.pid, sp.rev, int(sp.hidden), sp.paper.local_key, added, *to_row(sp.paper))


def copy_table(source: Store, target: Store, table: str) -> int:
    key = SERIAL_KEYS.get(table)  # in id order: a reply's comment is copied before it
    rows = list(source.sql.execute(f"SELECT * FROM {table}" + (f" ORDER BY {key}" if key
                                                                  else "")))
    if not rows:
        return 0
    columns = list(rows[0].keys())
    sql = (f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
           f"({', '.join('?' * len(columns))}) ON CONFLICT DO NOTHING")
    written = 0

    def work(db) -> None:
        nonlocal written
        for row in rows:
            written += db.execute(sql, tuple(row)).rowcount
        if key and db.dialect == "postgres":  # the next new row continues after the copied
            db.execute(f"SELECT setval(pg_get_serial_sequence('{table}', '{key}'), "
                       f"(SELECT max({key}) FROM {table}))")

    target.sql.transaction(work)
    return written


def table_counts(store: Store) -> dict[str, int]:
    return {t: store.sql.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
