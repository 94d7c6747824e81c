"""A real SMTP server for the tests (aiosmtpd on 127.0.0.1): it keeps what it accepts and
plays faults on command, per address: refuse (421 at RCPT), busy (451 after DATA),
reject (550 at RCPT, for good), drop (the connection closes after DATA, nothing accepted),
slow (accepts after a pause); and it can be down (connections refused)."""

from __future__ import annotations

import asyncio
import email
import threading
from email import policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.servers import free_port


class Mailbox:
    def __init__(self) -> None:
        self.port = free_port()
        self.accepted: list[EmailMessage] = []
        self.once: dict[str, list[str]] = {}  # address → faults for its next deliveries
        self.rejected: set[str] = set()  # 550 for good
        self.attempts: dict[str, int] = {}
        self._lock = threading.Lock()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    @property
    def env(self) -> dict[str, str]:
        return {"PAPERWIRE_SMTP_HOST": "127.0.0.1", "PAPERWIRE_SMTP_PORT": str(self.port),
                "PAPERWIRE_SMTP_SECURITY": "none", "PAPERWIRE_MAIL_PER_MINUTE": "100000",
                "PAPERWIRE_MAIL_RETRY_SECONDS": "0.2", "PAPERWIRE_SMTP_TIMEOUT": "5"}

    def _next_fault(self, address: str) -> str | None:
        with self._lock:
            queue = self.once.get(address.lower())
            return queue.pop(0) if queue else None

    # -- aiosmtpd's handler hooks -----------------------------------------------------------

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        address = address.lower()
        self.attempts[address] = self.attempts.get(address, 0) + 1
        if address in self.rejected:
            return "550 5.1.1 no such mailbox"
        fault = self._next_fault(address)
        if fault == "refuse":
            return "421 4.3.2 try again later"
        envelope.rcpt_tos.append(address)
        envelope.fault = fault
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        fault = getattr(envelope, "fault", None)
        if fault == "busy":
            return "451 4.3.0 busy, try again"
        if fault == "drop":
            server.transport.close()  # no reply: the message was never accepted
            return "421 closing"
        if fault == "slow":
            await asyncio.sleep(0.3)
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.accepted.append(message)  # type: ignore[arg-type]
        return "250 2.0.0 accepted"

    # -- what the tests read ------------------------------------------------------------------

    def to(self, address: str) -> list[EmailMessage]:
        with self._lock:
            return [m for m in self.accepted if m["To"].lower() == address.lower()]

    def down(self) -> None:
        self.controller.stop()

    def up(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def close(self) -> None:
        self.controller.stop()


def text_of(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def html_of(message: EmailMessage) -> str:
    return message.get_body(("html",)).get_content()  # type: ignore[union-attr]
