"""Subscribers and the outbox. Runs on the papers store's database (store/sql.py).

An outbox row moves pending → sending → sent (or failed, or back to pending to retry);
the claim is one UPDATE, so two senders never take the same row.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass


class AddressTaken(ValueError):
    """Another account already uses this address."""


@dataclass(frozen=True)
class Subscriber:
    sid: int
    email: str
    uid: int | None
    confirmed_at: str | None
    unsubscribed_at: str | None
    bounced_at: str | None
    frequency: str
    hour: int
    tz: str

    @property
    def active(self) -> bool:
        """Confirmed, not unsubscribed, not bounced: the only addresses digests go to."""
        return bool(self.confirmed_at) and not self.unsubscribed_at and not self.bounced_at


@dataclass(frozen=True)
class Mail:
    mid: int
    mail_key: str
    sid: int
    kind: str
    message_id: str
    to_addr: str
    subject: str
    body_text: str
    body_html: str
    unsubscribe_url: str | None
    state: str
    attempts: int


_SUBSCRIBER = ("SELECT sid, email, uid, confirmed_at, unsubscribed_at, bounced_at, frequency, "
               "hour, tz FROM subscribers")
_MAIL = ("SELECT mid, mail_key, sid, kind, message_id, to_addr, subject, body_text, body_html, "
         "unsubscribe_url, state, attempts FROM outbox")


def _subscriber(row) -> Subscriber | None:
    return Subscriber(*row) if row else None


class MailStore:
    def __init__(self, papers) -> None:
        self.papers = papers
        self.db = papers.sql

    # -- subscribers ----------------------------------------------------------------------

    def subscriber(self, sid: int) -> Subscriber | None:
        return _subscriber(self.db.execute(f"{_SUBSCRIBER} WHERE sid = ?", (sid,)).fetchone())

    def subscriber_by_email(self, email: str) -> Subscriber | None:
        return _subscriber(self.db.execute(f"{_SUBSCRIBER} WHERE lower(email) = lower(?)",
                                           (email,)).fetchone())

    def subscriber_of(self, uid: int) -> Subscriber | None:
        return _subscriber(self.db.execute(f"{_SUBSCRIBER} WHERE uid = ?", (uid,)).fetchone())

    def add_subscriber(self, email: str) -> Subscriber:
        """The address's row, made unconfirmed if it is new."""
        self.db.execute("INSERT INTO subscribers (email) VALUES (?) ON CONFLICT DO NOTHING",
                        (email,))
        return self.subscriber_by_email(email)  # type: ignore[return-value]

    def set_account_email(self, uid: int, email: str) -> Subscriber:
        """Give an account this address; a new address is unconfirmed until confirmed."""
        def work(db) -> None:
            db.lock("subscribers")
            owner = db.execute("SELECT sid, uid FROM subscribers WHERE lower(email) = lower(?)",
                               (email,)).fetchone()
            if owner and owner[1] is not None and owner[1] != uid:
                raise AddressTaken(email)
            current = db.execute("SELECT sid, email FROM subscribers WHERE uid = ?",
                                 (uid,)).fetchone()
            if current and current[1].lower() == email.lower():
                return
            if current:
                db.execute("DELETE FROM subscribers WHERE sid = ?", (current[0],))
            if owner:  # an email-only subscription of the same address joins the account
                db.execute("UPDATE subscribers SET uid = ? WHERE sid = ?", (uid, owner[0]))
            else:
                db.execute("INSERT INTO subscribers (email, uid) VALUES (?, ?)", (email, uid))

        self.db.transaction(work)
        return self.subscriber_of(uid)  # type: ignore[return-value]

    def confirm(self, sid: int) -> None:
        self.db.execute(f"UPDATE subscribers SET confirmed_at = coalesce(confirmed_at, "
                        f"{self.db.now}), unsubscribed_at = NULL WHERE sid = ?", (sid,))

    def unsubscribe(self, sid: int) -> None:
        self.db.execute(f"UPDATE subscribers SET unsubscribed_at = coalesce(unsubscribed_at, "
                        f"{self.db.now}) WHERE sid = ?", (sid,))
        self.db.execute("UPDATE outbox SET state = 'cancelled' WHERE sid = ? AND kind = "
                        "'digest' AND state = 'pending'", (sid,))

    def resubscribe(self, sid: int) -> None:
        self.db.execute("UPDATE subscribers SET unsubscribed_at = NULL WHERE sid = ?", (sid,))

    def set_schedule(self, sid: int, frequency: str, hour: int, tz: str) -> None:
        self.db.execute("UPDATE subscribers SET frequency = ?, hour = ?, tz = ? WHERE sid = ?",
                        (frequency, hour, tz, sid))

    def mark_bounced(self, sid: int, reason: str) -> None:
        self.db.execute(f"UPDATE subscribers SET bounced_at = {self.db.now}, bounce_reason = ? "
                        "WHERE sid = ?", (reason[:500], sid))

    def active_subscribers(self) -> list[Subscriber]:
        return [Subscriber(*r) for r in self.db.execute(
            f"{_SUBSCRIBER} WHERE confirmed_at IS NOT NULL AND unsubscribed_at IS NULL AND "
            "bounced_at IS NULL ORDER BY sid")]

    def mailed(self, sid: int) -> set[int]:
        return {r[0] for r in self.db.execute("SELECT pid FROM mailed WHERE sid = ?", (sid,))}

    def dismiss_for(self, sid: int, pid: int) -> None:
        self.db.execute("INSERT INTO subscriber_dismissals (sid, pid) VALUES (?, ?) "
                        "ON CONFLICT DO NOTHING",
                        (sid, pid))

    def dismissed_for(self, sid: int) -> set[int]:
        return {r[0] for r in self.db.execute(
            "SELECT pid FROM subscriber_dismissals WHERE sid = ?", (sid,))}

    # -- the outbox ------------------------------------------------------------------------

    def has_mail(self, mail_key: str) -> bool:
        return self.db.execute("SELECT 1 FROM outbox WHERE mail_key = ?",
                               (mail_key,)).fetchone() is not None

    def enqueue(self, mail: Mail, pids: list[int], uid: int | None) -> bool:
        """Put a composed mail in the outbox with the papers it shows (mailed, and seen by
        the account), in one transaction; False when this mail_key was composed before."""
        added: list[bool] = []

        def work(db) -> None:
            cur = db.execute(
                "INSERT INTO outbox (mail_key, sid, kind, message_id, to_addr, subject, "
                "body_text, body_html, unsubscribe_url) VALUES (?,?,?,?,?,?,?,?,?) "
                "ON CONFLICT DO NOTHING",
                (mail.mail_key, mail.sid, mail.kind, mail.message_id, mail.to_addr,
                 mail.subject, mail.body_text, mail.body_html, mail.unsubscribe_url))
            added.append(cur.rowcount == 1)
            if not added[0]:
                return
            db.executemany("INSERT INTO mailed (sid, pid) VALUES (?, ?) ON CONFLICT DO NOTHING",
                           [(mail.sid, pid) for pid in pids])
            if uid is not None:
                db.executemany("INSERT INTO seen (uid, pid) VALUES (?, ?) ON CONFLICT DO NOTHING",
                               [(uid, pid) for pid in pids])

        self.db.transaction(work)
        return added[0]

    def claim(self, holder: str, now: float, holder_is_gone, mid: int | None = None,
              lease: float = 900.0) -> Mail | None:
        """Take the next mail due (or this one): pending and due, or left 'sending' by a
        process that is gone or whose claim is older than the lease (a sender on another
        host cannot be asked whether it lives). Marked 'sending' by this holder, its lease
        running from now, before it is returned."""
        taken: list[Mail | None] = []

        def work(db) -> None:
            db.lock("outbox")
            only = " AND mid = ?" if mid is not None else ""
            rows = db.execute(
                f"{_MAIL} WHERE ((state = 'pending' AND next_attempt_at <= ?) OR "
                f"state = 'sending'){only} ORDER BY next_attempt_at, mid LIMIT 50",
                (now, *(() if mid is None else (mid,)))).fetchall()
            claims = {mid: (by, until) for mid, by, until in db.execute(
                "SELECT mid, claimed_by, next_attempt_at FROM outbox WHERE state = 'sending'")}
            for row in rows:
                mail = Mail(*row)
                if mail.state == "sending":
                    claimed_by, lease_ends = claims.get(mail.mid, (None, 0.0))
                    if lease_ends > now and not holder_is_gone(claimed_by):
                        continue
                db.execute("UPDATE outbox SET state = 'sending', claimed_by = ?, "
                           "attempts = attempts + 1, next_attempt_at = ? WHERE mid = ?",
                           (holder, now + lease, mail.mid))
                taken.append(mail)
                return
            taken.append(None)

        self.db.transaction(work)
        return taken[0]

    def mark_sent(self, mid: int) -> None:
        self.db.execute(f"UPDATE outbox SET state = 'sent', sent_at = {self.db.now}, "
                        "claimed_by = NULL, last_error = NULL WHERE mid = ?", (mid,))

    def mark_retry(self, mid: int, error: str, at: float) -> None:
        self.db.execute("UPDATE outbox SET state = 'pending', next_attempt_at = ?, "
                        "last_error = ?, claimed_by = NULL WHERE mid = ?", (at, error[:500], mid))

    def mark_failed(self, mid: int, error: str) -> None:
        self.db.execute("UPDATE outbox SET state = 'failed', last_error = ?, claimed_by = NULL "
                        "WHERE mid = ?", (error[:500], mid))

    def cancel_for(self, sid: int) -> None:
        self.db.execute("UPDATE outbox SET state = 'cancelled', claimed_by = NULL WHERE sid = ? "
                        "AND state IN ('pending', 'sending')", (sid,))

    def outbox_counts(self) -> dict[str, int]:
        return dict(self.db.execute("SELECT state, count(*) FROM outbox GROUP BY state"))

    def next_retry_at(self) -> float | None:
        row = self.db.execute("SELECT min(next_attempt_at) FROM outbox WHERE state = "
                              "'pending'").fetchone()
        return row[0]

    def mail_id(self, mail_key: str) -> int | None:
        row = self.db.execute("SELECT mid FROM outbox WHERE mail_key = ?",
                              (mail_key,)).fetchone()
        return row[0] if row else None

    def mail(self, mid: int) -> Mail | None:
        row = self.db.execute(f"{_MAIL} WHERE mid = ?", (mid,)).fetchone()
        return Mail(*row) if row else None

    # -- the site's signing secret --------------------------------------------------------

    def secret(self, name: str) -> str:
        """A random secret made on first use and kept in the store (never in the repo)."""
        self.db.execute("INSERT INTO site_secrets (name, value) VALUES (?, ?) "
                        "ON CONFLICT DO NOTHING",
                        (name, secrets.token_urlsafe(48)))
        return self.db.execute("SELECT value FROM site_secrets WHERE name = ?",
                               (name,)).fetchone()[0]

    def remember(self, name: str, value: str) -> None:
        """A small named value of the site, kept beside its secrets (the address it was
        last reached at, for the links in mail sent when no request is there)."""
        self.db.execute("INSERT INTO site_secrets (name, value) VALUES (?, ?) "
                        "ON CONFLICT (name) DO UPDATE SET value = excluded.value", (name, value))

    def recalled(self, name: str) -> str | None:
        row = self.db.execute("SELECT value FROM site_secrets WHERE name = ?",
                              (name,)).fetchone()
        return row[0] if row else None
