"""A forgotten password: the link mailed (through a real SMTP server) to the account's
confirmed address lets its owner choose a new one, once, within the hour; nobody learns
from the form which accounts exist."""

from __future__ import annotations

import os
import re
import time

import httpx
import pytest

from paperwire.config import Settings
from paperwire.services.community import accounts, recovery
from paperwire.services.library import Library
from paperwire.services.mail import tokens
from tests.servers import Site, csrf_of
from tests.smtp import Mailbox, text_of
from tests.waiting import wait_until

OLD, NEW = "correct horse 1", "battery staple 2"
SITE_URL = "http://papers.test"


@pytest.fixture
def site(tmp_path, mailbox):
    env = {**os.environ, **mailbox.env, "PAPERWIRE_SITE_URL": SITE_URL}
    with Site(tmp_path / "site.db", env) as running:
        yield running


def _account(lib: Library, name: str, email: str, confirmed: bool = True):
    user = accounts.sign_up(lib.site, name, OLD)
    sub = lib.mail.set_account_email(user.uid, email)
    if confirmed:
        lib.mail.confirm(sub.sid)
    return user


def _reset_link(box: Mailbox, address: str, site: Site) -> str:
    (mail,) = wait_until(lambda: box.to(address), f"no mail reached {address}")
    assert mail["Subject"] == "Choose a new paperwire password"
    (url,) = re.findall(r"http://\S+/password/reset\?token=\S+", text_of(mail))
    return url.replace(SITE_URL, site.url)


def _ask(client: httpx.Client, who: str) -> httpx.Response:
    return client.post("/password/forgot", data={"csrf": csrf_of(client, "/password/forgot"),
                                                  "who": who})


def _signed_in(site: Site, name: str, password: str) -> int:
    with site.client() as c:
        return c.post("/signin", data={"csrf": csrf_of(c), "username": name,
                                       "password": password}).status_code


def test_a_mailed_link_sets_a_new_password_once(site, mailbox):
    lib = Library(Settings(db=site.db))
    _account(lib, "ada", "ada@example.org")
    with site.client() as laptop, site.client() as phone:
        assert _signed_in(site, "ada", OLD) == 303
        laptop.post("/signin", data={"csrf": csrf_of(laptop), "username": "ada",
                                     "password": OLD})
        assert laptop.get("/settings").status_code == 200
        assert 'href="/password/forgot"' in phone.get("/signin").text

        answer = _ask(phone, "ada")
        assert answer.status_code == 200 and "Check your inbox" in answer.text
        link = _reset_link(mailbox, "ada@example.org", site)
        form = phone.get(link)
        assert form.status_code == 200 and "New password for ada" in form.text
        data = {"csrf": csrf_of(phone, link), "new": "short"}
        too_short = phone.post(link, data=data)
        assert too_short.status_code == 400 and "8 to 256 characters" in too_short.text
        assert _signed_in(site, "ada", OLD) == 303, "a refused new password changes nothing"

        done = phone.post(link, data={**data, "new": NEW})
        assert done.status_code == 303 and done.headers["location"] == "/settings"
        assert phone.get("/settings").status_code == 200, "signed in with the new password"
        assert laptop.get("/settings").status_code in (303, 401), "other sessions end"
        again = phone.get(link)
        assert again.status_code == 400 and "used already" in again.text
    assert _signed_in(site, "ada", OLD) == 401
    assert _signed_in(site, "ada", NEW) == 303
    lib.close()


def test_the_form_answers_alike_and_mails_only_a_confirmed_address(site, mailbox):
    lib = Library(Settings(db=site.db))
    _account(lib, "bea", "bea@example.org")
    _account(lib, "cal", "cal@example.org", confirmed=False)
    with site.client() as c:
        answers = {who: _ask(c, who) for who in
                   ("BEA@example.org", "cal", "nobody", "nobody@example.org", "<script>")}
        assert {(r.status_code, "Check your inbox" in r.text) for r in answers.values()} \
            == {(200, True)}
        assert len({r.text.replace(csrf_of(c), "") for r in answers.values()}) == 1
        assert _reset_link(mailbox, "bea@example.org", site)
        sixth = _ask(c, "bea")
        assert sixth.status_code == 429 and int(sixth.headers["retry-after"]) > 0
        forged = c.post("/password/forgot", data={"csrf": "forged", "who": "bea"})
        assert forged.status_code == 403
    assert recovery.request_reset(lib, "bea") is None, "one link an hour per account"
    time.sleep(0.5)
    assert mailbox.to("cal@example.org") == [], "an unconfirmed address may not be theirs"
    assert [m["To"] for m in mailbox.accepted] == ["bea@example.org"]
    lib.close()


@pytest.mark.parametrize("forge", ["tampered", "expired", "other purpose", "other account"])
def test_a_forged_or_expired_reset_link_changes_nothing(site, forge):
    lib = Library(Settings(db=site.db))
    ada = _account(lib, "ada", "ada@example.org")
    bea = _account(lib, "bea", "bea@example.org")
    good = {"uid": ada.uid, "email": "ada@example.org",
            "pw": recovery._fingerprint(lib.site.user_by_id(ada.uid))}
    token = {"tampered": tokens.make(lib, "reset", good, 3600)[:-3] + "AAA",
             "expired": tokens.make(lib, "reset", good, 3600, now=0),
             "other purpose": tokens.make(lib, "confirm", good, 3600),
             "other account": tokens.make(lib, "reset", {**good, "uid": bea.uid}, 3600)}[forge]
    with site.client() as c:
        url = "/password/reset?token=" + token
        assert c.get(url).status_code == 400
        r = c.post(url, data={"csrf": csrf_of(c), "new": NEW})
        assert r.status_code == 400 and "This link does not work" in r.text
    assert _signed_in(site, "ada", OLD) == 303 and _signed_in(site, "bea", OLD) == 303
    lib.close()


def test_a_moderator_sets_a_password_from_the_command_line(cli, library):
    user = accounts.sign_up(library.site, "dan", OLD)
    session = accounts.new_session(library.site, user)
    result = cli("user", "password", "dan", input=NEW + "\n")
    assert result.exit_code == 0, result.output
    assert accounts.sign_in(library.site, "dan", NEW) is not None
    assert accounts.sign_in(library.site, "dan", OLD) is None
    assert accounts.session_for(library.site, session) is None
    refused = cli("user", "password", "dan", input="short\n")
    assert refused.exit_code != 0 and "8 to 256 characters" in refused.output
    assert cli("user", "password", "nobody", input=NEW + "\n").exit_code != 0


def test_without_a_mail_server_the_page_says_who_resets_instead(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERWIRE_SMTP")}
    with Site(tmp_path / "site.db", env) as site, site.client() as c:
        lib = Library(Settings(db=site.db))
        _account(lib, "eve", "eve@example.org")
        page = c.get("/password/forgot")
        assert page.status_code == 200 and "paperwire user password NAME" in page.text
        assert 'name="who"' not in page.text, "no form that would promise a mail"
        r = c.post("/password/forgot", data={"csrf": csrf_of(c, "/signin"), "who": "eve"})
        assert r.status_code == 503 and "sends no mail" in r.text
        assert lib.mail.outbox_counts() == {}, "nothing queued that could never leave"
        lib.close()
