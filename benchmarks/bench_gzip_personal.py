"""A personal page's compression (issue 22): a signed-in reader's feed and for-you page are
compressed for each request (they carry the reader's token, so no copy is shared), on
the event loop. This renders both for one of bench_readers.py's readers on its 100k store,
in process, and times gzip at levels 1, 3 and 6 against the page's own making.

Usage: python benchmarks/bench_gzip_personal.py   (after bench_readers.py made the store)
"""

from __future__ import annotations

import gzip
import time

from common import DATA, record
from starlette.testclient import TestClient

from paperwire.config import Settings
from paperwire.services.community import accounts
from paperwire.services.library import Library
from paperwire.web.app import create_app

LEVELS = (1, 3, 6)
ROUNDS = 200


def _per_call_ms(call, rounds: int = ROUNDS) -> float:
    start = time.process_time()
    for _ in range(rounds):
        call()
    return 1000 * (time.process_time() - start) / rounds


def main() -> None:
    settings = Settings(db=DATA / "bench-100000.db")
    if not settings.db.exists():
        raise SystemExit(f"no {settings.db}: run benchmarks/bench_readers.py first")
    library = Library(settings)
    reader = library.site.user_by_name("reader0001")
    cookie = {"pw_session": accounts.new_session(library.site, reader)}
    figures: dict[str, str] = {}
    with TestClient(create_app(settings), headers={"accept-encoding": "identity"}) as client:
        for path in ("/", "/for-you"):
            body = client.get(path, cookies=cookie).content
            # made anew each time: a new session per call, so the page cache misses
            made = _per_call_ms(lambda p=path: client.get(p, cookies={
                "pw_session": accounts.new_session(library.site, reader)}), 50)
            figures[f"signed-in {path}: the page made, in process"] = \
                f"{len(body) / 1024:.0f} KB, {made:.2f} ms CPU"
            for level in LEVELS:
                size = len(gzip.compress(body, level, mtime=0))
                ms = _per_call_ms(lambda b=body, lv=level: gzip.compress(b, lv, mtime=0))
                figures[f"signed-in {path}: gzip level {level}"] = \
                    f"{size / 1024:.1f} KB, {ms:.2f} ms CPU"
    library.close()
    record("A personal page's gzip level", "python benchmarks/bench_gzip_personal.py", figures)


if __name__ == "__main__":
    main()
