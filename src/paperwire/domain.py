"""The paper record, arXiv identifiers and the identity rule shared by every source."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field, fields, replace
from datetime import date
from functools import lru_cache

NEW_STYLE = r"\d{4}\.\d{4,5}"
OLD_STYLE = r"[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7}"
_ID_CORE = re.compile(rf"(?P<id>{NEW_STYLE}|{OLD_STYLE})(?:v(?P<version>\d+))?", re.IGNORECASE)
_PREFIXES = re.compile(
    r"^(?:https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/"
    r"|arxiv:|(?:https?://doi\.org/)?10\.48550/arxiv\.)",
    re.IGNORECASE,
)
_PDF_SUFFIX = re.compile(r"\.pdf$", re.IGNORECASE)
_CANONICAL_NEW_ID = re.compile(NEW_STYLE)
_TITLE_KEY_PREFIX = "t-"
# an arXiv category (cs.LG, hep-th, q-bio.BM) or archive (cs, math)
CATEGORY = re.compile(r"[a-z][a-z-]*(\.[A-Za-z][A-Za-z-]*)?")


@dataclass(frozen=True)
class ArxivId:
    id: str
    version: int | None = None

    def __str__(self) -> str:
        return self.id if self.version is None else f"{self.id}v{self.version}"


def parse_arxiv_id(text: str) -> ArxivId | None:
    """Parse any common spelling of an arXiv id; None when it is not one."""
    s = text.strip()
    s = _PREFIXES.sub("", s)
    s = _PDF_SUFFIX.sub("", s).rstrip("/")
    m = _ID_CORE.fullmatch(s)
    if not m:
        return None
    ident = m.group("id")
    if "/" in ident:  # old style: archive is lower-case, subject class upper-case
        archive, number = ident.split("/")
        head, _, sub = archive.partition(".")
        ident = f"{head.lower()}.{sub.upper()}/{number}" if sub else f"{head.lower()}/{number}"
    version = m.group("version")
    return ArxivId(ident, int(version) if version else None)


_LATEX_COMMAND = re.compile(r"\\[a-zA-Z]+\*?")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def normalize_title(title: str) -> str:
    """Fold case, whitespace, punctuation, accents and LaTeX markup for comparing titles."""
    s = _LATEX_COMMAND.sub(" ", title) if "\\" in title else title
    if not s.isascii():
        s = unicodedata.normalize("NFKD", s)
        s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return _NON_ALNUM.sub(" ", s.casefold()).strip()


@lru_cache(maxsize=65536)
def title_key(title: str) -> str:
    """A stable key for a paper that has no arXiv id."""
    digest = hashlib.sha1(normalize_title(title).encode()).hexdigest()[:16]
    return _TITLE_KEY_PREFIX + digest


_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)


def doi_key(doi: str | None) -> str | None:
    """The first DOI of a DOI field, folded for comparison (DOIs are case-insensitive)."""
    if not doi or not doi.split():
        return None
    return _DOI_PREFIX.sub("", doi.split()[0]).lower()


def source_namespace(source_id: str) -> str:
    """'beir:scifact:4983' -> 'beir:scifact': ids from one namespace name one paper each."""
    return source_id.rpartition(":")[0]


def is_web_link(url: str | None) -> bool:
    """Whether a link may be shown as one: http or https only (never javascript: or data:)."""
    return bool(url) and url.split(":", 1)[0].lower() in ("http", "https")  # type: ignore[union-attr]


def clean_text(text: str | None) -> str:
    """Collapse hard line breaks and runs of white space (arXiv metadata keeps both)."""
    return " ".join(text.split()) if text else ""


@dataclass
class Paper:
    """One paper as a source sees it, and as the store keeps it after merging."""

    title: str
    abstract: str = ""
    arxiv_id: str | None = None
    version: int | None = None
    authors: list[str] = field(default_factory=list)
    author_count: int | None = None
    published: date | None = None
    updated: date | None = None
    categories: list[str] = field(default_factory=list)
    comment: str | None = None
    journal_ref: str | None = None
    doi: str | None = None
    code_url: str | None = None
    url: str | None = None
    external_upvotes: int | None = None
    listed_on: date | None = None
    sources: list[str] = field(default_factory=list)
    # ids the sources give it, namespaced by source ("beir:scifact:4983")
    source_ids: list[str] = field(default_factory=list)
    # fields only some sources know, by source ("hf": Hugging Face's daily-papers fields)
    extras: dict = field(default_factory=dict)
    # the public key of a paper without an arXiv id, given by the store when it is added
    local_key: str | None = None
    # where its source read it ("line 12", "item 3"), for messages; never stored or compared
    origin: str | None = field(default=None, compare=False, repr=False)

    @property
    def key(self) -> str:
        return self.arxiv_id or self.local_key or title_key(self.title)

    @property
    def doi_key(self) -> str | None:
        return doi_key(self.doi)

    @property
    def title_key(self) -> str:
        return title_key(self.title)

    @property
    def abs_url(self) -> str | None:
        if self.arxiv_id:
            return f"https://arxiv.org/abs/{self.arxiv_id}"
        return self.url if is_web_link(self.url) else None  # stores older than issue 21

    @property
    def pdf_url(self) -> str | None:
        return f"https://arxiv.org/pdf/{self.arxiv_id}" if self.arxiv_id else None

    @property
    def n_authors(self) -> int | None:
        return len(self.authors) if self.authors else self.author_count

    def copy(self, **changes: object) -> Paper:
        return replace(self, **changes)  # type: ignore[arg-type]


PAPER_FIELDS = tuple(f.name for f in fields(Paper))


class InvalidRecord(ValueError):
    """A record a source could read but that cannot be a paper (no title, bad id, ...)."""


def validate(paper: Paper) -> Paper:
    if not paper.title.strip():
        raise InvalidRecord("the record has no title")
    if paper.arxiv_id is not None and not _CANONICAL_NEW_ID.fullmatch(paper.arxiv_id) \
            and parse_arxiv_id(paper.arxiv_id) is None:
        raise InvalidRecord(f"{paper.arxiv_id!r} is not an arXiv id")
    return paper
