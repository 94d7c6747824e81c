"""Static files under content-hashed names: /static/site.3f2a9c1b7d4e.css is the file
site.css as it is now, served with a year of immutable caching; a new release changes the
name, so browsers never keep a stale copy. The plain names still answer, briefly cached
(KaTeX's fonts are reached that way, relative to its stylesheet)."""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path

from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"
IMMUTABLE = "public, max-age=31536000, immutable"
PLAIN = "public, max-age=3600"
_HASHED = re.compile(r"(?P<stem>.+)\.(?P<digest>[0-9a-f]{12})\.(?P<ext>[A-Za-z0-9]+)")


@cache
def digest(name: str) -> str:
    return hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]


def asset(name: str) -> str:
    """The hashed address of a file under static/ (for templates)."""
    stem, _, ext = name.rpartition(".")
    return f"/static/{stem}.{digest(name)}.{ext}"


class HashedStaticFiles(StaticFiles):
    async def get_response(self, path: str, scope):
        m = _HASHED.fullmatch(path)
        if m:
            plain = f"{m['stem']}.{m['ext']}"
            try:
                current = digest(plain)
            except OSError:
                current = None
            if current == m["digest"]:
                response = await super().get_response(plain, scope)
                response.headers["Cache-Control"] = IMMUTABLE
                return response
        response = await super().get_response(path, scope)
        response.headers.setdefault("Cache-Control", PLAIN)
        return response
