"""The map of the field, the store's side: builds, topics (in areas) and each paper's point
(tables map_builds, map_topics, map_points; services/fieldmap makes them).

Runs on the papers store's database (store/sql.py); parameterized SQL only."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from paperwire.store.rows import chunks

AREA, TOPIC = 0, 1  # map_topics.level
_VISIBLE_VECTORS = ("FROM embeddings e JOIN papers p ON p.pid = e.pid AND p.hidden = 0 "
                    "WHERE e.model = ?")
# the day a paper counts as new on the map: as the feeds date it
_DAY = "coalesce(p.listed_on, p.published, substr(p.added_at, 1, 10))"


@dataclass(frozen=True)
class Build:
    build: int
    built_at: str
    papers: int
    topics: int
    seconds: float
    next_topic: int  # the first id no topic has had: ids are never given twice


@dataclass(frozen=True)
class Topic:
    topic_id: int
    level: int  # AREA or TOPIC
    parent_id: int | None  # a topic's area
    label: str
    words: list[str]
    x: float  # where its label sits (its papers' median)
    y: float
    papers: int


@dataclass(frozen=True)
class Point:
    pid: int
    x: float
    y: float
    topic_id: int


class FieldMapStore:
    def __init__(self, papers) -> None:
        self.db = papers.sql

    # -- reading vectors to build from ------------------------------------------------------

    def visible_vectors(self, model: str, batch: int = 20000
                        ) -> Iterator[tuple[list[int], list[bytes]]]:
        """The vectors of visible papers, by pid, a batch at a time."""
        last = 0
        while rows := self.db.execute(f"SELECT e.pid, e.vector {_VISIBLE_VECTORS} AND e.pid > ? "
                                      "ORDER BY e.pid LIMIT ?", (model, last, batch)).fetchall():
            yield [r[0] for r in rows], [bytes(r[1]) for r in rows]
            last = rows[-1][0]

    def count_visible_vectors(self, model: str) -> int:
        return self.db.execute(f"SELECT count(*) {_VISIBLE_VECTORS}", (model,)).fetchone()[0]

    def unplaced(self, model: str, after_pid: int, limit: int) -> list[tuple[int, bytes]]:
        """Visible papers with a vector and no point yet, by pid, after this one."""
        return [(r[0], bytes(r[1])) for r in self.db.execute(
            f"SELECT e.pid, e.vector {_VISIBLE_VECTORS} AND e.pid > ? AND NOT EXISTS "
            "(SELECT 1 FROM map_points m WHERE m.pid = e.pid) ORDER BY e.pid LIMIT ?",
            (model, after_pid, limit))]

    def count_unplaced(self, model: str) -> int:
        return self.db.execute(f"SELECT count(*) {_VISIBLE_VECTORS} AND NOT EXISTS "
                               "(SELECT 1 FROM map_points m WHERE m.pid = e.pid)",
                               (model,)).fetchone()[0]

    # -- builds ------------------------------------------------------------------------------

    def latest_build(self) -> Build | None:
        row = self.db.execute("SELECT build, built_at, papers, topics, seconds, next_topic "
                              "FROM map_builds ORDER BY build DESC LIMIT 1").fetchone()
        return Build(*row) if row else None

    def save_build(self, build: Build, topics: list[Topic], points: list[Point]) -> None:
        """Replace the map with this build's, in one transaction."""
        def work(db) -> None:
            db.execute("DELETE FROM map_points")
            db.execute("DELETE FROM map_topics")
            db.executemany(
                "INSERT INTO map_topics (topic_id, level, parent_id, label, words, x, y, papers) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(t.topic_id, t.level, t.parent_id, t.label, json.dumps(t.words), t.x, t.y,
                  t.papers) for t in topics])
            # a paper hidden or removed while the build ran has no row to point at
            db.executemany("INSERT INTO map_points (pid, x, y, topic_id, placed) "
                           "SELECT ?, ?, ?, ?, 0 WHERE EXISTS (SELECT 1 FROM papers "
                           "WHERE pid = ?)",
                           [(p.pid, p.x, p.y, p.topic_id, p.pid) for p in points])
            db.execute("INSERT INTO map_builds (build, built_at, papers, topics, seconds, "
                       "next_topic) VALUES (?, ?, ?, ?, ?, ?)",
                       (build.build, build.built_at, build.papers, build.topics, build.seconds,
                        build.next_topic))

        self.db.transaction(work)

    # -- points -------------------------------------------------------------------------------

    def place(self, points: list[Point]) -> None:
        """Points put beside their neighbours after the build (placed = 1)."""
        def work(db) -> None:
            db.executemany("INSERT INTO map_points (pid, x, y, topic_id, placed) "
                           "VALUES (?, ?, ?, ?, 1) ON CONFLICT (pid) DO NOTHING",
                           [(p.pid, p.x, p.y, p.topic_id) for p in points])
            for topic in {p.topic_id for p in points}:
                db.execute("UPDATE map_topics SET papers = (SELECT count(*) FROM map_points "
                           "WHERE topic_id = ?) WHERE topic_id = ?", (topic, topic))

        self.db.transaction(work)

    def points_of(self, pids: list[int]) -> dict[int, Point]:
        out: dict[int, Point] = {}
        for chunk in chunks(pids, 400):
            marks = ",".join("?" * len(chunk))
            for pid, x, y, topic in self.db.execute(
                    f"SELECT pid, x, y, topic_id FROM map_points WHERE pid IN ({marks})", chunk):
                out[pid] = Point(pid, x, y, topic)
        return out

    def drift(self) -> tuple[int, int]:
        """(papers placed since the build, papers on the map)."""
        row = self.db.execute("SELECT coalesce(sum(placed), 0), count(*) FROM map_points"
                              ).fetchone()
        return int(row[0]), int(row[1])

    def all_points(self, placed: bool | None = None, batch: int = 50000
                   ) -> Iterator[list[tuple[int, float, float, int, str | None]]]:
        """Every visible paper's point with its feed day (ISO), by pid, a batch at a time;
        only those the build laid out (placed False) or those placed since (True)."""
        last = 0
        which = "" if placed is None else f" AND m.placed = {int(placed)}"
        while rows := self.db.execute(
                f"SELECT m.pid, m.x, m.y, m.topic_id, {_DAY} FROM map_points m JOIN papers p "
                f"ON p.pid = m.pid AND p.hidden = 0 WHERE m.pid > ?{which} ORDER BY m.pid "
                "LIMIT ?", (last, batch)).fetchall():
            yield [tuple(r) for r in rows]
            last = rows[-1][0]

    def version(self) -> tuple[int, int]:
        """Changes whenever the map does: (latest build, points on it)."""
        row = self.db.execute("SELECT (SELECT coalesce(max(build), 0) FROM map_builds), "
                              "(SELECT count(*) FROM map_points)").fetchone()
        return int(row[0]), int(row[1])

    def titles_of(self, pids: list[int]) -> dict[int, tuple[str, str]]:
        """(title, public key: arXiv id or local key) of each paper."""
        out: dict[int, tuple[str, str]] = {}
        for chunk in chunks(pids, 400):
            marks = ",".join("?" * len(chunk))
            for pid, title, arxiv_id, local_key, title_key in self.db.execute(
                    f"SELECT pid, title, arxiv_id, local_key, title_key FROM papers "
                    f"WHERE pid IN ({marks})", chunk):
                out[pid] = (title, arxiv_id or local_key or title_key)
        return out

    # -- topics -------------------------------------------------------------------------------

    def topics(self, level: int | None = None) -> list[Topic]:
        where, params = ("WHERE level = ?", (level,)) if level is not None else ("", ())
        return [self._topic(r) for r in self.db.execute(
            "SELECT topic_id, level, parent_id, label, words, x, y, papers FROM map_topics "
            f"{where} ORDER BY level, papers DESC, topic_id", params)]

    def topic(self, topic_id: int) -> Topic | None:
        row = self.db.execute("SELECT topic_id, level, parent_id, label, words, x, y, papers "
                              "FROM map_topics WHERE topic_id = ?", (topic_id,)).fetchone()
        return self._topic(row) if row else None

    @staticmethod
    def _topic(row) -> Topic:
        return Topic(row[0], row[1], row[2], row[3], json.loads(row[4]), row[5], row[6], row[7])

    def topic_pids(self, topic_id: int) -> list[int]:
        """The papers of a topic, or of an area's topics."""
        return [r[0] for r in self.db.execute(
            "SELECT m.pid FROM map_points m JOIN map_topics t ON t.topic_id = m.topic_id "
            "WHERE t.topic_id = ? OR t.parent_id = ?", (topic_id, topic_id))]

    def topic_members(self) -> dict[int, set[int]]:
        """The papers of each topic (level 1), to match a rebuild's topics against."""
        out: dict[int, set[int]] = {}
        for pid, topic in self.db.execute("SELECT pid, topic_id FROM map_points"):
            out.setdefault(topic, set()).add(pid)
        return out

    def area_members(self) -> dict[int, set[int]]:
        out: dict[int, set[int]] = {}
        for pid, area in self.db.execute("SELECT m.pid, t.parent_id FROM map_points m JOIN "
                                         "map_topics t ON t.topic_id = m.topic_id "
                                         "WHERE t.parent_id IS NOT NULL"):
            out.setdefault(area, set()).add(pid)
        return out

    def topic_months(self, topic_id: int) -> list[tuple[str, int]]:
        """("YYYY-MM", visible papers of the topic that month), oldest first."""
        return [(r[0], r[1]) for r in self.db.execute(
            f"SELECT substr({_DAY}, 1, 7) AS month, count(*) FROM map_points m JOIN papers p "
            "ON p.pid = m.pid AND p.hidden = 0 WHERE m.topic_id = ? GROUP BY month "
            "ORDER BY month", (topic_id,)) if r[0]]


def day_of(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None
