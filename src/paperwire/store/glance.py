"""What is in each paper at a glance, the store's side: the found columns (code, project
page, venue; store/rows.py writes them with every row) read again for rows written before
their rules, the model's keyphrases and gist per paper (table glance), and the venues.

Runs on the papers store's database (store/sql.py); parameterized SQL only."""

from __future__ import annotations

import json
from dataclasses import dataclass

from paperwire.store.base import StoredPaper
from paperwire.store.rows import COLUMNS, FOUND_VERSION, SELECT, chunks, found_values, from_row

_PAPER_COLUMNS = ", ".join(f"p.{c.strip()}" for c in
                           f"pid, rev, hidden, local_key, added_at, {COLUMNS}".split(","))
# papers with a vector whose keyphrases and gist are missing or from another text
_TO_MAKE = ("FROM papers p JOIN embeddings e ON e.pid = p.pid AND e.model = ? "
            "LEFT JOIN glance g ON g.pid = p.pid "
            "WHERE (g.pid IS NULL OR g.text_hash != e.text_hash)")


@dataclass(frozen=True)
class Made:
    """The model's keyphrases and gist of a paper, for the text of this hash."""

    pid: int
    text_hash: str
    keywords: list[str]
    gist: str | None


@dataclass(frozen=True)
class VenueCount:
    label: str  # "ICLR 2026"
    key: str  # "ICLR-2026"
    papers: int


class GlanceStore:
    def __init__(self, papers) -> None:
        self.papers = papers
        self.db = papers.sql

    # -- the found columns -------------------------------------------------------------------

    def found_pending(self) -> int:
        return self.db.execute("SELECT count(*) FROM papers WHERE found_v IS NULL OR "
                               "found_v < ?", (FOUND_VERSION,)).fetchone()[0]

    def refresh_found(self, limit: int = 2000) -> int:
        """Read code, project page and venue again for rows written before the current
        rules (or before migration 0010), a batch at a time; how many were read. The
        paper's revision stays: its text did not change."""
        rows = self.db.execute(f"{SELECT} WHERE found_v IS NULL OR found_v < ? ORDER BY pid "
                               "LIMIT ?", (FOUND_VERSION, limit)).fetchall()
        papers = [from_row(r) for r in rows]
        if papers:
            self.db.transaction(lambda db: db.executemany(
                "UPDATE papers SET code_found = ?, page_found = ?, venue = ?, venue_key = ?, "
                "found_v = ? WHERE pid = ?",
                [(*found_values(sp.paper), sp.pid) for sp in papers]))
        return len(papers)

    def venues(self, limit: int = 500) -> list[VenueCount]:
        """The venues of visible papers, most papers first."""
        return [VenueCount(label, key, n) for label, key, n in self.db.execute(
            "SELECT min(venue), min(venue_key), count(*) AS n FROM papers "
            "WHERE hidden = 0 AND venue_key IS NOT NULL GROUP BY lower(venue_key) "
            "ORDER BY n DESC, min(venue_key) LIMIT ?", (limit,))]

    # -- the model's keyphrases and gist -------------------------------------------------------

    def to_make(self, model: str, after_pid: int, limit: int
                ) -> list[tuple[StoredPaper, str, bytes]]:
        """Papers with a vector of this model but no keyphrases for its text: each with its
        vector's text hash and the vector, by pid."""
        rows = self.db.execute(f"SELECT {_PAPER_COLUMNS}, e.text_hash AS made_hash, "
                               f"e.vector AS made_vector {_TO_MAKE} AND p.pid > ? "
                               "ORDER BY p.pid LIMIT ?", (model, after_pid, limit)).fetchall()
        return [(from_row(r), r["made_hash"], bytes(r["made_vector"])) for r in rows]

    def count_to_make(self, model: str) -> int:
        return self.db.execute(f"SELECT count(*) {_TO_MAKE}", (model,)).fetchone()[0]

    def save(self, made: list[Made]) -> None:
        self.db.transaction(lambda db: db.executemany(
            "INSERT INTO glance (pid, text_hash, keywords, gist) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (pid) DO UPDATE SET text_hash = excluded.text_hash, "
            "keywords = excluded.keywords, gist = excluded.gist",
            [(m.pid, m.text_hash, json.dumps(m.keywords), m.gist) for m in made]))

    def made_for(self, pids: list[int]) -> dict[int, Made]:
        out: dict[int, Made] = {}
        for chunk in chunks(pids, 400):
            marks = ",".join("?" * len(chunk))
            for pid, text_hash, keywords, gist in self.db.execute(
                    f"SELECT pid, text_hash, keywords, gist FROM glance WHERE pid IN ({marks})",
                    chunk):
                out[pid] = Made(pid, text_hash, json.loads(keywords), gist)
        return out
