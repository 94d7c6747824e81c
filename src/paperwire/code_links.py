"""Code and project pages a paper's own text points at: GitHub and GitLab repositories and
project pages found in its abstract and arXiv comments, normalized and deduplicated.

Pure text, no network: what ingest stores beside the paper (store/rows.py) and the lexical
index files under "has code". Hugging Face's githubRepo, where a sync brought one, stays the
card's code link; these fill in where it has none.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

# a web address as papers write it, up to white space, a LaTeX brace or a quote
_URL = re.compile(r"(?:https?://|(?<![\w./@-])(?:www\.)?(?=(?:github|gitlab)\.com/))"
                  r"[^\s{}<>\"'\\|^`\[\]]+", re.IGNORECASE)
_REPO_HOSTS = ("github.com", "gitlab.com")
# GitHub's own pages that are not a repository
_NOT_OWNERS = {"features", "topics", "orgs", "sponsors", "marketplace", "about", "pricing",
               "settings", "explore", "collections", "login", "join", "apps", "site"}
_TRAILING = ".,;:)]}>'\"*"
# project pages: GitHub/GitLab Pages and sites a paper calls its project or demo page
_PAGE_HOST = re.compile(r"(^|\.)(github\.io|gitlab\.io)$")
_PAGE_CUE = re.compile(r"(project|demo|website|homepage|page|site)\b[^.]{0,40}$", re.IGNORECASE)
# hosts that are never a paper's code or project page
_NOT_PAGES = ("arxiv.org", "doi.org", "dx.doi.org", "creativecommons.org", "huggingface.co",
              "openreview.net", "youtube.com", "youtu.be", "twitter.com", "x.com")


@dataclass(frozen=True)
class Links:
    code: tuple[str, ...] = ()  # repositories, in the order the text gives them
    pages: tuple[str, ...] = ()  # project pages

    @property
    def first_code(self) -> str | None:
        return self.code[0] if self.code else None

    @property
    def first_page(self) -> str | None:
        return self.pages[0] if self.pages else None


def normalize(url: str) -> str | None:
    """A link as written → its canonical form: https, lower-case host, no fragment, query or
    trailing punctuation, no `.git`; a repository cut to owner/name. None when it is no
    address (a bare host, a GitHub page that is no repository)."""
    u = url.strip().rstrip(_TRAILING)
    u = re.sub(r"^(?:https?://)?", "", u, flags=re.IGNORECASE)
    host, _, path = u.partition("/")
    host = host.lower().removeprefix("www.").split(":")[0].rstrip(".")
    if "." not in host or not re.fullmatch(r"[a-z0-9.-]+", host):
        return None
    path = re.split(r"[#?]", path, maxsplit=1)[0].rstrip(_TRAILING + "/")
    if host in _REPO_HOSTS:
        parts = [p for p in path.split("/") if p]
        if len(parts) < 2 or parts[0].lower() in _NOT_OWNERS:
            return None
        keep = 2 if host == "github.com" else _gitlab_depth(parts)
        parts = parts[:keep]
        parts[-1] = re.sub(r"\.git$", "", parts[-1], flags=re.IGNORECASE).rstrip(_TRAILING)
        if not parts[-1]:
            return None
        return f"https://{host}/{'/'.join(parts)}"
    path = re.sub(r"\.git$", "", path, flags=re.IGNORECASE)
    return f"https://{host}/{path}" if path else f"https://{host}"


def _gitlab_depth(parts: list[str]) -> int:
    """GitLab nests groups: the repository ends before GitLab's own `-` path."""
    return parts.index("-") if "-" in parts else len(parts)


def is_repository(url: str) -> bool:
    return url.split("/")[2] in _REPO_HOSTS


def _is_page(url: str, before: str) -> bool:
    host = url.split("/")[2]
    if any(host == h or host.endswith("." + h) for h in _NOT_PAGES):
        return False
    return bool(_PAGE_HOST.search(host) or _PAGE_CUE.search(before))


def _may_link(text: str) -> bool:
    """Whether the text could hold an address at all: a plain substring test, so the
    address pattern (which tries every position) runs on the few texts that do (a fifth of
    an import's time went to it)."""
    lowered = text.lower()
    return "http" in lowered or "github.com/" in lowered or "gitlab.com/" in lowered


@functools.lru_cache(maxsize=4096)  # a paper's write and its indexing ask for the same texts
def find_links(*texts: str | None) -> Links:
    """The repositories and project pages in these texts (abstract, comments), each once."""
    code: list[str] = []
    pages: list[str] = []
    for text in texts:
        if not text or not _may_link(text):
            continue
        for m in _URL.finditer(text):
            url = normalize(m.group(0))
            if url is None:
                continue
            if is_repository(url):
                if url.lower() not in {c.lower() for c in code}:
                    code.append(url)
            elif _is_page(url, text[max(0, m.start() - 60):m.start()]) and url not in pages:
                pages.append(url)
    return Links(tuple(code), tuple(pages))
