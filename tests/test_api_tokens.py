"""Personal API tokens: made in Settings (shown once), they let a script call the JSON API
as their owner, writes included, without cookies or CSRF; revoked, they stop at once; they
open nothing but /api/."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.servers import Site, csrf_of, sign_up

RECORDS = [
    {"arxiv_id": "2503.00002", "title": "Graph transformers for molecules",
     "abstract": "Attention over molecular graphs.", "published": "2025-03-14", "upvotes": 4},
    {"arxiv_id": "2503.00003", "title": "Diffusion for proteins", "abstract": "Proteins.",
     "published": "2025-03-14", "upvotes": 1},
]
TOKEN = re.compile(r'<code class="token">(pw_[A-Za-z0-9_-]+)</code>')


@pytest.fixture
def site(tmp_path):
    with Site.with_papers(tmp_path, RECORDS) as running:
        yield running


def _script(site: Site, token: str) -> httpx.Client:
    """A client as a script is: no cookies, the token in a header."""
    return httpx.Client(base_url=site.url, timeout=30,
                        headers={"Authorization": f"Bearer {token}"})


def _make_token(browser: httpx.Client, name: str) -> httpx.Response:
    return browser.post("/settings/tokens", data={"csrf": csrf_of(browser, "/settings"),
                                                  "name": name})


def test_a_token_from_settings_works_for_scripts_until_revoked(site):
    with site.client() as ada:
        sign_up(ada, "ada")
        made = _make_token(ada, "reading-list script")
        assert made.status_code == 200
        (token,) = TOKEN.findall(made.text)
        settings = ada.get("/settings").text
        assert "reading-list script" in settings and token not in settings, "shown once"
        assert _make_token(ada, "  ").status_code == 400

        with _script(site, token) as script:
            assert script.get("/api/for-you").status_code == 200
            vote = script.post("/api/papers/2503.00003/upvote", json={"up": True})
            assert vote.status_code == 200 and vote.json()["upvotes"] == 2
            coll = script.post("/api/collections", json={"name": "From a script"})
            assert coll.status_code == 201
        mine = ada.get("/users/ada").text
        assert "From a script" in mine, "the script's collection is its owner's"
        assert "Diffusion for proteins" in mine, "and so is its vote"

        tid = re.search(r'action="/settings/tokens/(\d+)/delete"', ada.get("/settings").text)[1]
        with site.client() as bea:
            sign_up(bea, "bea")
            other = bea.post(f"/settings/tokens/{tid}/delete",
                             data={"csrf": csrf_of(bea, "/settings")})
            assert other.status_code == 404, "only its owner revokes a token"
        with _script(site, token) as script:
            assert script.get("/api/for-you").status_code == 200
        revoked = ada.post(f"/settings/tokens/{tid}/delete",
                           data={"csrf": csrf_of(ada, "/settings")})
        assert revoked.status_code == 303
        with _script(site, token) as script:
            r = script.get("/api/for-you")
            assert r.status_code == 401 and "not valid" in r.json()["error"]
            assert r.headers["www-authenticate"].startswith("Bearer")


def test_a_token_opens_only_the_api_and_a_wrong_one_nothing(site):
    with site.client() as ada:
        sign_up(ada, "ada")
        (token,) = TOKEN.findall(_make_token(ada, "script").text)
    with _script(site, token) as script:
        page = script.post("/p/1/upvote", data={"up": "true"})
        assert page.status_code == 403, "the pages take a cookie and its CSRF token"
        assert script.get("/settings").status_code in (303, 401)
    for wrong in (token[:-2], "pw_" + "x" * 43, "Basic abc", "x" * 5000):
        with _script(site, wrong) as script:
            assert script.get("/api/for-you").status_code == 401, wrong[:20]
            vote = script.post("/api/papers/2503.00002/upvote", json={"up": True})
            assert vote.status_code == 401
    with httpx.Client(base_url=site.url, timeout=30) as anonymous:
        assert anonymous.get("/api/for-you").status_code == 401
        assert anonymous.get("/api/papers/2503.00002").json()["upvotes"] == 4


def test_cookies_still_need_the_csrf_token_on_the_api(site):
    with site.client() as ada:
        sign_up(ada, "ada")
        r = ada.post("/api/papers/2503.00002/upvote", json={"up": True})
        assert r.status_code == 403
        ok = ada.post("/api/papers/2503.00002/upvote", json={"up": True},
                      headers={"X-CSRF-Token": csrf_of(ada, "/")})
        assert ok.status_code == 200


def test_the_command_line_makes_a_token(site):
    with site.client() as ada:
        sign_up(ada, "ada")
    token = site.cli("user", "token", "ada", "--name", "cron job").stdout.strip()
    assert token.startswith("pw_")
    with _script(site, token) as script:
        assert script.get("/api/for-you").status_code == 200
    with site.client() as ada:
        ada.post("/signin", data={"csrf": csrf_of(ada), "username": "ada",
                                  "password": "correct horse 1"})
        assert "cron job" in ada.get("/settings").text
