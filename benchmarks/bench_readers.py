"""Many readers at once (issue 22): the signed-in feed and for-you rotating over 1,000
readers' real session cookies, search rotating over 200 different queries, paper pages
over 1,000 different papers, and the anonymous feed with feed readers' conditional GETs —
each under wrk at 4, 16, 64 and 256 connections against `paperwire serve --workers 2` on
N papers (default 100,000) with vectors, while a probe times /healthz every 100 ms.

Each page is also reported as a ratio: its best rate over the rate of the service call it
wraps, called in process on the same data by two processes at once (this box's 2 cores),
which is the limit the web layer can approach.

Usage: python benchmarks/bench_readers.py [N] [--seconds S] [--only page,page]
"""

from __future__ import annotations

import argparse
import multiprocessing
import re
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

import httpx
import numpy as np
from bench_foryou import READERS, add_readers
from bench_web import PORT, prepare_store, served
from common import DATA, record

from paperwire import clock
from paperwire.config import Settings
from paperwire.services.community import accounts
from paperwire.services.discovery import feed, similar
from paperwire.services.discovery import search as search_service
from paperwire.services.library import Library
from paperwire.services.operations import worker
from paperwire.services.personal import foryou

CONCURRENCY = (4, 16, 64, 256)
QUERIES = 200
PAPERS = 1000
TARGETS = {  # page: (req/s, p99 ms) from the issue
    "signed-in /": (800, 150), "signed-in /for-you": (300, 300), "search": (300, 300),
    "paper page": (1000, 120), "anonymous / (conditional)": (5000, None)}
WORDS = ("neural operator learning graph diffusion transformer retrieval language model "
         "quantum reinforcement policy robust optimization sparse attention protein vision "
         "segmentation federated privacy causal inference bayesian kernel contrastive").split()


# -- what the requests are --------------------------------------------------------------------

def queries(rng: np.random.Generator) -> list[str]:
    return sorted({" ".join(rng.choice(WORDS, rng.integers(1, 4), replace=False))
                   for _ in range(QUERIES * 4)})[:QUERIES]


def lua_rotating(name: str, paths: list[str], cookies: list[str] | None = None,
                 conditional: str | None = None) -> str:
    """A wrk script: each request the next path (and the next cookie); with `conditional`,
    every other request is a feed reader's If-None-Match. Statuses are tallied per thread
    and summed at the end, so 304s are counted apart from 200s."""
    quoted = ",".join(f'"{p}"' for p in paths)
    jar = ",".join(f'"{c}"' for c in cookies or [])
    script = DATA / f"readers-{name}.lua"
    etag = '"' + conditional.replace('"', '\\"') + '"' if conditional else "nil"
    script.write_text(f"""
local paths = {{{quoted}}}
local cookies = {{{jar}}}
local etag = {etag}
local n, threads = 0, {{}}
statuses = {{}}
function setup(thread) table.insert(threads, thread) end
function request()
  n = n + 1
  local headers = {{}}
  if #cookies > 0 then headers["Cookie"] = cookies[(n - 1) % #cookies + 1] end
  if etag and n % 2 == 0 then headers["If-None-Match"] = etag end
  return wrk.format("GET", paths[(n - 1) % #paths + 1], headers)
end
function response(status) statuses[status] = (statuses[status] or 0) + 1 end
function done(summary, latency, requests)
  local total = {{}}
  for _, t in ipairs(threads) do
    local s = t:get("statuses")
    for k, v in pairs(s) do total[k] = (total[k] or 0) + v end
  end
  for k, v in pairs(total) do io.write(string.format("status %d %d\\n", k, v)) end
end
""")
    return str(script)


def wrk(base: str, script: str, connections: int, seconds: int) -> dict:
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency",
                          "--timeout", "10s", "-s", script, base],
                         capture_output=True, text=True, check=True).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.M))
    statuses = {int(k): int(v) for k, v in re.findall(r"^status (\d+) (\d+)$", out, re.M)}
    timeouts = re.search(r"timeout (\d+)", out)
    answered = statuses.get(200, 0) + statuses.get(304, 0)
    return {"p50": _ms(latency["50"]), "p99": _ms(latency["99"]), "rate": answered / seconds,
            "statuses": statuses, "timeouts": int(timeouts.group(1)) if timeouts else 0}


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


class HealthProbe:
    """/healthz every 100 ms on a connection of its own, for as long as the load runs."""

    def __init__(self, base: str) -> None:
        self.base, self.times, self._stop = base, [], threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with httpx.Client(timeout=30) as client:
            while not self._stop.wait(0.1):
                start = time.perf_counter()
                with suppress(httpx.TransportError):
                    client.get(self.base + "/healthz")
                self.times.append((time.perf_counter() - start) * 1000)

    @contextmanager
    def running(self) -> Iterator[HealthProbe]:
        self._thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            self._thread.join()


# -- the service calls, in process ----------------------------------------------------------

def _calls(library: Library, rng: np.random.Generator) -> dict[str, Callable[[], object]]:
    readers = [library.site.user_by_name(f"reader{n:04d}") for n in range(READERS)]
    qs = queries(rng)
    pids = [int(p) for p in rng.choice(library.site.max_pid(), PAPERS) + 1]
    period, _ = feed.front_period(library.site, clock.today(), None)
    turn = iter(range(10**9))

    def paper(i: int):
        sp = library.store.get_many([pids[i % PAPERS]])[pids[i % PAPERS]]
        neighbours = similar.similar_to_paper(library, sp, 8)
        return feed.items_for(library, library.site, [sp, *[s.paper for s in neighbours]], None)

    return {
        "signed-in /": lambda: feed.period_feed(library, library.site, period,
                                                readers[next(turn) % READERS], limit=30),
        "signed-in /for-you": lambda: foryou.recommend(library, readers[next(turn) % READERS],
                                                       31),
        "search": lambda: search_service.search(library, qs[next(turn) % QUERIES], None, 30,
                                                count=True),
        "paper page": lambda: paper(next(turn)),
        "anonymous / (conditional)": lambda: feed.period_feed(library, library.site, period,
                                                              None, limit=30),
    }


def _call_rate(args: tuple[str, str, float]) -> float:
    db, name, seconds = args
    library = Library(Settings(db=db))
    call = _calls(library, np.random.default_rng(3))[name]
    for _ in range(20):
        call()  # warm: pool, models, index pages
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        call()
        done += 1
    rate = done / (time.perf_counter() - start)
    library.close()
    return rate


def in_process_rates(db: str, names: list[str], seconds: float = 10) -> dict[str, float]:
    """Each service call's rate with two processes calling it at once."""
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        return {name: sum(pool.map(_call_rate, [(db, name, seconds)] * 2)) for name in names}


# -- the load -------------------------------------------------------------------------------

def signed_in(library: Library) -> list[str]:
    """A session cookie for each reader."""
    readers = [library.site.user_by_name(f"reader{n:04d}") for n in range(READERS)]
    return [f"pw_session={accounts.new_session(library.site, u)}" for u in readers]


def made_ahead(library: Library) -> dict[str, str]:
    """The worker's for-you job over every reader, as it runs before the morning's readers
    come (their lists stored; a page then reads one row): its time per reader."""
    start = time.perf_counter()
    made = worker._foryou_job(library, threading.Event())
    seconds = time.perf_counter() - start
    return {"for-you lists made ahead by the worker's job (one process)":
            f"{made:,} in {seconds:.1f} s, {1000 * seconds / max(made, 1):.1f} ms each"}


def scripts(library: Library, base: str, rng: np.random.Generator,
            cookies: list[str]) -> dict[str, str]:
    chosen = library.store.get_many(int(p) for p in rng.choice(library.site.max_pid(), PAPERS) + 1)
    keys = [sp.paper.key for sp in chosen.values()]
    etag = httpx.get(base + "/", timeout=60).headers["etag"]
    return {
        "signed-in /": lua_rotating("feed", ["/"], cookies),
        "signed-in /for-you": lua_rotating("foryou", ["/for-you"], cookies),
        "search": lua_rotating("search", [f"/search?q={q.replace(' ', '+')}"
                                          for q in queries(np.random.default_rng(3))]),
        "paper page": lua_rotating("paper", [f"/papers/{k}" for k in keys]),
        "anonymous / (conditional)": lua_rotating("anonymous", ["/"], conditional=etag),
    }


def _line(result: dict) -> str:
    """The rate counts the pages served (200 and 304), not the requests shed with a 503."""
    shed = result["statuses"].get(503, 0)
    other = {k: v for k, v in result["statuses"].items() if k not in (200, 304, 503)}
    return (f"{result['rate']:,.0f} req/s, p50 {result['p50']:.0f} ms, p99 {result['p99']:.0f}"
            f" ms; {result['statuses'].get(200, 0):,} × 200"
            + (f", {result['statuses'][304]:,} × 304" if 304 in result["statuses"] else "")
            + (f", {shed:,} × 503 (shed)" if shed else "")
            + (f", other {other}" if other else "")
            + (f", {result['timeouts']} timeouts" if result["timeouts"] else ""))


def _warm(base: str, script_paths: list[str]) -> None:
    for path in script_paths[:50]:
        httpx.get(base + path, timeout=60)


def under_load(library: Library, base: str, names: list[str], seconds: int,
               cookies: list[str]) -> dict:
    rng = np.random.default_rng(7)
    per_page, probes = {}, []
    for name, script in scripts(library, base, rng, cookies).items():
        if name not in names:
            continue
        wrk(base, script, 16, 5)  # warm both workers: pools, models, caches
        per_page[name] = {}
        for connections in CONCURRENCY:
            with HealthProbe(base).running() as probe:
                per_page[name][connections] = wrk(base, script, connections, seconds)
            probes += probe.times
    return {"pages": per_page, "healthz": probes}


def figures(load: dict, rates: dict[str, float]) -> dict[str, str]:
    out = {}
    for name, runs in load["pages"].items():
        best = max(r["rate"] for r in runs.values())
        at64 = runs[64]
        rate_target, p99_target = TARGETS[name]
        out[f"{name} at 64 (target ≥ {rate_target:,} req/s"
            + (f", p99 ≤ {p99_target} ms)" if p99_target else ")")] = _line(at64)
        out[f"{name}: by connections"] = "; ".join(
            f"{c}: {r['rate']:,.0f} req/s p99 {r['p99']:.0f} ms"
            + (f", {r['statuses'][503]:,} shed" if r["statuses"].get(503) else "")
            for c, r in runs.items())
        out[f"{name}: 64 and 256 against the best (target ≥ 0.90)"] = (
            f"{at64['rate'] / best:.2f}, {runs[256]['rate'] / best:.2f}")
        if name in rates:
            page_rate = at64["rate"] if name != "anonymous / (conditional)" else best
            out[f"{name}: over its service call in process ({rates[name]:,.0f} calls/s on 2"
                " processes; target ≥ 0.5)"] = f"{page_rate / rates[name]:.2f}"
    times = np.array(load["healthz"])
    out["/healthz during every run (target ≤ 200 ms)"] = (
        f"median {np.median(times):.0f} ms, p99 {np.percentile(times, 99):.0f} ms, "
        f"max {times.max():.0f} ms over {len(times):,} probes")
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--only", default=",".join(TARGETS))
    args = parser.parse_args()
    names = args.only.split(",")
    prepare_store(args.n)
    db = str(DATA / f"bench-{args.n}.db")
    library = Library(Settings(db=db))
    add_readers(library, np.random.default_rng(11))
    rates = in_process_rates(db, names)
    cookies = signed_in(library)
    ahead = made_ahead(library) if "signed-in /for-you" in names else {}
    with served(args.n) as base:
        load = under_load(library, base, names, args.seconds, cookies)
    library.close()
    record(f"Many readers at once at N = {args.n:,}",
           f"python benchmarks/bench_readers.py {args.n} --seconds {args.seconds}",
           {"setup": f"{args.n:,} papers with vectors, {READERS:,} readers × 200 signals, "
                     f"{QUERIES} queries, {PAPERS:,} papers; wrk -t2 --timeout 10s on this "
                     f"box, paperwire serve --workers 2 (port {PORT}), {args.seconds} s per run",
            **ahead, **figures(load, rates)})


if __name__ == "__main__":
    main()
