"""Signed links for mail: confirm an address, unsubscribe, not interested. Each names its
purpose and what it acts on, and expires; the secret is the store's, shared by every
server on it (never in the repo)."""

from __future__ import annotations

import time

from itsdangerous import BadSignature, URLSafeSerializer

CONFIRM_SECONDS = 3 * 86400
UNSUBSCRIBE_SECONDS = 400 * 86400  # a digest in an old mail still unsubscribes in a year
DISMISS_SECONDS = 90 * 86400


class BadToken(ValueError):
    """A link that is forged, mangled, for something else, or expired; says which."""


def _serializer(library, purpose: str) -> URLSafeSerializer:
    return URLSafeSerializer(library.mail.secret("mail-links"), salt=purpose)


def make(library, purpose: str, data: dict, seconds: float, now: float | None = None) -> str:
    expires = int((now if now is not None else time.time()) + seconds)
    return _serializer(library, purpose).dumps({**data, "exp": expires})


def read(library, purpose: str, token: str) -> dict:
    if not token or len(token) > 1000:
        raise BadToken("this link is incomplete; copy the whole link from the mail")
    try:
        data = _serializer(library, purpose).loads(token)
    except BadSignature:
        raise BadToken("this link is not valid; it may have been cut or changed") from None
    if not isinstance(data, dict) or data.get("exp", 0) < time.time():
        raise BadToken("this link has expired; ask for a new one") from None
    return data
