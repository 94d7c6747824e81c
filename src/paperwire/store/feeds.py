"""The feeds' reads: a period's papers by upvotes or listing time, trending, papers by
publication date, and the days, counts and categories the feed pages show. A part of
SiteStore (its db is the papers store's database); parameterized SQL only."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from paperwire.store import trending
from paperwire.store.base import StoredPaper
from paperwire.store.rows import SELECT, from_row


@dataclass(frozen=True)
class Narrow:
    """A feed narrowed to papers with code (Hugging Face's link or one their text gives),
    to one venue (its key, "ICLR-2026", in any case) or to a topic or area of the map."""

    code: bool = False
    venue: str | None = None
    topic: int | None = None

    def sql(self) -> tuple[str, tuple]:
        where, params = "", ()
        if self.code:
            where += " AND (code_url LIKE 'http%' OR code_found IS NOT NULL)"
        if self.venue:
            where, params = where + " AND lower(venue_key) = ?", (self.venue.lower(),)
        if self.topic is not None:
            where += (" AND pid IN (SELECT m.pid FROM map_points m JOIN map_topics t ON "
                      "t.topic_id = m.topic_id WHERE t.topic_id = ? OR t.parent_id = ?)")
            params = (*params, self.topic, self.topic)
        return where, params


class FeedReads:
    db: Any  # the SQL database (store/sql.py), set by SiteStore

    # as in the index papers_feed_day: listed on, else published, else the day it arrived
    FEED_DATE_SQL = "coalesce(listed_on, published, substr(added_at, 1, 10))"
    # trending counts only papers with a day of their own: an undated one (its feed day is
    # the day it arrived) would earn a recency it never had
    DATED_SQL = "(listed_on IS NOT NULL OR published IS NOT NULL)"
    UPVOTES_SQL = ("(coalesce(external_upvotes, 0) + "
                   "(SELECT count(*) FROM votes v WHERE v.pid = papers.pid))")

    @staticmethod
    def _in_category(category: str | None) -> tuple[str, tuple]:
        """A condition (with its parameters) for papers in a category ("cs.LG") or an
        archive ("cs": cs.LG, cs.CV…); none for None. `categories` is space-separated."""
        if not category:
            return "", ()
        c = category.lower()
        return (" AND ((' ' || lower(categories) || ' ') LIKE ? OR "
                "(' ' || lower(categories)) LIKE ?)", (f"% {c} %", f"% {c}.%"))

    def _hf_text(self, *path: str) -> str:
        """A text value inside the Hugging Face extras, as SQL."""
        if self.db.dialect == "postgres":
            return f"(extras::jsonb #>> '{{hf,{','.join(path)}}}')"
        return f"json_extract(extras, '$.hf.{'.'.join(path)}')"

    def _submitter(self, submitter: str | None) -> tuple[str, tuple]:
        """A condition for papers submitted by a reader here or, on Hugging Face, by the
        user of that name; none for None."""
        if not submitter:
            return "", ()
        return (f" AND (lower({self._hf_text('item', 'submittedBy', 'name')}) = lower(?) OR "
                "pid IN (SELECT s.pid FROM submissions s JOIN users u "
                "ON u.uid = s.uid WHERE lower(u.username) = lower(?)))", (submitter, submitter))

    def listed_at_sql(self) -> str:
        """When a paper was listed, to the second where Hugging Face said (its item's
        publishedAt), else its feed day at 00:00: what sort=publishedAt orders by."""
        return (f"coalesce({self._hf_text('item', 'publishedAt')}, "
                f"{self.FEED_DATE_SQL} || 'T00:00:00.000Z')")

    def feed_page(self, start: date, end: date, limit: int, offset: int,
                  submitter: str | None = None, category: str | None = None,
                  newest_first: bool = False, narrow: Narrow | None = None
                  ) -> tuple[list[StoredPaper], int]:
        """Visible papers whose feed date (listed on, else published) lies in [start, end],
        most upvoted first (or most recently listed first); and how many there are."""
        in_category, category_params = self._in_category(category)
        by_submitter, submitter_params = self._submitter(submitter)
        narrowed, narrow_params = (narrow or Narrow()).sql()
        where = (f"hidden = 0 AND {self.FEED_DATE_SQL} BETWEEN ? AND ?{in_category}"
                 f"{by_submitter}{narrowed}")
        params = (start.isoformat(), end.isoformat(), *category_params, *submitter_params,
                  *narrow_params)
        # ties as Hugging Face breaks them: the later listed first, then the higher id
        order = ", ".join([*([] if newest_first else [f"{self.UPVOTES_SQL} DESC"]),
                           f"{self.listed_at_sql()} DESC", "coalesce(arxiv_id, '') DESC"])
        total = self.db.execute(f"SELECT count(*) FROM papers WHERE {where}", params).fetchone()
        rows = self.db.execute(f"{SELECT} WHERE {where} ORDER BY {order}, "
                               "pid DESC LIMIT ? OFFSET ?", (*params, limit, offset))
        return [from_row(r) for r in rows], total[0]

    def trending_page(self, start: date, end: date, now: str, limit: int, offset: int,
                      category: str | None = None, submitter: str | None = None,
                      narrow: Narrow | None = None) -> list[StoredPaper]:
        """Visible dated papers of [start, end] by their trending score at `now` (a UTC
        moment, 'YYYY-MM-DD HH:MM:SS'), as store/trending.py computes it."""
        in_category, category_params = self._in_category(category)
        by_submitter, submitter_params = self._submitter(submitter)
        narrowed, narrow_params = (narrow or Narrow()).sql()
        score = trending.sql_score(self.UPVOTES_SQL, self.FEED_DATE_SQL,
                                   dialect=self.db.dialect)
        rows = self.db.execute(
            f"{SELECT} WHERE hidden = 0 AND {self.DATED_SQL} AND "
            f"{self.FEED_DATE_SQL} BETWEEN ? AND ?{in_category}{by_submitter}{narrowed} "
            f"ORDER BY {score} DESC, pid DESC LIMIT ? OFFSET ?",
            (start.isoformat(), end.isoformat(), *category_params, *submitter_params,
             *narrow_params, now, limit, offset))
        return [from_row(r) for r in rows]

    def published_page(self, after: tuple[str, int] | None, limit: int) -> list[StoredPaper]:
        """Visible papers with a publication date, newest first, after (published, pid)."""
        where, params = "hidden = 0 AND published IS NOT NULL", ()
        if after:
            where += " AND (published < ? OR (published = ? AND pid < ?))"
            params = (after[0], after[0], after[1])
        rows = self.db.execute(f"{SELECT} WHERE {where} ORDER BY published DESC, pid DESC "
                               "LIMIT ?", (*params, limit))
        return [from_row(r) for r in rows]

    def paper_keys(self, first_pid: int, last_pid: int) -> list[tuple[str, str]]:
        """(public key, day last changed) of the visible papers with pids in a range."""
        return [(r[0], r[1][:10]) for r in self.db.execute(
            "SELECT coalesce(arxiv_id, local_key), changed_at FROM papers "
            "WHERE pid BETWEEN ? AND ? AND hidden = 0 ORDER BY pid", (first_pid, last_pid))]

    def max_pid(self) -> int:
        return self.db.execute("SELECT coalesce(max(pid), 0) FROM papers").fetchone()[0]

    def _feed_day(self, where: str, params: tuple, order: str,
                  category: str | None = None) -> date | None:
        """The first feed date of visible papers meeting `where`, in `order` (ASC/DESC)."""
        in_category, category_params = self._in_category(category)
        row = self.db.execute(f"SELECT {self.FEED_DATE_SQL} AS day FROM papers "
                              f"WHERE hidden = 0 AND {where}{in_category} "
                              f"ORDER BY day {order} LIMIT 1",
                              (*params, *category_params)).fetchone()
        return date.fromisoformat(row[0]) if row and row[0] else None

    def latest_feed_date(self, not_after: date, category: str | None = None) -> date | None:
        """The newest feed date up to not_after."""
        return self._feed_day(f"{self.FEED_DATE_SQL} <= ?", (not_after.isoformat(),),
                              "DESC", category)

    def latest_upvoted_feed_date(self, not_after: date,
                                 category: str | None = None) -> date | None:
        """The newest feed date up to not_after of a dated paper with an upvote, from its
        source or here: read from the upvoted papers alone (index papers_upvoted and the votes
        table), not by walking back through every paper of a store nobody votes in."""
        in_category, category_params = self._in_category(category)
        where = f"hidden = 0 AND {self.DATED_SQL} AND {self.FEED_DATE_SQL} <= ?{in_category}"
        params = (not_after.isoformat(), *category_params)
        row = self.db.execute(
            f"SELECT max(day) FROM (SELECT {self.FEED_DATE_SQL} AS day FROM papers "
            f"WHERE external_upvotes > 0 AND {where} UNION ALL "
            f"SELECT {self.FEED_DATE_SQL} FROM papers "
            f"WHERE pid IN (SELECT pid FROM votes) AND {where}) AS upvoted",
            (*params, *params)).fetchone()
        return date.fromisoformat(row[0]) if row and row[0] else None

    def first_feed_date_after(self, after: date, not_after: date,
                              category: str | None = None) -> date | None:
        """The oldest feed date in (after, not_after], if any paper has one."""
        return self._feed_day(f"{self.FEED_DATE_SQL} > ? AND {self.FEED_DATE_SQL} <= ?",
                              (after.isoformat(), not_after.isoformat()), "ASC", category)

    def day_counts(self, start: date, end: date,
                   category: str | None = None) -> dict[date, int]:
        """Papers per feed day in [start, end]: the calendar's marks."""
        in_category, category_params = self._in_category(category)
        return {date.fromisoformat(d): n for d, n in self.db.execute(
            f"SELECT {self.FEED_DATE_SQL} AS day, count(*) FROM papers WHERE hidden = 0 AND "
            f"{self.FEED_DATE_SQL} BETWEEN ? AND ?{in_category} GROUP BY day",
            (start.isoformat(), end.isoformat(), *category_params))}

    def category_counts(self) -> dict[str, int]:
        """Visible papers per category. It reads every paper's row: callers cache it."""
        counts: Counter[str] = Counter()
        for (categories,) in self.db.execute(
                "SELECT categories FROM papers WHERE hidden = 0 AND categories != ''"):
            counts.update(categories.split())
        return dict(counts)

    def count_between(self, start: date, end: date, category: str | None = None) -> int:
        in_category, category_params = self._in_category(category)
        return self.db.execute(f"SELECT count(*) FROM papers WHERE hidden = 0 AND "
                               f"{self.FEED_DATE_SQL} BETWEEN ? AND ?{in_category}",
                               (start.isoformat(), end.isoformat(), *category_params)
                               ).fetchone()[0]

    def newest(self, since: date | None, limit: int) -> list[tuple[int, date]]:
        """(pid, feed date) of the newest visible papers, on or after `since` if given."""
        where, params = ((f"AND {self.FEED_DATE_SQL} >= ?", (since.isoformat(),)) if since
                         else ("", ()))
        return [(pid, date.fromisoformat(day)) for pid, day in self.db.execute(
            f"SELECT pid, {self.FEED_DATE_SQL} AS day FROM papers WHERE hidden = 0 {where} "
            "ORDER BY day DESC, pid DESC LIMIT ?", (*params, limit))]
