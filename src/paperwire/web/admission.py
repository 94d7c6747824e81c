"""Load shedding: a process works on at most web.threads requests at once; the others wait
in line, at most web.queue of them and for at most web.queue_wait seconds each. Past either,
a request is answered 503 with Retry-After, for next to nothing, instead of waiting until
its client gives up.

Why (issue 22): the routes are synchronous and run in threads, and Python runs one thread at
a time. With anyio's 40 threads each process took on every connection at once; every request
then waited its turn for the interpreter behind all the others, over and over (each SQLite
call gives it up and queues for it again), so under 64 connections every answer came late
and throughput fell instead of levelling off. A few requests at once keep both cores busy
(SQLite and numpy work outside the interpreter lock); the rest wait their turn in order.

A request refused because the line is full is answered only after REFUSAL_HOLD seconds (the
second its Retry-After names), asleep on the event loop, holding no slot and next to no
memory. Answered at once, a client that asks again at once (a script's retry loop, a load
tester) spun the server on refusals: at 256 connections the kernel hands one process more
connections than its line holds, and those few spun through 6,500 refusals a second, half
the cores, so the pages served fell by half (benchmarks/RESULTS.md, "Many readers at once").

/healthz and static files are not counted: the first has threads of its own, the others are
served by the event loop without a thread."""

from __future__ import annotations

import anyio

EXEMPT = ("/healthz", "/static/")
RETRY_AFTER = b"1"
REFUSAL_HOLD = 1.0
BUSY = b"This server is busy. Please try again in a moment.\n"


class Admission:
    """Pure ASGI middleware: a few requests at work, a bounded line, and 503 past it."""

    def __init__(self, app, threads: int, queue: int, queue_wait: float,
                 refusal_hold: float = REFUSAL_HOLD) -> None:
        self.app, self.threads, self.queue, self.queue_wait = app, threads, queue, queue_wait
        self.refusal_hold = refusal_hold
        self.waiting = 0
        self._slots: anyio.Semaphore | None = None  # made in the server's event loop

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(EXEMPT):
            await self.app(scope, receive, send)
            return
        if self._slots is None:
            self._slots = anyio.Semaphore(self.threads)
        if self.waiting >= self.queue and self._slots.value == 0:  # the line is full
            await anyio.sleep(self.refusal_hold)
            await _busy(scope, send)
            return
        if not await self._admitted():
            await _busy(scope, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self._slots.release()

    async def _admitted(self) -> bool:
        """A slot within queue_wait seconds, or False."""
        self.waiting += 1
        try:
            with anyio.move_on_after(self.queue_wait):
                await self._slots.acquire()
                return True
            return False
        finally:
            self.waiting -= 1


async def _busy(scope, send) -> None:
    is_api = scope["path"].startswith("/api/")
    body = (b'{"error": "this server is busy; try again in a moment", "status": 503}'
            if is_api else BUSY)
    await send({"type": "http.response.start", "status": 503, "headers": [
        (b"content-type", b"application/json" if is_api else b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()), (b"retry-after", RETRY_AFTER),
        (b"cache-control", b"no-store")]})
    await send({"type": "http.response.body", "body": body})
