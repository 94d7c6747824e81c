"""A polite HTTP client for the harvesters: paced, identified, retried.

Pacing is not this module's: the caller hands in a `Pacer` that books the next free moment
for a service (the store keeps that moment, so every process sharing the store takes turns).
Transient failures (time-outs, resets, 5xx, 429, a page cut short) are retried with
exponential backoff and jitter by tenacity; a `Retry-After` is honoured through the pacer.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Protocol

import httpx
import tenacity

from paperwire import __version__


class Pacer(Protocol):
    def reserve(self, service: str, interval: float) -> float:
        """Take the turn to call the service if it is free and return 0, or return the
        seconds until it is, taking nothing. A turn is taken at the moment of sending, not
        booked ahead: a process that wakes late then delays the next one instead of
        sending closer to it."""
        ...

    def push_back(self, service: str, until: float) -> None:
        """No request to the service before this time (epoch seconds)."""
        ...


class LocalPacer:
    """Pacing within one process, for callers without a store."""

    def __init__(self) -> None:
        self._next: dict[str, float] = {}

    def reserve(self, service: str, interval: float) -> float:
        now = time.time()
        free_at = self._next.get(service, 0.0)
        if free_at > now:
            return free_at - now
        self._next[service] = now + interval
        return 0.0

    def push_back(self, service: str, until: float) -> None:
        self._next[service] = max(self._next.get(service, 0.0), until)


class Transient(Exception):
    """A failure worth another try."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Unreachable(Exception):
    """The service did not answer usefully, after every try."""


@dataclass(frozen=True)
class Politeness:
    interval: float = 3.0  # seconds between requests to one service, across processes
    attempts: int = 5
    backoff: float = 2.0  # first retry after about this many seconds, doubling
    backoff_max: float = 120.0
    timeout: float = 30.0
    contact: str = ""  # an address the service can write to about this harvester

    @property
    def user_agent(self) -> str:
        contact = f"; mailto:{self.contact}" if self.contact else ""
        return f"paperwire/{__version__} (self-hosted paper discovery{contact})"


def _retry_after(header: str | None) -> float | None:
    if not header:
        return None
    if header.strip().isdigit():
        return float(header.strip())
    try:
        return max(0.0, parsedate_to_datetime(header).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


class PoliteClient:
    def __init__(self, service: str, pacer: Pacer, politeness: Politeness,
                 sleep: Callable[[float], object] = time.sleep) -> None:
        self.service, self.pacer, self.politeness, self.sleep = service, pacer, politeness, sleep
        self.http = httpx.Client(timeout=politeness.timeout, follow_redirects=True,
                                 headers={"User-Agent": politeness.user_agent})

    def close(self) -> None:
        self.http.close()

    def get(self, url: str, params: dict[str, str] | None = None,
            check: Callable[[bytes], None] | None = None, ok_statuses: tuple[int, ...] = (200,)
            ) -> tuple[int, bytes]:
        """(status, body) of a GET, after as many tries as it takes and is allowed. `check`
        raises Transient for a body that is not whole (a page cut short)."""
        p = self.politeness
        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(p.attempts),
            wait=tenacity.wait_exponential_jitter(multiplier=p.backoff, max=p.backoff_max,
                                                  jitter=p.backoff),
            retry=tenacity.retry_if_exception_type(Transient), sleep=self.sleep, reraise=True)
        try:
            return retrying(self._once, url, params, check, ok_statuses)
        except Transient as e:
            tries = "once" if p.attempts == 1 else f"{p.attempts} times"
            raise Unreachable(f"{self.service} could not be reached (tried {tries}; "
                              f"last: {e})") from e

    def _once(self, url: str, params: dict[str, str] | None,
              check: Callable[[bytes], None] | None, ok_statuses: tuple[int, ...]
              ) -> tuple[int, bytes]:
        while (wait := self.pacer.reserve(self.service, self.politeness.interval)) > 0:
            self.sleep(wait)
        try:
            response = self.http.get(url, params=params)
        except httpx.TimeoutException as e:
            raise Transient(f"timed out after {self.politeness.timeout:g} s") from e
        except httpx.TransportError as e:
            raise Transient(f"connection failed: {type(e).__name__}") from e
        status = response.status_code
        if status == 429 or status >= 500:
            wait = _retry_after(response.headers.get("Retry-After"))
            if wait is not None:
                self.pacer.push_back(self.service, time.time() + wait)
            raise Transient(f"HTTP {status}" + (f", Retry-After {wait:g} s" if wait else ""),
                            wait)
        if status not in ok_statuses:
            raise Unreachable(f"{self.service} answered HTTP {status} for {response.url}")
        if check is not None:
            check(response.content)
        return status, response.content
