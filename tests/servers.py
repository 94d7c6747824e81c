"""Real servers for the tests: the site under uvicorn, and an arXiv API replay server."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import httpx

from tests.conftest import write_jsonl
from tests.waiting import wait_until

EXE = Path(sys.executable).with_name("paperwire")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _query_key(url: str) -> tuple:
    return tuple(sorted(parse_qsl(urlsplit(url).query, keep_blank_values=True)))


class ArxivReplay:
    """Answers /api/query requests with recorded (or test-written) responses, by query."""

    def __init__(self) -> None:
        self.responses: dict[tuple, tuple[int, bytes]] = {}
        self.requests: list[str] = []
        replay = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                replay.requests.append(self.path)
                status, body = replay.responses.get(_query_key(self.path),
                                                    (404, b"no recorded response"))
                self.send_response(status)
                self.send_header("Content-Type", "application/atom+xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/api/query"

    def add(self, arxiv_id: str, body: bytes, status: int = 200) -> None:
        url = (f"https://export.arxiv.org/api/query?search_query=&id_list={arxiv_id}"
               "&sortBy=relevance&sortOrder=descending&start=0&max_results=100")
        self.responses[_query_key(url)] = (status, body)

    def add_recorded(self, folder: Path) -> None:
        for name, meta in json.loads((folder / "responses.json").read_text()).items():
            self.responses[_query_key(meta["url"])] = (meta["status"],
                                                      (folder / name).read_bytes())

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Site:
    """paperwire serve, for real, on a free port of 127.0.0.1."""

    def __init__(self, db: Path, env: dict[str, str], workers: int = 1) -> None:
        from tests.pg import on_postgres, shared_server

        self.index_dir = db.with_name(db.name + ".index") if isinstance(db, Path) else None
        if on_postgres() and isinstance(db, Path):  # the same test, on a PostgreSQL database
            env = {**env, "PAPERWIRE_INDEX_DIR": str(self.index_dir)}
            db = shared_server().new_database()  # type: ignore[assignment]
        self.db = db
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = env
        self.process = subprocess.Popen([EXE, "--db", db, "serve", "--port", str(self.port),
                                         "--workers", str(workers)],
                                        env=env, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT)
        try:
            wait_until(self._answers, f"the site on {self.url} did not answer")
        except AssertionError as e:
            self.process.kill()
            raise RuntimeError(f"{e}: {self.process.communicate()[0].decode()}") from None

    def _answers(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError("the site did not start: " + self.process.stdout.read().decode())
        try:
            httpx.get(self.url + "/signin", timeout=5)
            return True
        except httpx.TransportError:
            return False

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([EXE, "--db", self.db, *args], env=self.env, capture_output=True,
                              text=True, check=True)

    def query(self, sql: str, params: tuple = ()) -> list:
        """Rows of a read query on the site's store, whichever database it is."""
        from paperwire.store import open_store

        store = open_store(self.db)
        try:
            return list(store.sql.execute(sql, params))
        finally:
            store.close()

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, follow_redirects=False, timeout=30)

    @classmethod
    def with_papers(cls, folder: Path, records: list[dict], env: dict[str, str] | None = None,
                    workers: int = 1) -> Site:
        """A site serving a new store that holds these records (imported by the CLI)."""
        site = cls(folder / "site.db", env if env is not None else dict(os.environ), workers)
        try:
            site.cli("import", str(write_jsonl(folder / "papers.jsonl", records)))
        except BaseException:
            site.stop()
            raise
        return site

    @classmethod
    def with_archive(cls, folder: Path, env: dict[str, str] | None = None) -> Site:
        """A site serving the demo archive (../shared), loaded without vectors."""
        from tests.conftest import SHARED

        site = cls(folder / "archive.db", env if env is not None else dict(os.environ))
        try:
            site.cli("demo", "--shared", str(SHARED), "--no-embed")
        except BaseException:
            site.stop()
            raise
        return site

    def __enter__(self) -> Site:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@contextmanager
def the_one_slot_taken(site: Site) -> Iterator[None]:
    """On a site that works on one request at a time and holds none in line
    (PAPERWIRE_WEB_THREADS=1, PAPERWIRE_WEB_QUEUE=0): a request that sends its headers and
    then its body never. Admitted, it holds the only work slot while its body is read, as
    a slow client's upload would."""
    with socket.create_connection(("127.0.0.1", site.port)) as held:
        held.sendall(b"POST /api/comments/preview HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
        with site.client() as c:
            wait_until(lambda: c.get("/search?q=graph").status_code == 503,
                       "the held request took the only slot")
        yield


def csrf_of(client: httpx.Client, page: str = "/signin") -> str:
    match = _CSRF.search(client.get(page).text)
    assert match, f"no CSRF field on {page}"
    return match.group(1)


def sign_up(client: httpx.Client, username: str, password: str = "correct horse 1") -> None:
    r = client.post("/signup", data={"csrf": csrf_of(client, "/signup"), "username": username,
                                     "password": password})
    assert r.status_code == 303, r.text
