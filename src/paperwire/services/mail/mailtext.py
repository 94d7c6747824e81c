"""The mail the site writes, from templates: HTML escaped by Jinja, plain text beside it."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

_env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                   autoescape=select_autoescape(["html"]), trim_blocks=True,
                   lstrip_blocks=True, keep_trailing_newline=True)


def render_mail(name: str, context: dict) -> tuple[str, str]:
    """(plain text, HTML) of the named mail."""
    return (_env.get_template(f"{name}.txt").render(context),
            _env.get_template(f"{name}.html").render(context))
