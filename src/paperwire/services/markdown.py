"""Markdown that readers write (comments, private notes), as HTML that is safe to show."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")
_ALLOWED_TAGS = {"p", "br", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a",
                 "h1", "h2", "h3", "h4", "hr"}


def web_link(url: object) -> str | None:
    """A record's address as a page, feed or file may link it: http(s) only, never
    javascript:, data: or anything else a record could hold."""
    return url if isinstance(url, str) and url.startswith(("https://", "http://")) else None


def render_comment(body: str) -> str:
    """Markdown to HTML, then sanitized: no raw HTML, scripts, handlers or unsafe links."""
    html = _markdown.render(body)
    return nh3.clean(html, tags=_ALLOWED_TAGS, attributes={"a": {"href", "title"}},
                     url_schemes={"http", "https", "mailto"}, link_rel="nofollow noopener ugc")
