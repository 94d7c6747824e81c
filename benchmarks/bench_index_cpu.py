"""Where a bulk load's CPU goes: the lexical index alone, fed the papers of the store that
bench_import.py built (run that first), timed in wall-clock and CPU seconds.

Usage: python benchmarks/bench_index_cpu.py [N]   (default 1,000,000)
"""

from __future__ import annotations

import resource
import shutil
import sys
import time

from common import DATA, record

from paperwire.index import sync
from paperwire.index.lexical import LexicalIndex
from paperwire.store import SQLiteStore


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(n: int) -> None:
    db = DATA / f"bench-{n}.db"
    if not db.exists():
        sys.exit(f"{db} is missing: run benchmarks/bench_import.py {n} first")
    store = SQLiteStore(db)
    papers = [sp for batch in store.changed_since(0) for sp in batch]
    target = DATA / "index-cpu"
    shutil.rmtree(target, ignore_errors=True)
    index = LexicalIndex.fresh(target)
    cpu, wall = cpu_seconds(), time.perf_counter()
    for start in range(0, len(papers), 5000):
        sync.apply(index, papers[start:start + 5000])
    index.commit(store.max_rev())
    wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    record(f"Lexical index CPU at N = {n:,}", f"python benchmarks/bench_index_cpu.py {n}", {
        "documents": f"{len(papers):,}",
        "wall seconds": f"{wall:.1f}",
        "CPU seconds (all threads)": f"{cpu:.1f}",
        "CPU µs per document": f"{cpu / len(papers) * 1e6:.0f}",
        "what it says": "the 2-core budget for 20,000 records/s is 100 CPU-seconds per 1M",
    })
    shutil.rmtree(target, ignore_errors=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
