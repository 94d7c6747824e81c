"""Papers out to a reference manager or a spreadsheet: BibTeX, CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
import re

import bibtexparser
from bibtexparser import model
from pylatexenc.latexencode import unicode_to_latex

from paperwire.store.base import StoredPaper

FORMATS = {"bibtex": ("application/x-bibtex", "bib"), "csv": ("text/csv", "csv"),
           "json": ("application/json", "json")}
CSV_COLUMNS = ("id", "title", "authors", "published", "categories", "doi", "url", "abstract")


def _latex(text: str) -> str:
    # the title's own math ($…$) is kept; the rest is escaped for BibTeX
    parts = re.split(r"(\$[^$]+\$)", text)
    return "".join(p if p.startswith("$") and p.endswith("$") and len(p) > 1
                   else unicode_to_latex(p, non_ascii_only=False, unknown_char_policy="keep")
                   for p in parts)


def _cite_key(sp: StoredPaper, taken: set[str]) -> str:
    p = sp.paper
    surname = re.sub(r"\W", "", (p.authors[0].split()[-1] if p.authors else "anon")).lower()
    word = next((w.lower() for w in re.findall(r"[A-Za-z]{4,}", p.title)), "paper")
    key = f"{surname or 'anon'}{p.published.year if p.published else ''}{word}"
    base, n = key, 1
    while key in taken:
        n += 1
        key = f"{base}{n}"
    taken.add(key)
    return key


def _entry(sp: StoredPaper, key: str) -> model.Entry:
    p = sp.paper
    fields = {"title": "{" + _latex(p.title) + "}",
              "author": " and ".join(_latex(a) for a in p.authors)}
    if p.published:
        fields["year"] = str(p.published.year)
    if p.arxiv_id:
        fields |= {"eprint": p.arxiv_id, "archivePrefix": "arXiv",
                   "primaryClass": p.categories[0] if p.categories else "",
                   "url": p.abs_url or ""}
    elif p.url:
        fields["url"] = p.url
    if p.doi:
        fields["doi"] = p.doi
    if p.journal_ref:
        fields["journal"] = _latex(p.journal_ref)
    if p.abstract:
        fields["abstract"] = _latex(p.abstract)
    kind = "article" if p.journal_ref else "misc"
    return model.Entry(kind, key, [model.Field(k, v) for k, v in fields.items() if v])


def to_bibtex(papers: list[StoredPaper]) -> str:
    taken: set[str] = set()
    entries = [_entry(sp, _cite_key(sp, taken)) for sp in papers]
    return bibtexparser.write_string(bibtexparser.Library(entries))


def _row(sp: StoredPaper) -> dict:
    p = sp.paper
    return {"id": p.key, "title": p.title, "authors": "; ".join(p.authors),
            "published": p.published.isoformat() if p.published else "",
            "categories": " ".join(p.categories), "doi": p.doi or "",
            "url": p.abs_url or p.url or "", "abstract": p.abstract}


def to_csv(papers: list[StoredPaper]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS)
    writer.writeheader()
    for sp in papers:
        row = _row(sp)
        # a cell starting with = + - @ is a formula to a spreadsheet: quote it as text
        writer.writerow({k: "'" + v if v[:1] in "=+-@" else v for k, v in row.items()})
    return out.getvalue()


def to_json(papers: list[StoredPaper], reasons: list[str] | None = None) -> str:
    rows = [_row(sp) | {"authors": sp.paper.authors, "categories": sp.paper.categories}
            for sp in papers]
    if reasons is not None:
        for row, reason in zip(rows, reasons, strict=True):
            row["reason"] = reason
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"


def export(papers: list[StoredPaper], fmt: str, reasons: list[str] | None = None) -> str:
    if fmt == "bibtex":
        return to_bibtex(papers)
    if fmt == "csv":
        return to_csv(papers)
    if fmt == "json":
        return to_json(papers, reasons)
    raise ValueError(f"export formats: {', '.join(FORMATS)}")
