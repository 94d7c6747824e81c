"""Lexical search latency over 200 varied 2–5 word queries drawn from real titles, and of
100 queries of arXiv fields alone (au:Surname, cat:cs.XX), which list every match newest
first with its count, as the search page does.

Runs against the store bench_import.py built: python benchmarks/bench_search.py [N]
"""

from __future__ import annotations

import random
import statistics
import sys
import time

from common import DATA, real_papers, record

from paperwire.config import Settings
from paperwire.services.discovery.search import search
from paperwire.services.library import Library

QUERIES = 200


def queries() -> list[str]:
    rng = random.Random(7)
    titles = [t.split() for t, _ in real_papers() if len(t.split()) >= 5]
    out = []
    for _ in range(QUERIES):
        words = rng.choice(titles)
        k = rng.randint(2, 5)
        start = rng.randint(0, len(words) - k)
        out.append(" ".join(words[start:start + k]))
    return out


def field_queries(library: Library) -> list[str]:
    """au: with the surname of a random paper's first author, cat: with its category."""
    rng = random.Random(11)
    sample = library.store.get_many(rng.sample(range(1, library.site.max_pid() + 1), 400))
    out = []
    for sp in sample.values():
        if sp.paper.categories:
            out.append(f"cat:{sp.paper.categories[0]}")
        if sp.paper.authors:
            out.append(f"au:{sp.paper.authors[0].split()[-1]}")
    return out[:100]


def timed_fields(library: Library) -> tuple[list[float], int]:
    timings, most = [], 0
    for q in field_queries(library):
        start = time.perf_counter()
        results = search(library, q, limit=30, count=True)
        timings.append((time.perf_counter() - start) * 1000)
        most = max(most, results.total or 0)
    return timings, most


def percentile(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100)[int(p) - 1]


def main(n: int) -> None:
    db = DATA / f"bench-{n}.db"
    if not db.exists():
        raise SystemExit(f"run benchmarks/bench_import.py {n} first")
    library = Library(Settings(db=db))
    qs = queries()
    # lexical by name: once bench_web.py has given the store vectors, the default is hybrid
    for q in qs[:20]:  # warm the page cache and the searcher
        search(library, q, limit=10, mode="lexical")
    timings = []
    for q in qs:
        start = time.perf_counter()
        results = search(library, q, limit=10, mode="lexical")
        timings.append((time.perf_counter() - start) * 1000)
        assert results.hits, q
    field_ms, most = timed_fields(library)
    fields = {"fields alone (100 of au:Surname, cat:cs.XX): p50 / p99 ms":
              f"{percentile(field_ms, 50):.1f} / {percentile(field_ms, 99):.1f}",
              "fields alone: what is timed": f"newest 30 and the count of all matches (up to "
                                             f"{most:,})"}
    record(f"Lexical search latency at N = {n:,}", f"python benchmarks/bench_search.py {n}", {
        "papers": f"{library.store.count():,}",
        "queries": f"{len(qs)} (2–5 consecutive words of real titles, any word may match)",
        "p50 ms (target ≤ 5)": f"{percentile(timings, 50):.1f}",
        "p99 ms (target ≤ 25)": f"{percentile(timings, 99):.1f}",
        "max ms": f"{max(timings):.1f}",
        "what is timed": "service call: parse, BM25 top 10 (uncounted), snippets, store join",
        **fields,
    })


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
