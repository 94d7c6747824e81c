"""`paperwire db copy SRC DST`: a whole store into another (SQLite into PostgreSQL, or
back), keeping every paper's pid and revision, then its vectors, then accounts, sessions,
votes, comments, collections, readers' signals and mail, ids kept; verified by counts,
and a second run changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from paperwire.embedding import MODEL_NAME
from paperwire.store.base import Store

BATCH = 2000
# what people and the worker added, in an order that keeps every reference satisfied
TABLES = ("harvest_state", "users", "sessions", "api_tokens", "votes", "comments",
          "collections", "collection_items", "submissions", "dismissals", "seen", "follows",
          "library_items", "notes", "tastes", "subscribers", "outbox", "mailed",
          "subscriber_dismissals", "site_secrets", "jobs")
SERIAL_KEYS = {"users": "uid", "api_tokens": "tid", "comments": "cid",
               "collections": "coll_id", "follows": "fid", "subscribers": "sid", "outbox": "mid"}


class CopyMismatch(Exception):
    """The copy's counts differ from the source's; says which."""


@dataclass
class CopyReport:
    papers_written: int = 0
    vectors_written: int = 0
    rows_written: int = 0  # accounts, votes, comments, collections, mail…
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)  # name → (source, copy)

    def summary(self) -> str:
        checked = ", ".join(f"{name} {src:,}" for name, (src, _) in self.counts.items()
                            if src)
        return (f"{self.papers_written:,} papers, {self.vectors_written:,} vectors and "
                f"{self.rows_written:,} other rows written; counts equal: {checked}")


def _copy_vectors(source: Store, target: Store) -> int:
    written, after = 0, 0
    while rows := source.vector_rows(MODEL_NAME, after, BATCH):
        after = rows[-1].pid
        have = {r.pid: r for r in target.vector_rows(MODEL_NAME, rows[0].pid - 1, len(rows))}
        fresh = [r for r in rows if have.get(r.pid) != r]
        if fresh:
            target.save_vectors(MODEL_NAME, fresh)
            written += len(fresh)
    return written


def _copy_table(source: Store, target: Store, table: str) -> int:
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


def _counts(store: Store) -> dict[str, int]:
    stats = store.stats()
    tables = {t: store.sql.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    return {**tables, "papers": stats.papers, "visible": store.count(visible_only=True),
            "with an arXiv id": stats.with_arxiv_id, "vectors": store.vector_count(MODEL_NAME),
            "revision": store.max_rev(), **{f"from {k}": v for k, v in stats.by_source.items()}}


def copy_store(source: Store, target: Store,
               on_progress: Callable[[int], None] | None = None) -> CopyReport:
    report = CopyReport()
    for batch in source.changed_since(0, BATCH):
        report.papers_written += target.copy_rows(batch)
        if on_progress:
            on_progress(len(batch))
    report.vectors_written = _copy_vectors(source, target)
    report.rows_written = sum(_copy_table(source, target, t) for t in TABLES)
    theirs, ours = _counts(source), _counts(target)
    report.counts = {k: (v, ours.get(k, 0)) for k, v in theirs.items()}
    wrong = [f"{k}: {a:,} in the source, {b:,} in the copy"
             for k, (a, b) in report.counts.items() if a != b]
    if wrong:
        raise CopyMismatch("; ".join(wrong))
    return report
