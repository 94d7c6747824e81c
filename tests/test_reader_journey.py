"""A reader's journey in a real Chromium: sign up, confirm the address from the mail the
SMTP server caught, follow an author, upvote three papers, see for-you with reasons, mark
one not interested, export a collection as BibTeX; and notes stay private."""

from __future__ import annotations

import os
import re
from pathlib import Path

import httpx
import pytest

from tests.readers import topic_ids, topical_papers
from tests.servers import Site, csrf_of, sign_up
from tests.smtp import Mailbox, text_of
from tests.test_browser import browser  # noqa: F401 - the shared Chromium fixture
from tests.waiting import wait_until


def _records() -> list[dict]:
    return [{"arxiv_id": p.arxiv_id, "title": p.title, "abstract": p.abstract,
             "authors": p.authors, "categories": p.categories,
             "published": p.published.isoformat(), "upvotes": p.external_upvotes}
            for p in topical_papers()]


@pytest.fixture
def site(tmp_path, model_dir, mailbox):
    env = {**os.environ, **mailbox.env}
    with Site.with_papers(tmp_path, _records(), env) as running:
        running.cli("embed")
        yield running


def _wait_for_mail(box: Mailbox, address: str):
    return wait_until(lambda: box.to(address), f"no mail reached {address}")[-1]


def test_the_reader_journey(browser, site, mailbox):  # noqa: F811
    page = browser.new_page(accept_downloads=True)
    page.goto(site.url + "/signup")
    page.fill("input[name=username]", "rosa")
    page.fill("input[name=password]", "correct horse 1")
    page.click("text=Create account")

    page.goto(site.url + "/settings")
    page.fill("input[name=email]", "rosa@example.org")
    page.click("button:has-text('Set address')")
    page.get_by_text("not confirmed yet").wait_for()  # waited for: the form's page may yet come
    link = re.search(r"http://\S+/email/confirm\?token=\S+",
                     text_of(_wait_for_mail(mailbox, "rosa@example.org"))).group(0)
    page.goto(site.url + link[link.index("/email/confirm"):])
    page.locator("h1", has_text="Address confirmed").wait_for()

    page.goto(site.url + "/following")
    page.select_option("select[name=kind]", "author")
    page.fill("input[name=value]", "Y. LeCun")
    page.click("button:has-text('Follow')")
    page.locator("ul.follows", has_text="Y. LeCun").wait_for()

    for ident in topic_ids("proteins")[:3]:
        page.goto(f"{site.url}/papers/{ident}")
        page.click("main .vote.row button[title=Upvote]")
        page.locator("main .vote.row button[aria-pressed=true]").wait_for()  # saved in place

    page.click("header nav.sections >> text=For you")
    reasons = page.locator("article .reason").all_inner_texts()
    assert "follows Y. LeCun" in reasons
    assert any(r.startswith("like “") for r in reasons)
    first = page.locator("article").nth(1)
    title = first.locator("h2").inner_text()
    first.locator("button:has-text('Not interested')").click()
    first.locator("button:has-text('Undo')").wait_for()  # folded in place, undoable
    page.reload()
    page.locator("h1", has_text="For you").wait_for()
    assert title not in page.locator("main").inner_text()

    page.goto(site.url + "/users/rosa")
    page.fill("input[name=name]", "To read")
    page.click("button:has-text('Create')")
    page.goto(f"{site.url}/papers/{topic_ids('galaxies')[0]}")
    page.click(".collect button.toggle:has-text('To read')")
    page.locator(".collect button.on", has_text="To read").wait_for()
    page.goto(site.url + "/users/rosa")
    page.click("text=To read")
    with page.expect_download() as download:
        page.click("text=BibTeX")
    bib = Path(download.value.path()).read_text(encoding="utf-8")
    assert bib.startswith("@misc{") and "Rotation curves of spiral galaxies" in bib
    assert f"eprint = {{{topic_ids('galaxies')[0]}}}" in bib


def test_notes_are_private_and_sanitized(site):
    ident = topic_ids("robots")[0]
    with site.client() as owner, site.client() as other:
        sign_up(owner, "noter")
        sign_up(other, "reader")
        pid = re.search(r'action="/p/(\d+)/note"', owner.get(f"/papers/{ident}").text).group(1)
        r = owner.post(f"/p/{pid}/note", data={
            "csrf": csrf_of(owner, f"/papers/{ident}"),
            "note": "**check** eq. 3 <script>alert(1)</script> [x](javascript:alert(1))"})
        assert r.status_code == 303
        mine = owner.get(f"/papers/{ident}").text
        assert "<strong>check</strong>" in mine and "<script>alert" not in mine
        assert 'href="javascript:' not in mine
        theirs = other.get(f"/papers/{ident}").text
        assert "check" not in theirs and "eq. 3" not in theirs
        assert "eq. 3" not in httpx.get(f"{site.url}/papers/{ident}").text
        forged = owner.post(f"/p/{pid}/note", data={"csrf": "forged", "note": "x"})
        assert forged.status_code == 403
