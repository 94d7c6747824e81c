"""`serve --workers N`: each worker accepts on a listening socket of its own, so the kernel
spreads connections over them instead of the first worker to wake taking them all (issue
22: one worker held 56 of 64 connections and its queue set the site's p99), and a worker
that dies is replaced on its predecessor's socket, the connections waiting there served."""

from __future__ import annotations

import os
import signal
import socket
from pathlib import Path

import httpx
import pytest

from tests.servers import Site
from tests.waiting import wait_until

PAPERS = [{"arxiv_id": "2501.00001", "title": "A paper", "abstract": "On graphs. " * 20,
           "published": "2025-01-06"}]
LISTEN, ESTABLISHED = "0A", "01"


@pytest.fixture
def site(tmp_path):
    with Site.with_papers(tmp_path, PAPERS, workers=2) as running:
        yield running


def _workers(site: Site) -> list[int]:
    """The serving processes: the site's children holding a listening socket on its port."""
    children = Path(f"/proc/{site.process.pid}/task/{site.process.pid}/children").read_text()
    return [int(pid) for pid in children.split() if _sockets(int(pid), site.port, LISTEN)]


def _sockets(pid: int, port: int, state: str) -> set[int]:
    """Inodes of pid's TCP sockets on 127.0.0.1:port in that state (from /proc)."""
    held = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:  # closed while listed
            continue
        if target.startswith("socket:["):
            held.add(int(target[8:-1]))
    local = f"0100007F:{port:04X}"
    rows = (line.split() for line in Path("/proc/net/tcp").read_text().splitlines()[1:])
    return {int(row[9]) for row in rows if row[1] == local and row[3] == state} & held


def test_each_worker_listens_on_its_own_socket_and_takes_a_share_of_connections(site):
    workers = _workers(site)
    assert len(workers) == 2
    listening = [_sockets(pid, site.port, LISTEN) for pid in workers]
    assert all(len(s) == 1 for s in listening) and listening[0] != listening[1]

    connections = [socket.create_connection(("127.0.0.1", site.port)) for _ in range(40)]
    try:
        for conn in connections:  # a request on each, so each is accepted and held
            conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            assert conn.recv(64).startswith(b"HTTP/1.1 200")
        held = [len(_sockets(pid, site.port, ESTABLISHED)) for pid in workers]
    finally:
        for conn in connections:
            conn.close()
    # spread by the kernel's hash over the connections' addresses: all 40 on one worker
    # would happen once in 2**39
    assert sum(held) == 40 and min(held) > 0, held


def test_a_killed_worker_is_replaced_on_its_own_socket_and_no_request_is_lost(site):
    workers = _workers(site)
    killed = workers[0]
    its_socket = _sockets(killed, site.port, LISTEN)
    os.kill(killed, signal.SIGKILL)

    # at once: connections the kernel hands the dead worker's socket wait for its successor
    for _ in range(20):  # a new connection each
        assert httpx.get(site.url + "/healthz", timeout=30).status_code == 200
    wait_until(lambda: killed not in _workers(site) and len(_workers(site)) == 2,
               "the killed worker was not replaced")
    successor = next(pid for pid in _workers(site) if pid not in workers)
    assert _sockets(successor, site.port, LISTEN) == its_socket
    assert httpx.get(site.url + "/papers/2501.00001", timeout=30).status_code == 200
