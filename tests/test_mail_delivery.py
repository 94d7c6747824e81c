"""Delivery that neither loses nor doubles: 200 subscribers, three digest runs, an SMTP
server failing on a schedule, and `paperwire digest send` killed (kill -9) at random."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from collections import Counter
from datetime import datetime

from paperwire.config import MailSettings, Settings
from paperwire.services.intake import importing
from paperwire.services.library import Library
from paperwire.services.mail import subscriptions
from tests.readers import topical_papers
from tests.servers import EXE
from tests.smtp import Mailbox
from tests.when import days_ago

# three daily runs at 09:00 UTC, the last of them yesterday's
PERIODS = [days_ago(3 - d) for d in range(3)]
FAULTS = ["busy", "refuse", "drop", "slow", None, None, None, None]


def _subscribers(lib: Library, rng: random.Random) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {"active": [], "unconfirmed": [], "unsubscribed": [],
                                    "rejected": []}
    for n in range(200):
        address = f"reader{n:03d}@example.org"
        sub = lib.mail.add_subscriber(address)
        group = ("unconfirmed" if n < 20 else "unsubscribed" if n < 30
                 else "rejected" if n < 33 else "active")
        if group != "unconfirmed":
            lib.mail.confirm(sub.sid)
        if group == "unsubscribed":
            lib.mail.unsubscribe(sub.sid)
        groups[group].append(address)
    return groups


def _kill_mid_run(run: subprocess.Popen, box: Mailbox, rng: random.Random,
                  while_composing: bool) -> bool:
    """Kill -9 the run within its first second (start-up, composing) or right after the
    server accepted its k-th mail (the window between "accepted" and our record of it).
    Waiting for progress, not for a time, lands the kill on a slow machine and a fast one."""
    if while_composing:
        time.sleep(rng.uniform(0.0, 1.0))
    else:
        target, deadline = len(box.accepted) + rng.randint(1, 20), time.monotonic() + 60
        while len(box.accepted) < target and run.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
    if run.poll() is not None:
        return False
    run.send_signal(signal.SIGKILL)
    return True


def _run_until_settled(db, env, rng: random.Random, at: datetime, lib: Library,
                       box: Mailbox) -> int:
    """Run `digest send` for this moment until its outbox is empty: the first two runs are
    killed mid-delivery, later ones at random; returns how many runs were killed."""
    kills, said = 0, ""
    for _ in range(60):
        run = subprocess.Popen([EXE, "--db", str(db), "digest", "send", "--now", at.isoformat()],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if kills < 2:
            kills += _kill_mid_run(run, box, rng, while_composing=False)
        elif rng.random() < 0.4:
            kills += _kill_mid_run(run, box, rng, while_composing=rng.random() < 0.5)
        said = run.communicate(timeout=120)[0].decode(errors="replace")[-600:]
        counts = lib.mail.outbox_counts()
        if not counts.get("pending") and not counts.get("sending") and run.returncode == 0:
            return kills
        time.sleep(0.3)  # the retries' delay
    unsent = [tuple(r) for r in lib.store.sql.execute(
        "SELECT state, attempts, next_attempt_at, last_error, claimed_by FROM outbox "
        "WHERE state NOT IN ('sent', 'failed') ORDER BY mid LIMIT 3")]
    raise AssertionError(f"the outbox did not settle: {lib.mail.outbox_counts()}; "
                         f"at {time.time():.0f} the first unsent: {unsent}; "
                         f"the last run (exit {run.returncode}) said: {said!r}")


def _what_became_of(lib: Library, sub, box: Mailbox) -> str:
    """A subscriber's outbox rows and what the server saw, for a failure to explain."""
    rows = [tuple(r) for r in lib.store.sql.execute(
        "SELECT mail_key, state, attempts, last_error, claimed_by FROM outbox WHERE sid = ? "
        "ORDER BY mid", (sub.sid,))]
    return (f"{sub.email} (bounced {sub.bounced_at}): outbox {rows}; the server saw "
            f"{box.attempts.get(sub.email, 0)} attempts")


def test_every_confirmed_subscriber_gets_each_digest_exactly_once(db):
    rng = random.Random(8058)
    box = Mailbox()
    lib = Library(Settings(db=db, mail=MailSettings(site_url="http://papers.test")))
    try:
        importing.import_records(lib, topical_papers(PERIODS[0].date()))
        groups = _subscribers(lib, rng)
        box.rejected.update(groups["rejected"])
        env = {**os.environ, **box.env, "PAPERWIRE_SITE_URL": "http://papers.test"}
        kills = 0
        for n, at in enumerate(PERIODS):
            box.once = {a: [rng.choice(FAULTS), rng.choice(FAULTS)] for a in groups["active"]}
            if n == 1:  # the server is down for the first run of the second day
                box.down()
                subprocess.run([EXE, "--db", str(db), "digest", "send", "--now", at.isoformat()],
                               env=env, capture_output=True, timeout=120)
                box.up()
            kills += _run_until_settled(db, env, rng, at, lib, box)

        ids = Counter(m["Message-ID"] for m in box.accepted)
        for address in groups["active"]:
            sub = lib.mail.subscriber_by_email(address)
            expected = {subscriptions.message_id(lib, f"digest:{sub.sid}:{at.date()}")
                        for at in PERIODS}
            got = {m["Message-ID"] for m in box.to(address)}
            assert got == expected, _what_became_of(lib, sub, box)
        for group in ("unconfirmed", "unsubscribed", "rejected"):
            assert not any(box.to(a) for a in groups[group]), group
        for address in groups["rejected"]:
            assert lib.mail.subscriber_by_email(address).bounced_at
        # a resend after a kill between the server's "accepted" and our record of it keeps
        # its Message-ID; there can be no more such resends than kills
        resent = sum(n - 1 for n in ids.values())
        assert resent <= kills, (resent, kills)
        assert kills >= 6, "two kills mid-delivery each day"
        print(f"\n{kills} kills, {resent} resends, {len(box.accepted)} mails accepted")
    finally:
        lib.close()
        box.close()
