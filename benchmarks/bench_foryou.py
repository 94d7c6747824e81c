"""For you at scale: N papers (default 100,000) with vectors, 1,000 readers with 200
signals each (150 upvotes near a topic of their own, 50 "not interested"); the latency of
a for-you list (30 papers with reasons) with each reader's model stored, and right after a
new vote (retrained), and of the papers like a collection of 10, 100 or 500, in-process;
then, with --load, the signed-in feed and /for-you under wrk (64 connections, 2 workers)
as bench_web.py runs the anonymous pages.

Usage: python benchmarks/bench_foryou.py [N] [--load]
"""

from __future__ import annotations

import sys
import time
from datetime import date

import httpx
import numpy as np
from bench_web import CONNECTIONS, SECONDS, prepare_store, served, wrk
from common import DATA, record

from paperwire.config import Settings
from paperwire.embedding import MODEL_NAME
from paperwire.services.community import accounts
from paperwire.services.library import Library
from paperwire.services.personal import foryou
from paperwire.services.personal.candidates import build_pool

READERS, UPVOTES, DISMISSED = 1000, 150, 50
FAKE_HASH = accounts._hasher.hash("benchmark reader")  # one hash: argon2 is slow by design


def add_readers(library: Library, rng: np.random.Generator) -> list:
    site = library.site
    if site.user_by_name("reader0000") is None:
        pool = library.candidates.current()
        newest = pool.pids
        all_pids = np.arange(1, site.max_pid() + 1)
        votes, dismissals = [], []
        for n in range(READERS):
            user = site.create_user(f"reader{n:04d}", FAKE_HASH)
            centre = pool.matrix[rng.integers(len(pool))]
            near = newest[np.argsort(-(pool.matrix @ centre))[:UPVOTES * 3]]
            liked = rng.choice(near, UPVOTES, replace=False)
            votes += [(user.uid, int(p)) for p in liked]
            dismissals += [(user.uid, int(p)) for p in rng.choice(all_pids, DISMISSED)]
        library.store._transaction(lambda db: (
            db.executemany("INSERT OR IGNORE INTO votes (uid, pid) VALUES (?, ?)", votes),
            db.executemany("INSERT OR IGNORE INTO dismissals (uid, pid) VALUES (?, ?)",
                           dismissals)))
    return [site.user_by_name(f"reader{n:04d}") for n in range(READERS)]


def percentiles(ms: list[float]) -> str:
    return f"p50 {np.percentile(ms, 50):.1f} ms, p99 {np.percentile(ms, 99):.1f} ms"


def timed(call) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def in_process(library: Library, readers: list, rng: np.random.Generator) -> dict:
    start = time.perf_counter()
    pool = build_pool(library, date.today())
    pool_s = time.perf_counter() - start
    first = [timed(lambda u=u: foryou.recommend(library, u, 30)) for u in readers]
    warm = [timed(lambda u=readers[int(i)]: foryou.recommend(library, u, 30))
            for i in rng.integers(0, READERS, READERS)]
    changed = []
    for u in readers[:300]:
        library.site.set_vote(u.uid, int(rng.choice(pool.pids)), True)
        changed.append(timed(lambda u=u: foryou.recommend(library, u, 30)))
    collections = {}
    for size in (10, 100, 500):  # a collection's "new papers like these" (trains each time)
        pids = [int(p) for p in rng.choice(pool.pids, size, replace=False)]
        collections[f"papers like a collection of {size} (10 shown)"] = percentiles(
            [timed(lambda pids=pids: foryou.for_collection(library, pids, None, 10))
             for _ in range(100)])
    return {"pool": f"{len(pool):,} candidate papers (the newest month), built in "
                    f"{pool_s:.1f} s once per store change per process",
            "first list of each reader (trains and stores the model)": percentiles(first),
            "list with the model stored (target p99 ≤ 50 ms)": percentiles(warm),
            "list right after a new vote (retrains that reader only)": percentiles(changed),
            **collections}


def rotating_cookies(library: Library, readers: list) -> str:
    """A wrk script whose every request comes from the next of the readers' sessions."""
    cookies = ",".join(f'"pw_session={accounts.new_session(library.site, u)}"'
                       for u in readers)
    script = DATA / "readers.lua"
    script.write_text(f"local cookies = {{{cookies}}}\nlocal n = 0\n"
                      "request = function()\n  n = n % #cookies + 1\n"
                      "  wrk.headers['Cookie'] = cookies[n]\n"
                      "  return wrk.format('GET')\nend\n")
    return str(script)


def under_load(n: int, library: Library, readers: list) -> dict:
    cookie = f"pw_session={accounts.new_session(library.site, readers[0])}"
    many = rotating_cookies(library, readers)
    figures = {}
    with served(n) as base:
        for name, path in {"signed-in feed (/)": "/", "signed-in /for-you": "/for-you"}.items():
            for _ in range(16):  # warm both workers: their pools, models and caches
                httpx.get(base + path, headers={"Cookie": cookie}, timeout=60)
            result = wrk(base + path, ["-H", f"Cookie: {cookie}"])
            figures[name + ", one reader (target p99 ≤ 150 ms)"] = _line(result)
            figures[name + f", each request the next of {len(readers):,} readers"] = _line(
                wrk(base + path, ["-s", many]))
    return figures


def _line(result: dict) -> str:
    return (f"p50 {result['p50']}, p99 {result['p99']}, {result['req/s']} req/s, "
            f"errors: {result['errors']}")


def main(n: int, load: bool) -> None:
    prepare_store(n)
    library = Library(Settings(db=DATA / f"bench-{n}.db"))
    rng = np.random.default_rng(11)
    readers = add_readers(library, rng)
    figures = {"setup": f"{n:,} papers with vectors ({library.store.vector_count(MODEL_NAME):,}"
                        f"), {READERS:,} readers × {UPVOTES + DISMISSED} signals"}
    figures |= in_process(library, readers, rng)
    if load:
        figures["load"] = (f"{CONNECTIONS} connections, {SECONDS} s each, wrk -t2, "
                           "paperwire serve --workers 2, one signed-in reader's cookie")
        figures |= under_load(n, library, readers)
    library.close()
    record(f"For you at N = {n:,}", f"python benchmarks/bench_foryou.py {n}"
           + (" --load" if load else ""), figures)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(int(args[0]) if args else 100_000, "--load" in sys.argv)
