"""What people add to the papers: accounts, sessions, votes, comments, collections (and,
from store/feeds.py, the feeds read through them).

Runs on the papers store's database (store/sql.py); parameterized SQL only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from paperwire.store.feeds import FeedReads
from paperwire.store.rows import chunks
from paperwire.store.sql import Duplicate, unless_unusable


class NameTaken(ValueError):
    pass


@dataclass(frozen=True)
class User:
    uid: int
    username: str
    is_admin: bool
    password_hash: str = ""


@dataclass
class ApiToken:
    tid: int
    name: str
    created_at: str


@dataclass
class Comment:
    cid: int
    pid: int
    username: str
    body: str
    created_at: str
    parent: int | None = None  # the top-level comment this one answers
    deleted: bool = False
    edited_at: str | None = None


@dataclass
class Collection:
    coll_id: int
    uid: int
    owner: str
    name: str
    is_public: bool
    size: int


def _comment(row) -> Comment:
    cid, pid, username, body, created_at, parent, deleted, edited_at = row
    return Comment(cid, pid, username, body, created_at, parent, bool(deleted), edited_at)


def _user(row) -> User | None:
    if row is None:
        return None
    return User(row["uid"], row["username"], bool(row["is_admin"]), row["password_hash"])


def _collection(row) -> Collection:
    coll_id, uid, owner, name, is_public, size = row
    return Collection(coll_id, uid, owner, name, bool(is_public), size)


def _marks(values: list) -> str:
    return ",".join("?" * len(values))


class SiteStore(FeedReads):
    def __init__(self, papers) -> None:
        self.papers = papers
        self.db = papers.sql

    def _pairs(self, sql: str, pids: list[int], *before: object) -> dict:
        """Run sql, whose {marks} stand for the pids, chunk by chunk; its two columns as a
        dict."""
        out: dict = {}
        for chunk in chunks(pids, 400):
            out.update(self.db.execute(sql.format(marks=_marks(chunk)),
                                       (*before, *chunk)).fetchall())
        return out

    def _write(self, sql: str, params: Iterable = ()):
        return self.db.execute(sql, tuple(params))  # autocommit: one statement, atomic

    # -- accounts and sessions -------------------------------------------------------------

    def create_user(self, username: str, password_hash: str, is_admin: bool = False) -> User:
        try:
            uid = self._write("INSERT INTO users (username, password_hash, is_admin) "
                              "VALUES (?, ?, ?) RETURNING uid",
                              (username, password_hash, int(is_admin))).fetchone()[0]
        except Duplicate:
            raise NameTaken(username) from None
        return User(uid, username, is_admin, password_hash)

    def user_by_id(self, uid: int) -> User | None:
        return _user(self.db.execute("SELECT * FROM users WHERE uid = ?", (uid,)).fetchone())

    def user_by_name(self, username: str) -> User | None:
        return _user(self.db.execute("SELECT * FROM users WHERE lower(username) = lower(?)",
                                     (username,)).fetchone())

    def set_password(self, uid: int, password_hash: str) -> None:
        self._write("UPDATE users SET password_hash = ? WHERE uid = ?", (password_hash, uid))

    def set_admin(self, username: str, is_admin: bool) -> bool:
        cur = self._write("UPDATE users SET is_admin = ? WHERE lower(username) = lower(?)",
                          (int(is_admin), username))
        return cur.rowcount == 1

    def create_session(self, token_hash: str, uid: int, csrf: str, expires_at: str) -> None:
        self._write("INSERT INTO sessions (token_hash, uid, csrf, expires_at, seen_at) "
                    f"VALUES (?, ?, ?, ?, {self.db.now})", (token_hash, uid, csrf, expires_at))

    def session(self, token_hash: str, now: str, seen_before: str | None = None
                ) -> tuple[User, str] | None:
        """The live session's user and CSRF token; marked seen at `now` if it was last
        seen before `seen_before` (so a reader's requests write once an hour, not each)."""
        row = self.db.execute(
            "SELECT u.*, s.csrf, s.seen_at FROM sessions s JOIN users u ON u.uid = s.uid "
            "WHERE s.token_hash = ? AND s.expires_at > ?", (token_hash, now)).fetchone()
        if row is None:
            return None
        if seen_before is not None and (row["seen_at"] or "") < seen_before:
            with unless_unusable(self.db.busy):  # bookkeeping: the next request tries
                self._write("UPDATE sessions SET seen_at = ? WHERE token_hash = ?",
                            (now, token_hash))
        return _user(row), row["csrf"]  # type: ignore[return-value]

    def delete_session(self, token_hash: str) -> None:
        self._write("DELETE FROM sessions WHERE token_hash = ?", (token_hash,))

    def delete_sessions_of(self, uid: int) -> None:
        self._write("DELETE FROM sessions WHERE uid = ?", (uid,))

    # -- API tokens ----------------------------------------------------------------------

    def create_api_token(self, token_hash: str, uid: int, name: str) -> int:
        return self._write("INSERT INTO api_tokens (token_hash, uid, name) VALUES (?, ?, ?) "
                           "RETURNING tid", (token_hash, uid, name)).fetchone()[0]

    def api_token_user(self, token_hash: str) -> User | None:
        return _user(self.db.execute(
            "SELECT u.* FROM api_tokens t JOIN users u ON u.uid = t.uid "
            "WHERE t.token_hash = ?", (token_hash,)).fetchone())

    def api_tokens_of(self, uid: int) -> list[ApiToken]:
        return [ApiToken(*r) for r in self.db.execute(
            "SELECT tid, name, created_at FROM api_tokens WHERE uid = ? ORDER BY tid", (uid,))]

    def delete_api_token(self, uid: int, tid: int) -> bool:
        return self._write("DELETE FROM api_tokens WHERE uid = ? AND tid = ?",
                           (uid, tid)).rowcount == 1

    # -- votes ---------------------------------------------------------------------------

    def set_vote(self, uid: int, pid: int, up: bool) -> None:
        """Idempotent: the vote ends in the state asked for, however often it is sent."""
        if up:
            self._write("INSERT INTO votes (uid, pid) VALUES (?, ?) ON CONFLICT DO NOTHING",
                        (uid, pid))
        else:
            self._write("DELETE FROM votes WHERE uid = ? AND pid = ?", (uid, pid))

    def vote_counts(self, pids: list[int]) -> dict[int, int]:
        return self._pairs("SELECT pid, count(*) FROM votes WHERE pid IN ({marks}) "
                           "GROUP BY pid", pids)

    def voted(self, uid: int, pids: list[int]) -> set[int]:
        return set(self._pairs("SELECT pid, 1 FROM votes WHERE uid = ? AND pid IN ({marks})",
                               pids, uid))

    def voted_papers(self, uid: int, limit: int = 100) -> list[int]:
        return [r[0] for r in self.db.execute(
            "SELECT pid FROM votes WHERE uid = ? ORDER BY created_at DESC LIMIT ?", (uid, limit))]

    # -- comments ------------------------------------------------------------------------

    def add_comment(self, pid: int, uid: int, body: str, parent: int | None = None) -> int:
        return self._write("INSERT INTO comments (pid, uid, body, parent_cid) "
                           "VALUES (?, ?, ?, ?) RETURNING cid",
                           (pid, uid, body, parent)).fetchone()[0]

    _COMMENT = ("SELECT c.cid, c.pid, u.username, c.body, c.created_at, c.parent_cid, "
                "c.deleted, c.edited_at FROM comments c JOIN users u ON u.uid = c.uid")

    def comments(self, pid: int, with_deleted: bool = False) -> list[Comment]:
        """A paper's comments, oldest first; deleted ones too when asked (a thread keeps its
        place when its first comment is gone)."""
        live = "" if with_deleted else " AND c.deleted = 0"
        rows = self.db.execute(f"{self._COMMENT} WHERE c.pid = ?{live} ORDER BY c.cid", (pid,))
        return [_comment(r) for r in rows]

    def comment(self, cid: int) -> Comment | None:
        row = self.db.execute(f"{self._COMMENT} WHERE c.cid = ? AND c.deleted = 0",
                              (cid,)).fetchone()
        return _comment(row) if row else None

    def replies_to(self, uid: int, since: str, until: str, limit: int = 20) -> list[Comment]:
        """Others' live replies, created in [since, until), in threads this user had taken
        part in (begun, or replied in) before each reply."""
        rows = self.db.execute(
            f"{self._COMMENT} WHERE c.parent_cid IS NOT NULL AND c.deleted = 0 "
            "AND c.uid <> ? AND c.created_at >= ? AND c.created_at < ? AND EXISTS ("
            "SELECT 1 FROM comments m WHERE m.uid = ? AND m.cid < c.cid AND "
            "(m.cid = c.parent_cid OR m.parent_cid = c.parent_cid)) ORDER BY c.cid LIMIT ?",
            (uid, since, until, uid, limit))
        return [_comment(r) for r in rows]

    def edit_comment(self, cid: int, body: str) -> bool:
        return self._write(f"UPDATE comments SET body = ?, edited_at = {self.db.now} "
                           "WHERE cid = ? AND deleted = 0", (body, cid)).rowcount == 1

    def delete_comment(self, cid: int) -> bool:
        return self._write("UPDATE comments SET deleted = 1 WHERE cid = ? AND deleted = 0",
                           (cid,)).rowcount == 1

    def comment_counts(self, pids: list[int]) -> dict[int, int]:
        return self._pairs("SELECT pid, count(*) FROM comments WHERE deleted = 0 AND pid IN "
                           "({marks}) GROUP BY pid", pids)

    # -- collections ---------------------------------------------------------------------

    _COLLECTION = ("SELECT c.coll_id, c.uid, u.username, c.name, c.is_public, "
                   "(SELECT count(*) FROM collection_items i WHERE i.coll_id = c.coll_id) "
                   "FROM collections c JOIN users u ON u.uid = c.uid")

    def create_collection(self, uid: int, name: str, is_public: bool) -> int:
        try:
            return self._write("INSERT INTO collections (uid, name, is_public) VALUES (?, ?, ?) "
                               "RETURNING coll_id", (uid, name, int(is_public))).fetchone()[0]
        except Duplicate:
            raise NameTaken(name) from None

    def collection(self, coll_id: int) -> Collection | None:
        row = self.db.execute(f"{self._COLLECTION} WHERE c.coll_id = ?", (coll_id,)).fetchone()
        return _collection(row) if row else None

    def collections_of(self, uid: int, public_only: bool) -> list[Collection]:
        where = " AND c.is_public = 1" if public_only else ""
        rows = self.db.execute(f"{self._COLLECTION} WHERE c.uid = ?{where} ORDER BY c.name",
                               (uid,))
        return [_collection(r) for r in rows]

    def set_item(self, coll_id: int, pid: int, present: bool) -> None:
        if present:
            self._write("INSERT INTO collection_items (coll_id, pid) VALUES (?, ?) "
                        "ON CONFLICT DO NOTHING",
                        (coll_id, pid))
        else:
            self._write("DELETE FROM collection_items WHERE coll_id = ? AND pid = ?",
                        (coll_id, pid))

    def collections_holding(self, uid: int, pid: int) -> set[int]:
        """Which of this user's collections hold the paper."""
        return {r[0] for r in self.db.execute(
            "SELECT c.coll_id FROM collections c JOIN collection_items i "
            "ON i.coll_id = c.coll_id WHERE c.uid = ? AND i.pid = ?", (uid, pid))}

    def items(self, coll_id: int) -> list[int]:
        return [r[0] for r in self.db.execute(
            "SELECT pid FROM collection_items WHERE coll_id = ? ORDER BY added_at, pid",
            (coll_id,))]

    def delete_collection(self, coll_id: int) -> None:
        self._write("DELETE FROM collections WHERE coll_id = ?", (coll_id,))

    # -- submissions ---------------------------------------------------------------------

    def record_submission(self, pid: int, uid: int) -> None:
        self._write("INSERT INTO submissions (pid, uid) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    (pid, uid))

    def submitters(self, pids: list[int]) -> dict[int, str]:
        return self._pairs("SELECT s.pid, u.username FROM submissions s JOIN users u "
                           "ON u.uid = s.uid WHERE s.pid IN ({marks})", pids)
