"""The papers a personal list picks from: the newest ones, held in memory with their
vectors, categories and folded author names, refreshed when the store changes."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from paperwire import clock
from paperwire.embedding import DIM, MODEL_NAME
from paperwire.index.vectors import as_matrix
from paperwire.services.names import author_key
from paperwire.services.personal.taste import background_sample
from paperwire.store.site import SiteStore

WINDOW_DAYS = 30  # "new papers": the month before the newest feed day
MAX_PAPERS = 20_000  # the newest this many at most (a busy month of all arXiv cs)
MIN_PAPERS = 300  # a quiet store widens the window to its newest this many
CHECK_EVERY = 5.0  # seconds between looks at the store's revision


@dataclass
class Pool:
    pids: np.ndarray  # int64, only papers that have a vector
    matrix: np.ndarray  # float32 (n, DIM), rows unit length
    days: np.ndarray  # int32 days before the newest feed day (0 = newest)
    upvotes: np.ndarray  # float32, external + local at refresh time
    by_category: dict[str, list[int]] = field(default_factory=dict)  # cs.LG and cs → rows
    # author_key → (row, the name as the paper writes it)
    by_author: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    newest: date | None = None
    background: np.ndarray = field(default_factory=lambda: np.zeros((0, DIM), np.float32))
    row_of: dict[int, int] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.pids)


def empty_pool() -> Pool:
    return Pool(np.zeros(0, np.int64), np.zeros((0, DIM), np.float32), np.zeros(0, np.int32),
                np.zeros(0, np.float32))


def build_pool(library, today: date) -> Pool:
    site: SiteStore = library.site
    newest = site.latest_feed_date(today)
    if newest is None:
        return empty_pool()
    rows = site.newest(newest - timedelta(days=WINDOW_DAYS), MAX_PAPERS)
    if len(rows) < MIN_PAPERS:
        rows = site.newest(None, MIN_PAPERS)
    vectors = library.store.vectors_of(MODEL_NAME, [pid for pid, _ in rows])
    rows = [(pid, day) for pid, day in rows if pid in vectors]
    if not rows:
        return empty_pool()
    pids = [pid for pid, _ in rows]
    papers = library.store.get_many(pids)
    votes = site.vote_counts(pids)
    pool = Pool(
        pids=np.array(pids, np.int64),
        matrix=as_matrix([vectors[pid] for pid in pids], DIM),
        days=np.array([(newest - day).days for _, day in rows], np.int32),
        upvotes=np.array([(papers[pid].paper.external_upvotes or 0) + votes.get(pid, 0)
                          for pid in pids], np.float32),
        newest=newest, row_of={pid: i for i, pid in enumerate(pids)})
    by_category: dict[str, list[int]] = defaultdict(list)
    by_author: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for i, pid in enumerate(pids):
        p = papers[pid].paper
        for cat in {c.lower() for c in p.categories} | {c.split(".")[0].lower()
                                                        for c in p.categories}:
            by_category[cat].append(i)
        for name in p.authors:
            if key := author_key(name):
                by_author[key].append((i, name))
    pool.by_category, pool.by_author = dict(by_category), dict(by_author)
    pool.background = background_sample(library)
    return pool


class CandidatePool:
    """One per process; rebuilt when the store's papers or vectors changed."""

    def __init__(self, library) -> None:
        self.library = library
        self._pool: Pool | None = None
        self._version: tuple[int, int] | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    def current(self, today: date | None = None) -> Pool:
        now = time.monotonic()
        with self._lock:
            if self._pool is not None and now - self._checked < CHECK_EVERY:
                return self._pool
            self._checked = now
            store = self.library.store
            version = (store.max_rev(), store.vector_seq(MODEL_NAME))
            if self._pool is None or version != self._version:
                self._pool = build_pool(self.library, today or clock.today())
                self._version = version
            return self._pool
