# ruff: noqa: F811 - the browser fixture, imported, is a test's argument
"""Email that keeps its promises (issue 19, item 6): subscribing offers daily or weekly, an
hour and a time zone, and the confirmation keeps them; links in mail use the configured
site URL or else the address the site was reached at (its socket's, never a forged Host
header); without a mail server the page says so instead of promising a mail."""

from __future__ import annotations

import os
import re

import pytest

from tests.servers import Site, csrf_of
from tests.smtp import text_of
from tests.test_browser import browser  # noqa: F401 - the fixture
from tests.waiting import wait_until

LINK = re.compile(r"(https?://\S+/email/confirm\?token=\S+)")


def _confirmation_link(mailbox, address: str) -> str:
    mail = wait_until(lambda: mailbox.to(address), f"no mail reached {address}")[-1]
    return LINK.search(text_of(mail)).group(1)


def _subscribe(site: Site, address: str, headers: dict | None = None, **schedule):
    with site.client() as c:
        return c.post("/subscribe", headers=headers or {}, data={
            "csrf": csrf_of(c, "/signin"), "email": address, **schedule})


def test_the_schedule_chosen_is_kept_and_links_lead_back_to_this_site(tmp_path, mailbox):
    with Site(tmp_path / "site.db", {**os.environ, **mailbox.env}) as site:
        r = _subscribe(site, "weekly@example.org", {"host": "evil.example"},
                       frequency="weekly", hour="7", tz="Europe/Paris")
        assert r.status_code == 200 and "weekly digest starts" in r.text
        link = _confirmation_link(mailbox, "weekly@example.org")
        assert link.startswith(site.url + "/email/confirm?"), link  # the port it serves on
        with site.client() as c:
            page = c.get(link.removeprefix(site.url)).text
        assert "your weekly digest comes at 07:00 (Europe/Paris)" in page
        bad = _subscribe(site, "x@example.org", tz="Mars/Olympus")
        assert bad.status_code == 400 and "not a time zone" in bad.text


def test_a_configured_site_url_is_what_mail_links_to(tmp_path, mailbox):
    env = {**os.environ, **mailbox.env, "PAPERWIRE_SITE_URL": "https://papers.example.org/"}
    with Site(tmp_path / "site.db", env) as site:
        _subscribe(site, "conf@example.org")
        link = _confirmation_link(mailbox, "conf@example.org")
    assert link.startswith("https://papers.example.org/email/confirm?token=")


def test_without_a_mail_server_the_page_says_so_and_promises_nothing(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERWIRE_SMTP")}
    with Site(tmp_path / "site.db", env) as site:
        with site.client() as c:
            form = c.get("/subscribe").text
        r = _subscribe(site, "nobody@example.org")
    assert "no mail server configured" in form and 'name="email"' not in form
    assert r.status_code == 503 and "Check your inbox" not in r.text
    assert "no mail server configured" in r.text


@pytest.mark.parametrize("width", [1280, 390])
def test_the_subscribe_page_offers_what_it_promises(browser, tmp_path, mailbox, width):
    with Site(tmp_path / "site.db", {**os.environ, **mailbox.env}) as site:
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(site.url + "/subscribe")
        page.fill("input[name=email]", f"w{width}@example.org")
        page.select_option("select[name=frequency]", "weekly")
        page.select_option("select[name=hour]", "18")
        page.select_option("select[name=tz]", "Asia/Tokyo")
        page.click("main button:has-text('Subscribe')")
        page.locator("h1", has_text="Check your inbox").wait_for()
        page.goto(_confirmation_link(mailbox, f"w{width}@example.org"))
        assert "weekly digest comes at 18:00 (Asia/Tokyo)" in page.locator("main").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth - innerWidth") <= 0
        page.context.close()
