"""BEIR-style corpus.jsonl: {"_id", "title", "text"} one object a line (see shared/eval)."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from paperwire.domain import Paper, clean_text, parse_arxiv_id
from paperwire.sources.base import ParsedStream, RecordError, json_lines

NAME = "beir"


def looks_like(first: dict) -> bool:
    return "_id" in first and "text" in first


def _corpus_name(fp: BinaryIO) -> str:
    """BEIR keeps each corpus in a folder of its name (scifact/corpus.jsonl)."""
    name = getattr(fp, "name", None)
    return Path(name).resolve().parent.name if isinstance(name, str) else "corpus"


def parse(fp: BinaryIO) -> ParsedStream:
    namespace = f"{NAME}:{_corpus_name(fp)}"
    for item in json_lines(fp):
        if isinstance(item, RecordError):
            yield item
            continue
        n, rec = item
        try:
            ident = parse_arxiv_id(str(rec["_id"]))
            title = clean_text(rec.get("title")) or clean_text(rec["text"])[:200]
            yield Paper(
                arxiv_id=ident.id if ident else None,
                version=ident.version if ident else None,
                title=title,
                abstract=clean_text(rec["text"]),
                source_ids=[f"{namespace}:{rec['_id']}"],
                sources=[NAME],
                origin=f"line {n}",
            )
        except (KeyError, TypeError, AttributeError) as e:
            yield RecordError(f"line {n}", f"malformed record: missing {e}")
