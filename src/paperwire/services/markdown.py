"""Markdown that readers write (comments, private notes), as HTML that is safe to show."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")
_ALLOWED_TAGS = {"p", "br", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a",
                 "h1", "h2", "h3", "h4", "hr"}


def render_comment(body: str) -> str:
    """Markdown to HTML, then sanitized: no raw HTML, scripts, handlers or unsafe links."""
    html = _markdown.render(body)
    return nh3.clean(html, tags=_ALLOWED_TAGS, attributes={"a": {"href", "title"}},
                     url_schemes={"http", "https", "mailto"}, link_rel="nofollow noopener ugc")
