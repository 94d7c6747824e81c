"""The one way into the store: validate → dedupe → merge → upsert, a transaction per batch."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from paperwire import record_rules
from paperwire.domain import InvalidRecord, Paper, validate
from paperwire.identity import ids_contradict, same_by_title
from paperwire.sources.base import Parsed, RecordError, SourceError
from paperwire.store.base import HarvestCheckpoint, Store, StoredPaper, StoreError, WriteConflict

BATCH_SIZE = 5000
MAX_MESSAGES = 1000  # errors and warnings kept per import; every one is counted
_TEXT_FIELDS = ("title", "abstract", "comment", "journal_ref", "doi", "code_url", "url")
_LIST_FIELDS = ("authors", "categories")


@dataclass
class ImportReport:
    """What an import did with each record: added, updated or unchanged a paper, skipped it
    (errors say why), or found it repeating a paper read earlier in the same input (merged
    into that one). Warnings name what was cut or left out of a record that was taken."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    repeated: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    warned: int = 0
    failure: str | None = None  # why the import stopped before the end of its input

    def add(self, other: ImportReport) -> None:
        """Count another report's records into this one."""
        self.added += other.added
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.skipped += other.skipped
        self.repeated += other.repeated
        self.warned += other.warned
        self.errors += other.errors[:MAX_MESSAGES - len(self.errors)]
        self.warnings += other.warnings[:MAX_MESSAGES - len(self.warnings)]
        self.failure = self.failure or other.failure

    def skip(self, message: str) -> None:
        self.skipped += 1
        if len(self.errors) < MAX_MESSAGES:
            self.errors.append(message)

    def warn(self, message: str) -> None:
        self.warned += 1
        if len(self.warnings) < MAX_MESSAGES:
            self.warnings.append(message)

    @property
    def seen(self) -> int:
        return self.added + self.updated + self.unchanged + self.skipped + self.repeated

    def summary(self) -> str:
        text = (f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged, "
                f"{self.skipped} skipped")
        if self.repeated:
            text += (f"; {self.repeated} repeated a paper read earlier in the same input "
                     "(merged into it)")
        return text


def _is_newer(incoming: Paper, existing: Paper) -> bool:
    if incoming.version is None:
        return False
    return existing.version is None or incoming.version >= existing.version


def merge(existing: Paper, incoming: Paper) -> Paper:
    """The merge rule: the newest version wins the text; otherwise only blanks are filled."""
    newer = _is_newer(incoming, existing)
    merged = existing.copy()
    for name in (*_TEXT_FIELDS, *_LIST_FIELDS):
        new, old = getattr(incoming, name), getattr(existing, name)
        if new and (newer or not old):
            setattr(merged, name, new)
    merged.arxiv_id = existing.arxiv_id or incoming.arxiv_id
    versions = [v for v in (existing.version, incoming.version) if v is not None]
    merged.version = max(versions) if versions else None
    merged.author_count = _author_count(merged, existing, incoming)
    published = [d for d in (existing.published, incoming.published) if d]
    merged.published = min(published) if published else None
    updated = [d for d in (existing.updated, incoming.updated) if d]
    merged.updated = max(updated) if updated else None
    listed = [d for d in (existing.listed_on, incoming.listed_on) if d]
    merged.listed_on = max(listed) if listed else None  # listed again: it is news again
    merged.sources = sorted(set(existing.sources) | set(incoming.sources))
    merged.source_ids = sorted(set(existing.source_ids) | set(incoming.source_ids))
    if _is_older_listing(incoming, existing):
        return merged  # an earlier listing's snapshot of counts never replaces a later one's
    if incoming.external_upvotes is not None:  # the latest external count replaces the last
        merged.external_upvotes = incoming.external_upvotes
    merged.extras = {**existing.extras, **incoming.extras}  # the latest sync of a source wins
    return merged


def _author_count(merged: Paper, existing: Paper, incoming: Paper) -> int | None:
    """The count of the record whose names were kept (it may list more authors than the
    names kept, see record_rules.MAX_AUTHORS); without names, the larger count."""
    if merged.authors:
        owner = incoming if merged.authors is incoming.authors else existing
        return max(len(merged.authors), owner.author_count or 0)
    counts = [c for c in (existing.author_count, incoming.author_count) if c is not None]
    return max(counts, default=None)


def _is_older_listing(incoming: Paper, existing: Paper) -> bool:
    """A paper listed on two days (Hugging Face re-lists some): its second listing's upvotes
    and details are the newer snapshot, whichever day's record arrives last."""
    return bool(incoming.listed_on and existing.listed_on
                and incoming.listed_on < existing.listed_on)


def _prepare(paper: Paper) -> tuple[Paper, list[str]]:
    """The record within the rules (record_rules), and the warnings saying what was cut or
    left out; InvalidRecord for one that cannot be taken."""
    paper.sources = sorted(set(paper.sources))
    paper.source_ids = sorted(set(paper.source_ids))
    warnings = record_rules.check(paper)
    return validate(paper), warnings


def _named(paper: Paper) -> str:
    if paper.arxiv_id:
        return f"arXiv:{paper.arxiv_id}"
    return f"doi {paper.doi}" if paper.doi else repr(record_rules.cut(paper.title, 60))


class _Seen:
    """The papers (by pid) an import has read or written so far: a bit each, so a million
    take 125 kB."""

    def __init__(self) -> None:
        self.bits = bytearray()

    def __contains__(self, pid: int) -> bool:
        i = pid >> 3
        return i < len(self.bits) and bool(self.bits[i] >> (pid & 7) & 1)

    def add(self, pid: int) -> None:
        i = pid >> 3
        if i >= len(self.bits):
            self.bits.extend(bytes(i - len(self.bits) + 4096))
        self.bits[i] |= 1 << (pid & 7)


class _Batch:
    """Papers of one batch, merged with each other and with what the store already has."""

    def __init__(self, store: Store, papers: list[Paper]) -> None:
        self.by_pid: dict[int, StoredPaper] = {}
        self.by_id: dict[str, StoredPaper] = {}
        self.by_doi: dict[str, list[StoredPaper]] = {}
        self.by_source_id: dict[str, StoredPaper] = {}
        self.by_title: dict[str, list[StoredPaper]] = {}
        existing = store.lookup({p.arxiv_id for p in papers if p.arxiv_id},
                                {p.title_key for p in papers},
                                doi_keys={p.doi_key for p in papers if p.doi_key},
                                source_ids={s for p in papers for s in p.source_ids})
        for sp in existing:
            self._remember(sp)
        self.original = {sp.pid: sp.paper for sp in existing}
        self.new: list[Paper] = []

    def _remember(self, sp: StoredPaper) -> None:
        p = sp.paper
        self.by_pid[sp.pid] = sp
        if p.arxiv_id:
            self.by_id[p.arxiv_id] = sp
        if p.doi_key and sp not in self.by_doi.setdefault(p.doi_key, []):
            self.by_doi[p.doi_key].append(sp)
        for source_id in p.source_ids:
            self.by_source_id[source_id] = sp
        if sp not in self.by_title.setdefault(p.title_key, []):
            self.by_title[p.title_key].append(sp)

    def match(self, paper: Paper) -> StoredPaper | None:
        """The identity rule: arXiv id, else DOI, else a source's id, else the title when
        nothing contradicts it (see identity.py)."""
        if paper.arxiv_id and paper.arxiv_id in self.by_id:
            return self.by_id[paper.arxiv_id]
        by_ids = self.by_doi.get(paper.doi_key or "", []) + [
            self.by_source_id[s] for s in paper.source_ids if s in self.by_source_id]
        for candidate in by_ids:
            if not ids_contradict(candidate.paper, paper):
                return candidate
        for candidate in self.by_title.get(paper.title_key, []):
            if same_by_title(candidate.paper, paper):
                return candidate
        return None

    def add(self, paper: Paper) -> tuple[str, int]:
        """How the record changes the store, and the pid of the paper it went to (negative:
        a paper new in this batch)."""
        found = self.match(paper)
        if found is None:
            sp = StoredPaper(pid=-(len(self.new) + 1), paper=paper, rev=0)
            self.new.append(paper)
            self._remember(sp)
            return "added", sp.pid
        merged = merge(found.paper, paper)
        if merged == found.paper:
            return "unchanged", found.pid
        if found.pid < 0:  # merged into a paper first seen in this same batch
            self.new[-found.pid - 1] = merged
        found.paper = merged
        self._remember(found)
        return "updated", found.pid

    def updates(self) -> list[tuple[int, Paper]]:
        return [(pid, sp.paper) for pid, sp in self.by_pid.items()
                if pid > 0 and sp.paper != self.original[pid]]


WRITE_ATTEMPTS = 20  # another process writing the same papers makes a batch read again


def _count(papers: list[Paper], results: list[tuple[str, int]], new_pids: list[int],
           seen: _Seen, report: ImportReport, prefix: str) -> None:
    """Count each record's outcome; one going to a paper this import already read (in this
    batch or an earlier one) is a repeat, told as a warning."""
    for paper, (outcome, pid) in zip(papers, results, strict=True):
        pid = new_pids[-pid - 1] if pid < 0 else pid
        if outcome != "added" and pid in seen:
            report.repeated += 1
            report.warn(f"{prefix}{paper.origin}: repeats {_named(paper)}, read earlier in "
                        "the same input; merged into it")
            continue
        seen.add(pid)
        setattr(report, outcome, getattr(report, outcome) + 1)


def _flush(store: Store, papers: list[Paper], report: ImportReport, seen: _Seen,
           prefix: str = "", checkpoint: HarvestCheckpoint | None = None) -> list[StoredPaper]:
    """Write one batch (with the checkpoint, if any); returns the papers it added or changed.
    A batch that raced another writer is read and merged again: no paper is doubled and no
    merge is lost. StoreError when the database cannot be written (nothing of the batch is)."""
    for attempt in range(WRITE_ATTEMPTS):
        batch = _Batch(store, papers)
        results = [batch.add(p) for p in papers]
        updates = batch.updates()
        read_revs = {pid: batch.by_pid[pid].rev for pid, _ in updates}
        try:
            new_pids = store.write_batch(batch.new, updates, checkpoint, read_revs)
            break
        except WriteConflict:
            if attempt == WRITE_ATTEMPTS - 1:
                raise
    _count(papers, results, new_pids, seen, report, prefix)
    return [StoredPaper(pid, p, rev=0) for pid, p in zip(new_pids, batch.new, strict=True)] + [
        batch.by_pid[pid] for pid, _ in updates]


def ingest(
    store: Store,
    records: Iterable[Parsed],
    where: str = "",
    on_progress: Callable[[int], None] | None = None,
    on_batch: Callable[[list[StoredPaper]], None] | None = None,
    batch_size: int = BATCH_SIZE,
    checkpoint: HarvestCheckpoint | None = None,
) -> ImportReport:
    """Store every good record; report, count and skip the bad ones. A checkpoint is written
    with the last batch: give all of a page's records in one batch to commit them together.

    Input that stops being readable midway (SourceError) or a store that cannot be written
    (StoreError) ends the import with `failure` set: the batches before are stored whole,
    the one in flight not at all, and the report counts exactly what was stored."""
    report = ImportReport()
    pending: list[Paper] = []
    prefix = f"{where}: " if where else ""
    seen = _Seen()

    def flush(last: bool = False) -> None:
        if pending or (last and checkpoint is not None):
            changed = _flush(store, pending, report, seen, prefix, checkpoint if last else None)
            if on_batch:
                on_batch(changed)
            if on_progress:
                on_progress(len(pending))
            pending.clear()

    try:
        for n, item in enumerate(records, start=1):
            if isinstance(item, RecordError):
                report.skip(f"{prefix}{item.where}: {item.reason}")
                continue
            origin = item.origin = item.origin or f"record {n}"
            try:
                paper, warnings = _prepare(item)
            except InvalidRecord as e:
                report.skip(f"{prefix}{origin}: {e}")
                continue
            for warning in warnings:
                report.warn(f"{prefix}{origin}: {warning}")
            pending.append(paper)
            if len(pending) >= batch_size:
                flush()
        flush(last=True)
    except SourceError as e:
        read = report.seen + len(pending)
        report.failure = f"{prefix}{e}" if not read else (
            f"{prefix}reading stopped after {read} records: {e}")
        _last_words(flush, report, pending, prefix)
    except StoreError as e:
        report.failure = _store_failure(e, len(pending), prefix)
    return report


def _last_words(flush: Callable[[], None], report: ImportReport, pending: list[Paper],
                prefix: str) -> None:
    """Store the whole records read before the input failed."""
    try:
        flush()
    except StoreError as e:
        report.failure = f"{report.failure}; and {_store_failure(e, len(pending), '')}"


def _store_failure(e: StoreError, in_flight: int, prefix: str) -> str:
    return (f"{prefix}the store could not be written ({e}); the batch of {in_flight} records "
            "in flight was rolled back and the import stopped there")
