"""GitHub stars over time: the count each Hugging Face sync saw for a paper, one a day, and
the papers that gained the most over a window (trending by code). Runs on the papers
store's database (store/sql.py); parameterized SQL only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from paperwire.store.base import StoredPaper
from paperwire.store.rows import SELECT, from_row


@dataclass(frozen=True)
class Gained:
    paper: StoredPaper
    gained: int  # stars gained in the window: the highest count seen less the lowest
    stars: int  # the highest count seen


class StarStore:
    def __init__(self, papers) -> None:
        self.db = papers.sql

    def record(self, day: date, counts: list[tuple[str, int]]) -> None:
        """(arXiv id, stars) as seen on `day`; a later sync that day replaces the count."""
        if counts:
            self.db.transaction(lambda db: db.executemany(
                "INSERT INTO star_counts (pid, seen_on, stars) "
                "SELECT pid, ?, ? FROM papers WHERE arxiv_id = ? "
                "ON CONFLICT (pid, seen_on) DO UPDATE SET stars = excluded.stars",
                [(day.isoformat(), stars, arxiv_id) for arxiv_id, stars in counts]))

    def observed_papers(self, since: date) -> int:
        """Papers with two or more counts since `since`: those a growth can be read from."""
        return self.db.execute(
            "SELECT count(*) FROM (SELECT pid FROM star_counts WHERE seen_on >= ? "
            "GROUP BY pid HAVING count(*) > 1) AS seen", (since.isoformat(),)).fetchone()[0]

    def most_gained(self, since: date, limit: int, offset: int = 0) -> list[Gained]:
        """Visible papers by the stars they gained since `since`, most first (ties: the
        most stars, then the newest paper); papers that gained none are left out."""
        rows = self.db.execute(
            f"SELECT g.gained, g.top, p.* FROM (SELECT pid, max(stars) - min(stars) AS gained,"
            f" max(stars) AS top FROM star_counts WHERE seen_on >= ? GROUP BY pid) AS g "
            f"JOIN ({SELECT}) AS p ON p.pid = g.pid WHERE p.hidden = 0 AND g.gained > 0 "
            "ORDER BY g.gained DESC, g.top DESC, g.pid DESC LIMIT ? OFFSET ?",
            (since.isoformat(), limit, offset)).fetchall()
        return [Gained(from_row(r), r["gained"], r["top"]) for r in rows]
