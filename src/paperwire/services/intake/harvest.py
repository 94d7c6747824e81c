"""Harvests: arXiv over OAI-PMH, new submissions from the arXiv API, Hugging Face's daily
papers. Each is a source feeding the one ingest pipeline; each page's records and the
checkpoint that says where the harvest stands are committed in one transaction, so a harvest
killed at any instant resumes from the page it was on.
"""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from paperwire import clock
from paperwire.domain import Paper
from paperwire.ingest import ImportReport
from paperwire.services.glance.cards import github_stars
from paperwire.services.intake.importing import import_records
from paperwire.services.library import Library
from paperwire.sources import arxiv_atom, arxiv_client, arxiv_oai, hf_daily
from paperwire.sources.arxiv_client import ArxivClient
from paperwire.sources.base import SourceError
from paperwire.sources.http import Transient, Unreachable
from paperwire.sources.xml import parse_xml
from paperwire.store.base import HarvestCheckpoint, StoreError

HF_SERVICE = "huggingface"
HF_NAME = "hf"
API_PAGE = 100  # arXiv API results per request
API_MAX_PAGES = 20  # new submissions: at most 2,000 papers a run
HF_FIRST_DAYS = 7  # a first Hugging Face sync reaches back a week
HF_RESYNC_DAYS = 2  # upvotes keep moving for days: each sync refreshes the last ones again


class HarvestError(Exception):
    """A harvest stopped; the message says why and where the next run resumes."""


@dataclass
class HarvestReport:
    name: str
    pages: int = 0
    imported: ImportReport = field(default_factory=ImportReport)
    message: str = ""
    stopped: bool = False  # a stop was asked for; the next run resumes

    def summary(self) -> str:
        pages = f"{self.pages} page{'s' if self.pages != 1 else ''}"
        return f"{self.name}: {pages}, {self.imported.summary()}; {self.message}"


def _ingest_page(library: Library, records: list, where: str, checkpoint: HarvestCheckpoint,
                 report: HarvestReport) -> None:
    imported = import_records(library, records, where=where, checkpoint=checkpoint)
    report.imported.add(imported)
    if imported.failure:  # nothing of the page and its checkpoint was stored
        raise HarvestError(f"{imported.failure}; the next run resumes from this page")
    report.pages += 1


# -- arXiv over OAI-PMH ------------------------------------------------------------------------

_OAI_SENTENCES = {
    "badArgument": "the OAI-PMH server refused the request's arguments ({text}); check --set, "
                   "--from and --until (dates as YYYY-MM-DD)",
    "cannotDisseminateFormat": "the OAI-PMH server cannot give records as {prefix} ({text}); "
                               "use arXivRaw or arXiv",
    "noSetHierarchy": "the OAI-PMH server has no sets ({text}); harvest without --set",
    "badVerb": "the OAI-PMH server did not understand the request ({text}); is {url} an "
               "OAI-PMH endpoint?",
}


def _oai_check(body: bytes) -> None:
    """A page cut short is not XML: worth another try, not a failed harvest."""
    try:
        parse_xml(body)
    except SourceError as e:
        raise Transient(f"the page was cut short or garbled ({e})") from e


def oai_name(set_spec: str | None) -> str:
    return f"arxiv-oai:{set_spec or 'all'}"


def api_name(categories: list[str]) -> str:
    return "arxiv-api:" + ",".join(categories)


def where_it_resumes(cp: HarvestCheckpoint) -> str:
    if cp.token:
        return f"the next run resumes at page {cp.pages + 1} (resumption token {cp.token!r})"
    if cp.list_from:
        return f"the next run starts the list from {cp.list_from} again"
    if cp.cursor:
        return f"the next run starts from {cp.cursor}"
    return "the next run starts from the beginning"


def harvest_oai(library: Library, base_url: str | None = None, set_spec: str | None = None,
                date_from: date | None = None, date_until: date | None = None,
                metadata_prefix: str | None = None, stop: threading.Event | None = None,
                on_page: Callable[[HarvestReport], None] | None = None) -> HarvestReport:
    """Harvest arXiv's OAI-PMH ListRecords for a set: resume an open list, else start one
    from the last datestamp harvested (or date_from)."""
    settings = library.settings.harvest
    base_url = base_url or settings.oai_url
    prefix = metadata_prefix or settings.metadata_prefix
    name = oai_name(set_spec)
    store = library.store
    cp = store.harvest_checkpoint(name) or HarvestCheckpoint(name)
    if date_from or date_until or not cp.token:
        cp = _open_list(cp, date_from, date_until)
    report = HarvestReport(name)
    client = library.polite_client(arxiv_client.SERVICE, settings.arxiv)
    restarted = False
    try:
        while True:
            if stop is not None and stop.is_set():
                report.stopped = True
                report.message = f"stopped on request; {where_it_resumes(cp)}"
                return report
            params = ({"verb": "ListRecords", "resumptionToken": cp.token} if cp.token else
                      _list_params(prefix, set_spec, cp.list_from, cp.list_until))
            try:
                _, body = client.get(base_url, params, check=_oai_check)
                page = arxiv_oai.read_page(body)
            except (Unreachable, SourceError, StoreError) as e:
                raise HarvestError(f"{name}: {e}; {where_it_resumes(cp)}") from e
            if page.error_code == "badResumptionToken" and not restarted:
                restarted = True  # tokens expire; the records are idempotent, so start over
                report.message = (f"the server no longer knew the resumption token; the list "
                                  f"was started again from {cp.list_from or 'the beginning'}. ")
                cp.token, cp.pages = None, 0
                continue
            if page.error_code == "noRecordsMatch":
                since = cp.list_from or "the start"
                cp = _close_list(cp, page.response_date)
                store.save_checkpoint(cp)
                report.message += (f"no records changed since {since}; "
                                   f"next run starts from {cp.cursor}")
                return report
            if page.error_code:
                sentence = _OAI_SENTENCES.get(page.error_code, "the OAI-PMH server answered "
                                              f"{page.error_code} ({{text}})")
                raise HarvestError(f"{name}: " + sentence.format(
                    text=page.error_text or "no details", prefix=prefix, url=base_url))
            if cp.pages == 0 and cp.list_until is None:
                # the list holds what changed up to the moment it began: the next list starts there
                cp.list_until = page.response_date
            cp.pages += 1
            cp.token = page.token
            if page.token is None:
                cp = _close_list(cp, page.response_date)
            _ingest_page(library, page.records, f"{name} page {cp.pages}", cp, report)
            if on_page:
                on_page(report)
            if page.token is None:
                report.message += f"list complete; next run starts from {cp.cursor}"
                return report
    finally:
        client.close()


def _open_list(cp: HarvestCheckpoint, date_from: date | None,
               date_until: date | None) -> HarvestCheckpoint:
    start = date_from.isoformat() if date_from else cp.cursor
    return HarvestCheckpoint(cp.name, None, start,
                             date_until.isoformat() if date_until else None, 0, cp.cursor)


def _close_list(cp: HarvestCheckpoint, response_date: str | None) -> HarvestCheckpoint:
    cursor = cp.list_until or response_date or cp.cursor
    return HarvestCheckpoint(cp.name, None, None, None, cp.pages, cursor)


def _list_params(prefix: str, set_spec: str | None, date_from: str | None,
                 date_until: str | None) -> dict[str, str]:
    params = {"verb": "ListRecords", "metadataPrefix": prefix}
    for key, value in (("set", set_spec), ("from", date_from), ("until", date_until)):
        if value:
            params[key] = value
    return params


# -- new submissions from the arXiv API --------------------------------------------------------

def harvest_new(library: Library, base_url: str | None = None,
                categories: list[str] | None = None,
                stop: threading.Event | None = None) -> HarvestReport:
    """Papers submitted since the last run (or the last two days), newest first, before the
    OAI-PMH datestamps catch up. A run always starts from the newest: the list moves as
    papers arrive, so an offset would not resume anything."""
    settings = library.settings.harvest
    categories = categories or settings.categories
    name = api_name(categories)
    cp = library.store.harvest_checkpoint(name) or HarvestCheckpoint(name)
    since = date.fromisoformat(cp.cursor) - timedelta(days=1) if cp.cursor else \
        clock.today() - timedelta(days=2)
    client = ArxivClient(base_url or settings.arxiv_api,
                         library.polite_client(arxiv_client.SERVICE, settings.arxiv))
    report, newest = HarvestReport(name), cp.cursor
    try:
        for n in range(API_MAX_PAGES):
            if stop is not None and stop.is_set():
                report.stopped, report.message = True, "stopped on request"
                return report
            try:
                body = client.newest(categories, n * API_PAGE, API_PAGE)
                root = parse_xml(body)
                if message := arxiv_atom.error_message(root):
                    raise SourceError(f"the arXiv API answered with an error: {message}")
                records = list(arxiv_atom.parse(io.BytesIO(body)))
            except (Unreachable, SourceError, StoreError) as e:
                raise HarvestError(f"{name}: {e}; the next run starts again from the newest "
                                   "submissions") from e
            papers = [r for r in records if isinstance(r, Paper)]
            dates = [p.published.isoformat() for p in papers if p.published]
            newest = max([newest or "", *dates]) or None
            fresh = [p for p in papers if not p.published or p.published >= since]
            done = len(fresh) < len(papers) or len(records) < API_PAGE
            cp = HarvestCheckpoint(name, None, None, None, n + 1,
                                   newest if done else cp.cursor)
            _ingest_page(library, [*fresh, *(r for r in records if not isinstance(r, Paper))],
                         f"{name} page {n + 1}", cp, report)
            if done:
                break
        report.message = f"new submissions since {since}"
        return report
    finally:
        client.http.close()


# -- Hugging Face daily papers -----------------------------------------------------------------

def _hf_check(body: bytes) -> None:
    try:
        json.loads(body)
    except (ValueError, UnicodeDecodeError) as e:
        raise Transient(f"the response was cut short or is not JSON ({e})") from e


def hf_days(cursor: str | None, day: date | None, since: date | None,
            today: date) -> list[date]:
    """The days a sync reads: one day; or from `since`; or again from a little before the
    last day synced (upvotes keep moving); or the last week on a first sync."""
    if day:
        return [day]
    start = since or (date.fromisoformat(cursor) - timedelta(days=HF_RESYNC_DAYS) if cursor
                      else today - timedelta(days=HF_FIRST_DAYS - 1))
    return [start + timedelta(days=i) for i in range((today - start).days + 1)]


def harvest_hf(library: Library, base_url: str | None = None, day: date | None = None,
               since: date | None = None, stop: threading.Event | None = None) -> HarvestReport:
    settings = library.settings.harvest
    url = (base_url or settings.hf_url).rstrip("/") + "/api/daily_papers"
    name = HF_NAME
    cp = library.store.harvest_checkpoint(name) or HarvestCheckpoint(name)
    report = HarvestReport(name)
    client = library.polite_client(HF_SERVICE, settings.hf)
    days = hf_days(cp.cursor, day, since, clock.today())
    try:
        for d in days:
            if stop is not None and stop.is_set():
                report.stopped = True
                report.message = f"stopped on request before {d}; the next run reads it"
                return report
            try:
                _, body = client.get(url, {"date": d.isoformat(), "limit": "100"},
                                     check=_hf_check)
                records = list(hf_daily.parse(io.BytesIO(body), listed_on=d))
            except (Unreachable, SourceError, StoreError) as e:
                raise HarvestError(f"{name}: {d}: {e}; the next run reads {d} again") from e
            cursor = max(cp.cursor or "", d.isoformat())
            cp = HarvestCheckpoint(name, None, None, None, report.pages + 1, cursor)
            _ingest_page(library, records, f"{name} {d}", cp, report)
            library.stars.record(clock.today(), [
                (r.arxiv_id, n) for r in records if isinstance(r, Paper) and r.arxiv_id
                and (n := github_stars(r)) is not None])
        report.message = f"days {days[0]} to {days[-1]}" if len(days) > 1 else f"day {days[0]}"
        return report
    finally:
        client.close()
