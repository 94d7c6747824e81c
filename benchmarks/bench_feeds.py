"""Feed pages as the services make them (the page cache off): the front page, a week,
trending, each for every paper and narrowed to a category and an archive; and the check
that answers 404 for a category no paper has. Against the store bench_import.py built,
which holds about 3,500 papers a day, several times arXiv's rate, and no votes:
trending's worst case.

Usage: python benchmarks/bench_feeds.py [N]   (default 1,000,000)
"""

from __future__ import annotations

import sys
import time
from datetime import date

from bench_search import percentile
from common import DATA, record

from paperwire.config import Settings
from paperwire.services.discovery import feed
from paperwire.services.library import Library

ROUNDS = 20


def timed(make) -> str:
    timings = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        make()
        timings.append((time.perf_counter() - start) * 1000)
    return f"p50 {percentile(timings, 50):.0f} ms, max {max(timings):.0f} ms"


def main(n: int) -> None:
    db = DATA / f"bench-{n}.db"
    if not db.exists():
        raise SystemExit(f"run benchmarks/bench_import.py {n} first")
    library = Library(Settings(db=db))
    site, today = library.site, date.today()

    def front(category):
        period, _ = feed.front_period(site, today, category)
        feed.period_feed(library, site, period, None, limit=30, category=category)
        feed.neighbours(site, period, today, category)
        feed.calendar(site, feed.month_of(period.start), category)

    def week(category):
        period = feed.latest_period(site, "week", today, category)
        feed.period_feed(library, site, period, None, limit=30, category=category)

    figures = {"papers": f"{library.store.count():,}"}
    for category in (None, "cs.LG", "cs"):
        label = category or "every paper"
        figures[f"front page, {label}"] = timed(lambda c=category: front(c))
        figures[f"latest week, {label}"] = timed(lambda c=category: week(c))
        figures[f"trending, {label}"] = timed(
            lambda c=category: feed.trending_feed(library, site, None, 30, category=c))
    figures["a category no paper has (zz.XX): the 404 check"] = timed(
        lambda: library.lexical.has_category("zz.XX"))
    figures["what is timed"] = ("service calls a page makes (papers, neighbours, calendar), "
                                f"{ROUNDS} rounds each")
    record(f"Feed pages at N = {n:,}", f"python benchmarks/bench_feeds.py {n}", figures)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
