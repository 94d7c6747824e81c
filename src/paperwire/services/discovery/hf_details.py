"""What Hugging Face's daily page shows beside the paper itself (submitter, organization,
comments, stars, keywords, thumbnail, AI summary), read safely from the extras an HF sync
stored, and the daily-papers JSON item served back under Hugging Face's own names."""

from __future__ import annotations

from dataclasses import dataclass

from paperwire.domain import Paper
from paperwire.services.markdown import web_link
from paperwire.sources.base import parse_date


def _text(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _person(value: object) -> str | None:
    if not isinstance(value, dict):
        return None
    return _text(value.get("fullname")) or _text(value.get("name"))


@dataclass(frozen=True)
class HfDetails:
    item: dict  # the daily item's fields beyond the paper (thumbnail, submittedBy, …)
    paper: dict  # the paper's fields beyond the core record (ai_keywords, githubStars, …)

    @classmethod
    def of(cls, paper: Paper) -> HfDetails:
        hf = paper.extras.get("hf") if isinstance(paper.extras, dict) else None
        hf = hf if isinstance(hf, dict) else {}
        item, inner = hf.get("item"), hf.get("paper")
        return cls(item if isinstance(item, dict) else {},
                   inner if isinstance(inner, dict) else {})

    @property
    def thumbnail(self) -> str | None:
        return web_link(self.item.get("thumbnail"))

    @property
    def submitter(self) -> str | None:
        return _person(self.item.get("submittedBy")) or _person(
            self.paper.get("submittedOnDailyBy"))

    @property
    def organization(self) -> str | None:
        return _person(self.item.get("organization")) or _person(self.paper.get("organization"))

    @property
    def listed_at(self) -> str | None:
        """The daily item's own publishedAt, to the second, as Hugging Face wrote it."""
        value = _text(self.item.get("publishedAt"))
        return value if value and parse_date(value) else None

    @property
    def comments(self) -> int:
        return _int(self.item.get("numComments")) or 0

    @property
    def stars(self) -> int | None:
        return _int(self.paper.get("githubStars"))

    @property
    def project_page(self) -> str | None:
        return web_link(self.paper.get("projectPage"))

    @property
    def keywords(self) -> list[str]:
        words = self.paper.get("ai_keywords")
        return [w for w in words if isinstance(w, str) and w.strip()][:12] \
            if isinstance(words, list) else []

    @property
    def ai_summary(self) -> str | None:
        return _text(self.paper.get("ai_summary"))


def authors_json(paper: Paper) -> list[dict]:
    """Authors as Hugging Face gives them (objects with `name`, `_id`, …): the synced
    objects while their names are still the paper's, else objects with the name alone."""
    stored = HfDetails.of(paper).paper.get("authors")
    if isinstance(stored, list) and all(isinstance(a, dict) for a in stored) \
            and [a.get("name") for a in stored] == paper.authors:
        return stored
    return [{"name": name} for name in paper.authors]


def paper_fields(paper: Paper) -> dict:
    """The paper's fields an HF sync brought beyond the core record, under HF's names."""
    return {k: v for k, v in HfDetails.of(paper).paper.items() if k != "authors"}
