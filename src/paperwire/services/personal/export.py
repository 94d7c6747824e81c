"""Papers out to a reference manager or a spreadsheet: BibTeX, CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
import re
from urllib.parse import quote

import bibtexparser
from anyascii import anyascii
from bibtexparser import model
from pylatexenc.latexencode import UnicodeToLatexEncoder

from paperwire.store.base import StoredPaper

FORMATS = {"bibtex": ("application/x-bibtex", "bib"), "csv": ("text/csv", "csv"),
           "json": ("application/json", "json")}
CSV_COLUMNS = ("id", "title", "authors", "published", "categories", "doi", "url", "abstract")


# ASCII passes as written: titles and abstracts from arXiv are LaTeX already (Koll\'ar,
# $x^2$); what is not ASCII becomes LaTeX (Kollár → Koll\'{a}r)
# (no warning per unknown character: 6,000 of them logged 6,000 lines and stalled a worker)
_ENCODER = UnicodeToLatexEncoder(non_ascii_only=True, unknown_char_policy="keep",
                                 unknown_char_warning=False)
_MATH = re.compile(r"(\$[^$]*\$)")
_UNESCAPED = re.compile(r"(?<!\\)([&%#_])")  # special to LaTeX outside math
_CHUNK = 500  # pylatexenc slows down superlinearly on long strings: encode in pieces
_DOI = re.compile(r"10\.\d{4,9}/[^\s{}\"\\]+")
_ENTRY_START = re.compile(r"@(?=\w*[ \t]*\{)")  # where bibtexparser starts an entry, anywhere
_BEFORE_BRACE = re.compile(r"\\(?=[{}])|\\$")


def _encoded(text: str) -> str:
    pieces, start = [], 0
    while start < len(text):
        end = min(len(text), start + _CHUNK)
        if end < len(text) and (space := text.rfind(" ", start + 1, end)) > start:
            end = space  # cut between words, never inside a character's accents
        pieces.append(_ENCODER.unicode_to_latex(text[start:end]))
        start = end
    return "".join(pieces)


def _balanced(text: str) -> str:
    """Braces paired, so no value can end its field early (or open the next entry)."""
    out, depth = [], 0
    for ch in text:
        if ch == "}" and depth == 0:
            continue
        depth += {"{": 1, "}": -1}.get(ch, 0)
        out.append(ch)
    return "".join(out) + "}" * depth


def _skipping_escaped_balanced(text: str) -> bool:
    """Whether braces pair up when a brace after a backslash is not counted (bibtexparser's
    reading; BibTeX counts every brace) and no backslash would escape the closing one."""
    depth = 0
    for m in re.finditer(r"(?<!\\)[{}]", text):
        depth += 1 if m.group(0) == "{" else -1
        if depth < 0:
            return False
    return depth == 0 and not text.endswith("\\")


def _read_alike(text: str) -> str:
    """A value that every reader ends at the same brace: BibTeX and pybtex count every brace,
    bibtexparser (paperwire's own import too) skips one after a backslash and starts an entry
    at any `@name{`. `@` is set in braces before such a name; where the two countings would
    differ, a space (TeX's control space) parts each backslash from the brace after it."""
    text = _balanced(_ENTRY_START.sub("{@}", text))
    return text if _skipping_escaped_balanced(text) else _BEFORE_BRACE.sub(r"\\ ", text)


def _latex(text: str) -> str:
    parts = _MATH.split(text)
    return _read_alike("".join(part if i % 2 else _encoded(_UNESCAPED.sub(r"\\\1", part))
                               for i, part in enumerate(parts)))


def _safe_url(url: str) -> str:
    return quote(url, safe=":/?#[]@!$&'()*+,;=%~.-_")


def _cite_key(sp: StoredPaper, taken: set[str]) -> str:
    """surname + year + first long word of the title, in ASCII (Øbro → obro)."""
    p = sp.paper
    surname = re.sub(r"[^a-z]", "", anyascii(p.authors[0].split()[-1] if p.authors
                                              else "anon").lower())
    word = next((w.lower() for w in re.findall(r"[A-Za-z]{4,}", anyascii(p.title))), "paper")
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
        fields["url"] = _safe_url(p.url)
    if p.doi and (doi := _DOI.search(p.doi)):
        fields["doi"] = doi.group(0)
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
        writer.writerow({k: "'" + v if v and v[0] in "=+-@" else v for k, v in row.items()})
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
