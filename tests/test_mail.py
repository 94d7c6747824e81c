"""Email: double opt-in, the digest and its headers, one-click unsubscribe, not interested
from the mail, and delivery through a real SMTP server that fails on command."""

from __future__ import annotations

import re
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from paperwire import clock
from paperwire.config import MailSettings, Settings
from paperwire.services.intake import importing
from paperwire.services.library import Library
from paperwire.services.mail import digest, mailer, subscriptions, tokens
from tests.readers import topical_papers
from tests.servers import Site
from tests.smtp import html_of, text_of
from tests.when import days_ago

# two days ago at 09:00 UTC, so NOW and the day after are both past on paperwire's clock
NOW = days_ago(2)
LINK = re.compile(r"http://[^\s\"<>]+")


@pytest.fixture
def mail_library(db, mailbox):
    settings = Settings(db=db, mail=MailSettings(
        smtp_host="127.0.0.1", smtp_port=mailbox.port, security="none", per_minute=100000,
        retry_seconds=0.01, timeout=5, site_url="http://papers.test"))
    lib = Library(settings)
    importing.import_records(lib, topical_papers(NOW.date()))
    yield lib
    lib.close()


def _link(message, path: str) -> str:
    found = [u for u in LINK.findall(text_of(message)) if path in u]
    assert found, f"no {path} link in the mail"
    return found[0]


def _token(url: str) -> str:
    return httpx.URL(url).params["token"]


def _confirmed(lib, address: str):
    """A subscriber whose address was confirmed earlier (no confirmation in the outbox)."""
    sub = lib.mail.add_subscriber(address)
    lib.mail.confirm(sub.sid)
    return lib.mail.subscriber(sub.sid)


def test_double_opt_in_then_the_digest(mail_library, mailbox):
    lib = mail_library
    sub, mid = subscriptions.subscribe(lib, "Reader@Example.org")
    assert mid is not None
    assert digest.compose_due(lib, NOW) == [], "nothing but the confirmation goes unconfirmed"
    assert mailer.send_due(lib).sent == 1
    (confirmation,) = mailbox.to("reader@example.org")
    assert "List-Unsubscribe" not in confirmation
    subscriptions.confirm(lib, _token(_link(confirmation, "/email/confirm")))

    assert len(digest.compose_due(lib, NOW)) == 1
    assert digest.compose_due(lib, NOW) == [], "one digest per period, however often asked"
    assert mailer.send_due(lib).sent == 1
    mail = mailbox.to("reader@example.org")[-1]
    unsubscribe = _link(mail, "/unsubscribe")
    assert mail["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail["Message-ID"] == subscriptions.message_id(lib, f"digest:{sub.sid}:{NOW.date()}")
    text, html = text_of(mail), html_of(mail)
    assert "Trending" in text and "Legged robot locomotion" in text
    assert "Legged robot locomotion" in html and 'href="http://papers.test/papers/' in html
    assert text.count("/mail/not-interested?token=") == 5


def test_a_digest_never_repeats_a_paper_and_skips_dismissed_ones(mail_library, mailbox):
    lib = mail_library
    sub = _confirmed(lib, "a@example.org")
    first = digest.compose_due(lib, NOW)[0]
    dismissed_url = re.search(r"http://\S+/mail/not-interested\?token=\S+",
                              first.mail.body_text).group(0)
    dismissed = subscriptions.dismiss_from_mail(lib, _token(dismissed_url))
    second = digest.compose_due(lib, NOW + timedelta(days=1))[0]
    assert not set(first.pids) & set(second.pids)
    assert dismissed.pid not in second.pids
    assert lib.mail.mailed(sub.sid) == set(first.pids) | set(second.pids)


def test_permanent_failure_marks_the_address_and_stops_mailing_it(mail_library, mailbox):
    lib = mail_library
    bad, good = _confirmed(lib, "gone@example.org"), _confirmed(lib, "here@example.org")
    mailbox.rejected.add("gone@example.org")
    digest.compose_due(lib, NOW)
    report = mailer.send_due(lib)
    assert (report.sent, report.failed) == (1, 1)
    assert lib.mail.subscriber(bad.sid).bounced_at and lib.mail.subscriber(good.sid).active
    assert digest.compose_due(lib, NOW + timedelta(days=1))[0].mail.to_addr == \
        "here@example.org", "a bounced address is not composed for again"


def test_temporary_failures_retry_until_accepted(mail_library, mailbox):
    lib = mail_library
    for address in ("busy@example.org", "refused@example.org", "dropped@example.org"):
        _confirmed(lib, address)
    mailbox.once = {"busy@example.org": ["busy", "busy"], "refused@example.org": ["refuse"],
                    "dropped@example.org": ["drop"]}
    digest.compose_due(lib, NOW)
    total = mailer.SendReport()
    for _ in range(20):
        report = mailer.send_due(lib)
        total.sent += report.sent
        total.retrying += report.retrying
        if lib.mail.outbox_counts().get("pending", 0) == 0:
            break
        time.sleep(0.05)  # the retries' first delays
    assert total.sent == 3 and total.retrying == 4
    for address in ("busy@example.org", "refused@example.org", "dropped@example.org"):
        assert len(mailbox.to(address)) == 1


def test_a_server_that_is_down_costs_a_retry_not_a_mail(mail_library, mailbox):
    lib = mail_library
    _confirmed(lib, "patient@example.org")
    digest.compose_due(lib, NOW)
    mailbox.down()
    assert mailer.send_due(lib).retrying == 1
    mailbox.up()
    for _ in range(20):
        if mailer.send_due(lib).sent:
            break
        time.sleep(0.05)
    assert len(mailbox.to("patient@example.org")) == 1


def test_giving_up_after_the_last_attempt(mail_library, mailbox):
    lib = Library(replace(mail_library.settings, mail=replace(mail_library.settings.mail,
                                                              max_attempts=2)))
    _confirmed(lib, "flaky@example.org")
    mailbox.once = {"flaky@example.org": ["busy"] * 5}
    digest.compose_due(lib, NOW)
    for _ in range(10):
        mailer.send_due(lib)
        time.sleep(0.05)
    assert lib.mail.outbox_counts() == {"failed": 1}
    assert lib.mail.subscriber_by_email("flaky@example.org").active, \
        "temporary failures never mark the address"
    lib.close()


# -- the links in mail, over HTTP ------------------------------------------------------------

@pytest.fixture
def site(tmp_path, mailbox):
    with Site(tmp_path / "site.db", {**__import__("os").environ, **mailbox.env}) as running:
        yield running


def test_one_click_unsubscribe_needs_no_cookie_and_only_touches_its_address(site):
    lib = Library(Settings(db=site.db))
    a, b = _confirmed(lib, "a@example.org"), _confirmed(lib, "b@example.org")
    url = subscriptions.unsubscribe_url(lib, a)
    with httpx.Client(timeout=10) as bare:  # no cookies, no CSRF token: as a mail client
        page = bare.get(url.replace(subscriptions.site_url(lib), site.url))
        assert page.status_code == 200 and "a@example.org" in page.text
        assert lib.mail.subscriber(a.sid).active, "opening the link alone changes nothing"
        r = bare.post(url.replace(subscriptions.site_url(lib), site.url),
                      content=b"List-Unsubscribe=One-Click",
                      headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 200 and "Unsubscribed" in r.text
    assert not lib.mail.subscriber(a.sid).active and lib.mail.subscriber(b.sid).active
    lib.close()


# each signed link of the mails, with the purpose its token is made for
SIGNED_LINKS = [("GET", "/email/confirm", "confirm"), ("POST", "/unsubscribe", "unsubscribe"),
                ("GET", "/unsubscribe", "unsubscribe"), ("GET", "/email/settings", "unsubscribe"),
                ("POST", "/email/settings", "unsubscribe"),
                ("GET", "/mail/not-interested", "dismiss"),
                ("POST", "/mail/not-interested", "dismiss"), ("GET", "/password/reset", "reset")]


@pytest.mark.parametrize("forge", ["tampered", "expired", "other purpose", "empty"])
def test_a_forged_or_expired_link_gets_a_clear_page_and_changes_nothing(site, forge):
    lib = Library(Settings(db=site.db))
    sub = _confirmed(lib, "c@example.org")
    data = {"sid": sub.sid, "email": sub.email, "pid": 1}
    for method, path, purpose in SIGNED_LINKS:
        other = "confirm" if purpose != "confirm" else "unsubscribe"
        token = {"tampered": tokens.make(lib, purpose, data, 3600)[:-3] + "AAA",
                 "expired": tokens.make(lib, purpose, data, 3600, now=0),
                 "other purpose": tokens.make(lib, other, data, 3600),
                 "empty": ""}[forge]
        r = httpx.request(method, f"{site.url}{path}", params={"token": token}, timeout=10)
        assert r.status_code == 400, (method, path)
        assert "This link does not work" in r.text
        assert ("expired" in r.text) == (forge == "expired")
    assert lib.mail.subscriber(sub.sid).active
    assert lib.mail.dismissed_for(sub.sid) == set()
    lib.close()


def test_subscribing_by_address_answers_the_same_for_known_and_new(site):
    with site.client() as client:
        from tests.servers import csrf_of

        answers = []
        for address in ("new@example.org", "new@example.org"):
            r = client.post("/subscribe", data={"csrf": csrf_of(client, "/subscribe"),
                                                "email": address})
            answers.append((r.status_code, r.text.count("Check your inbox")))
        assert answers[0] == answers[1] == (200, 2)
        bad = client.post("/subscribe", data={"csrf": csrf_of(client, "/subscribe"),
                                              "email": "not an address"})
        assert bad.status_code == 400 and "not an email address" in bad.text
        forged = client.post("/subscribe", data={"csrf": "forged", "email": "x@example.org"})
        assert forged.status_code == 403


def test_an_accounts_not_interested_stays_out_of_its_digest_only(mail_library, mailbox):
    from paperwire.services.discovery.papers import find_paper
    from paperwire.services.personal import signals
    from tests.readers import make_user, topic_ids

    lib = mail_library
    ivy, jan = make_user(lib, "ivy"), make_user(lib, "jan")
    for user in (ivy, jan):
        sub = lib.mail.set_account_email(user.uid, f"{user.username}@example.org")
        lib.mail.confirm(sub.sid)
    top = find_paper(lib, topic_ids("robots")[0])  # the most upvoted: trending's first
    signals.set_not_interested(lib, ivy, top)
    composed = {c.mail.to_addr: c for c in digest.compose_due(lib, NOW)}
    assert top.pid not in composed["ivy@example.org"].pids
    assert top.pid in composed["jan@example.org"].pids


def test_the_worker_composes_and_sends_on_its_round(mail_library, mailbox):
    import threading

    from paperwire.services.operations.worker import MAIL, jobs_for

    sub = _confirmed(mail_library, "w@example.org")
    # the worker asks the clock: a daily digest from midnight UTC is due at any hour it runs
    mail_library.mail.set_schedule(sub.sid, "daily", 0, "UTC")
    (job,) = [j for j in jobs_for(mail_library) if j.name == MAIL]
    assert job.run(mail_library, threading.Event()) == 1
    assert len(mailbox.to("w@example.org")) == 1
    assert MAIL not in {j.name for j in jobs_for(Library(Settings(db=mail_library.settings.db)))}, \
        "without an SMTP server the worker composes nothing (it would only pile up)"


def test_an_email_only_reader_changes_their_schedule_from_the_mail(site):
    lib = Library(Settings(db=site.db))
    sub = _confirmed(lib, "sched@example.org")
    url = subscriptions.unsubscribe_url(lib, sub, "/email/settings").replace(
        subscriptions.site_url(lib), site.url)
    page = httpx.get(url, timeout=10)
    assert page.status_code == 200 and "sched@example.org" in page.text
    r = httpx.post(url, data={"frequency": "weekly", "hour": "7", "tz": "Europe/Paris"},
                   timeout=10)
    assert r.status_code == 200 and "Saved." in r.text
    now = lib.mail.subscriber(sub.sid)
    assert (now.frequency, now.hour, now.tz) == ("weekly", 7, "Europe/Paris")
    bad = httpx.post(url, data={"frequency": "weekly", "hour": "7", "tz": "Mars/Olympus"},
                     timeout=10)
    assert bad.status_code == 400 and "not a time zone" in bad.text
    forged = httpx.post(url[:-4] + "AAAA", data={"frequency": "daily"}, timeout=10)
    assert forged.status_code == 400
    assert lib.mail.subscriber(sub.sid).frequency == "weekly"
    lib.close()


def test_period_keys_follow_the_readers_time_zone_and_hour():
    from paperwire.store.mail import Subscriber

    tokyo = Subscriber(1, "t@example.org", None, "x", None, None, "daily", 8, "Asia/Tokyo")
    # 23:30 UTC on the 24th is 08:30 on the 25th in Tokyo: the 25th's digest is due
    assert digest.period_of(tokyo, datetime(2026, 11, 24, 23, 30, tzinfo=UTC)) == \
        ("2026-11-25", True)
    assert digest.period_of(tokyo, datetime(2026, 11, 24, 22, 30, tzinfo=UTC)) == \
        ("2026-11-25", False)
    weekly = replace(tokyo, frequency="weekly", tz="UTC")
    assert digest.period_of(weekly, datetime(2026, 11, 23, 7, 0, tzinfo=UTC)) == \
        ("2026-W48", False)  # Monday before 08:00
    assert digest.period_of(weekly, datetime(2026, 11, 26, 7, 0, tzinfo=UTC)) == \
        ("2026-W48", True)


def test_a_mail_claimed_by_a_sender_on_a_lost_host_is_sent_once_its_claim_is_old(
        mail_library, mailbox):
    lib = mail_library
    _confirmed(lib, "waiting@example.org")
    digest.compose_due(lib, NOW)
    now = time.time()
    taken = lib.mail.claim("another-host:4242", now, mailer.holder_is_gone)
    assert taken is not None
    assert mailer.send_due(lib).sent == 0, "a fresh claim from another host is left alone"
    assert mailbox.to("waiting@example.org") == []
    later = lib.mail.claim("this-host:1", now + mailer.CLAIM_LEASE + 1, mailer.holder_is_gone)
    assert later is not None and later.message_id == taken.message_id, \
        "an old claim from another host is taken over, with the same Message-ID"
    lib.mail.mark_retry(later.mid, "handed back to the sender", now)
    assert mailer.send_due(lib).sent == 1
    assert len(mailbox.to("waiting@example.org")) == 1


def test_a_digest_tells_of_replies_in_discussions_the_reader_took_part_in(mail_library):
    from paperwire.services.community import contributions as community
    from paperwire.services.discovery.papers import find_paper
    from tests.readers import make_user, topic_ids

    lib = mail_library
    ivy, jan, kim = (make_user(lib, name) for name in ("ivy", "jan", "kim"))
    for user in (ivy, jan, kim):
        sub = lib.mail.set_account_email(user.uid, f"{user.username}@example.org")
        lib.mail.confirm(sub.sid)
        lib.mail.set_schedule(sub.sid, "daily", 0, "UTC")
    paper, other = (find_paper(lib, i) for i in topic_ids("robots")[:2])
    asked = community.add_comment(lib.site, ivy, paper, "Which gait do they use?")
    community.add_comment(lib.site, jan, paper, "The trot; see figure 3.", reply_to=asked)
    community.add_comment(lib.site, ivy, paper, "Thanks!", reply_to=asked)
    community.add_comment(lib.site, kim, other, "A comment of my own.")

    def replies(day: datetime) -> dict[str, list[tuple[str, str]]]:
        composed = {c.mail.to_addr: c for c in digest.compose_due(lib, day)}
        return {a: [(r.who, r.excerpt) for r in composed[a].replies] if a in composed else []
                for a in ("ivy@example.org", "jan@example.org", "kim@example.org")}, composed

    tomorrow = clock.now() + timedelta(days=1)  # today's replies, in tomorrow's digest
    told, composed = replies(tomorrow)
    assert told == {"ivy@example.org": [("jan", "The trot; see figure 3.")],
                    "jan@example.org": [("ivy", "Thanks!")], "kim@example.org": []}
    mail = composed["ivy@example.org"].mail
    assert "== Replies to your comments ==" in mail.body_text
    assert f"/papers/{paper.paper.key}#comment-{asked + 1}" in mail.body_text
    assert "jan</strong> on" in mail.body_html and paper.paper.title in mail.body_html
    told, _ = replies(tomorrow + timedelta(days=1))
    assert not any(told.values()), "each reply is told once"
