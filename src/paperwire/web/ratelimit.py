"""Rate limits on sign-in, sign-up and every write: 429 with Retry-After past them."""

from __future__ import annotations

import math
import time

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

RULES = {
    "signin": parse("5/minute"),
    "signup": parse("5/hour"),
    "vote": parse("60/minute"),
    "comment": parse("10/minute"),
    "submit": parse("10/minute"),
    "collection": parse("30/minute"),
    "subscribe": parse("5/hour"),  # each may send a mail to someone else's address
    "reset": parse("5/hour"),  # so may a password reset
    "token": parse("10/hour"),
}


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many requests; try again in {retry_after} s")
        self.retry_after = retry_after


class RateLimits:
    def __init__(self) -> None:
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    def hit(self, action: str, key: str) -> None:
        rule = RULES[action]
        if not self.limiter.hit(rule, action, key):
            reset = self.limiter.get_window_stats(rule, action, key).reset_time
            raise RateLimited(max(1, math.ceil(reset - time.time())))
