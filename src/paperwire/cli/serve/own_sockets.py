"""Several serving processes, each accepting on a listening socket of its own.

uvicorn's own supervisor hands every worker one shared socket: the worker whose loop wakes
first takes a connection, and a keep-alive client stays with it. Under load one worker
held 56 of 64 connections, and its queue set the whole site's p99. Here each worker
listens on a socket of its own bound with SO_REUSEPORT, and the kernel spreads new
connections over them by their addresses. The sockets stay open in this process, so a
worker that dies is replaced on its predecessor's socket: connections the kernel queued
there are served, not reset."""

from __future__ import annotations

import logging
import socket

from uvicorn.config import STARTUP_FAILURE, Config
from uvicorn.supervisors.multiprocess import Multiprocess, Process

logger = logging.getLogger("uvicorn.error")


def reuse_port_socket(host: str, port: int) -> socket.socket:
    """A socket bound to host:port that others of this user may bind too (not yet listening:
    the kernel hands a socket connections once its worker listens on it)."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


class OwnSocketWorkers(Multiprocess):
    """uvicorn's supervisor (signals, health checks, restarts), but worker i always serves
    socket i. The number of workers is fixed: SIGTTIN and SIGTTOU are refused."""

    def __init__(self, config: Config) -> None:
        sockets = [reuse_port_socket(config.host, config.port) for _ in range(config.workers)]
        super().__init__(config, sockets)

    def _start(self, slot: int) -> Process:
        process = Process(self.config, [self.sockets[slot]])
        process.start()
        return process

    def init_processes(self) -> None:
        self.processes = [self._start(slot) for slot in range(len(self.sockets))]

    def keep_subprocess_alive(self) -> None:
        for slot, process in enumerate(self.processes):
            if self.should_exit.is_set():
                return
            if process.is_alive(timeout=self.config.timeout_worker_healthcheck):
                continue
            process.kill()  # hung or gone
            process.join()
            if process.exitcode == STARTUP_FAILURE:  # it would fail the same way again
                logger.error(f"Child process [{process.pid}] failed to start, stopping.")
                self.should_exit.set()
                return
            logger.info(f"Child process [{process.pid}] died")
            self.processes[slot] = self._start(slot)

    def restart_all(self) -> None:
        """Each worker replaced on its own socket, the new one serving before the old stops."""
        for slot, old in enumerate(self.processes):
            if self.should_exit.is_set():
                return
            new = self._start(slot)
            if not new.wait_until_ready(self.config.timeout_worker_healthcheck, self.should_exit):
                new.kill()
                new.join()
                logger.error(f"New child process [{new.pid}] was not ready in time; "
                             f"keeping [{old.pid}] and aborting the restart.")
                return
            old.terminate()
            old.join()
            self.processes[slot] = new

    def handle_ttin(self) -> None:
        logger.warning("The number of workers is fixed by --workers: signal ignored.")

    handle_ttou = handle_ttin
