"""A first start without the demo corpus: offer to harvest the last week of one category,
saying how long it will take, or say in one sentence that there is no network."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

from paperwire import clock
from paperwire.services.intake import embed as embed_service
from paperwire.services.intake import harvest
from paperwire.services.library import Library
from paperwire.sources.http import PoliteClient, Unreachable

SET = "cs:cs:LG"
DAYS = 7
RECORDS_PER_DAY = 1100  # cs.LG records changed a day at arXiv in 2025-26, roughly
RECORDS_PER_PAGE = 1000  # arXiv's OAI-PMH page
EMBED_PER_SECOND = 55  # measured on a 2-core box (benchmarks/RESULTS.md)
SECONDS_PER_REQUEST = 5.0  # the 3 s pause arXiv asks for, and the transfer


@dataclass(frozen=True)
class Offer:
    set_spec: str
    days: int
    papers: int
    minutes: int

    @property
    def category(self) -> str:
        """The OAI-PMH set cs:cs:LG is the category cs.LG."""
        parts = self.set_spec.split(":")
        return f"{parts[1]}.{parts[2]}" if len(parts) == 3 else self.set_spec

    def sentence(self) -> str:
        return (f"Harvest the last {self.days} days of {self.category} from "
                f"arXiv and Hugging Face: about {self.papers:,} papers, about {self.minutes} "
                "minutes (most of it embedding them)")


def offer() -> Offer:
    papers = DAYS * RECORDS_PER_DAY
    requests = papers // RECORDS_PER_PAGE + 1 + DAYS
    seconds = papers / EMBED_PER_SECOND + requests * SECONDS_PER_REQUEST
    return Offer(SET, DAYS, papers, max(1, round(seconds / 60)))


def network_problem(library: Library) -> str | None:
    """None when arXiv's OAI-PMH endpoint answers; else why not, in words."""
    settings = library.settings.harvest
    quick = replace(settings.arxiv, attempts=1, timeout=10.0)
    client: PoliteClient = library.polite_client("arxiv", quick)
    try:
        client.get(settings.oai_url, {"verb": "Identify"})
    except Unreachable as e:
        return str(e)
    finally:
        client.close()
    return None


def harvest_recent(library: Library, chosen: Offer) -> list[harvest.HarvestReport]:
    today = clock.today()
    reports = [harvest.harvest_oai(library, set_spec=chosen.set_spec,
                                   date_from=today - timedelta(days=chosen.days)),
               harvest.harvest_hf(library, since=today - timedelta(days=chosen.days - 1))]
    embed_service.embed_pending(library)
    return reports
