"""Accounts, sessions and API tokens: argon2id password hashes; session and API tokens are
random and stored only as their SHA-256."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from paperwire import clock
from paperwire.store.site import ApiToken, NameTaken, SiteStore, User

SESSION_DAYS = 30
SEEN_EVERY_SECONDS = 3600  # how finely a session's last use is kept
USERNAME = re.compile(r"[A-Za-z0-9_-]{3,32}")
MIN_PASSWORD, MAX_PASSWORD = 8, 256
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
_DUMMY_HASH = _hasher.hash("timing equaliser for unknown users")


class AccountError(ValueError):
    """A request about an account that cannot be granted; the message is for the user."""


def _check_password(password: str) -> None:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise AccountError(f"a password needs {MIN_PASSWORD} to {MAX_PASSWORD} characters")


def sign_up(site: SiteStore, username: str, password: str) -> User:
    if not USERNAME.fullmatch(username):
        raise AccountError("a username is 3 to 32 letters, digits, - or _")
    _check_password(password)
    try:
        return site.create_user(username, _hasher.hash(password))
    except NameTaken:
        raise AccountError(f"the username {username!r} is taken") from None


def has_account(site: SiteStore, username: str) -> bool:
    """Whether a name is some account's (cheap: no hashing); user pages show it anyway."""
    return bool(USERNAME.fullmatch(username)) and site.user_by_name(username) is not None


def sign_in(site: SiteStore, username: str, password: str) -> User | None:
    user = site.user_by_name(username) if USERNAME.fullmatch(username) else None
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        site.set_password(user.uid, _hasher.hash(password))
    return user


def change_password(site: SiteStore, user: User, old: str, new: str) -> None:
    if sign_in(site, user.username, old) is None:
        raise AccountError("the current password is not right")
    set_password(site, user, new)


def set_password(site: SiteStore, user: User, new: str) -> None:
    """A new password (changed, reset or set by an admin): every device signs in again."""
    _check_password(new)
    site.set_password(user.uid, _hasher.hash(new))
    site.delete_sessions_of(user.uid)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_session(site: SiteStore, user: User) -> str:
    """A fresh session token for the cookie; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    expires = clock.stamp(clock.now() + timedelta(days=SESSION_DAYS))
    site.create_session(_token_hash(token), user.uid, secrets.token_urlsafe(32), expires)
    return token


def session_for(site: SiteStore, token: str | None) -> tuple[User, str] | None:
    """(user, CSRF token) for a live session cookie."""
    if not token or len(token) > 100:
        return None
    now = clock.now()
    return site.session(_token_hash(token), clock.stamp(now),
                        clock.stamp(now - timedelta(seconds=SEEN_EVERY_SECONDS)))


def sign_out(site: SiteStore, token: str | None) -> None:
    if token:
        site.delete_session(_token_hash(token))


API_TOKEN_PREFIX = "pw_"
MAX_API_TOKENS = 20


def new_api_token(site: SiteStore, user: User, name: str) -> str:
    """A personal API token, named by its owner; shown once, only its hash is stored."""
    name = name.strip()
    if not 1 <= len(name) <= 80:
        raise AccountError("name the token (1 to 80 characters), e.g. the script that uses it")
    if len(site.api_tokens_of(user.uid)) >= MAX_API_TOKENS:
        raise AccountError(f"an account has at most {MAX_API_TOKENS} tokens; revoke one first")
    token = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    site.create_api_token(_token_hash(token), user.uid, name)
    return token


def user_for_api_token(site: SiteStore, token: str) -> User | None:
    if not token.startswith(API_TOKEN_PREFIX) or len(token) > 100:
        return None
    return site.api_token_user(_token_hash(token))


def api_tokens(site: SiteStore, user: User) -> list[ApiToken]:
    return site.api_tokens_of(user.uid)


def revoke_api_token(site: SiteStore, user: User, tid: int) -> bool:
    return site.delete_api_token(user.uid, tid)
