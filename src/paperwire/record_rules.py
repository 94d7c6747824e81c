"""What a record may hold when it enters the store: bounded sizes, web links only, arXiv
categories, text that every export can carry.

Every record passes here on its way in (ingest: files, harvests, Hugging Face listings,
submissions). A record whose title is unusable is refused; any other field that breaks a
rule is cut to its limit or dropped, with a warning naming it. The limits follow arXiv's
own where it has one, with room for the other sources (docs/design.md, issue 21).
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

from paperwire.domain import CATEGORY, InvalidRecord, Paper

MAX_TITLE = 1_000  # characters; arXiv titles are one line (the longest, a few hundred)
MAX_ABSTRACT = 20_000  # arXiv refuses over 1,920; other sources' abstracts run longer
MAX_AUTHORS = 10_000  # names kept (the largest arXiv collaborations list about 5,200)
MAX_AUTHOR_NAME = 300  # characters in one name (collaboration names included)
MAX_CATEGORIES = 20  # a primary category and its cross-lists
MAX_CATEGORY = 40  # characters ("cond-mat.stat-mech" is 18)
MAX_COMMENT = 2_000
MAX_JOURNAL_REF = 1_000
MAX_DOI = 500  # arXiv's field may hold several DOIs, space-separated
MAX_URL = 2_000  # what browsers and sitemaps reliably carry
MAX_EXTRAS_BYTES = 65_536  # a source's own fields (Hugging Face's), as JSON
MAX_VERSION = 1_000  # arXiv versions are counted in ones and tens
MAX_UPVOTES = 1_000_000_000
ELLIPSIS = "…"

# XML 1.0 cannot carry these (feeds, sitemaps) and they mean nothing in metadata; a lone
# surrogate cannot even be written as UTF-8
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_DOI = re.compile(r"(?:https?://(?:dx\.)?doi\.org/|doi:\s*)?10\.\d+/\S", re.IGNORECASE)
_TEXT_LIMITS = {"comment": MAX_COMMENT, "journal_ref": MAX_JOURNAL_REF}


def plain(text: str) -> str:
    """Text without control characters (and the runs of spaces their removal leaves) or lone
    surrogates (U+FFFD takes a surrogate's place)."""
    if _CONTROL.search(text):
        text = " ".join(_CONTROL.sub("", text).split())
    if _SURROGATE.search(text):
        text = _SURROGATE.sub("\ufffd", text)
    return text


def cut(text: str, limit: int) -> str:
    """At most `limit` characters, cut between words where one ends near the limit, then …"""
    if len(text) <= limit:
        return text
    head = text[: limit - len(ELLIPSIS)]
    space = head.rfind(" ", limit - limit // 10)
    return (head[:space] if space > 0 else head).rstrip() + ELLIPSIS


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _title(paper: Paper) -> None:
    if not isinstance(paper.title, str):
        raise InvalidRecord("the title is not text")
    paper.title = plain(paper.title)
    if len(paper.title) > MAX_TITLE:
        raise InvalidRecord(f"the title has {len(paper.title):,} characters; at most "
                            f"{MAX_TITLE:,} are taken (is it another field?)")


def _abstract(paper: Paper, warnings: list[str]) -> None:
    if not isinstance(paper.abstract, str):
        warnings.append("the abstract is not text: left out")
        paper.abstract = ""
        return
    paper.abstract = plain(paper.abstract)
    if len(paper.abstract) > MAX_ABSTRACT:
        warnings.append(f"the abstract of {len(paper.abstract):,} characters was cut to "
                        f"{MAX_ABSTRACT:,}")
        paper.abstract = cut(paper.abstract, MAX_ABSTRACT)


def _authors(paper: Paper, warnings: list[str]) -> None:
    """Names as text, at most MAX_AUTHORS of them; author_count says how many the record
    named (a source without names may give only a count)."""
    if not paper.authors:
        return
    names = [n for n in (plain(a) for a in paper.authors if isinstance(a, str)) if n.strip()]
    if len(names) < len(paper.authors):
        warnings.append(f"{len(paper.authors) - len(names)} author name(s) left out: empty "
                        "or not text")
    paper.author_count = len(names) or paper.author_count
    if len(names) > MAX_AUTHORS:
        warnings.append(f"{len(names):,} authors: the first {MAX_AUTHORS:,} names are kept, "
                        "the count says all")
        names = names[:MAX_AUTHORS]
    if any(len(n) > MAX_AUTHOR_NAME for n in names):
        warnings.append(f"author names over {MAX_AUTHOR_NAME} characters were cut")
        names = [cut(n, MAX_AUTHOR_NAME) for n in names]
    paper.authors = names


def _categories(paper: Paper, warnings: list[str]) -> None:
    kept: list[str] = []
    for category in paper.categories:
        if not (isinstance(category, str) and len(category) <= MAX_CATEGORY
                and CATEGORY.fullmatch(category)):
            warnings.append(f"category {_shown(category)} left out: not an arXiv category")
        elif category not in kept:
            kept.append(category)
    if len(kept) > MAX_CATEGORIES:
        warnings.append(f"{len(kept)} categories: the first {MAX_CATEGORIES} are kept")
        kept = kept[:MAX_CATEGORIES]
    paper.categories = kept


def _texts(paper: Paper, warnings: list[str]) -> None:
    for name, limit in _TEXT_LIMITS.items():
        value = getattr(paper, name)
        if value is None:
            continue
        if not isinstance(value, str):
            warnings.append(f"{name} is not text: left out")
            setattr(paper, name, None)
            continue
        value = plain(value)
        if len(value) > limit:
            warnings.append(f"{name} of {len(value):,} characters was cut to {limit:,}")
            value = cut(value, limit)
        setattr(paper, name, value or None)


def web_link(url: object) -> bool:
    """An absolute http(s) link with a host, of a bounded length, with no space in it."""
    if not isinstance(url, str) or len(url) > MAX_URL or _CONTROL.search(url) \
            or any(ch.isspace() for ch in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _links(paper: Paper, warnings: list[str]) -> None:
    for name in ("url", "code_url"):
        value = getattr(paper, name)
        if value is not None and not web_link(value):
            warnings.append(f"{name} {_shown(value)} left out: only http and https links "
                            f"of up to {MAX_URL:,} characters are kept")
            setattr(paper, name, None)
    doi = plain(paper.doi) if isinstance(paper.doi, str) else paper.doi
    if doi is not None and not (isinstance(doi, str) and len(doi) <= MAX_DOI and _DOI.match(doi)):
        warnings.append(f"doi {_shown(doi)} left out: not a DOI (10.prefix/suffix)")
        doi = None
    paper.doi = doi


def _numbers(paper: Paper, warnings: list[str]) -> None:
    version = paper.version
    if version is not None and not (type(version) is int and 1 <= version <= MAX_VERSION):
        raise InvalidRecord(f"version {_shown(version)} is not an arXiv version")
    votes = paper.external_upvotes
    if votes is not None and not (type(votes) is int and 0 <= votes <= MAX_UPVOTES):
        warnings.append(f"upvotes {_shown(votes)} left out: not a count")
        paper.external_upvotes = None


def _extras(paper: Paper, warnings: list[str]) -> None:
    if not paper.extras:
        return
    try:
        size = len(json.dumps(paper.extras, allow_nan=False))
    except (TypeError, ValueError, RecursionError):
        size = None
    if size is None or size > MAX_EXTRAS_BYTES:
        why = "not JSON" if size is None else f"over {MAX_EXTRAS_BYTES:,} bytes"
        warnings.append(f"the source's own fields ({', '.join(map(str, paper.extras))}) "
                        f"left out: {why}")
        paper.extras = {}


def check(paper: Paper) -> list[str]:
    """Bring a record within the rules, in place; the warnings say what was cut or left
    out. Raises InvalidRecord for a record that cannot be taken at all."""
    warnings: list[str] = []
    _title(paper)
    _numbers(paper, warnings)
    _abstract(paper, warnings)
    _authors(paper, warnings)
    _categories(paper, warnings)
    _texts(paper, warnings)
    _links(paper, warnings)
    _extras(paper, warnings)
    return warnings
