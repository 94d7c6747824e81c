"""Past one server (issue 22, item 4): bench_readers.py's pages at 64 connections against
one and then two `paperwire serve --workers 2` on PostgreSQL, behind a real nginx (Debian's)
that this script starts — do two servers on this box serve more than one?

The store is bench_readers.py's SQLite one (N papers, 1,000 readers), copied into a fresh
PostgreSQL 15 cluster with `paperwire db copy`; each server keeps its own copy of the
indexes, as on separate machines.

Usage: python benchmarks/bench_servers.py [N] [--seconds S]   (needs nginx and postgresql-15)
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import numpy as np
from bench_foryou import add_readers
from bench_readers import TARGETS, _line, made_ahead, scripts, signed_in, wrk
from bench_web import prepare_store
from common import DATA, ROOT, record

from paperwire.config import Settings
from paperwire.services.library import Library

sys.path.insert(0, str(ROOT))
from tests.pg import PostgresServer, server_binaries  # noqa: E402 - the tests' own server

NGINX_PORT, FIRST_PORT = 8790, 8791
PAPERWIRE = os.path.join(os.path.dirname(sys.executable), "paperwire")


def nginx_conf(folder: Path, ports: list[int]) -> Path:
    servers = "\n".join(f"    server 127.0.0.1:{p};" for p in ports)
    conf = folder / "nginx.conf"
    conf.write_text(f"""
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  upstream paperwire {{
{servers}
    keepalive 64;
  }}
  server {{
    listen 127.0.0.1:{NGINX_PORT};
    location / {{
      proxy_pass http://paperwire;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
    }}
  }}
}}
""")
    return conf


@contextmanager
def nginx(ports: list[int]) -> Iterator[str]:
    folder = Path(tempfile.mkdtemp(prefix="paperwire-nginx-"))
    conf = nginx_conf(folder, ports)
    subprocess.run(["nginx", "-c", str(conf), "-p", str(folder)], check=True)
    try:
        yield f"http://127.0.0.1:{NGINX_PORT}"
    finally:
        subprocess.run(["nginx", "-c", str(conf), "-p", str(folder), "-s", "stop"])
        time.sleep(1)
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def server(url: str, port: int, index: Path) -> Iterator[None]:
    env = {**os.environ, "PAPERWIRE_DB": url, "PAPERWIRE_INDEX_DIR": str(index),
           "PAPERWIRE_TRUSTED_PROXIES": "127.0.0.1"}
    proc = subprocess.Popen([PAPERWIRE, "serve", "--port", str(port), "--workers", "2"],
                            env=env)
    try:
        for _ in range(1200):  # its indexes catch up with the store first
            try:
                if httpx.get(f"http://127.0.0.1:{port}/", timeout=60).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.5)
        yield
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:  # held by a proxy's idle keep-alive connections
            proc.kill()
            proc.wait()


def copied(n: int, pg: PostgresServer) -> tuple[str, float]:
    url = pg.new_database()
    start = time.perf_counter()
    subprocess.run([PAPERWIRE, "db", "copy", str(DATA / f"bench-{n}.db"), url], check=True)
    return url, time.perf_counter() - start


def run_pages(url: str, base: str, seconds: int) -> dict[str, dict]:
    library = Library(Settings(db=url))
    try:
        pages = scripts(library, base, np.random.default_rng(7), signed_in(library))
        return {name: (wrk(base, script, 16, 5), wrk(base, script, 64, seconds))[1]
                for name, script in pages.items()}
    finally:
        library.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=15)
    args = parser.parse_args()
    if server_binaries() is None or shutil.which("nginx") is None:
        raise SystemExit("needs postgresql-15 and nginx (apt-get install postgresql-15 nginx)")
    prepare_store(args.n)
    library = Library(Settings(db=DATA / f"bench-{args.n}.db"))
    add_readers(library, np.random.default_rng(11))
    library.close()
    figures: dict[str, str] = {}
    pg = PostgresServer(server_binaries())
    try:
        url, copy_s = copied(args.n, pg)
        figures["db copy into PostgreSQL"] = f"{copy_s:.0f} s"
        copy = Library(Settings(db=url))  # a copy starts with no for-you lists: the worker's
        figures.update(made_ahead(copy))  # job makes them, as before a morning's readers
        copy.close()
        indexes = Path(tempfile.mkdtemp(prefix="paperwire-indexes-"))
        results = {}
        for count in (1, 2):
            ports = [FIRST_PORT + i for i in range(count)]
            with ExitStack() as stack:
                for port in ports:
                    stack.enter_context(server(url, port, indexes / str(port)))
                base = stack.enter_context(nginx(ports))
                results[count] = run_pages(url, base, args.seconds)
                print(count, {k: _line(v) for k, v in results[count].items()}, flush=True)
        shutil.rmtree(indexes, ignore_errors=True)
    finally:
        pg.stop()
    for name in TARGETS:
        one, two = results[1][name], results[2][name]
        figures[f"{name}: one server"] = _line(one)
        figures[f"{name}: two servers"] = _line(two) + (
            f" ({two['rate'] / one['rate']:.2f}×)" if one["rate"] else "")
    record(f"Two servers on PostgreSQL behind nginx at N = {args.n:,}",
           f"python benchmarks/bench_servers.py {args.n} --seconds {args.seconds}",
           {"setup": f"{args.n:,} papers, 1,000 readers, PostgreSQL 15 (fsync off), nginx "
                     "1 worker, each server `paperwire serve --workers 2`, 64 connections, "
                     f"wrk -t2 — all on this one box; {args.seconds} s per run",
            **figures})


if __name__ == "__main__":
    main()
