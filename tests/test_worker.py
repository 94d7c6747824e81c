"""The worker as people run it: beside a running site, against replay servers, with no hand
steps; one per store; stopped by SIGTERM at a safe point; its state in `paperwire status`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest

from paperwire import clock
from tests.replay import ArxivNewest, HfDays, OaiList, Replay, hf_item
from tests.servers import EXE, Site
from tests.waiting import wait_until


@pytest.fixture
def replays():
    today = clock.today()
    servers = {
        "oai": Replay(OaiList(pages=2, per_page=4)),
        "api": Replay(ArxivNewest([("2611.20001", "Announced today: sparse attention for "
                                    "quadruped robots", today.isoformat())]),
                      content_type="application/atom+xml"),
        "hf": Replay(HfDays({(today - timedelta(days=1)).isoformat():
                             [hf_item(2, today - timedelta(days=1), 33)]}),
                     content_type="application/json"),
    }
    yield servers
    for server in servers.values():
        server.close()


def _env(replays, model_dir: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ, PAPERWIRE_MODEL_DIR=str(model_dir),
               PAPERWIRE_OAI_URL=replays["oai"].url + "/oai",
               PAPERWIRE_ARXIV_API=replays["api"].url + "/api/query",
               PAPERWIRE_HF_URL=replays["hf"].url, PAPERWIRE_HARVEST_SETS="cs",
               PAPERWIRE_HARVEST_CATEGORIES="cs.LG", PAPERWIRE_ARXIV_INTERVAL="0.2",
               PAPERWIRE_HF_INTERVAL="0.2", PAPERWIRE_HARVEST_BACKOFF="0.1",
               PAPERWIRE_WORKER_TICK="0.5", PAPERWIRE_ARXIV_EVERY="0.05",
               PAPERWIRE_HF_EVERY="0.05")
    env.update(extra)
    return env


def _everywhere(site: Site, path: str, check, tries: int = 8) -> bool:
    """The check holds on several requests in a row (spread over the server's workers)."""
    with site.client() as client:
        return all(check(client.get(path)) for _ in range(tries))


def _wait_for(site: Site, path: str, check) -> None:
    wait_until(lambda: _everywhere(site, path, check), f"{path} did not show the harvested papers",
               every=0.5)


def _found(title: str):
    return lambda r: r.status_code == 200 and any(h["title"] == title for h in r.json())


def test_the_worker_keeps_a_running_site_current(db, replays, model_dir):
    env = _env(replays, model_dir)
    subprocess.run([EXE, "--db", db, "init"], env=env, check=True, capture_output=True)
    site = Site(db, env, workers=2)
    worker = subprocess.Popen([EXE, "--db", db, "worker"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        title = "Harvested study number 7 of sparse attention for robot learning"
        _wait_for(site, "/api/papers/search?q=harvested+study+number+7", _found(title))
        _wait_for(site, "/api/papers/search?q=quadruped+robots",
                  _found("Announced today: sparse attention for quadruped robots"))
        # embedded too: similar papers and the semantic side of search reach every worker
        _wait_for(site, "/api/papers/2611.00007/similar",
                  lambda r: r.status_code == 200 and len(r.json()) >= 3)
        _wait_for(site, "/api/papers/2611.00002",
                  lambda r: r.status_code == 200 and r.json()["upvotes"] >= 33)

        # a second worker on the same store says so and exits
        second = subprocess.run([EXE, "--db", db, "worker"], env=env, capture_output=True,
                                text=True, timeout=60)
        assert second.returncode == 3
        assert "another worker" in second.stderr and "already running" in second.stderr
        assert "Traceback" not in second.stderr

        # new papers arrive at the source: the next scheduled run brings them to the site
        replays["oai"].answer = OaiList(pages=1, per_page=2, first=501,
                                        newest=clock.today())
        newcomer = "Harvested study number 502 of sparse attention for robot learning"
        _wait_for(site, "/api/papers/search?q=harvested+study+number+502", _found(newcomer))
        _wait_for(site, "/api/papers/2611.00502/similar",
                  lambda r: r.status_code == 200 and len(r.json()) >= 3)
        # and at a glance: the embed step gave the harvested papers keywords and a gist
        _wait_for(site, "/api/papers/2611.00502", lambda r: r.status_code == 200
                  and r.json()["glance"]["keywords"] and r.json()["glance"]["gist"])
        # and on the map of the field, built by the first cycle, placed by this one
        _wait_for(site, "/api/map", lambda r: "2611.00502" in {
            p[2] for p in r.json().get("points", [])})
    finally:
        worker.send_signal(signal.SIGTERM)
        out, err = worker.communicate(timeout=60)
        site.stop()
    assert worker.returncode == 0, err
    assert "worker stopped" in err and "Traceback" not in err

    status = json.loads(subprocess.run([EXE, "--db", db, "status", "--json"], env=env,
                                       capture_output=True, check=True).stdout)
    assert status["worker"] is None  # the lock went with the worker
    sources = {s["name"]: s for s in status["sources"]}
    assert {"arxiv-oai:cs", "arxiv-api:cs.LG", "hf", "embed", "integrity", "map"} <= set(sources)
    first_list = replays["oai"].hits[0][1]
    first_day = (clock.today() - timedelta(days=7)).isoformat()
    assert f"from={first_day}" in first_list  # a first harvest reaches a week back, not to 1991
    oai = sources["arxiv-oai:cs"]
    assert oai["last_success"] and oai["next_run"] and not oai["failing"]
    assert oai["added_total"] >= 10
    assert oai["resumes"] == f"the next run starts from {clock.today()}"
    assert sources["integrity"]["next_run"]  # nightly: scheduled, not run at start


def test_a_failing_source_shows_its_error_and_the_others_still_run(db, tmp_path):
    hf = Replay(HfDays({}), content_type="application/json")
    env = dict(os.environ, PAPERWIRE_OAI_URL="http://127.0.0.1:9/oai",
               PAPERWIRE_ARXIV_API="http://127.0.0.1:9/api/query", PAPERWIRE_HF_URL=hf.url,
               PAPERWIRE_HARVEST_ATTEMPTS="1", PAPERWIRE_ARXIV_INTERVAL="0",
               PAPERWIRE_HF_INTERVAL="0")
    try:
        run = subprocess.run([EXE, "--db", db, "worker", "--once"], env=env,
                             capture_output=True, text=True, timeout=120)
    finally:
        hf.close()
    assert run.returncode == 0 and "Traceback" not in run.stderr
    status = subprocess.run([EXE, "--db", db, "status"], env=env, capture_output=True,
                            text=True, check=True).stdout
    assert "arxiv-oai:cs (failing)" in status
    assert "could not be reached (tried once; last: connection failed" in status
    data = json.loads(subprocess.run([EXE, "--db", db, "status", "--json"], env=env,
                                     capture_output=True, check=True).stdout)
    hf_status = next(s for s in data["sources"] if s["name"] == "hf")
    assert hf_status["last_success"] and not hf_status["failing"]


def test_a_lock_left_by_a_killed_worker_is_taken_over(db, tmp_path):
    env = dict(os.environ, PAPERWIRE_OAI_URL="http://127.0.0.1:9/oai",
               PAPERWIRE_ARXIV_API="http://127.0.0.1:9/api/query",
               PAPERWIRE_HF_URL="http://127.0.0.1:9", PAPERWIRE_HARVEST_ATTEMPTS="1",
               PAPERWIRE_ARXIV_INTERVAL="0", PAPERWIRE_HF_INTERVAL="0")
    worker = subprocess.Popen([EXE, "--db", db, "worker"], env=env, stderr=subprocess.PIPE,
                              text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and "worker running" not in worker.stderr.readline():
        pass
    worker.kill()
    worker.wait()
    again = subprocess.run([EXE, "--db", db, "worker", "--once"], env=env,
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert "worker running" in again.stderr


def test_cli_harvest_without_network_says_so_in_one_line(cli, monkeypatch):
    monkeypatch.setenv("PAPERWIRE_HARVEST_ATTEMPTS", "1")
    result = cli("harvest", "hf", "--base-url", "http://127.0.0.1:9", "--date", "2026-11-20")
    assert result.exit_code == 1
    assert result.output.strip().startswith("error: hf: 2026-11-20: huggingface could not be "
                                            "reached (tried once")
    assert "the next run reads 2026-11-20 again" in result.output
