"""Two web servers on one PostgreSQL database: a reader signed in on one is signed in on
the other, a vote cast on one counts on both, and a paper imported meanwhile (as the worker
imports) is found by search on both within 60 seconds, each server keeping its own index."""

from __future__ import annotations

import os
import re

from tests.conftest import write_jsonl
from tests.servers import Site, csrf_of, sign_up
from tests.waiting import wait_until

RECORDS = [{"arxiv_id": f"2503.{n:05d}", "title": title, "abstract": f"About {title.lower()}.",
            "published": "2025-03-14", "upvotes": n}
           for n, title in enumerate(["Graph transformers for molecules",
                                      "Respecting causality in physics-informed networks",
                                      "Sparse attention for long documents"], 1)]


def _server(url: str, tmp_path, name: str) -> Site:
    env = {**os.environ, "PAPERWIRE_INDEX_DIR": str(tmp_path / f"index-{name}")}
    return Site(url, env)  # type: ignore[arg-type]


def _wait_for(client, query: str, ident: str) -> None:
    wait_until(lambda: f'href="/papers/{ident}"' in client.get("/search", params={"q": query}).text,
               f"{ident} not found by {client.base_url}", every=0.5)


def test_two_servers_share_sessions_votes_and_new_papers(pg_url, tmp_path):
    first = _server(pg_url, tmp_path, "a")
    try:
        first.cli("import", str(write_jsonl(tmp_path / "papers.jsonl", RECORDS)))
        second = _server(pg_url, tmp_path, "b")
        try:
            with first.client() as a, second.client() as b:
                sign_up(a, "lena")
                b.cookies.set("pw_session", a.cookies.get("pw_session"))
                assert "lena" in b.get("/settings").text, "signed in on the other server"

                page = b.get("/papers/2503.00001").text
                pid = re.search(r'action="/p/(\d+)/upvote"', page).group(1)
                r = b.post(f"/p/{pid}/upvote", data={"csrf": csrf_of(b, "/papers/2503.00001"),
                                                     "up": "true"})
                assert r.status_code == 303
                shown = a.get("/papers/2503.00001").text
                assert re.search(r'class="upvote on"[^>]*>▲ <span class="count">2</span>', shown)

                first.cli("import", str(write_jsonl(tmp_path / "new.jsonl", [{
                    "arxiv_id": "2503.09999", "title": "Quokka foraging under moonlight",
                    "abstract": "Marsupials at night.", "published": "2025-03-15"}])))
                for client in (a, b):
                    _wait_for(client, "quokka moonlight", "2503.09999")
        finally:
            second.stop()
    finally:
        first.stop()


def test_a_new_server_from_a_copy_of_a_siblings_index_folder_catches_up_without_a_rebuild(
        pg_url, tmp_path, monkeypatch):
    import shutil

    from paperwire.config import Settings
    from paperwire.services.discovery.search import search
    from paperwire.services.intake.importing import import_file
    from paperwire.services.library import Library

    monkeypatch.setenv("PAPERWIRE_INDEX_DIR", str(tmp_path / "index-a"))
    first = Library(Settings(db=pg_url))
    import_file(first, write_jsonl(tmp_path / "papers.jsonl", RECORDS))
    first.close()
    shutil.copytree(tmp_path / "index-a", tmp_path / "index-b")
    marker = tmp_path / "index-b" / "lexical" / "copied"
    marker.touch()  # a rebuild starts from an empty folder
    later = [{"arxiv_id": "2503.00009", "title": "Kolmogorov-Arnold networks",
              "abstract": "Learnable activations on edges.", "published": "2025-03-15"}]
    monkeypatch.setenv("PAPERWIRE_INDEX_DIR", str(tmp_path / "index-a"))
    import_file(Library(Settings(db=pg_url)), write_jsonl(tmp_path / "later.jsonl", later))

    monkeypatch.setenv("PAPERWIRE_INDEX_DIR", str(tmp_path / "index-b"))
    second = Library(Settings(db=pg_url))
    assert [h.paper.paper.key for h in search(second, "kolmogorov").hits] == ["2503.00009"]
    assert [h.paper.paper.key for h in search(second, "causality").hits] == ["2503.00002"]
    assert marker.exists(), "caught up from the revision in the copy, not rebuilt"
    second.close()
