"""What the worker and the harvests are doing, for `paperwire status` and the admin page."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

from paperwire.services.intake.harvest import where_it_resumes
from paperwire.services.library import Library
from paperwire.services.operations import worker


@dataclass
class SourceStatus:
    name: str
    last_start: str | None = None
    last_success: str | None = None
    last_error: str | None = None
    last_error_at: str | None = None
    next_run: str | None = None
    added_last: int = 0
    added_total: int = 0
    resumes: str | None = None  # where the next harvest of this source starts

    @property
    def failing(self) -> bool:
        """The last run failed (its error is newer than its last success)."""
        return bool(self.last_error_at) and (self.last_success or "") < self.last_error_at


@dataclass
class Status:
    worker: str | None  # who runs the worker, or None
    worker_seen_seconds_ago: float | None
    sources: list[SourceStatus]

    def as_json(self) -> dict:
        return {"worker": self.worker, "worker_seen_seconds_ago": self.worker_seen_seconds_ago,
                "sources": [asdict(s) | {"failing": s.failing} for s in self.sources]}


def status(library: Library) -> Status:
    state = library.worker_store
    sources = {j.name: SourceStatus(**vars(j)) for j in state.jobs()}
    for name in [j.name for j in worker.jobs_for(library)] + state.checkpoint_names():
        sources.setdefault(name, SourceStatus(name))
    for name, source in sources.items():
        if (cp := library.store.harvest_checkpoint(name)) is not None:
            source.resumes = where_it_resumes(cp)
    lock = state.lock_holder(worker.LOCK)
    seen = round(time.time() - lock[1], 1) if lock else None
    return Status(lock[0] if lock else None, seen,
                  sorted(sources.values(), key=lambda s: s.name))
