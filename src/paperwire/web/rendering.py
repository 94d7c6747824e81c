"""Jinja templates (autoescaped) and the filters they use."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from paperwire.services.discovery.hf_details import HfDetails
from paperwire.services.markdown import render_comment
from paperwire.web.assets import asset

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
TEMPLATES.env.filters["markdown"] = lambda body: Markup(render_comment(body))
TEMPLATES.env.filters["hf"] = HfDetails.of
# what math.js renders: $…$, $$…$$, \(…\), \[…\]; KaTeX (300 KB) loads only where it is
_MATH = re.compile(r"\$[^$]+\$|\\\(|\\\[")


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
TEMPLATES.env.globals["asset"] = asset


def render(request: Request, name: str, context: dict, status_code: int = 200,
           headers: dict | None = None):
    from paperwire.web.deps import viewer

    context = {"viewer": viewer(request), **context}
    return TEMPLATES.TemplateResponse(request, name, context, status_code=status_code,
                                      headers=headers)
