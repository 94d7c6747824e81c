"""Harvesting arXiv over OAI-PMH and Hugging Face's daily papers from local replay servers,
with every fault the issue names: each ends in a whole harvest or a clear stop that resumes."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta

import pytest

from paperwire import clock
from paperwire.config import HarvestSettings, Settings
from paperwire.services.intake import harvest
from paperwire.services.library import Library
from paperwire.sources.http import Politeness
from paperwire.store.worker import StorePacer
from tests.conftest import writes_refused
from tests.pg import refuse_writes
from tests.replay import HfDays, OaiList, Replay, hf_item, oai_error

FAST = Politeness(interval=0.0, attempts=4, backoff=0.05, backoff_max=0.2, timeout=1.0)


@pytest.fixture
def oai() -> Iterator[Replay]:
    server = Replay(OaiList(pages=3, per_page=5), slow_seconds=2.0)
    yield server
    server.close()


def _library(db, **harvest_settings) -> Library:
    settings = Settings(db=db, harvest=HarvestSettings(arxiv=FAST, hf=FAST, **harvest_settings))
    return Library(settings)


@pytest.fixture
def lib(db) -> Iterator[Library]:
    library = _library(db)
    yield library
    library.close()


def _oai_url(server: Replay) -> str:
    return server.url + "/oai"


def test_a_harvest_reads_every_page_and_the_next_run_starts_where_it_ended(lib, oai):
    report = harvest.harvest_oai(lib, _oai_url(oai), "cs")
    assert (report.pages, report.imported.added) == (3, 15)
    paper = lib.store.find("2611.00007")
    assert paper.paper.version == 2
    assert paper.paper.extras["arxiv"]["submitter"] == "Ada Harvest7"
    today = clock.today().isoformat()  # the day the replayed server answered
    assert f"next run starts from {today}" in report.message
    again = harvest.harvest_oai(lib, _oai_url(oai), "cs")
    assert again.imported.added == 0 and f"no records changed since {today}" in again.message
    assert oai.answer.list_requests[-1]["from"] == today
    assert lib.store.count() == 15


@pytest.mark.parametrize("fault", ["503", "drop", "cut", "slow", "malformed"])
def test_a_passing_fault_is_retried_and_the_harvest_completes(lib, oai, fault):
    oai.fail(fault)
    report = harvest.harvest_oai(lib, _oai_url(oai), "cs")
    assert report.imported.added == 15 and report.pages == 3
    assert len(oai.hits) == 4  # the failed request, then the three pages


def test_retry_after_is_honoured(lib, oai):
    oai.fail("503")
    harvest.harvest_oai(lib, _oai_url(oai), "cs")
    assert oai.gaps()[0] >= 0.95  # Retry-After: 1, though the interval here is 0


def test_an_expired_token_starts_the_list_again_and_loses_nothing(lib, oai):
    def expire_after_first_page(report: harvest.HarvestReport) -> None:
        if report.pages == 1:
            oai.fail("expired")

    report = harvest.harvest_oai(lib, _oai_url(oai), "cs", on_page=expire_after_first_page)
    assert "no longer knew the resumption token" in report.message
    assert lib.store.count() == 15 and report.imported.added == 15


@pytest.mark.parametrize("fault", ["503", "drop", "cut", "slow", "malformed"])
def test_a_lasting_fault_stops_cleanly_and_the_next_run_resumes_at_that_page(lib, oai, fault):
    def break_after_first_page(report: harvest.HarvestReport) -> None:
        if report.pages == 1:
            oai.fail(*[fault] * FAST.attempts)

    with pytest.raises(harvest.HarvestError) as stopped:
        harvest.harvest_oai(lib, _oai_url(oai), "cs", on_page=break_after_first_page)
    message = str(stopped.value)
    assert "could not be reached (tried 4 times" in message
    assert "resumes at page 2" in message and "'page-1'" in message
    assert lib.store.count() == 5  # page 1 whole, nothing of page 2
    report = harvest.harvest_oai(lib, _oai_url(oai), "cs")
    assert (report.pages, report.imported.added, lib.store.count()) == (2, 10, 15)
    assert all("resumptionToken=page-1" in path for _, path in oai.hits[-2 - 0:-1])


@pytest.mark.parametrize(("code", "sentence"), [
    ("badArgument", "refused the request's arguments"),
    ("cannotDisseminateFormat", "cannot give records as arXivRaw"),
    ("noSetHierarchy", "has no sets"),
    ("badVerb", "did not understand the request"),
])
def test_each_oai_error_has_its_own_sentence(lib, code, sentence):
    server = Replay(lambda path, params: (200, {}, oai_error(code, "as the server said it")))
    try:
        with pytest.raises(harvest.HarvestError, match=sentence) as stopped:
            harvest.harvest_oai(lib, _oai_url(server), "cs")
        assert "as the server said it" in str(stopped.value)
    finally:
        server.close()
    assert lib.store.count() == 0


def test_an_unknown_set_or_format_is_refused_in_words_by_the_cli(cli, oai, monkeypatch):
    monkeypatch.setenv("PAPERWIRE_ARXIV_INTERVAL", "0")
    result = cli("harvest", "arxiv", "--base-url", _oai_url(oai), "--from", "yesterday")
    assert result.exit_code == 2 and "is not a date" in result.output
    result = cli("harvest", "arxiv", "--base-url", _oai_url(oai), "--set", "cs")
    assert result.exit_code == 0, result.output
    assert "3 pages, 15 added" in result.output


def test_stopping_between_pages_says_where_it_resumes(lib, oai):
    import threading

    stop = threading.Event()
    report = harvest.harvest_oai(lib, _oai_url(oai), "cs", stop=stop,
                                 on_page=lambda r: stop.set())
    assert report.stopped and "resumes at page 2" in report.message
    assert lib.store.count() == 5
    assert harvest.harvest_oai(lib, _oai_url(oai), "cs").imported.added == 10


# -- Hugging Face ----------------------------------------------------------------------------

DAY1, DAY2 = clock.today() - timedelta(days=2), clock.today() - timedelta(days=1)


@pytest.fixture
def hf() -> Iterator[Replay]:
    days = {DAY1.isoformat(): [hf_item(1, DAY1, 12), hf_item(2, DAY1, 3)],
            DAY2.isoformat(): [hf_item(3, DAY2, 40)]}
    server = Replay(HfDays(days), content_type="application/json", slow_seconds=2.0)
    yield server
    server.close()


def test_hf_sync_fills_what_the_site_shows(lib, hf):
    report = harvest.harvest_hf(lib, hf.url, since=DAY1)
    assert report.imported.added == 3
    sp = lib.store.find("2611.00003")
    assert sp.paper.listed_on == DAY2 and sp.paper.external_upvotes == 40
    assert sp.paper.code_url == "https://github.com/example/study3"
    hf_extras = sp.paper.extras["hf"]
    assert hf_extras["item"]["numComments"] == 3
    assert hf_extras["item"]["submittedBy"]["fullname"] == "Paper Curator"
    assert hf_extras["item"]["thumbnail"].endswith("2611.00003.png")
    assert hf_extras["paper"]["ai_keywords"] == ["sparse attention", "robot learning"]
    assert hf_extras["paper"]["githubStars"] == 15


def test_each_hf_sync_counts_the_stars_of_a_papers_code(lib, hf):
    """One count a day per paper (trending by code reads their growth)."""
    harvest.harvest_hf(lib, hf.url, since=DAY1)
    rows = lib.store.sql.execute("SELECT p.arxiv_id, s.seen_on, s.stars FROM star_counts s "
                                 "JOIN papers p ON p.pid = s.pid ORDER BY p.arxiv_id").fetchall()
    today = clock.today().isoformat()
    assert [tuple(r) for r in rows] == [("2611.00001", today, 5), ("2611.00002", today, 10),
                                        ("2611.00003", today, 15)]


def test_hf_upvotes_update_on_every_sync_and_local_votes_stay_separate(lib, hf):
    harvest.harvest_hf(lib, hf.url, day=DAY1)
    sp = lib.store.find("2611.00001")
    user = lib.site.create_user("reader", "hash")
    lib.site.set_vote(user.uid, sp.pid, True)
    hf.answer.days[DAY1.isoformat()][0]["paper"]["upvotes"] = 20
    report = harvest.harvest_hf(lib, hf.url, day=DAY1)
    assert report.imported.updated == 1
    assert lib.store.find("2611.00001").paper.external_upvotes == 20
    assert lib.site.vote_counts([sp.pid]) == {sp.pid: 1}


@pytest.mark.parametrize("fault", ["503", "drop", "cut", "slow", "malformed"])
def test_hf_faults_are_retried(lib, hf, fault):
    hf.fail(fault)
    assert harvest.harvest_hf(lib, hf.url, day=DAY1).imported.added == 2


def test_hf_lasting_fault_names_the_day_to_read_again(lib, hf):
    hf.fail(*["malformed"] * FAST.attempts)
    with pytest.raises(harvest.HarvestError, match=f"the next run reads {DAY1} again"):
        harvest.harvest_hf(lib, hf.url, since=DAY1)
    assert lib.store.count() == 0


def test_hf_days_resync_the_recent_ones():
    today = date(2026, 11, 25)
    assert harvest.hf_days(None, None, None, today)[0] == date(2026, 11, 19)
    assert harvest.hf_days("2026-11-24", None, None, today) == [
        date(2026, 11, 22), date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 25)]
    assert harvest.hf_days(None, DAY1, None, today) == [DAY1]


def test_hf_fixture_items_harvested_keep_their_fields(lib, shared):
    items = json.loads((shared / "fixtures/hf-papers/daily_papers.json").read_text())
    day = items[0]["publishedAt"][:10]
    server = Replay(HfDays({day: items}), content_type="application/json")
    try:
        report = harvest.harvest_hf(lib, server.url, day=date.fromisoformat(day))
    finally:
        server.close()
    assert report.imported.added == len(items)
    sp = lib.store.find(items[0]["paper"]["id"])
    assert sp.paper.extras["hf"]["item"]["thumbnail"] == items[0]["thumbnail"]


def test_settings_replace_keeps_politeness():  # the CLI and worker read these settings
    s = replace(HarvestSettings(), sets=["math"])
    assert s.arxiv.interval == 3.0 and s.sets == ["math"]
    assert "paperwire/" in s.arxiv.user_agent


def test_the_recorded_arxiv_oai_page_harvests_and_resumes_with_its_token(lib, shared):
    from tests.replay import oai_page

    recorded = (shared / "fixtures/arxiv-oai/ListRecordsResponse.xml").read_bytes()
    tokens: list[str] = []

    def answer(path, params):
        if "resumptionToken" in params:
            tokens.append(params["resumptionToken"])
            return 200, {}, oai_page([], None)  # the list's last page, as arXiv sends it
        return 200, {}, recorded

    server = Replay(answer)
    try:
        report = harvest.harvest_oai(lib, _oai_url(server), "physics:nucl-ex")
    finally:
        server.close()
    assert tokens == ["726959|1001"]
    assert report.pages == 2 and report.imported.added == lib.store.count() > 0
    first = lib.store.find("0704.0471")
    assert first.paper.extras["arxiv"]["submitter"] == "Dinesh Shetty"
    assert first.paper.doi == "10.1103/PhysRevC.76.024606 10.1103/PhysRevC.76.039902"
    assert "next run starts from 2015-01-06" in report.message


def test_a_full_store_stops_the_harvest_at_the_page_it_could_not_write(lib):
    """The page and its checkpoint are rolled back together, so the next run reads that page
    again instead of skipping it. SQLite's max_page_count makes the file full as a full disk
    does (SQLITE_FULL); page 2's long abstracts need pages the file may not grow. On
    PostgreSQL the database refuses writes after page 1 (a full disk cannot be made here
    without a mount; DiskFull takes the same path, an OperationalError)."""
    listing = OaiList(pages=3, per_page=5)
    listing.pages[1] = re.sub(rb"<abstract>.*?</abstract>",
                              b"<abstract>" + b"long text " * 1900 + b"</abstract>",
                              listing.pages[1], flags=re.DOTALL)
    server = Replay(listing)

    def fill_the_disk_after_first_page(report: harvest.HarvestReport) -> None:
        if report.pages == 1:
            _stop_writes(lib)

    try:
        with pytest.raises(harvest.HarvestError) as stopped:
            harvest.harvest_oai(lib, _oai_url(server), "cs",
                                on_page=fill_the_disk_after_first_page)
        message = str(stopped.value)
        assert "the store could not be written" in message
        assert re.search("disk is full|read-only transaction", message), message
        assert re.search("the next run resumes (from this page|at page 2)", message), message
        assert lib.store.count() == 5  # page 1 whole, nothing of page 2
        _stop_writes(lib, stop=False)
        report = harvest.harvest_oai(lib, _oai_url(server), "cs")
        assert (report.pages, report.imported.added, lib.store.count()) == (2, 10, 15)
    finally:
        server.close()


def _stop_writes(lib: Library, stop: bool = True) -> None:
    """SQLite: the file may not grow past its pages (SQLITE_FULL, as a full disk);
    PostgreSQL: the database refuses writes."""
    if lib.settings.is_url:
        refuse_writes(str(lib.settings.db), lib.store.pool, refuse=stop)
    elif stop:
        pages = lib.store.db.execute("PRAGMA page_count").fetchone()[0]
        lib.store.db.execute(f"PRAGMA max_page_count = {pages}")
    else:
        lib.store.db.execute("PRAGMA max_page_count = 4294967294")


def test_a_turn_to_call_a_service_is_taken_as_the_request_goes_out_and_waiting_takes_none(lib):
    """Turns are not booked ahead: a harvester that woke late from its wait would then
    send closer than the interval to the one after it, which had booked the next turn."""
    pacer = StorePacer(lib.worker_store)
    assert pacer.reserve("arxiv", 3) == 0
    waits = [pacer.reserve("arxiv", 3) for _ in range(3)]
    assert 2.5 < waits[-1] <= waits[0] <= 3, waits  # booked ahead, they would be 3, 6, 9
    assert pacer.reserve("hf", 3) == 0  # each service has its own turns


def test_a_store_that_cannot_book_a_request_stops_the_harvest_in_words(lib, oai):
    """The pacer writes each turn in the store before the request is sent; when that write fails
    (a read-only file or database here, as a full disk fails it) the harvest stops with the
    store's reason and where it resumes, not a traceback, and nothing is half-written."""
    with writes_refused(lib), pytest.raises(harvest.HarvestError) as stopped:
        harvest.harvest_oai(lib, _oai_url(oai), "cs")
    message = str(stopped.value)
    assert "the store could not be written" in message
    assert re.search("readonly|read-only transaction", message), message
    assert "next run" in message and lib.store.count() == 0
    report = harvest.harvest_oai(lib, _oai_url(oai), "cs")
    assert report.imported.added == lib.store.count() > 0
