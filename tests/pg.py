"""A real PostgreSQL server for the tests: Debian's PostgreSQL 15 binaries, a cluster in a
temporary folder, listening on 127.0.0.1 only, run as an unprivileged user when the tests
run as root (PostgreSQL refuses root), stopped at the end of the session."""

from __future__ import annotations

import atexit
import glob
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

from tests.servers import free_port

_shared: PostgresServer | None = None


def on_postgres() -> bool:
    """Whether the site tests run on PostgreSQL (PAPERWIRE_TEST_STORE=postgres)."""
    return os.environ.get("PAPERWIRE_TEST_STORE") == "postgres"


def shared_server() -> PostgresServer:
    """One server for a whole test run on PostgreSQL, stopped when the run ends."""
    global _shared
    if _shared is None:
        binaries = server_binaries()
        if binaries is None:
            raise RuntimeError("PAPERWIRE_TEST_STORE=postgres, but no PostgreSQL server "
                               "binaries are installed")
        _shared = PostgresServer(binaries)
        atexit.register(_shared.stop)
    return _shared


def server_binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if found:
        return Path(found[-1]).parent
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).parent if pg_ctl else None


def refuse_writes(url: str, pool=None, refuse: bool = True) -> None:
    """Make the database at `url` refuse every write, as a hot standby does, or take that
    back. The setting reaches new sessions only, so every session on it is ended (a pool of
    this process is checked at once, pool.check() dropping the ended ones; another process's
    pool meets them broken once)."""
    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f"ALTER DATABASE {name} SET default_transaction_read_only = "
                     f"{'on' if refuse else 'off'}")
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                     "WHERE datname = %s", (name,))
    if pool is not None:
        pool.check()


class PostgresServer:
    def __init__(self, binaries: Path, options: str = "") -> None:
        self.bin = binaries
        self.root = Path(tempfile.mkdtemp(prefix="paperwire-pg-"))
        self.port = free_port()
        self.as_user = ["runuser", "-u", "nobody", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            os.chmod(self.root, 0o755)
            shutil.chown(self.root, "nobody")
        self.data = self.root / "data"
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "--no-sync", "-E", "UTF8", "--locale=C")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "log"), "-w", "start",
                  "-o", f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
                        "-c fsync=off -c max_connections=200 " + options)
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self._n = 0

    def _run(self, program: str, *args: str) -> None:
        subprocess.run([*self.as_user, str(self.bin / program), *args], check=True,
                       capture_output=True, cwd=self.root)

    def new_database(self) -> str:
        """The URL of a new, empty database."""
        self._n += 1
        name = f"t{os.getpid()}_{self._n}_{int(time.time() * 1000) % 100000}"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url.rsplit("/", 1)[0] + f"/{name}"

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
