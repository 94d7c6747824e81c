"""Whole paper cards, rendered once and reused across readers, pages and queries.

A card is the same for everyone who sees the same paper revision, glance, submitter,
counts, own marks (voted, dismissed) and size. What differs from one page to the next is
marked in the kept card and put in for each: a signed-in reader's CSRF token, the page an
anonymous reader's sign-in-to-vote link comes back to, a search hit's highlighted title
and snippet, and why a paper is in a reader's list. So a reader's own vote and dismissal
show at once, and others' votes as soon as the counts are read; rendering thirty cards
through Jinja was most of a search page, and of a for-you page, whose reasons are each
reader's own.
"""

from __future__ import annotations

import re
import secrets
from functools import partial
from types import SimpleNamespace

from fastapi import Request
from jinja2 import Environment
from jinja2.utils import url_quote
from markupsafe import Markup, escape

CARDS_KEPT = 8192  # per kind (plain cards, search hits), per process, a few KB each
_MARKS = {name: f"kept{secrets.token_hex(12)}" for name in ("csrf", "page", "title",
                                                               "snippet", "reason")}
_MARKED = re.compile("|".join(_MARKS.values()))


class _Viewer:
    def __init__(self, signed_in: bool) -> None:
        self.user = signed_in or None
        self.csrf = _MARKS["csrf"]


class _Request:
    """The request as a kept card sees it: this site, at a page marked for each one's own."""

    url = SimpleNamespace(path=_MARKS["page"], query="")

    def __init__(self, request: Request) -> None:
        self.app = request.app


_HIT = SimpleNamespace(title_html=_MARKS["title"], snippet_html=_MARKS["snippet"])


def kept_card(env: Environment, request: Request, item, viewer, hit, reason,
              compact: bool) -> Markup:
    signed_in = viewer.user is not None
    key = (item.paper.pid, item.paper.rev, item.glance, item.submitted_by, item.local_votes,
           item.comments, item.voted, item.dismissed, bool(reason), compact, signed_in)
    cards = env.get_template("_item.html").module
    html = request.app.state.library.memo.get("hit card" if hit else "card", key, lambda: str(
        cards.card_html(item, _Viewer(signed_in), _Request(request), hit and _HIT,
                        reason and _MARKS["reason"], compact)), CARDS_KEPT)
    own = {_MARKS["csrf"]: viewer.csrf if signed_in else "",
           _MARKS["page"]: "" if signed_in else url_quote(env.globals["this_page"](request)),
           _MARKS["title"]: hit.title_html if hit else "",
           _MARKS["snippet"]: hit.snippet_html if hit else "",
           _MARKS["reason"]: str(escape(reason)) if reason else ""}
    return Markup(_MARKED.sub(lambda m: own[m.group(0)], html))


def register(env: Environment) -> None:
    env.globals["kept_card"] = partial(kept_card, env)
