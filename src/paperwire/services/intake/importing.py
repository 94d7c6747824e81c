"""Import files: detect the format, stream records through ingest, index what changed."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from paperwire import sources
from paperwire.index import sync
from paperwire.ingest import BATCH_SIZE, ImportReport, ingest
from paperwire.services.library import Library
from paperwire.sources import background
from paperwire.sources.base import Parsed
from paperwire.store.base import HarvestCheckpoint, StoreError

# a file this large is a bulk load: parsed in a second process, secondary indexes deferred
BULK_BYTES = 32 * 2**20


def import_records(library: Library, records: Iterable[Parsed], where: str = "",
                   on_progress: Callable[[int], None] | None = None,
                   checkpoint: HarvestCheckpoint | None = None) -> ImportReport:
    """Ingest records and bring the lexical index along, batch by batch. With a checkpoint,
    the records (a harvested page) and the checkpoint are committed in one transaction."""
    index = library.lexical
    records = list(records) if checkpoint is not None else records
    batch = max(BATCH_SIZE, len(records)) if isinstance(records, list) else BATCH_SIZE
    try:
        return ingest(library.store, records, where=where, on_progress=on_progress,
                      on_batch=lambda changed: sync.apply(index, changed), batch_size=batch,
                      checkpoint=checkpoint)
    finally:
        index.commit(library.store.max_rev())


def import_file(library: Library, path: Path, fmt: str | None = None,
                on_progress: Callable[[int], None] | None = None) -> ImportReport:
    """Import one file, gzip-compressed or not. Raises sources.SourceError, having stored
    nothing, when the file cannot be read at all (binary, an unknown format, broken XML or
    JSON); a file that stops being readable midway, or a store that cannot be written, ends
    with the report's `failure` set. A large file is parsed in a second process."""
    if fmt is None:
        fmt = sources.detect_format(path)
    else:
        sources.head_of(path)  # binary data is refused whatever format was named
    if path.stat().st_size < BULK_BYTES:
        with sources.open_input(path) as fp:
            return import_records(library, sources.read(fp, fmt), str(path), on_progress)
    report = ImportReport()
    try:
        with background.parsed(path, fmt) as records, library.store.bulk_load():
            report = import_records(library, records, str(path), on_progress)
    except StoreError as e:  # the deferred indexes could not be built: the next open does
        report.failure = report.failure or f"the store could not be written ({e})"
    return report
