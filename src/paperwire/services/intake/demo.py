"""The demo corpus in ../shared: Hugging Face's daily-papers archive, one saved response per
listing day, each read as `harvest hf --date D` reads that day's answer (the same parser, the
file's name as the listing day), then the arXiv snapshot sample."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

from paperwire.ingest import ImportReport
from paperwire.services.intake.importing import import_file, import_records
from paperwire.services.library import Library
from paperwire.sources import hf_daily
from paperwire.sources.base import Parsed, RecordError, SourceError

ARCHIVE = Path("fixtures/hf-daily-archive")
SNAPSHOT = Path("fixtures/arxiv-snapshot/first-200.jsonl")
_DAY_FILE = re.compile(r"(\d{4}-\d{2}-\d{2})\.json")


def archive_days(shared: Path) -> list[tuple[date, Path]]:
    """The archive's listing days and their files, oldest first."""
    days = []
    for path in sorted((shared / ARCHIVE).glob("*.json")):
        if m := _DAY_FILE.fullmatch(path.name):
            days.append((date.fromisoformat(m.group(1)), path))
    return days


def has_corpus(shared: Path) -> bool:
    return bool(archive_days(shared))


def _archive_records(days: list[tuple[date, Path]],
                     on_day: Callable[[], None] | None) -> Iterator[Parsed]:
    for day, path in days:
        try:
            with path.open("rb") as fp:
                for record in hf_daily.parse(fp, listed_on=day):
                    yield (replace(record, where=f"{path.name} {record.where}")
                           if isinstance(record, RecordError) else record)
        except SourceError as e:
            yield RecordError(path.name, str(e))
        if on_day:
            on_day()


def load(library: Library, shared: Path,
         on_day: Callable[[], None] | None = None) -> ImportReport:
    """Store the archive (one stream, so the index commits once, not per day) and the
    snapshot sample; re-loading changes nothing."""
    report = import_records(library, _archive_records(archive_days(shared), on_day),
                            where=str(shared / ARCHIVE))
    if (shared / SNAPSHOT).is_file():
        report.add(import_file(library, shared / SNAPSHOT))
    return report
