from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from paperwire.cli import main
from paperwire.config import Settings
from paperwire.services.library import Library


@contextmanager
def writes_refused(library: Library) -> Iterator[None]:
    """The library's store refuses every write while inside: SQLite's query_only on its
    connection (a read-only file), on PostgreSQL a database that refuses writes (a standby)."""
    from tests.pg import refuse_writes

    if library.settings.is_url:
        refuse_writes(str(library.settings.db), library.store.pool)
    else:
        library.store.db.execute("PRAGMA query_only = ON")
    try:
        yield
    finally:
        if library.settings.is_url:
            refuse_writes(str(library.settings.db), library.store.pool, refuse=False)
        else:
            library.store.db.execute("PRAGMA query_only = OFF")


SHARED = Path(__file__).resolve().parents[1].parent / "shared"
FIXTURES = SHARED / "fixtures"
EVAL = SHARED / "eval"


@pytest.fixture
def shared() -> Path:
    """The shared test data; tests that need it skip, saying why, when it is absent."""
    if not FIXTURES.is_dir():
        pytest.skip(f"shared test data not found at {SHARED} (CI always provides it)")
    return SHARED


@pytest.fixture
def db(tmp_path: Path, monkeypatch) -> Path:
    """The test's store: an SQLite file, or with PAPERWIRE_TEST_STORE=postgres a new
    PostgreSQL database (its URL), its indexes in the test's folder."""
    from tests.pg import on_postgres, shared_server

    if on_postgres():
        monkeypatch.setenv("PAPERWIRE_INDEX_DIR", str(tmp_path / "index"))
        return shared_server().new_database()  # type: ignore[return-value]
    return tmp_path / "papers.db"


@pytest.fixture
def library(db: Path) -> Iterator[Library]:
    lib = Library(Settings(db=db))
    yield lib
    lib.close()


@pytest.fixture
def cli(db: Path):
    runner = CliRunner()

    def run(*args: str, input: str | None = None) -> Result:
        return runner.invoke(main, ["--db", str(db), *args], input=input, catch_exceptions=False)

    return run


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory) -> Path:
    """The bundled model, exported to int8 ONNX once per test session (the real export)."""
    import os

    from paperwire.model_build import prepare

    target = tmp_path_factory.mktemp("model")
    prepare(target)
    os.environ["PAPERWIRE_MODEL_DIR"] = str(target)
    return target


@pytest.fixture
def mailbox():
    """A real SMTP server on 127.0.0.1 that keeps what it accepts (tests/smtp.py)."""
    from tests.smtp import Mailbox

    box = Mailbox()
    yield box
    box.close()


@pytest.fixture(scope="session")
def pg_server():
    """A PostgreSQL server for the session; the tests that need one skip, saying why, only
    where no server binary exists at all (.ci/run installs Debian's postgresql-15)."""
    from tests.pg import server_binaries, shared_server

    if server_binaries() is None:
        pytest.skip("no PostgreSQL server binaries (apt-get install postgresql-15); "
                    ".ci/run installs them")
    return shared_server()  # one server for the whole run, stopped when it ends


@pytest.fixture
def pg_url(pg_server) -> str:
    return pg_server.new_database()
