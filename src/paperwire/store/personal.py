"""What each reader tells the site: not interested, seen, follows, their library, notes,
and the model trained on it. Runs on the papers store's database (store/sql.py)."""

from __future__ import annotations

from dataclasses import dataclass

from paperwire.store.rows import chunks
from paperwire.store.sql import unless_unusable


@dataclass(frozen=True)
class Follow:
    fid: int
    kind: str  # author | category | query
    value: str  # as typed
    match_key: str  # folded


@dataclass(frozen=True)
class LibraryItem:
    item_key: str
    title: str
    pid: int | None
    vector: bytes


@dataclass(frozen=True)
class StoredTaste:
    signals_rev: int
    kind: str
    weights: bytes | None


class PersonalStore:
    def __init__(self, papers) -> None:
        self.papers = papers
        self.db = papers.sql

    def _pids(self, sql: str, *params: object) -> list[int]:
        return [r[0] for r in self.db.execute(sql, params)]

    # -- examples --------------------------------------------------------------------------

    def signals_rev(self, uid: int) -> int:
        row = self.db.execute("SELECT signals_rev FROM users WHERE uid = ?", (uid,)).fetchone()
        return row[0] if row else 0

    def positives(self, uid: int) -> list[int]:
        """Upvoted or collected papers, newest first."""
        return self._pids(
            "SELECT pid FROM (SELECT pid, created_at AS at FROM votes WHERE uid = ? UNION ALL "
            "SELECT i.pid, i.added_at FROM collection_items i JOIN collections c "
            "ON c.coll_id = i.coll_id WHERE c.uid = ?) AS liked GROUP BY pid "
            "ORDER BY max(at) DESC, pid",
            uid, uid)

    def set_dismissed(self, uid: int, pid: int, dismissed: bool) -> None:
        if dismissed:
            self.db.execute("INSERT INTO dismissals (uid, pid) VALUES (?, ?) "
                            "ON CONFLICT DO NOTHING",
                            (uid, pid))
        else:
            self.db.execute("DELETE FROM dismissals WHERE uid = ? AND pid = ?", (uid, pid))

    def dismissed(self, uid: int) -> list[int]:
        return self._pids("SELECT pid FROM dismissals WHERE uid = ? ORDER BY created_at DESC",
                          uid)

    def mark_seen(self, uid: int, pids: list[int]) -> None:
        self.db.transaction(lambda db: db.executemany(
            "INSERT INTO seen (uid, pid) VALUES (?, ?) ON CONFLICT DO NOTHING",
            [(uid, pid) for pid in pids]))

    def seen(self, uid: int) -> set[int]:
        return set(self._pids("SELECT pid FROM seen WHERE uid = ?", uid))

    def seen_count(self, uid: int) -> int:
        return self.db.execute("SELECT count(*) FROM seen WHERE uid = ?", (uid,)).fetchone()[0]

    def hide_seen(self, uid: int) -> bool:
        row = self.db.execute("SELECT hide_seen FROM users WHERE uid = ?", (uid,)).fetchone()
        return bool(row and row[0])

    def set_hide_seen(self, uid: int, hide: bool) -> None:
        self.db.execute("UPDATE users SET hide_seen = ?, signals_rev = signals_rev + 1 "
                        "WHERE uid = ?", (int(hide), uid))

    def _changed(self, uid: int) -> None:
        """What the reader's lists show changed (a follow): their cached pages are stale."""
        self.db.execute("UPDATE users SET signals_rev = signals_rev + 1 WHERE uid = ?", (uid,))

    # -- follows ---------------------------------------------------------------------------

    def add_follow(self, uid: int, kind: str, value: str, match_key: str) -> int:
        """The follow's id; following the same thing twice keeps the first."""
        self.db.execute("INSERT INTO follows (uid, kind, value, match_key) VALUES "
                        "(?, ?, ?, ?) ON CONFLICT DO NOTHING", (uid, kind, value, match_key))
        self._changed(uid)
        return self.db.execute("SELECT fid FROM follows WHERE uid = ? AND kind = ? AND "
                               "match_key = ?", (uid, kind, match_key)).fetchone()[0]

    def remove_follow(self, uid: int, fid: int) -> bool:
        removed = self.db.execute("DELETE FROM follows WHERE uid = ? AND fid = ?",
                                  (uid, fid)).rowcount == 1
        self._changed(uid)
        return removed

    def follows(self, uid: int) -> list[Follow]:
        return [Follow(*r) for r in self.db.execute(
            "SELECT fid, kind, value, match_key FROM follows WHERE uid = ? ORDER BY kind, "
            "value", (uid,))]

    # -- my library ------------------------------------------------------------------------

    def add_library_items(self, uid: int, items: list[LibraryItem]) -> int:
        """Add the items not there yet, in one transaction; how many were new."""
        before = self.library_count(uid)
        self.db.transaction(lambda db: db.executemany(
            "INSERT INTO library_items (uid, item_key, title, pid, vector) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [(uid, i.item_key, i.title, i.pid, i.vector) for i in items]))
        return self.library_count(uid) - before

    def library_items(self, uid: int) -> list[LibraryItem]:
        return [LibraryItem(*r) for r in self.db.execute(
            "SELECT item_key, title, pid, vector FROM library_items WHERE uid = ? "
            "ORDER BY item_key", (uid,))]

    def library_count(self, uid: int) -> int:
        return self.db.execute("SELECT count(*) FROM library_items WHERE uid = ?",
                               (uid,)).fetchone()[0]

    # -- notes -----------------------------------------------------------------------------

    def set_note(self, uid: int, pid: int, body: str) -> None:
        """An empty body deletes the note."""
        if not body:
            self.db.execute("DELETE FROM notes WHERE uid = ? AND pid = ?", (uid, pid))
            return
        self.db.execute(
            "INSERT INTO notes (uid, pid, body) VALUES (?, ?, ?) ON CONFLICT (uid, pid) DO "
            f"UPDATE SET body = excluded.body, updated_at = {self.db.now}", (uid, pid, body))

    def note(self, uid: int, pid: int) -> str | None:
        row = self.db.execute("SELECT body FROM notes WHERE uid = ? AND pid = ?",
                              (uid, pid)).fetchone()
        return row[0] if row else None

    def noted_among(self, uid: int, pids: list[int]) -> set[int]:
        out: set[int] = set()
        for chunk in chunks(pids, 400):
            marks = ",".join("?" * len(chunk))
            out.update(self._pids(f"SELECT pid FROM notes WHERE uid = ? AND pid IN ({marks})",
                                  uid, *chunk))
        return out

    # -- lists made ahead by the worker -----------------------------------------------------

    def stored_list(self, uid: int) -> tuple[str, str] | None:
        """(made_for, items as JSON) of the reader's list, if one was made."""
        row = self.db.execute("SELECT made_for, items FROM foryou_lists WHERE uid = ?",
                              (uid,)).fetchone()
        return (row[0], row[1]) if row else None

    def save_list(self, uid: int, made_for: str, items: str) -> None:
        self.db.execute("INSERT INTO foryou_lists (uid, made_for, items) VALUES (?, ?, ?) "
                        "ON CONFLICT (uid) DO UPDATE SET made_for = excluded.made_for, "
                        "items = excluded.items", (uid, made_for, items))

    def signed_in_readers(self, now: str, seen_since: str) -> list[int]:
        """Readers with a session that has not expired at `now` and was used since
        `seen_since` (ISO UTC stamps)."""
        return self._pids("SELECT DISTINCT uid FROM sessions WHERE expires_at > ? "
                          "AND seen_at >= ? ORDER BY uid", now, seen_since)

    # -- the trained model -----------------------------------------------------------------

    def taste(self, uid: int) -> StoredTaste | None:
        row = self.db.execute("SELECT signals_rev, kind, weights FROM tastes WHERE uid = ?",
                              (uid,)).fetchone()
        return StoredTaste(*row) if row else None

    def save_taste(self, uid: int, taste: StoredTaste) -> None:
        # busy: it is a cache, and the next request saves it
        with unless_unusable(self.db.busy):
            self.db.execute(
                "INSERT INTO tastes (uid, signals_rev, kind, weights) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (uid) DO UPDATE SET signals_rev = excluded.signals_rev, "
                "kind = excluded.kind, weights = excluded.weights",
                (uid, taste.signals_rev, taste.kind, taste.weights))
