"""Sign-in under attack (issue 21, items 2 and 8): cheap refusals before any password is
hashed, per address and for the whole site, an address the client cannot choose, and a
flood of made-up names that neither stalls the site nor locks its readers out."""

from __future__ import annotations

import multiprocessing
import os
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.servers import Site, csrf_of, sign_up
from tests.waiting import PATIENCE

FLOOD_CONNECTIONS = 64
FLOOD_MOST = 100  # requests per connection at most: the flood stops by itself
HEALTHZ_BOUND = 2.0  # seconds; the design asks 200 ms (benchmarks/bench_signin_flood.py)


def _site(tmp_path, **settings: str) -> Site:
    return Site(tmp_path / "site.db", {**os.environ, **settings})


def _attempt(c: httpx.Client, token: str, name: str, password: str = "a wrong guess",
             address: str | None = None) -> httpx.Response:
    headers = {"x-forwarded-for": address} if address else {}
    return c.post("/signin", data={"csrf": token, "username": name, "password": password},
                  headers=headers)


def _timed(call) -> tuple[int, float]:
    started = time.monotonic()
    return call(), time.monotonic() - started


def _account(site: Site, name: str, password: str = "correct horse 1") -> None:
    """An account, made by a client of its own (a signed-in client is limited by account)."""
    with site.client() as c:
        sign_up(c, name, password)


def test_one_address_trying_many_names_is_refused_before_its_passwords_are_checked(tmp_path):
    with _site(tmp_path, PAPERWIRE_SIGNIN_PER_IP="8/minute") as site, site.client() as c:
        token = csrf_of(c)
        codes = [_attempt(c, token, f"user{i}").status_code for i in range(8)]
        assert codes == [401] * 8  # a different name each time: the old limit never saw them
        refused = _attempt(c, token, "user99")
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1


def test_x_forwarded_for_is_not_believed_unless_its_proxy_is_trusted(tmp_path):
    with _site(tmp_path) as site, site.client() as c:
        _account(site, "linus")
        token = csrf_of(c)
        # a new address a try, written by the client itself: still one client
        codes = [_attempt(c, token, "linus", address=f"203.0.113.{i}").status_code
                 for i in range(6)]
        assert codes[:5] == [401] * 5 and codes[5] == 429


def test_a_trusted_proxy_names_the_client(tmp_path):
    with _site(tmp_path, PAPERWIRE_TRUSTED_PROXIES="127.0.0.1") as site, site.client() as c:
        _account(site, "linus")
        token = csrf_of(c)
        elsewhere = [_attempt(c, token, "linus", address=f"203.0.113.{i}").status_code
                     for i in range(6)]
        assert elsewhere == [401] * 6  # six clients behind the proxy, one try each
        one = [_attempt(c, token, "linus", address="198.51.100.7").status_code for _ in range(6)]
        assert one[:5] == [401] * 5 and one[5] == 429


def _flood(url: str, stop, barrier: threading.Barrier) -> list[int]:
    """One connection posting made-up names, each from an address of its own, until told
    to stop (or FLOOD_MOST requests)."""
    codes = []
    with httpx.Client(base_url=url, timeout=120) as c:
        token = csrf_of(c)
        barrier.wait()
        while not stop.is_set() and len(codes) < FLOOD_MOST:
            address = "10." + ".".join(str(secrets.randbelow(250)) for _ in range(3))
            codes.append(_attempt(c, token, secrets.token_hex(6), address=address).status_code)
    return codes


def _flood_from_another_process(url: str, ready, stop, results) -> None:
    """The flood's 64 connections, in a process of their own: in this one their client
    work would hold up the probes that time /healthz."""
    barrier = threading.Barrier(FLOOD_CONNECTIONS, action=ready.set)
    with ThreadPoolExecutor(FLOOD_CONNECTIONS) as pool:
        floods = [pool.submit(_flood, url, stop, barrier) for _ in range(FLOOD_CONNECTIONS)]
        results.put([code for f in floods for code in f.result()])


def _healthz_seconds(site: Site) -> float:
    started = time.monotonic()
    assert httpx.get(site.url + "/healthz", timeout=60).status_code == 200
    return time.monotonic() - started


def test_a_flood_of_made_up_names_neither_stalls_the_site_nor_keeps_a_reader_out(tmp_path):
    unknown_budget = 24
    with _site(tmp_path, PAPERWIRE_TRUSTED_PROXIES="127.0.0.1",
               PAPERWIRE_SIGNIN_UNKNOWN=f"{unknown_budget}/minute") as site:
        _account(site, "ada", "analytical engine")
        fork = multiprocessing.get_context("fork")
        ready, stop, results = fork.Event(), fork.Event(), fork.Queue()
        flood = fork.Process(target=_flood_from_another_process,
                             args=(site.url, ready, stop, results))
        flood.start()
        try:
            assert ready.wait(PATIENCE), "the flood did not start"
            health = [_healthz_seconds(site) for _ in range(10)]
            with site.client() as c:
                reader = _attempt(c, csrf_of(c), "ada", "analytical engine",
                                  address="192.0.2.1")
        finally:
            stop.set()
        codes = results.get(timeout=PATIENCE)
        flood.join(PATIENCE)
    assert reader.status_code == 303, reader.text  # the reader is in, flood or not
    assert max(health) < HEALTHZ_BOUND, health
    assert set(codes) <= {401, 429, 503}, set(codes)
    # at most the site-wide budget of made-up names had their passwords checked
    assert codes.count(401) <= unknown_budget and codes.count(429) > 0


def test_a_refused_sign_in_is_held_back_without_keeping_readers_out(tmp_path):
    """The tarpit: a refusal comes only after the delay, so a flooding connection gets one a
    second; while it waits it holds none of the server's work slots (here only one)."""
    delay = 1.5
    with _site(tmp_path, PAPERWIRE_SIGNIN_PER_IP="1/minute", PAPERWIRE_WEB_THREADS="1",
               PAPERWIRE_WEB_QUEUE="0",
               PAPERWIRE_SIGNIN_REFUSAL_DELAY=str(delay)) as site, site.client() as c:
        token = csrf_of(c)
        assert _attempt(c, token, "someone").status_code == 401  # the address's one check

        def refused() -> tuple[int, float]:
            with site.client() as other:
                return _timed(lambda: _attempt(other, token, "someone else").status_code)

        with ThreadPoolExecutor(4) as pool:
            held = [pool.submit(refused) for _ in range(4)]
            time.sleep(delay / 3)  # the four refusals are being held back now
            page = c.get("/signin")
            answers = [f.result() for f in held]
    assert page.status_code == 200  # the one work slot was free for a reader
    assert [code for code, _ in answers] == [429] * 4
    assert min(seconds for _, seconds in answers) >= delay


def test_one_name_tried_over_and_over_spends_the_address_budget_too(tmp_path):
    """Past the 5 a minute per name, those refusals still count for the address, so its
    flood of one name reaches the shield. Each refusal, the per-name limit's too, is held
    back."""
    delay = 1.0
    with _site(tmp_path, PAPERWIRE_SIGNIN_PER_IP="8/minute",
               PAPERWIRE_SIGNIN_REFUSAL_DELAY=str(delay)) as site, site.client() as c:
        _account(site, "linus")
        token = csrf_of(c)
        answers = [_timed(lambda: _attempt(c, token, "linus").status_code) for _ in range(9)]
    codes = [code for code, _ in answers]
    assert codes == [401] * 5 + [429] * 4  # the per-name limit, then the address's
    assert min(seconds for _, seconds in answers[5:]) >= delay  # each refusal held back
