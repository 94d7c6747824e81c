"""Paper reads both stores make with the same SQL: each store gives its placeholder and its
`_select(where, params)` (the papers' columns → StoredPaper)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from paperwire.store.base import StoredPaper


class PaperReads:
    _mark: str  # the driver's placeholder: "?" (sqlite3) or "%s" (psycopg)

    def _select(self, where: str, params: Iterable = ()) -> list[StoredPaper]:
        raise NotImplementedError

    def _where(self, sql: str) -> str:
        return sql.replace("?", self._mark)

    def find(self, key: str) -> StoredPaper | None:
        rows = self._select(self._where(
            "WHERE arxiv_id = ? OR local_key = ? ORDER BY pid LIMIT 1"), (key, key))
        return rows[0] if rows else None

    def changed_since(self, rev: int, batch_size: int = 5000) -> Iterator[list[StoredPaper]]:
        last_pid = 0
        while True:
            rows = self._select(self._where("WHERE rev > ? AND pid > ? ORDER BY pid LIMIT ?"),
                                (rev, last_pid, batch_size))
            if not rows:
                return
            yield rows
            last_pid = rows[-1].pid

    def latest(self, limit: int, offset: int = 0) -> list[StoredPaper]:
        return self._select(self._where(
            "WHERE hidden = 0 ORDER BY coalesce(listed_on, published) DESC NULLS LAST, "
            "coalesce(external_upvotes, 0) DESC, pid DESC LIMIT ? OFFSET ?"), (limit, offset))
