"""A paper as Markdown, as Hugging Face serves /papers/{id}.md: title, authors, dates,
links, counts, the abstract and what Hugging Face added. Text is HTML-escaped (a renderer
passes raw HTML through); the abstract's LaTeX is kept as written."""

from __future__ import annotations

from functools import partial
from html import escape as html_escape

from paperwire.services.discovery.feed import FeedItem
from paperwire.services.discovery.hf_details import HfDetails
from paperwire.services.markdown import web_link

escape = partial(html_escape, quote=False)


def _line(label: str, value: str | None) -> list[str]:
    return [f"**{label}:** {value}"] if value else []


def _links(item: FeedItem, details: HfDetails) -> str:
    p = item.paper.paper
    links = [("arXiv" if p.arxiv_id else "Source", web_link(p.abs_url)), ("PDF", p.pdf_url),
             ("Code", web_link(p.code_url)),
             ("Project page", details.project_page),
             ("DOI", f"https://doi.org/{escape(p.doi)}" if p.doi else None)]
    return " · ".join(f"[{name}](<{url}>)" for name, url in links if url)


def to_markdown(item: FeedItem, site_url: str) -> str:
    p, details = item.paper.paper, HfDetails.of(item.paper.paper)
    comments = f"{item.comments} here" + (f", {details.comments} on Hugging Face"
                                          if details.comments else "")
    lines = [f"# {escape(p.title)}", "",
             *_line("Authors", escape(", ".join(p.authors)) if p.authors else None),
             *_line("Published", p.published.isoformat() if p.published else None),
             *_line("Listed", p.listed_on.isoformat() if p.listed_on else None),
             *_line("Categories", ", ".join(p.categories) if p.categories else None),
             *_line("Venue", escape(p.journal_ref) if p.journal_ref else None),
             *_line("Comment", escape(p.comment) if p.comment else None),
             *_line("Links", _links(item, details)),
             f"**Upvotes:** {item.upvotes} · **Comments:** {comments}",
             f"**Page:** <{site_url}/papers/{p.key}>", "", "## Abstract", "",
             escape(p.abstract) or "(no abstract)"]
    if details.ai_summary:
        lines += ["", "## AI summary (Hugging Face)", "", escape(details.ai_summary)]
    if details.keywords:
        lines += ["", "**Keywords (Hugging Face):** " + escape(", ".join(details.keywords))]
    return "\n".join(lines) + "\n"
