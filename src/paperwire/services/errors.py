"""What a service refuses with, whatever the capability; each shell maps them once (the web
app: 403, 404 and 400 in web/app.py; the command line: an error line and exit 1)."""

from __future__ import annotations


class NotAllowed(PermissionError):
    """Signed in, but not allowed to do this (403)."""


class NotFound(LookupError):
    """No such thing, or not one this user may see (404)."""


class Invalid(ValueError):
    """The request's content is not acceptable; the message is for the user (400/422)."""
