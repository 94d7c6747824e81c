"""The worker: on a schedule, harvest → embed → index, one worker per store.

Each job's last start, success, error, next run and papers added live in the store (the
`jobs` table), so `paperwire status`, the admin page and a restarted worker all read the
same schedule. Jobs stop between pages or batches when asked; everything they wrote is
committed by then, so a stop or a crash costs at most the page in flight.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from paperwire import clock
from paperwire.services.fieldmap import placing
from paperwire.services.holders import holder_is_gone, holder_name
from paperwire.services.intake import embed as embed_service
from paperwire.services.intake import harvest
from paperwire.services.library import Library
from paperwire.services.mail import digest, mailer
from paperwire.services.operations import integrity
from paperwire.services.personal import foryou

log = logging.getLogger(__name__)

LOCK = "worker"
STALE_AFTER = 15 * 60.0  # a lock whose holder has not been heard from for this long is free
EMBED = "embed"
INTEGRITY = "integrity"
MAIL = "mail"
MAP = "map"
MAP_EVERY = timedelta(hours=1)  # and after every embed: papers embedded elsewhere get placed
FOR_YOU = "for-you lists"
FOR_YOU_SEEN_DAYS = 4  # a reader of every weekday, seen on Friday, has Monday's list made
FOR_YOU_EVERY = timedelta(minutes=10)


class WorkerBusy(Exception):
    """Another worker holds this store."""


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[Library, threading.Event], int]  # returns papers added or changed
    every: timedelta | None = None  # None: daily at the integrity hour
    harvests: bool = True  # new papers follow: embed right after


def _changed(report: harvest.HarvestReport) -> int:
    return report.imported.added + report.imported.updated


def jobs_for(library: Library) -> list[Job]:
    h, w = library.settings.harvest, library.settings.worker
    arxiv_every = timedelta(minutes=w.arxiv_every_minutes)
    jobs = [Job(harvest.oai_name(s), _oai_job(s), arxiv_every) for s in h.sets]
    jobs.append(Job(harvest.api_name(h.categories),
                    lambda lib, stop: _changed(harvest.harvest_new(lib, stop=stop)), arxiv_every))
    jobs.append(Job(harvest.HF_NAME, lambda lib, stop: _changed(harvest.harvest_hf(lib, stop=stop)),
                    timedelta(minutes=w.hf_every_minutes)))
    jobs.append(Job(INTEGRITY, lambda lib, stop: integrity.check(lib).repaired, None,
                    harvests=False))
    jobs.append(Job(MAP, _map_job, MAP_EVERY, harvests=False))
    jobs.append(Job(FOR_YOU, _foryou_job, FOR_YOU_EVERY, harvests=False))
    if library.settings.mail.can_send:  # without a server, digests would only pile up
        jobs.append(Job(MAIL, _mail_job, timedelta(minutes=library.settings.mail.every_minutes),
                        harvests=False))
    return jobs


def _oai_job(set_spec: str) -> Callable[[Library, threading.Event], int]:
    def run(library: Library, stop: threading.Event) -> int:
        # a set never harvested starts a few days back, not at arXiv's beginning (a whole
        # set is hours of requests; `paperwire harvest arxiv --from` loads history)
        first = library.store.harvest_checkpoint(harvest.oai_name(set_spec)) is None
        since = (clock.now().date() - timedelta(days=library.settings.worker.first_days)
                 if first else None)
        return _changed(harvest.harvest_oai(library, set_spec=set_spec, date_from=since,
                                            stop=stop))

    return run


def next_run(job: Job, after: datetime, hour_utc: int) -> datetime:
    if job.every is not None:
        return after + job.every
    at = after.replace(hour=hour_utc, minute=0, second=0)
    return at if at > after else at + timedelta(days=1)


class Worker:
    def __init__(self, library: Library, stop: threading.Event,
                 say: Callable[[str], None] = log.info) -> None:
        self.library, self.stop, self.say = library, stop, say
        self.state = library.worker_store
        self.jobs = jobs_for(library)
        self.holder = holder_name()

    def __enter__(self) -> Worker:
        held_by = self.state.take_lock(LOCK, self.holder, STALE_AFTER, holder_is_gone)
        if held_by is not None:
            raise WorkerBusy(f"another worker ({held_by}) is already running on this store; "
                             "this one exits")
        return self

    def __exit__(self, *exc) -> None:
        self.state.release_lock(LOCK, self.holder)

    def run_forever(self) -> None:
        tick = self.library.settings.worker.tick_seconds
        while not self.stop.is_set():
            self.run_due()
            self.stop.wait(tick)

    def run_due(self) -> list[str]:
        """Run every job whose time has come; the names of those run."""
        due = {j.name: j.next_run for j in self.state.jobs()}
        ran = []
        for job in self.jobs:
            if self.stop.is_set():
                break
            self.state.heartbeat(LOCK, self.holder)
            when = due.get(job.name)
            if job.every is None and when is None:  # a first start: the next night, not now
                self._schedule(job, clock.now())
                continue
            if when is not None and when > clock.stamp(clock.now()):
                continue
            changed = self._run(job)
            ran.append(job.name)
            if changed and job.harvests and not self.stop.is_set():
                self._run(Job(EMBED, _embed_job, None, harvests=False), schedule=False)
                # the new papers onto the map in the same cycle (built again past its drift)
                self._run(Job(MAP, _map_job, None, harvests=False), schedule=False)
        return ran

    def _run(self, job: Job, schedule: bool = True) -> int:
        started = clock.now()
        self.state.job_started(job.name, clock.stamp(started))
        self.say(f"{job.name}: started")
        changed, error = 0, None
        try:
            changed = job.run(self.library, self.stop)
        except harvest.HarvestError as e:
            error = str(e)
        except Exception as e:  # a job's failure must not stop the others
            log.exception("%s failed", job.name)
            error = f"{type(e).__name__}: {e}"
        self.state.job_finished(job.name, clock.stamp(clock.now()), changed, error)
        if schedule:
            self._schedule(job, started)
        self.say(f"{job.name}: " + (f"failed: {error}" if error else f"{changed} papers added "
                                     "or changed"))
        return changed

    def _schedule(self, job: Job, after: datetime) -> None:
        hour = self.library.settings.worker.integrity_hour_utc
        self.state.job_scheduled(job.name, clock.stamp(next_run(job, after, hour)))


def _mail_job(library: Library, stop: threading.Event) -> int:
    """Compose the digests that are due, then send the outbox; returns mails sent."""
    digest.compose_due(library)
    report = mailer.send_due(library, stop)
    if report.error:
        raise RuntimeError(report.error)
    return report.sent


def _embed_job(library: Library, stop: threading.Event) -> int:
    return embed_service.embed_pending(library, stop=stop).encoded


def _map_job(library: Library, stop: threading.Event) -> int:
    """Place new papers on the map; build it when there is none or it has drifted. Returns
    the papers placed, or those laid out by a build."""
    report = placing.keep_alive(library, stop)
    return report.built.papers if report.built else report.placed


def _foryou_job(library: Library, stop: threading.Event) -> int:
    """The for-you list of each reader signed in and seen in the last FOR_YOU_SEEN_DAYS
    made ahead, where what it is made from has changed; returns how many were made. (A
    reader away longer has theirs made on their first visit back.)"""
    made, now = 0, clock.now()
    seen_since = clock.stamp(now - timedelta(days=FOR_YOU_SEEN_DAYS))
    for uid in library.personal.signed_in_readers(clock.stamp(now), seen_since):
        if stop.is_set():
            break
        user = library.site.user_by_id(uid)
        made += bool(user and foryou.make_ahead(library, user))
    return made
