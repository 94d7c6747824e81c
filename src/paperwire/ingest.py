"""The one way into the store: validate → dedupe → merge → upsert, a transaction per batch."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from paperwire.domain import InvalidRecord, Paper, validate
from paperwire.identity import ids_contradict, same_by_title
from paperwire.sources.base import Parsed, RecordError
from paperwire.store.base import HarvestCheckpoint, Store, StoredPaper, WriteConflict

BATCH_SIZE = 5000
_TEXT_FIELDS = ("title", "abstract", "comment", "journal_ref", "doi", "code_url", "url")
_LIST_FIELDS = ("authors", "categories")


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: ImportReport) -> None:
        """Count another report's records into this one."""
        self.added += other.added
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.skipped += other.skipped
        self.errors += other.errors

    @property
    def seen(self) -> int:
        return self.added + self.updated + self.unchanged + self.skipped

    def summary(self) -> str:
        return (f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged, "
                f"{self.skipped} skipped")


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
    counts = [c for c in (existing.author_count, incoming.author_count) if c is not None]
    merged.author_count = len(merged.authors) if merged.authors else max(counts, default=None)
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


def _is_older_listing(incoming: Paper, existing: Paper) -> bool:
    """A paper listed on two days (Hugging Face re-lists some): its second listing's upvotes
    and details are the newer snapshot, whichever day's record arrives last."""
    return bool(incoming.listed_on and existing.listed_on
                and incoming.listed_on < existing.listed_on)


def _prepare(paper: Paper) -> Paper:
    if paper.authors:
        paper.author_count = len(paper.authors)
    paper.sources = sorted(set(paper.sources))
    paper.source_ids = sorted(set(paper.source_ids))
    return validate(paper)


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

    def add(self, paper: Paper) -> str:
        found = self.match(paper)
        if found is None:
            sp = StoredPaper(pid=-(len(self.new) + 1), paper=paper, rev=0)
            self.new.append(paper)
            self._remember(sp)
            return "added"
        merged = merge(found.paper, paper)
        if merged == found.paper:
            return "unchanged"
        if found.pid < 0:  # merged into a paper first seen in this same batch
            self.new[-found.pid - 1] = merged
        found.paper = merged
        self._remember(found)
        return "updated" if found.pid > 0 else "unchanged"

    def updates(self) -> list[tuple[int, Paper]]:
        return [(pid, sp.paper) for pid, sp in self.by_pid.items()
                if pid > 0 and sp.paper != self.original[pid]]


WRITE_ATTEMPTS = 20  # another process writing the same papers makes a batch read again


def _flush(store: Store, papers: list[Paper], report: ImportReport,
           checkpoint: HarvestCheckpoint | None = None) -> list[StoredPaper]:
    """Write one batch (with the checkpoint, if any); returns the papers it added or changed.
    A batch that raced another writer is read and merged again: no paper is doubled and no
    merge is lost."""
    for attempt in range(WRITE_ATTEMPTS):
        batch = _Batch(store, papers)
        outcomes = [batch.add(p) for p in papers]
        updates = batch.updates()
        read_revs = {pid: batch.by_pid[pid].rev for pid, _ in updates}
        try:
            new_pids = store.write_batch(batch.new, updates, checkpoint, read_revs)
            break
        except WriteConflict:
            if attempt == WRITE_ATTEMPTS - 1:
                raise
    report.added += outcomes.count("added")
    report.updated += outcomes.count("updated")
    report.unchanged += outcomes.count("unchanged")
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
    with the last batch: give all of a page's records in one batch to commit them together."""
    report = ImportReport()
    pending: list[Paper] = []
    prefix = f"{where}: " if where else ""

    def flush(last: bool = False) -> None:
        if pending or (last and checkpoint is not None):
            changed = _flush(store, pending, report, checkpoint if last else None)
            if on_batch:
                on_batch(changed)
            if on_progress:
                on_progress(len(pending))
            pending.clear()

    for item in records:
        if isinstance(item, RecordError):
            report.skipped += 1
            report.errors.append(f"{prefix}{item.where}: {item.reason}")
            continue
        try:
            pending.append(_prepare(item))
        except InvalidRecord as e:
            report.skipped += 1
            report.errors.append(f"{prefix}record {report.seen + len(pending)}: {e}")
            continue
        if len(pending) >= batch_size:
            flush()
    flush(last=True)
    return report
