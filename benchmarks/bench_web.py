"""Load on the site: wrk, 64 connections for 30 s each against the feed, a paper page and
search, on a store of N papers (default 100,000) with vectors, served by 2 workers.

Usage: python benchmarks/bench_web.py [N]   (needs wrk: apt-get install wrk)
The store is bench_import.py's synthetic one; vectors are bench_semantic.py's synthetic
ones, so search runs in hybrid mode without hours of embedding.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import numpy as np
from bench_semantic import fill_store, synthetic_vectors
from common import DATA, record

from paperwire.config import Settings
from paperwire.embedding import MODEL_NAME
from paperwire.services.library import Library

CONNECTIONS, SECONDS, PORT = 64, 30, 8765


def prepare_store(n: int) -> str:
    db = DATA / f"bench-{n}.db"
    if not db.exists():
        subprocess.run([sys.executable, "bench_import.py", str(n)], check=True,
                       cwd=DATA.parent)
    library = Library(Settings(db=db))
    if library.store.vector_count(MODEL_NAME) < n:
        fill_store(library, synthetic_vectors(n, np.random.default_rng(5)))
        shutil.rmtree(library.settings.vectors_dir, ignore_errors=True)
        library.vectors  # noqa: B018 - build the graph once, before the workers load it
    some = next(library.store.changed_since(0, 10))[5].paper.key
    library.close()
    return some


def wrk(url: str, extra: list[str] | None = None) -> dict[str, str]:
    out = subprocess.run(["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency",
                          *(extra or []), url],
                         capture_output=True, text=True, check=True).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.M))
    errors = re.search(r"Socket errors: (.*)$", out, re.M)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"p50": latency["50"], "p99": latency["99"],
            "req/s": re.search(r"Requests/sec:\s+(\S+)", out).group(1),
            "errors": (errors.group(1) if errors else "none") +
                      (f"; {non_2xx.group(1)} non-2xx" if non_2xx else "; 0 non-2xx")}


@contextmanager
def served(n: int) -> Iterator[str]:
    """`paperwire serve --workers 2` on the N-paper store, ready; yields its address."""
    with socket.socket() as probe:  # never measure a server left from another run
        if probe.connect_ex(("127.0.0.1", PORT)) == 0:
            raise SystemExit(f"port {PORT} is taken: stop what listens there first")
    env = {**os.environ, "PAPERWIRE_DB": str(DATA / f"bench-{n}.db")}
    server = subprocess.Popen([os.path.join(os.path.dirname(sys.executable), "paperwire"),
                               "serve", "--port", str(PORT), "--workers", "2"], env=env)
    base = f"http://127.0.0.1:{PORT}"
    try:
        for _ in range(600):
            if server.poll() is not None:  # e.g. the port taken: never measure another's
                raise SystemExit(f"paperwire serve ended ({server.returncode}); is port "
                                 f"{PORT} taken?")
            try:
                if httpx.get(base + "/", timeout=30).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.5)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def main(n: int) -> None:
    paper = prepare_store(n)
    with served(n) as base:
        targets = {"feed (/)": "/", f"paper page (/papers/{paper})": f"/papers/{paper}",
                   "search (/search?q=neural+operator+learning)":
                       "/search?q=neural+operator+learning"}
        figures = {}
        for name, path in targets.items():
            httpx.get(base + path, timeout=60)  # warm
            result = wrk(base + path)
            figures[name] = (f"p50 {result['p50']}, p99 {result['p99']}, "
                             f"{result['req/s']} req/s, errors: {result['errors']}")
        figures["setup"] = (f"{n:,} papers, {CONNECTIONS} connections, {SECONDS} s each, "
                            "wrk -t2, paperwire serve --workers 2; feed p99 target ≤ 100 ms")
        record(f"Site under load at N = {n:,}", f"python benchmarks/bench_web.py {n}", figures)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
