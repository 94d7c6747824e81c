"""A sign-in flood (issue 21, item 2): 64 connections posting made-up usernames for a while,
against `paperwire serve` on a new store, in two shapes: from one address, and from a new
address every request (behind a trusted proxy, X-Forwarded-For). Meanwhile /healthz is
timed every 100 ms, a real reader signs in, and the server's resident memory is sampled.

Usage: python benchmarks/bench_signin_flood.py [--seconds 15] [--connections 64]
Prints its figures (the lead records them in RESULTS.md).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from common import machine

EXE = Path(sys.executable).with_name("paperwire")
READER = ("ada", "analytical engine")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _csrf(c: httpx.Client, page: str) -> str:
    text = c.get(page).text
    return text.split('name="csrf" value="', 1)[1].split('"', 1)[0]


class Server:
    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen([EXE, "--db", str(folder / "site.db"), "serve",
                                         "--port", str(self.port)], env={**os.environ, **env},
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while True:
            try:
                httpx.get(self.url + "/healthz", timeout=5)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise SystemExit("the site did not start") from None
                time.sleep(0.2)

    def rss_mib(self) -> float:
        with open(f"/proc/{self.process.pid}/status") as fp:
            return next(int(ln.split()[1]) for ln in fp if ln.startswith("VmRSS")) / 1024

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def _flood(url: str, until: float, spread: bool) -> Counter:
    codes: Counter = Counter()
    with httpx.Client(base_url=url, timeout=120) as c:
        token = _csrf(c, "/signin")
        while time.monotonic() < until:
            headers = ({"x-forwarded-for": "10." + ".".join(str(secrets.randbelow(250))
                                                           for _ in range(3))} if spread else {})
            try:
                code = c.post("/signin", headers=headers, data={
                    "csrf": token, "username": secrets.token_hex(6),
                    "password": secrets.token_hex(8)}).status_code
            except httpx.HTTPError:
                code = 0
            codes[code] += 1
    return codes


def _flood_process(url: str, until: float, spread: bool, connections: int, results) -> None:
    """The flood's connections, in a process apart from the probes (whose timing they would
    otherwise hold up in this one's interpreter)."""
    with ThreadPoolExecutor(connections) as pool:
        results.put(sum(pool.map(lambda _: _flood(url, until, spread), range(connections)),
                        Counter()))


def _probe(url: str) -> float:
    """One health check on a new connection, as a load balancer makes it (one client kept:
    building an httpx client costs ~20 ms of this process, which is not the server's)."""
    started = time.monotonic()
    PROBES.get(url + "/healthz", timeout=120)
    return time.monotonic() - started


PROBES = httpx.Client(limits=httpx.Limits(max_keepalive_connections=0))


def _watch(server: Server, until: float, health: list[tuple[float, float]],
           rss: list[float]) -> None:
    began = time.monotonic()
    while time.monotonic() < until:
        started = time.monotonic()
        health.append((_probe(server.url), started - began))
        rss.append(server.rss_mib())
        time.sleep(max(0.0, 0.1 - (time.monotonic() - started)))


def _reader_signs_in(server: Server, spread: bool) -> tuple[int, float]:
    headers = {"x-forwarded-for": "192.0.2.1"} if spread else {}
    with httpx.Client(base_url=server.url, timeout=120) as c:
        token = _csrf(c, "/signin")
        started = time.monotonic()
        code = c.post("/signin", headers=headers, data={
            "csrf": token, "username": READER[0], "password": READER[1]}).status_code
        return code, time.monotonic() - started


def run(spread: bool, seconds: float, connections: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        env = {"PAPERWIRE_TRUSTED_PROXIES": "127.0.0.1"} if spread else {}
        server = Server(Path(folder), env)
        try:
            with httpx.Client(base_url=server.url) as c:
                c.post("/signup", data={"csrf": _csrf(c, "/signup"), "username": READER[0],
                                        "password": READER[1]})
            quiet = [_probe(server.url) for _ in range(20)]
            rss_before = server.rss_mib()
            health, rss = [], []
            until = time.monotonic() + seconds
            fork = multiprocessing.get_context("fork")
            results = fork.Queue()
            flood = fork.Process(target=_flood_process,
                                 args=(server.url, until, spread, connections, results))
            flood.start()
            with ThreadPoolExecutor(1) as pool:
                watcher = pool.submit(_watch, server, until, health, rss)
                time.sleep(seconds / 3)  # the flood well under way
                reader = _reader_signs_in(server, spread)
                watcher.result()
            codes = results.get(timeout=300)
            flood.join()
        finally:
            server.stop()
    shape = "a new address each request (trusted proxy)" if spread else "one address"
    slowest = sorted(health, reverse=True)[:3]
    health = sorted(t for t, _ in health)
    print(f"\n## sign-in flood from {shape}: {connections} connections, {seconds:g} s")
    print(f"- requests: {sum(codes.values())} ({sum(codes.values()) / seconds:.0f}/s), "
          f"by status: {dict(sorted(codes.items()))}")
    print(f"- /healthz quiet: median {statistics.median(quiet) * 1000:.1f} ms; under the flood: "
          f"median {statistics.median(health) * 1000:.1f} ms, p99 "
          f"{health[int(len(health) * 0.99) - 1] * 1000:.1f} ms, max {health[-1] * 1000:.1f} ms "
          f"({len(health)} probes)")
    print("- slowest probes: " + ", ".join(f"{t * 1000:.0f} ms at {at:.1f} s"
                                          for t, at in slowest))
    print(f"- the reader signing in during it: {reader[0]} in {reader[1] * 1000:.0f} ms")
    print(f"- server memory: {rss_before:.0f} MiB before, {max(rss):.0f} MiB at most")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args()
    print(machine())
    for spread in (False, True):
        run(spread, args.seconds, args.connections)


if __name__ == "__main__":
    main()
