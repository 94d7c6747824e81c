"""The Store protocol, the same tests on both implementations: SQLite (a file) and
PostgreSQL (a real server). Callers see no difference."""

from __future__ import annotations

import multiprocessing
import sys
from datetime import date

import pytest

from paperwire.domain import Paper
from paperwire.ingest import ingest
from paperwire.store import open_store
from paperwire.store.base import HarvestCheckpoint, VectorRow


@pytest.fixture(params=["sqlite", "postgres"])
def location(request, tmp_path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "contract.db")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def store(location):
    s = open_store(location)
    yield s
    s.close()


def paper(n: int, **kw) -> Paper:
    return Paper(**{"title": f"Paper number {n} on topic {n % 7}", "arxiv_id": f"2501.{n:05d}",
                    "abstract": f"Abstract {n}.", "authors": [f"Author {n}"],
                    "published": date(2025, 1, 1 + n % 28), "categories": ["cs.LG"],
                    "sources": ["test"], **kw})


def test_papers_round_trip_and_merge(store):
    report = ingest(store, [paper(1), paper(2), Paper(title="No id at all", abstract="x")])
    assert (report.added, store.count()) == (3, 3)
    assert store.find("2501.00001").paper.title == "Paper number 1 on topic 1"
    local = store.find(Paper(title="No id at all").title_key)
    assert local is not None and local.paper.arxiv_id is None
    rev = store.max_rev()
    again = ingest(store, [paper(1, external_upvotes=5, sources=["hf"])])
    assert (again.added, again.updated) == (0, 1)
    merged = store.find("2501.00001")
    assert merged.paper.external_upvotes == 5 and set(merged.paper.sources) == {"test", "hf"}
    assert merged.rev > rev
    assert [sp.paper.arxiv_id for batch in store.changed_since(rev) for sp in batch] == \
        ["2501.00001"]
    assert {sp.pid for sp in store.lookup(["2501.00002"], [])} == \
        {store.find("2501.00002").pid}


def test_checkpoints_commit_with_their_page(store):
    cp = HarvestCheckpoint("arxiv-oai:cs", token="t1", list_from="2025-01-01", pages=1)
    ingest(store, [paper(3)], checkpoint=cp)
    assert store.harvest_checkpoint("arxiv-oai:cs") == cp
    assert store.harvest_checkpoint("nothing") is None


def test_hiding_and_vectors(store):
    ingest(store, [paper(n) for n in range(1, 6)])
    pid = store.find("2501.00002").pid
    assert store.set_hidden(pid, True)
    assert store.hidden_among([pid, pid + 1]) == {pid}
    assert store.count(visible_only=True) == 4
    todo = store.papers_to_embed("m", 0, 100)
    assert len(todo) == 5 and store.count_to_embed("m") == 5
    store.save_vectors("m", [VectorRow(sp.pid, "h", sp.rev, bytes([sp.pid]) * 8)
                             for sp, _ in todo[:3]])
    assert store.vector_count("m") == 3 and store.count_to_embed("m") == 2
    first = store.vector_seq("m")
    store.save_vectors("m", [VectorRow(sp.pid, "h", sp.rev, bytes([sp.pid]) * 8)
                             for sp, _ in todo[3:]])
    assert store.vector_seq("m") > first
    later = [pid for pids, _ in store.vectors_since("m", first) for pid in pids]
    assert later == [sp.pid for sp, _ in todo[3:]]
    assert store.vector_of("m", todo[0][0].pid) == bytes([todo[0][0].pid]) * 8
    assert set(store.vectors_of("m", [sp.pid for sp, _ in todo])) == {sp.pid for sp, _ in todo}
    assert store.integrity_problems() == []
    assert store.stats().papers == 5


def _upsert(location: str, start: int) -> None:
    from paperwire.store.site import SiteStore

    s = open_store(location)
    site = SiteStore(s)
    try:
        for offset in range(0, 60, 10):  # overlapping ranges, small batches: many races
            ingest(s, [paper(n, external_upvotes=n) for n in range(start + offset,
                                                                     start + offset + 10)],
                   batch_size=5)
            for n in range(start + offset, start + offset + 10):  # and votes, some twice
                pid = s.find(f"2501.{n:05d}").pid
                for uid in (1, 2, 1 + n % 3):
                    site.set_vote(uid, pid, True)
    finally:
        s.close()


def test_eight_processes_upserting_overlapping_papers_match_a_serial_run(location, store):
    from paperwire.store.site import SiteStore

    site = SiteStore(store)
    for name in ("ann", "ben", "cy"):
        site.create_user(name, "not a real hash")
    starts = [i * 20 for i in range(8)]  # process i writes papers 20i .. 20i+59
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_upsert, args=(location, s)) for s in starts]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
        assert w.exitcode == 0
    expected = {n for s in starts for n in range(s, s + 60)}
    assert store.count() == len(expected)
    ids = [sp.paper.arxiv_id for batch in store.changed_since(0) for sp in batch]
    assert sorted(ids) == sorted(f"2501.{n:05d}" for n in expected), "none doubled, none lost"
    votes = site.vote_counts([store.find(f"2501.{n:05d}").pid for n in expected])
    assert sum(votes.values()) == sum(3 if n % 3 == 2 else 2 for n in expected), \
        "every vote counted once"


def test_the_command_line_works_alike_on_both(location, tmp_path, model_dir):
    import json

    from click.testing import CliRunner

    from paperwire.cli import main
    from tests.conftest import write_jsonl

    records = [{"arxiv_id": f"2502.{n:05d}", "title": t, "abstract": a,
                "published": "2025-02-03", "categories": ["cs.LG"]}
               for n, (t, a) in enumerate([
                   ("Diffusion policies for robot control", "Robots act by denoising."),
                   ("Protein folding with transformers", "Structures from sequences."),
                   ("Galaxy rotation curves", "Dark matter in spiral galaxies.")])]
    path = write_jsonl(tmp_path / "papers.jsonl", records)
    runner = CliRunner(env={"PAPERWIRE_INDEX_DIR": str(tmp_path / "index")})

    def run(*args: str) -> str:
        result = runner.invoke(main, ["--db", location, *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    assert "3 added" in run("import", str(path))
    assert "embedded 3 papers" in run("embed")
    found = json.loads(run("search", "robot diffusion", "--json"))
    hits = found["results"] if isinstance(found, dict) else found
    assert hits[0]["id"] == "2502.00000"
    similar = json.loads(run("similar", "2502.00001", "--json"))
    assert similar and "2502.00001" not in json.dumps(similar)
    stats = json.loads(run("stats", "--json"))
    assert (stats["papers"], stats["with_arxiv_id"], stats["lexical_index_docs"]) == (3, 3, 3)
    assert stats["by_source"] == {"jsonl": 3}


def test_db_copy_moves_a_store_and_a_second_run_changes_nothing(tmp_path, pg_url,
                                                                monkeypatch):
    from pathlib import Path

    from paperwire.config import Settings
    from paperwire.services.community import accounts
    from paperwire.services.library import Library

    monkeypatch.setenv("PAPERWIRE_INDEX_DIR", str(tmp_path / "index"))
    from click.testing import CliRunner

    from paperwire.cli import main
    from paperwire.embedding import MODEL_NAME

    source = str(tmp_path / "laptop.db")
    s = open_store(source)
    ingest(s, [paper(n) for n in range(1, 41)] + [Paper(title="A paper without an id")])
    s.set_hidden(s.find("2501.00007").pid, True)
    s.save_vectors(MODEL_NAME, [VectorRow(sp.pid, "h", sp.rev, bytes(1536))
                                for batch in s.changed_since(0) for sp in batch][:30])
    s.close()
    people = Library(Settings(db=Path(source)))
    ada = accounts.sign_up(people.site, "ada", "correct horse 1")
    grace = accounts.sign_up(people.site, "Grace", "correct horse 2")
    token = accounts.new_session(people.site, ada)
    api_token = accounts.new_api_token(people.site, ada, "script")
    for pid in (1, 2, 3):
        people.site.set_vote(ada.uid, pid, True)
    people.site.set_vote(grace.uid, 1, True)
    nice = people.site.add_comment(2, grace.uid, "**Nice**")
    people.site.add_comment(2, ada.uid, "Thanks", parent=nice)
    coll = people.site.create_collection(ada.uid, "Reading", True)
    people.site.set_item(coll, 5, True)
    people.personal.set_dismissed(ada.uid, 9, True)
    people.mail.confirm(people.mail.set_account_email(ada.uid, "ada@example.org").sid)
    people.close()

    runner = CliRunner()
    first = runner.invoke(main, ["db", "copy", source, pg_url], catch_exceptions=False)
    assert first.exit_code == 0, first.output
    assert "41 papers, 30 vectors and" in first.output
    again = runner.invoke(main, ["db", "copy", source, pg_url], catch_exceptions=False)
    assert "0 papers, 0 vectors and 0 other rows written" in again.output

    copy = Library(Settings(db=pg_url))
    try:
        assert accounts.session_for(copy.site, token)[0].username == "ada", "still signed in"
        assert accounts.user_for_api_token(copy.site, api_token).username == "ada"
        assert copy.site.vote_counts([1, 2, 3]) == {1: 2, 2: 1, 3: 1}
        assert [(c.body, c.parent) for c in copy.site.comments(2)] == [("**Nice**", None),
                                                                       ("Thanks", nice)]
        assert copy.site.items(coll) == [5]
        assert copy.personal.dismissed(ada.uid) == [9]
        assert copy.mail.subscriber_of(ada.uid).active
        newcomer = accounts.sign_up(copy.site, "hopper", "correct horse 3")
        assert newcomer.uid == 3, "new accounts continue after the copied ones"
    finally:
        copy.close()

    src, dst = open_store(source), open_store(pg_url)
    try:
        for ident in ("2501.00003", "2501.00007"):
            a, b = src.find(ident), dst.find(ident)
            assert (a.pid, a.rev, a.hidden, a.paper) == (b.pid, b.rev, b.hidden, b.paper)
        assert dst.count(visible_only=True) == 40
        assert dst.vector_of(MODEL_NAME, 1) == bytes(1536)
        ingest(dst, [paper(41)])  # the copy goes on: new papers get new pids
        assert dst.find("2501.00041").pid == 42
    finally:
        src.close()
        dst.close()


def test_threads_reading_and_writing_at_once_each_get_whole_answers(store):
    """A web server's threads share one store: papers written in transactions and votes
    cast while others page through the papers, no statement of one thread landing in
    another's transaction."""
    from concurrent.futures import ThreadPoolExecutor

    from paperwire.store.site import SiteStore

    ingest(store, [paper(n) for n in range(1, 101)])
    site = SiteStore(store)
    users = [site.create_user(f"reader{n}", "hash") for n in range(4)]

    def write(k: int) -> int:
        for batch in range(10):
            first = 1000 + k * 1000 + batch * 10
            ingest(store, [paper(n) for n in range(first, first + 10)])
        for pid in range(1, 101):
            site.set_vote(users[k].uid, pid, True)
        return len(site.voted(users[k].uid, list(range(1, 101))))

    def read(_) -> int:
        return sum(len(store.get_many(range(1, 101))) for _ in range(20))

    switching = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns as often as they can: every mix happens
    try:
        with ThreadPoolExecutor(12) as pool:
            writes = [pool.submit(write, k) for k in range(4)]
            reads = [pool.submit(read, n) for n in range(8)]
            assert [f.result() for f in writes] == [100] * 4
            assert [f.result() for f in reads] == [2000] * 8
    finally:
        sys.setswitchinterval(switching)
    assert store.count() == 100 + 4 * 100
    assert site.vote_counts(list(range(1, 101))) == {pid: 4 for pid in range(1, 101)}


def test_stars_gained_rank_papers_by_their_growth(store):
    """Trending by code's reads: counts by day, a later count of a day replacing the first,
    growth as the highest count less the lowest, hidden papers and single counts left out."""
    from paperwire.store.stars import StarStore

    ingest(store, [paper(n) for n in range(1, 6)])
    stars, today = StarStore(store), date(2026, 8, 21)
    week_ago = date(2026, 8, 15)
    stars.record(week_ago, [("2501.00001", 10), ("2501.00002", 100), ("2501.00003", 7)])
    stars.record(today, [("2501.00001", 30), ("2501.00002", 150), ("2501.00003", 7),
                         ("2501.00004", 900), ("2599.99999", 5)])  # not a paper here: skipped
    stars.record(today, [("2501.00001", 40)])  # a later sync the same day
    store.set_hidden(store.find("2501.00002").pid, True)
    gained = stars.most_gained(date(2026, 8, 14), 10)
    assert [(g.paper.paper.arxiv_id, g.gained, g.stars) for g in gained] == [
        ("2501.00001", 30, 40)]
    assert stars.observed_papers(date(2026, 8, 14)) == 3
    assert stars.most_gained(date(2026, 8, 16), 10) == []  # one count in that window


def test_papers_kept_by_a_process_are_never_older_than_the_store(store):
    """Pages read their papers through the process's kept copies (RecentPapers): a paper
    written (edited, merged, hidden) since is read anew at once, an unchanged one is not."""
    from paperwire.store.recent_papers import RecentPapers

    ingest(store, [paper(n) for n in range(1, 6)])
    kept = RecentPapers(store)
    first = kept.get_many(range(1, 6))
    ingest(store, [paper(2, external_upvotes=9, sources=["hf"])])
    store.set_hidden(3, True)
    now = kept.get_many(range(1, 6))
    assert now[2].paper.external_upvotes == 9 and now[3].hidden
    assert now[1] is first[1] and now[4] is first[4]  # unchanged: the kept copy
    assert {p: sp.rev for p, sp in now.items()} == \
        {p: sp.rev for p, sp in store.get_many(range(1, 6)).items()}
    ingest(store, [paper(4, external_upvotes=4, sources=["hf"])])  # a revision just read:
    assert kept.get_many([4], at=store.max_rev())[4].paper.external_upvotes == 4  # the same


def test_kept_papers_stay_current_while_threads_write_and_read_at_once(store):
    """Readers racing writers: once the writes end, every kept paper is the stored one."""
    from concurrent.futures import ThreadPoolExecutor

    from paperwire.store.recent_papers import RecentPapers

    ingest(store, [paper(n) for n in range(1, 41)])
    kept = RecentPapers(store)

    def write(k: int) -> None:
        for round_ in range(40):
            ingest(store, [paper(n, external_upvotes=100 * k + round_)
                           for n in range(1 + k, 41, 4)])

    def read(_) -> None:
        for _ in range(200):
            kept.get_many(range(1, 41))

    switching = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        with ThreadPoolExecutor(12) as pool:
            for f in [*(pool.submit(write, k) for k in range(4)),
                      *(pool.submit(read, n) for n in range(8))]:
                f.result()
    finally:
        sys.setswitchinterval(switching)
    stored = store.get_many(range(1, 41))
    assert {p: (sp.rev, sp.paper.external_upvotes) for p, sp in kept.get_many(range(1, 41)).items()} \
        == {p: (sp.rev, sp.paper.external_upvotes) for p, sp in stored.items()}
