"""Import throughput, end to end: parse → ingest → SQLite → tantivy, on a fresh store.

Usage: python benchmarks/bench_import.py [N]   (default 1,000,000; data made on first run)
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time

from common import DATA, record

from paperwire.config import Settings
from paperwire.services.intake.importing import import_file
from paperwire.services.library import Library


def main(n: int) -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    corpus = DATA / f"snapshot-{n}.jsonl"
    if not corpus.exists():
        subprocess.run([sys.executable, "make_snapshot.py", str(n), str(corpus)], check=True,
                       cwd=DATA.parent)
    db = DATA / f"bench-{n}.db"
    shutil.rmtree(db.with_name(db.name + ".index"), ignore_errors=True)
    for f in DATA.glob(db.name + "*"):
        f.unlink()
    library = Library(Settings(db=db))
    library.lexical  # noqa: B018 - open the empty index outside the timing
    start = time.perf_counter()
    report = import_file(library, corpus)
    seconds = time.perf_counter() - start
    assert report.added == n, report.summary()
    stats = library.store.stats()
    record(f"Import throughput at N = {n:,}", f"python benchmarks/bench_import.py {n}", {
        "records": f"{n:,}",
        "seconds": f"{seconds:.1f}",
        "records/s (target ≥ 20,000)": f"{n / seconds:,.0f}",
        "input file": f"{corpus.stat().st_size / 2**20:,.0f} MiB",
        "store size (SQLite)": f"{stats.size_bytes / 2**20:,.0f} MiB",
        "lexical index size": f"{library.lexical.size_bytes() / 2**20:,.0f} MiB",
    })


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
