"""Jinja templates (autoescaped) and the filters they use."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from paperwire.services.discovery.hf_details import HfDetails
from paperwire.services.markdown import render_comment, web_link
from paperwire.web import kept_cards
from paperwire.web.assets import asset

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
# the templates ship with the package and never change under a running server: without
# this, every include of every card asks the file system for its time (a fifth of a feed)
TEMPLATES.env.auto_reload = False
TEMPLATES.env.filters["markdown"] = lambda body: Markup(render_comment(body))
TEMPLATES.env.filters["hf"] = HfDetails.of
# what math.js renders: $$…$$, \(…\), \[…\], and $…$ as pandoc reads it (no space or digit
# inside either $, no digit after the closing one: "$5 to $10" is prose); KaTeX (300 KB)
# loads only where there is some
_MATH = re.compile(r"\$\$.+?\$\$|\\\(|\\\[|\$(?![\s\d$])(?:\\.|[^$\\])+?(?<![\s\\])\$(?!\d)",
                   re.DOTALL)


def has_math(*texts: str | None) -> bool:
    return any(t and _MATH.search(t) for t in texts)


def items_have_math(items) -> bool:
    """Feed items whose titles or abstracts hold math (the page then loads KaTeX)."""
    return any(has_math(i.paper.paper.title, i.paper.paper.abstract) for i in items)


TEMPLATES.env.globals["has_math"] = has_math
TEMPLATES.env.globals["items_have_math"] = items_have_math


def count_of(n: int, noun: str) -> str:
    """'1 paper', '2 papers'."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


TEMPLATES.env.filters["count_of"] = count_of


def page_url(request: Request, page: int) -> str:
    """This page's own address (path and query, never the Host header) at another page
    number; page 0 is the address without one."""
    url = request.url.remove_query_params(["page"])
    if page > 0:
        url = url.include_query_params(page=page)
    return f"{url.path}?{url.query}" if url.query else url.path


def this_page(request: Request) -> str:
    """This page's path and query (never the Host header): where sign-in comes back to."""
    url = request.url
    return f"{url.path}?{url.query}" if url.query else url.path


def day(value) -> str:
    """A date as every list and page shows it: Aug 21, 2026."""
    return value.strftime("%b %-d, %Y")


TEMPLATES.env.globals["page_url"] = page_url
TEMPLATES.env.globals["this_page"] = this_page
TEMPLATES.env.filters["day"] = day
TEMPLATES.env.globals["asset"] = asset
TEMPLATES.env.globals["web_link"] = web_link  # a record's address: http(s), else none
CARD_PARTS_KEPT = 4096  # per part, per process: a few KB each


def card_part(request: Request, name: str, item) -> Markup:
    """A part of a paper's card that only the paper decides (templates/_card_parts.html),
    rendered once per revision of the paper, of its glance and of who submitted it, and
    reused for every reader of this process: a feed's cards were four fifths of its time.
    (Cards are macros, not includes, for the same reason: an include copies the context.)"""
    library = request.app.state.library
    key = (item.paper.pid, item.paper.rev, item.glance, item.submitted_by)
    parts = TEMPLATES.env.get_template("_card_parts.html").module
    return library.memo.get(f"card {name}", key, lambda: getattr(parts, name)(item),
                            size=CARD_PARTS_KEPT)


TEMPLATES.env.globals["card_part"] = card_part

kept_cards.register(TEMPLATES.env)  # a card: kept_card(request, item, viewer, hit, …)


def render(request: Request, name: str, context: dict, status_code: int = 200,
           headers: dict | None = None):
    from paperwire.web.deps import viewer_of

    context = {"viewer": viewer_of(request), **context}
    return TEMPLATES.TemplateResponse(request, name, context, status_code=status_code,
                                      headers=headers)
