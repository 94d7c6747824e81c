"""Hugging Face `/api/daily_papers` JSON: a list of {paper{...}, publishedAt, title, ...}.

The top-level `publishedAt` was the listing day until late 2024 and is the arXiv time since,
so a response known to be one day's (`?date=D`, or a saved one named by its day) is parsed
with `listed_on=D`; without it the listing day is read from the items as best they say."""

from __future__ import annotations

import json
from datetime import date
from typing import BinaryIO

from paperwire.domain import Paper, clean_text, parse_arxiv_id
from paperwire.sources.base import (
    ParsedStream,
    RecordError,
    SourceError,
    parse_date,
    read_document,
)

NAME = "hf-daily"


def looks_like(items: object) -> bool:
    return isinstance(items, list) and bool(items) and isinstance(items[0], dict) \
        and isinstance(items[0].get("paper"), dict)


# what the daily page shows beside the core record, kept as Hugging Face names it and
# served back under the same names (the latest sync replaces the last); the item's
# publishedAt too, its time to the second
_ITEM_CORE = {"paper", "title", "summary"}
_PAPER_CORE = {"id", "title", "summary", "publishedAt", "upvotes", "githubRepo"}


def extras_of(item: dict) -> dict:
    p = item["paper"]
    return {"item": {k: v for k, v in item.items() if k not in _ITEM_CORE},
            "paper": {k: v for k, v in p.items() if k not in _PAPER_CORE}}


def _paper(item: dict, listed_on: date | None) -> Paper:
    p = item["paper"]
    ident = parse_arxiv_id(str(p.get("id", "")))
    return Paper(
        arxiv_id=ident.id if ident else None,
        version=ident.version if ident else None,
        title=clean_text(p.get("title") or item.get("title")),
        abstract=clean_text(p.get("summary") or item.get("summary")),
        authors=[clean_text(a["name"]) for a in p.get("authors", []) if a.get("name")],
        published=parse_date(p.get("publishedAt")),
        code_url=p.get("githubRepo") or None,
        external_upvotes=p.get("upvotes"),
        listed_on=listed_on or parse_date(p.get("submittedOnDailyAt") or item.get("publishedAt")),
        sources=[NAME],
        extras={"hf": extras_of(item)},
    )


def parse(fp: BinaryIO, listed_on: date | None = None) -> ParsedStream:
    try:
        items = json.loads(read_document(fp))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise SourceError(f"not valid JSON: {e}") from e
    except RecursionError:
        raise SourceError("not valid JSON: nested too deeply") from None
    if not isinstance(items, list):
        raise SourceError("expected a JSON list of daily-paper items")
    for n, item in enumerate(items, start=1):
        try:
            paper = _paper(item, listed_on)
        except (KeyError, TypeError, AttributeError) as e:
            yield RecordError(f"item {n}", f"missing or malformed field {e}")
            continue
        paper.origin = f"item {n}"
        yield paper
