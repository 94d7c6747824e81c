"""Import files: detect the format, stream records through ingest, index what changed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from paperwire import sources
from paperwire.index import sync
from paperwire.ingest import ImportReport, ingest
from paperwire.services.library import Library


def import_file(library: Library, path: Path, fmt: str | None = None,
                on_progress: Callable[[int], None] | None = None) -> ImportReport:
    """Import one file. Raises sources.SourceError when the file as a whole is unreadable."""
    fmt = fmt or sources.detect_format(path)
    index = library.lexical
    store = library.store

    with path.open("rb") as fp:
        report = ingest(store, sources.read(fp, fmt), where=str(path), on_progress=on_progress,
                        on_batch=lambda changed: sync.apply(index, changed))
    index.commit(store.max_rev())
    return report

