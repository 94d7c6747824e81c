"""`paperwire db copy SRC DST`: a whole store into another (SQLite into PostgreSQL, or
back), keeping every paper's pid and revision, then its vectors, then accounts, sessions,
votes, comments, collections, readers' signals and mail, ids kept; verified by counts,
and a second run changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from paperwire.embedding import MODEL_NAME
from paperwire.store.base import Store
from paperwire.store.copying import TABLES, copy_table, table_counts

BATCH = 2000


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


def _counts(store: Store) -> dict[str, int]:
    stats = store.stats()
    return {**table_counts(store), "papers": stats.papers,
            "visible": store.count(visible_only=True), "with an arXiv id": stats.with_arxiv_id,
            "vectors": store.vector_count(MODEL_NAME), "revision": store.max_rev(),
            **{f"from {k}": v for k, v in stats.by_source.items()}}


def copy_store(source: Store, target: Store,
               on_progress: Callable[[int], None] | None = None) -> CopyReport:
    report = CopyReport()
    for batch in source.changed_since(0, BATCH):
        report.papers_written += target.copy_rows(batch)
        if on_progress:
            on_progress(len(batch))
    report.vectors_written = _copy_vectors(source, target)
    report.rows_written = sum(copy_table(source, target, t) for t in TABLES)
    theirs, ours = _counts(source), _counts(target)
    report.counts = {k: (v, ours.get(k, 0)) for k, v in theirs.items()}
    wrong = [f"{k}: {a:,} in the source, {b:,} in the copy"
             for k, (a, b) in report.counts.items() if a != b]
    if wrong:
        raise CopyMismatch("; ".join(wrong))
    return report
