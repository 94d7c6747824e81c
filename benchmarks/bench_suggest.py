"""Suggestion latency as a person types: every prefix of 2–4 words of real titles, from
two letters on (what the search box asks for), against the store bench_import.py built.

Usage: python benchmarks/bench_suggest.py [N]   (default 1,000,000)
"""

from __future__ import annotations

import random
import sys
import time

from bench_search import percentile
from common import DATA, real_papers, record

from paperwire.config import Settings
from paperwire.services.discovery.suggest import suggest
from paperwire.services.library import Library

PHRASES = 60


def typed_prefixes() -> list[str]:
    """What a box sends while someone types a few words of a title, letter by letter."""
    rng = random.Random(11)
    titles = [t.split() for t, _ in real_papers() if len(t.split()) >= 4]
    out = []
    for _ in range(PHRASES):
        words = rng.choice(titles)
        phrase = " ".join(words[: rng.randint(2, 4)])
        out += [phrase[:i] for i in range(2, len(phrase) + 1) if not phrase[:i].endswith(" ")]
    return out


def main(n: int) -> None:
    db = DATA / f"bench-{n}.db"
    if not db.exists():
        raise SystemExit(f"run benchmarks/bench_import.py {n} first")
    library = Library(Settings(db=db))
    prefixes = typed_prefixes()
    for p in prefixes[:30]:
        suggest(library, p)
    timings, offered = [], 0
    for p in prefixes:
        start = time.perf_counter()
        found = suggest(library, p)
        timings.append((time.perf_counter() - start) * 1000)
        offered += bool(found.titles)
    record(f"Suggestions as you type at N = {n:,}", f"python benchmarks/bench_suggest.py {n}", {
        "papers": f"{library.store.count():,}",
        "requests": f"{len(prefixes)} (each prefix of {PHRASES} title starts, 2+ letters)",
        "p50 ms": f"{percentile(timings, 50):.1f}",
        "p99 ms (target ≤ 50)": f"{percentile(timings, 99):.1f}",
        "max ms": f"{max(timings):.1f}",
        "requests with a title offered": f"{offered / len(prefixes):.0%}",
        "what is timed": "service call: title and author lookups in tantivy, store join",
    })


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
