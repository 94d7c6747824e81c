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
from paperwire.store.base import HarvestCheckpoint

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
    """Import one file. Raises sources.SourceError when the file as a whole is unreadable.
    A large file is parsed in a second process while this one stores and indexes."""
    fmt = fmt or sources.detect_format(path)
    if path.stat().st_size >= BULK_BYTES:
        with background.parsed(path, fmt) as records, library.store.bulk_load():
            return import_records(library, records, str(path), on_progress)
    with path.open("rb") as fp:
        return import_records(library, sources.read(fp, fmt), str(path), on_progress)
