"""Parse a file in a second process, so a bulk import uses both cores: the parser reads
and builds records there while the importer stores and indexes them here.

Records cross in lists of CHUNK through a bounded queue (backpressure: the parser never
runs more than a few chunks ahead). A file that cannot be read raises SourceError here,
as it would in-process; a parser that dies says so instead of hanging the import.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from paperwire import sources
from paperwire.domain import PAPER_FIELDS, Paper
from paperwire.sources.base import Parsed, RecordError, SourceError

CHUNK = 2000
AHEAD = 8  # chunks the parser may run ahead of the importer
_DONE = "done"
_DATES = tuple(i for i, name in enumerate(PAPER_FIELDS)
               if name in ("published", "updated", "listed_on"))


def to_wire(record: Parsed) -> tuple:
    """A record as plain values (dates as day numbers): a third of the pickling cost of the
    dataclass, which is most of what crossing between processes costs."""
    if isinstance(record, RecordError):
        return (record.where, record.reason)
    values = [getattr(record, name) for name in PAPER_FIELDS]
    for i in _DATES:
        if values[i] is not None:
            values[i] = values[i].toordinal()
    return tuple(values)


def from_wire(values: tuple) -> Parsed:
    if len(values) == 2:
        return RecordError(*values)
    values = list(values)
    for i in _DATES:
        if values[i] is not None:
            values[i] = date.fromordinal(values[i])
    return Paper(*values)


def _parse_into(path: str, fmt: str, out: mp.Queue) -> None:
    chunk: list[tuple] = []
    try:
        with sources.open_input(Path(path)) as fp:
            for record in sources.read(fp, fmt):
                chunk.append(to_wire(record))
                if len(chunk) >= CHUNK:
                    out.put(chunk)
                    chunk = []
        out.put(chunk)
        out.put(_DONE)
    except SourceError as e:
        out.put(chunk)  # the whole records read before it
        out.put(e)
    except OSError as e:
        out.put(SourceError(f"cannot read it: {e.strerror}"))


def _records(process: mp.Process, inbox: mp.Queue) -> Iterator[Parsed]:
    while True:
        try:
            item = inbox.get(timeout=5)
        except queue.Empty:
            if not process.is_alive():
                raise SourceError("the parser process stopped without finishing "
                                  f"(exit code {process.exitcode})") from None
            continue
        if item == _DONE:
            return
        if isinstance(item, SourceError):
            raise item
        yield from map(from_wire, item)


@contextmanager
def parsed(path: Path, fmt: str) -> Iterator[Iterator[Parsed]]:
    context = mp.get_context("spawn")  # no fork of a process holding index threads
    inbox = context.Queue(maxsize=AHEAD)
    process = context.Process(target=_parse_into, args=(str(path), fmt, inbox), daemon=True)
    process.start()
    try:
        yield _records(process, inbox)
    finally:
        if process.is_alive():
            process.terminate()
        process.join(timeout=10)
        inbox.close()
