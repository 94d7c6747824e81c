"""Sending the outbox over SMTP: never lost, never doubled.

Each mail is claimed (state 'sending', by this process) in one transaction before the SMTP
conversation and marked 'sent' right after the server accepts it. A crash in between leaves
it 'sending'; the next sender sees its claimant gone (a process on this host that no longer
exists, or a claim older than CLAIM_LEASE from any host) and sends it again with the same
Message-ID, so the receiving side sees one mail (docs/design.md, "Mail"). Temporary
failures (4xx, refused or dropped connections, timeouts) retry with doubling delays;
permanent ones (5xx for the recipient or the message) mark the address bounced, and it is
never mailed again.
"""

from __future__ import annotations

import smtplib
import ssl
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate

from paperwire.config import MailSettings
from paperwire.services.holders import holder_is_gone, holder_name
from paperwire.store.mail import Mail

# One send takes a few SMTP round trips of at most [mail] timeout each: a claim this old
# is a sender that died, even one on another host that cannot be asked.
CLAIM_LEASE = 900.0


class Temporary(Exception):
    pass


class Permanent(Exception):
    pass


class SetupError(Exception):
    """Our side is wrong (sign-in refused, sender refused): stop, mark nothing bounced."""


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    cancelled: int = 0
    error: str | None = None

    def summary(self) -> str:
        text = (f"{self.sent} sent, {self.retrying} to retry, {self.failed} failed for good, "
                f"{self.cancelled} cancelled")
        return text + (f"; stopped: {self.error}" if self.error else "")


def build_message(mail: Mail, sender: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = mail.to_addr
    msg["Subject"] = mail.subject
    msg["Message-ID"] = mail.message_id
    msg["Date"] = formatdate(localtime=False)
    if mail.unsubscribe_url:  # RFC 8058: one click, a POST to this address
        msg["List-Unsubscribe"] = f"<{mail.unsubscribe_url}>"
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg.set_content(mail.body_text)
    msg.add_alternative(mail.body_html, subtype="html")
    return msg


class Connection:
    """One SMTP session, opened when first needed and reopened after a failure."""

    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None

    def _open(self) -> smtplib.SMTP:
        s = self.settings
        if s.security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, timeout=s.timeout,
                                                  context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.timeout)
            if s.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
        if s.smtp_user:
            try:
                smtp.login(s.smtp_user, s.smtp_password)
            except smtplib.SMTPAuthenticationError as e:
                raise SetupError(f"the SMTP server refused the sign-in: {e.smtp_code}") from e
        return smtp

    def send(self, msg: EmailMessage) -> None:
        try:
            if self.smtp is None:
                self.smtp = self._open()
            self.smtp.send_message(msg)
        except smtplib.SMTPRecipientsRefused as e:
            code, text = next(iter(e.recipients.values()))
            self._raise(code, text)
        except smtplib.SMTPSenderRefused as e:
            self.close()
            if e.smtp_code >= 500:
                raise SetupError(f"the SMTP server refused the sender: {e.smtp_error!r}") from e
            raise Temporary(f"{e.smtp_code} {e.smtp_error!r}") from e
        except smtplib.SMTPResponseException as e:
            self._raise(e.smtp_code, e.smtp_error)
        except (TimeoutError, smtplib.SMTPException, OSError) as e:
            self.close()
            raise Temporary(f"{type(e).__name__}: {e}") from e

    def _raise(self, code: int, text) -> None:
        message = f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
        if code >= 500:
            self._reset()
            raise Permanent(message)
        self.close()
        raise Temporary(message)

    def _reset(self) -> None:
        try:
            if self.smtp is not None:
                self.smtp.rset()
        except (smtplib.SMTPException, OSError):
            self.close()

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()
            self.smtp = None


def send_due(library, stop: threading.Event | None = None, only: int | None = None
             ) -> SendReport:
    """Send every mail that is due (or only that one); returns what happened."""
    settings: MailSettings = library.settings.mail
    report = SendReport()
    if not settings.can_send:
        report.error = "no SMTP server is configured ([mail] smtp_host)"
        return report
    store, holder = library.mail, holder_name()
    gap, last = 60.0 / max(1, settings.per_minute), 0.0
    connection = Connection(settings)
    try:
        while not (stop and stop.is_set()):
            mail = store.claim(holder, time.time(), holder_is_gone, only,
                               lease=CLAIM_LEASE)
            if mail is None:
                break
            sub = store.subscriber(mail.sid)
            if sub is None or sub.bounced_at or (mail.kind == "digest" and not sub.active):
                if sub is not None:
                    store.cancel_for(mail.sid)
                report.cancelled += 1
                continue
            time.sleep(max(0.0, last + gap - time.monotonic()))
            last = time.monotonic()
            try:
                connection.send(build_message(mail, settings.sender))
            except Temporary as e:
                _retry_later(store, mail, str(e), settings, report)
                continue
            except Permanent as e:
                store.mark_failed(mail.mid, str(e))
                store.mark_bounced(mail.sid, str(e))
                report.failed += 1
                continue
            except SetupError as e:
                store.mark_retry(mail.mid, str(e), time.time() + settings.retry_seconds)
                report.error = str(e)
                break
            store.mark_sent(mail.mid)
            report.sent += 1
    finally:
        connection.close()
    return report


def _retry_later(store, mail: Mail, error: str, settings: MailSettings,
                 report: SendReport) -> None:
    attempts = mail.attempts + 1  # the claim counted this one
    if attempts >= settings.max_attempts:
        store.mark_failed(mail.mid, f"gave up after {attempts} attempts: {error}")
        report.failed += 1
        return
    delay = settings.retry_seconds * 2 ** (attempts - 1)
    store.mark_retry(mail.mid, error, time.time() + delay)
    report.retrying += 1
