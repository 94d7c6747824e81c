"""Before the sign-in route: a sign-in that the password gate (signin_guard) would refuse
anyway is refused here, at once, without the route's work (routing, form parsing, CSRF,
a rendered page). Under a flood that work, not argon2, is what the server spends its
time on, and /healthz waits behind it; here a refusal costs a fraction of it.

Refused early: an address with no password check left, and, once the site-wide budget for
names without an account is spent, such a name (read from the urlencoded form, looked up
in a thread). Everything else goes on to the route, which counts and checks as before.

A refusal, the shield's or the route's 429, is answered only after `refusal_delay` (a
tarpit): a flood's connections then each send one request a second instead of as many as
the server can refuse, so the refusals cost the site a sleeping task each, not its cores,
and /healthz and readers keep them. The shield sits outside Admission, so a held refusal
takes none of its work slots.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from anyio import CapacityLimiter, sleep, to_thread

from paperwire.services.community import accounts

FORM = b"application/x-www-form-urlencoded"
_LOOKUPS = CapacityLimiter(4)  # threads for the name lookups, apart from the routes' pool


async def _body(receive) -> tuple[bytes, list[dict]]:
    """The whole body (BodyLimit, outside, bounds it) and the messages that carried it."""
    messages, chunks = [], []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    return b"".join(chunks), messages


def _username(body: bytes) -> str | None:
    """The form's username, or None for a form this shield leaves to the route."""
    try:
        fields = parse_qs(body.decode("utf-8", "replace"), max_num_fields=20)
    except ValueError:
        return None
    return fields.get("username", [""])[0]


def _replaying(messages: list[dict], receive):
    async def replay() -> dict:
        return messages.pop(0) if messages else await receive()

    return replay


def _holding_refusals(send, held: list[dict]):
    """Passes the route's answer on, except a 429 (its per-name limit), which is kept in
    `held` to be sent after the delay, once the route is done and its work slot free."""
    async def send_or_hold(message: dict) -> None:
        if held or (message["type"] == "http.response.start" and message["status"] == 429):
            held.append(message)
        else:
            await send(message)

    return send_or_hold


async def _too_many(send, retry_after: int) -> None:
    body = f"too many sign-in attempts; try again in {retry_after} s".encode()
    await send({"type": "http.response.start", "status": 429, "headers": [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"retry-after", str(retry_after).encode()),
        (b"content-length", str(len(body)).encode()), (b"cache-control", b"no-store")]})
    await send({"type": "http.response.body", "body": body})


class SigninShield:
    """Pure ASGI middleware, inside BodyLimit (a bounded body) and the security headers,
    outside Admission."""

    def __init__(self, app, refusal_delay: float) -> None:
        self.app, self.refusal_delay = app, refusal_delay

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != "/signin":
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        gate = state.password_gate
        wait = gate.address_spent(scope["client"][0] if scope.get("client") else "?")
        if wait is None and gate.unknown_spent() is not None \
                and dict(scope["headers"]).get(b"content-type", b"").startswith(FORM):
            body, messages = await _body(receive)
            receive = _replaying(messages, receive)
            if (name := _username(body)) is not None:
                known = await to_thread.run_sync(accounts.has_account, state.library.site,
                                                 name, limiter=_LOOKUPS)
                wait = None if known else gate.unknown_spent()
        if wait is not None:
            await sleep(self.refusal_delay)
            await _too_many(send, wait)
            return
        held: list[dict] = []
        await self.app(scope, receive, _holding_refusals(send, held))
        if held:
            await sleep(self.refusal_delay)
            for message in held:
                await send(message)
