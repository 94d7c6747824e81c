"""`paperwire db copy`, the store's side: a paper as another store holds it (same pid and
revision), written by either store's copy_rows."""

from __future__ import annotations

from paperwire.store.base import StoredPaper
from paperwire.store.rows import COLUMNS, N_COLUMNS, to_row

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
