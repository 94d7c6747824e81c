"""Harvests as real processes: killed with SIGKILL at random instants and started again,
and two harvesters sharing one store, their requests timed at the replay server."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from tests.replay import OaiList, Replay
from tests.servers import EXE

PAGES, PER_PAGE = 50, 20


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ, PAPERWIRE_HARVEST_BACKOFF="0.05", PAPERWIRE_HARVEST_TIMEOUT="5",
               PAPERWIRE_ARXIV_INTERVAL="0")
    env.update(extra)
    return env


def _harvest(db: Path, url: str, *extra: str, env=None) -> subprocess.Popen:
    return subprocess.Popen([EXE, "--db", str(db), "harvest", "arxiv", "--base-url", url,
                             "--set", "cs", *extra], env=env or _env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _rows(db: Path) -> dict[str, list[tuple]]:
    """What the store holds, row for row (less the wall-clock stamps)."""
    con = sqlite3.connect(db)
    try:
        cols = [r[1] for r in con.execute("PRAGMA table_info(papers)")
                if r[1] not in ("added_at", "changed_at")]
        return {
            "papers": con.execute(f"SELECT {', '.join(cols)} FROM papers ORDER BY pid").fetchall(),
            "source_ids": con.execute("SELECT * FROM source_ids ORDER BY source_id").fetchall(),
            "checkpoint": con.execute("SELECT name, token, list_from, list_until, pages, cursor "
                                      "FROM harvest_state").fetchall(),
        }
    finally:
        con.close()


def test_a_harvest_killed_at_random_instants_ends_with_the_uninterrupted_store(tmp_path):
    server = Replay(OaiList(PAGES, PER_PAGE))
    url = server.url + "/oai"
    try:
        whole = _harvest(tmp_path / "whole.db", url)
        assert whole.wait(120) == 0, whole.stderr.read().decode()
        expected = _rows(tmp_path / "whole.db")
        assert len(expected["papers"]) == PAGES * PER_PAGE

        db, rng, kills = tmp_path / "killed.db", random.Random(7), 0
        paced = _env(PAPERWIRE_ARXIV_INTERVAL="0.1")
        while kills < 20:
            seen = len(server.hits)
            process = _harvest(db, url, env=paced)
            # let it reach a random page, then kill it somewhere in that page's cycle:
            # reading, parsing, the store commit, the index commit, waiting for its turn
            target = seen + rng.randint(1, 3)
            while len(server.hits) < target and process.poll() is None:
                time.sleep(0.002)
            time.sleep(rng.uniform(0, 0.12))
            if process.poll() is not None:
                break  # it finished first: no more instants to kill it at
            process.kill()
            process.wait()
            kills += 1
        last = _harvest(db, url)
        assert last.wait(120) == 0, last.stderr.read().decode()
        assert "list complete" in last.stdout.read().decode()
        assert kills >= 20
        assert _rows(db) == expected
        stats = subprocess.run([EXE, "--db", str(db), "stats", "--json"], capture_output=True,
                               check=True, env=_env())
        assert json.loads(stats.stdout)["lexical_index_docs"] == PAGES * PER_PAGE
    finally:
        server.close()


@pytest.mark.timed
def test_two_harvesters_on_one_store_keep_three_seconds_apart(tmp_path):
    server = Replay(OaiList(3, 5))
    url = server.url + "/oai"
    env = _env(PAPERWIRE_ARXIV_INTERVAL="3")
    try:
        db = tmp_path / "shared.db"
        subprocess.run([EXE, "--db", str(db), "init"], check=True, capture_output=True)
        first = _harvest(db, url, env=env)
        second = subprocess.Popen([EXE, "--db", str(db), "harvest", "arxiv", "--base-url", url,
                                   "--set", "math"], env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE)
        for process in (first, second):
            assert process.wait(120) == 0, process.stderr.read().decode()
        assert len(server.hits) == 6
        assert min(server.gaps()) >= 2.95, server.gaps()
    finally:
        server.close()
