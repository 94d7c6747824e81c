"""Author page latency: the first page of papers by each of 200 authors of the store
bench_import.py built. Its names come from a small pool, so every author has tens of
thousands of candidate papers: a worse case than real names.

Usage: python benchmarks/bench_authors.py [N]   (default 1,000,000)
"""

from __future__ import annotations

import random
import sys
import time

from bench_search import percentile
from common import DATA, record

from paperwire.config import Settings
from paperwire.services.discovery import authors
from paperwire.services.library import Library
from paperwire.services.names import name_key

AUTHORS = 200


def main(n: int) -> None:
    db = DATA / f"bench-{n}.db"
    if not db.exists():
        raise SystemExit(f"run benchmarks/bench_import.py {n} first")
    library = Library(Settings(db=db))
    rng = random.Random(5)
    sample = library.store.get_many(rng.sample(range(1, library.store.count() + 1), AUTHORS))
    names = [rng.choice(sp.paper.authors) for sp in sample.values() if sp.paper.authors]
    for name in names[:20]:
        authors.papers_by(library, name, 30)
    timings, candidates = [], []
    for name in names:
        start = time.perf_counter()
        authors.papers_by(library, name, 30)
        timings.append((time.perf_counter() - start) * 1000)
        surname, _, given = name_key(name).partition(" ")
        candidates.append(len(library.lexical.by_author_words(surname, given, 10**7)))
    record(f"Author pages at N = {n:,}", f"python benchmarks/bench_authors.py {n}", {
        "papers": f"{library.store.count():,}",
        "authors": f"{len(names)} (random authors of random papers)",
        "candidates (surname, given name or its initial) median / max":
            f"{percentile(candidates, 50):,.0f} / {max(candidates):,}",
        "p50 ms": f"{percentile(timings, 50):.1f}",
        "p99 ms": f"{percentile(timings, 99):.1f}",
        "what is timed": "service call: candidates from tantivy newest first, store join, "
                         "name check, first 30",
    })


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
