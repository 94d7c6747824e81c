"""Where a paper appeared, read from its arXiv comments and journal-ref: "Accepted at ICLR
2026", "NeurIPS 2025 (spotlight)", "CVPR 2026 camera-ready", "Published in TMLR".

Precision first: only venues of a known list are read (the conferences and journals of
machine learning, vision, language, robotics, graphics and data), a venue the paper was
only submitted to or is under review at is not one, and a bare mention needs its year.
Pure text: ingest stores the venue beside the paper (store/rows.py).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

# canonical name → how comments spell it (regex, matched case-insensitively as a word)
_SPELLINGS: dict[str, str] = {
    "NeurIPS": r"neurips|nips|neural information processing systems",
    "ICLR": r"iclr|international conference on learning representations",
    "ICML": r"icml|international conference on machine learning",
    "CVPR": r"cvpr|computer vision and pattern recognition",
    "ICCV": r"iccv|international conference on computer vision",
    "ECCV": r"eccv|european conference on computer vision",
    "WACV": r"wacv", "BMVC": r"bmvc", "3DV": r"3dv",
    "ACL": r"acl|annual meeting of the association for computational linguistics",
    "EMNLP": r"emnlp|empirical methods in natural language processing",
    "NAACL": r"naacl", "EACL": r"eacl", "COLING": r"coling", "COLM": r"colm",
    "LREC": r"lrec(?:-coling)?", "Interspeech": r"interspeech", "ICASSP": r"icassp",
    "AAAI": r"aaai", "IJCAI": r"ijcai", "AISTATS": r"aistats", "UAI": r"uai",
    "COLT": r"colt", "KDD": r"(?:sig)?kdd", "WWW": r"www|the ?web ?conf(?:erence)?",
    "SIGIR": r"sigir", "WSDM": r"wsdm", "CIKM": r"cikm", "RecSys": r"recsys",
    "CHI": r"chi", "UIST": r"uist", "SIGGRAPH Asia": r"siggraph asia",
    "SIGGRAPH": r"siggraph", "ICRA": r"icra", "IROS": r"iros", "CoRL": r"corl",
    "RSS": r"rss|robotics: science and systems", "MICCAI": r"miccai",
    "MLSys": r"mlsys", "ICDE": r"icde", "VLDB": r"vldb|pvldb", "SIGMOD": r"sigmod",
    "TMLR": r"tmlr|transactions on machine learning research",
    "JMLR": r"jmlr|journal of machine learning research",
    "TPAMI": r"tpami|t-pami|transactions on pattern analysis and machine intelligence",
    "IJCV": r"ijcv|international journal of computer vision",
    "TACL": r"tacl|transactions of the association for computational linguistics",
    "TOG": r"acm tog|acm transactions on graphics",
}
_ORDER = sorted(_SPELLINGS, key=lambda n: -len(n))  # "SIGGRAPH Asia" before "SIGGRAPH"
_VENUE = re.compile("|".join(rf"(?P<v{i}>(?<![\w-])(?:{_SPELLINGS[n]})(?![A-Za-z]|-[A-Za-z]))"
                             for i, n in enumerate(_ORDER)), re.IGNORECASE)
_AFTER_YEAR = re.compile(r"^\)?(?:\s*[-'’]?\s*|\s*\(?\s*)(?P<y>(?:19|20)\d\d|\d\d)(?!\d)")
_BEFORE_YEAR = re.compile(r"(?P<y>(?:19|20)\d\d)\)?\s*(?:\(\s*)?$")
_CLAUSE = re.compile(r";|\.\s+(?=[A-Z])|\n|,\s+(?=(?:and\s+)?(?:accepted|to appear|published|"
                     r"presented|submitted|under review)\b)", re.IGNORECASE)
_NOT_YET = re.compile(r"submitted|submission|under review|in review|preprint for|rejected|"
                      r"extended version of|extends? (?:our|the|a)|extension of|"
                      r"previous(?:ly)?|prior|earlier|workshop version|appeared as|"
                      r"review(?:ed)? (?:at|by|for)", re.IGNORECASE)
_CUE = re.compile(r"accepted|accept|to appear|appear(?:s|ed)? (?:in|at)|published|"
                  r"camera[- ]ready|proceedings|spotlight|oral|poster|highlight|"
                  r"main (?:conference|track)|presented at|in press|conference paper|"
                  r"findings", re.IGNORECASE)
_LATER_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_NOTE = re.compile(r"\b(spotlight|oral|poster|highlight|best paper|award)\b", re.IGNORECASE)
_TRACK = re.compile(r"\b(workshops?|findings)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Venue:
    name: str  # "ICLR"
    year: int | None  # 2026; None when the text gives none (a journal, often)
    track: str | None = None  # "Workshop", "Findings"
    note: str | None = None  # "spotlight", "oral"

    @property
    def label(self) -> str:
        """What a chip shows: "ICLR 2026", "NeurIPS 2025 Workshop", "TMLR"."""
        return " ".join(str(x) for x in (self.name, self.year, self.track) if x)

    @property
    def key(self) -> str:
        """Its address under /venues/: "ICLR-2026", "SIGGRAPH-Asia-2025"."""
        return self.label.replace(" ", "-")


def _year(text: str, start: int, end: int) -> int | None:
    if m := _AFTER_YEAR.match(text[end:end + 8]):
        y = m.group("y")
        if len(y) == 4:
            return int(y)
        if text[end:end + 1] in "'’-" or text[end:end + 1].isdigit():
            return 2000 + int(y)  # ICLR'26, ICLR26
        return None  # "ICLR 26 pages" is no year
    if m := _BEFORE_YEAR.search(text[max(0, start - 8):start]):
        return int(m.group("y"))
    return None


def _in_clause(clause: str, rest: str, published: bool) -> Venue | None:
    if _NOT_YET.search(clause):
        return None
    for m in _VENUE.finditer(clause):
        name = _ORDER[int(m.lastgroup[1:])]  # type: ignore[index]
        written = m.group(0)
        if (name == "CHI" and not written.isupper()) or (len(written) <= 4
                                                          and written.islower()):
            continue  # short names must be written as acronyms: "chi", "rss", "uai" are words
        year = _year(clause, m.start(), m.end())
        cue = published or bool(_CUE.search(clause))
        if year is None and cue and (y := _LATER_YEAR.search(
                (clause[m.end():] + " " + rest)[:120])):
            year = int(y.group(0))  # "Proceedings of the … Conference on …, Vienna. 2024"
        if year is None and not cue:
            continue  # "compared with ICLR baselines": a bare name is no venue
        if year is not None and not 1980 <= year <= 2100:
            continue
        track = _TRACK.search(clause)
        note = _NOTE.search(clause[m.end():]) or _NOTE.search(clause)
        return Venue(name, year,
                     ("Findings" if track.group(1).lower() == "findings" else "Workshop")
                     if track else None,
                     note.group(1).lower() if note else None)
    return None


@functools.lru_cache(maxsize=4096)  # a paper's write and its indexing ask for the same texts
def find_venue(comment: str | None, journal_ref: str | None = None) -> Venue | None:
    """The venue the comments or the journal-ref name, the first found; None if none.
    A journal-ref says where the paper was published: it needs no "accepted"."""
    for text, published in ((comment, False), (journal_ref, True)):
        if not text:
            continue
        text = " ".join(text.split())
        at = 0
        for clause in _CLAUSE.split(text):
            at = text.find(clause, at)
            if venue := _in_clause(clause, text[at + len(clause):], published):
                return venue
    return None


def parse_key(key: str) -> str:
    """A venue's address as typed ("iclr-2026") folded for lookup."""
    return key.strip().lower()
