"""Lexical search latency over 200 varied 2–5 word queries drawn from real titles.

Runs against the store bench_import.py built: python benchmarks/bench_search.py [N]
"""

from __future__ import annotations

import random
import statistics
import sys
import time

from common import DATA, real_papers, record

from paperwire.config import Settings
from paperwire.services.library import Library
from paperwire.services.search import search

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


def percentile(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100)[int(p) - 1]


def main(n: int) -> None:
    db = DATA / f"bench-{n}.db"
    if not db.exists():
        raise SystemExit(f"run benchmarks/bench_import.py {n} first")
    library = Library(Settings(db=db))
    qs = queries()
    for q in qs[:20]:  # warm the page cache and the searcher
        search(library, q, limit=10)
    timings = []
    for q in qs:
        start = time.perf_counter()
        results = search(library, q, limit=10)
        timings.append((time.perf_counter() - start) * 1000)
        assert results.hits, q
    record(f"Lexical search latency at N = {n:,}", f"python benchmarks/bench_search.py {n}", {
        "papers": f"{library.store.count():,}",
        "queries": f"{len(qs)} (2–5 consecutive words of real titles, any word may match)",
        "p50 ms (target ≤ 5)": f"{percentile(timings, 50):.1f}",
        "p99 ms (target ≤ 25)": f"{percentile(timings, 99):.1f}",
        "max ms": f"{max(timings):.1f}",
        "what is timed": "service call: parse, BM25 top 10 (uncounted), snippets, store join",
    })


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
