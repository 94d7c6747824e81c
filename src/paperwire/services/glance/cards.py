"""What a card shows of a paper at a glance, and whose it is: Hugging Face's keywords and AI
summary where a sync brought them (labelled as theirs), else ours (the model's keyphrases,
the abstract's central sentence); Hugging Face's githubRepo as the code link, else the
first repository the abstract or comments give; the venue the comments name."""

from __future__ import annotations

from dataclasses import dataclass

from paperwire.code_links import find_links
from paperwire.domain import Paper
from paperwire.services.library import Library
from paperwire.services.markdown import web_link
from paperwire.store.base import StoredPaper
from paperwire.store.glance import Made
from paperwire.venues import Venue, find_venue

SHOWN_KEYWORDS = 6
HF = "Hugging Face"


def hf_fields(paper: Paper) -> dict:
    """The paper's fields from a Hugging Face sync (ai_keywords, githubStars, …), if any."""
    hf = paper.extras.get("hf") if isinstance(paper.extras, dict) else None
    inner = hf.get("paper") if isinstance(hf, dict) else None
    return inner if isinstance(inner, dict) else {}


def github_stars(paper: Paper) -> int | None:
    """The GitHub stars of the paper's code as Hugging Face last counted them."""
    n = hf_fields(paper).get("githubStars")
    return n if isinstance(n, int) and not isinstance(n, bool) and n >= 0 else None


@dataclass(frozen=True)
class Glance:
    keywords: tuple[str, ...] = ()
    keywords_by: str | None = None  # "Hugging Face", or None: ours
    gist: str | None = None
    gist_by: str | None = None
    code: str | None = None  # the code link a card shows
    code_by: str | None = None  # "Hugging Face" or None: found in the paper's text
    page: str | None = None  # a project page the text gives (HF's is shown by _extras)
    venue: Venue | None = None

    @property
    def shown_keywords(self) -> tuple[str, ...]:
        return self.keywords[:SHOWN_KEYWORDS]

    def as_json(self) -> dict:
        """Under our own names, beside the HF-shaped fields of the API."""
        return {"keywords": list(self.keywords), "keywordsBy": self.keywords_by or "paperwire",
                "gist": self.gist, "gistBy": self.gist_by or ("paperwire" if self.gist
                                                               else None),
                "codeUrl": self.code, "codeBy": self.code_by or ("paperwire" if self.code
                                                                 else None),
                "projectPageFound": self.page,
                "venue": self.venue.label if self.venue else None,
                "venueKey": self.venue.key if self.venue else None,
                "venueNote": self.venue.note if self.venue else None}


def glance_of(sp: StoredPaper, made: Made | None) -> Glance:
    p, hf = sp.paper, hf_fields(sp.paper)
    hf_words = [w.strip() for w in hf.get("ai_keywords") or [] if isinstance(w, str)
                and w.strip()] if isinstance(hf.get("ai_keywords"), list) else []
    hf_summary = hf.get("ai_summary").strip() if isinstance(hf.get("ai_summary"), str) \
        and hf.get("ai_summary").strip() else None
    ours = made.keywords if made else []
    links = find_links(p.abstract, p.comment)
    hf_code = web_link(p.code_url)
    return Glance(
        keywords=tuple(hf_words or ours), keywords_by=HF if hf_words else None,
        gist=hf_summary or (made.gist if made else None), gist_by=HF if hf_summary else None,
        code=hf_code or links.first_code, code_by=HF if hf_code else None,
        page=None if web_link(hf.get("projectPage")) else links.first_page,
        venue=find_venue(p.comment, p.journal_ref))


def glances(library: Library, papers: list[StoredPaper]) -> dict[int, Glance]:
    """Each paper's glance, by pid: one read of the model's keyphrases for all of them;
    the text's links and venue are read once per revision of the paper and kept."""
    made = library.glance.made_for([sp.pid for sp in papers])

    def of(sp: StoredPaper) -> Glance:
        ours = made.get(sp.pid)
        key = (sp.pid, sp.rev, ours.text_hash if ours else None)
        return library.memo.get("glance", key, lambda: glance_of(sp, ours))

    return {sp.pid: of(sp) for sp in papers}
