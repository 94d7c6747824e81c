"""Waiting on a condition, never on the clock: a loaded 2-core box is slow, not this slow."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

# seconds a test waits for something that should happen "soon" (a server up, a mail in,
# a harvested paper on every web worker) before calling it a failure
PATIENCE = float(os.environ.get("PAPERWIRE_TEST_PATIENCE", "180"))


def wait_until(check: Callable[[], T], what: str, within: float = PATIENCE,
               every: float = 0.1) -> T:
    """Poll `check` until it returns something truthy, and return that."""
    deadline = time.monotonic() + within
    while True:
        if found := check():
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} (waited {within:g} s)")
        time.sleep(every)
