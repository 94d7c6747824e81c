"""What stands before every password check (argon2id, 64 MiB and tens of ms of a core each):
cheap refusals first, then a bounded number of hashes at once.

1. per client address, whatever the names: web.signin_per_ip (counted first, so the
   attempts rule 2 refuses spend it too);
2. per client address and name: 5 a minute (ratelimit.RULES["signin"]);
3. all addresses together, for names with no account: web.signin_unknown. A flood of
   made-up names spends this budget and is then refused without hashing, while a name
   that has an account is not counted against it, so its owner still signs in;
4. at most web.password_slots hashes at once. Names with no account (and sign-ups) may
   use all but one slot and never wait; a known name waits up to web.password_wait
   seconds for one. Past that, 503 with Retry-After: the work and its memory stay bounded
   and /healthz keeps its threads. Rules 1 and 3 count a request before it asks for a
   slot, so a 503 spends budget too: on purpose, a flood then runs out of budget and is
   refused by the shield before its form is even read.

Usernames are public here (every user has a page), so telling a known name from an
unknown one under a flood reveals nothing new.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from paperwire.config import WebSettings
from paperwire.web.ratelimit import RateLimited


class Busy(Exception):
    """Every password slot is taken: the site says so (503) rather than queue the work."""

    retry_after = 1

    def __init__(self) -> None:
        super().__init__("the site is busy checking passwords; try again in a moment")


class PasswordGate:
    def __init__(self, web: WebSettings) -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._per_ip = parse(web.signin_per_ip)
        self._unknown = parse(web.signin_unknown)
        self._slots = threading.BoundedSemaphore(web.password_slots)
        self._unknown_slots = threading.BoundedSemaphore(max(1, web.password_slots - 1))
        self._wait = web.password_wait

    def _retry_after(self, rule, *keys: str) -> int:
        reset = self._limiter.get_window_stats(rule, *keys).reset_time
        return max(1, math.ceil(reset - time.time()))

    def _hit(self, rule, *keys: str) -> None:
        if not self._limiter.hit(rule, *keys):
            raise RateLimited(self._retry_after(rule, *keys))

    def admit_address(self, address: str) -> None:
        """Counts a sign-in attempt from this address; RateLimited if it has none left."""
        self._hit(self._per_ip, "password-ip", address)

    def admit_unknown(self) -> None:
        """Counts a check of a name with no account; RateLimited if the site has none left."""
        self._hit(self._unknown, "password-unknown", "all")

    def address_spent(self, address: str) -> int | None:
        """Seconds to wait if this address has no password check left, else None
        (counting nothing: for refusing early, before the form is read)."""
        if self._limiter.test(self._per_ip, "password-ip", address):
            return None
        return self._retry_after(self._per_ip, "password-ip", address)

    def unknown_spent(self) -> int | None:
        """Seconds to wait if names without an account have no check left, else None."""
        if self._limiter.test(self._unknown, "password-unknown", "all"):
            return None
        return self._retry_after(self._unknown, "password-unknown", "all")

    @contextmanager
    def slot(self, known: bool) -> Iterator[None]:
        """Holds one of the password slots while hashing; Busy if none comes free."""
        if not known and not self._unknown_slots.acquire(blocking=False):
            raise Busy
        try:
            got = (self._slots.acquire(timeout=self._wait) if known
                   else self._slots.acquire(blocking=False))
            if not got:
                raise Busy
            try:
                yield
            finally:
                self._slots.release()
        finally:
            if not known:
                self._unknown_slots.release()
