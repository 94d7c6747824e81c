"""The library: the store and its derived indexes, opened together from the settings."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import replace
from functools import cached_property
from typing import TypeVar

from cachetools import LRUCache

from paperwire.config import Settings
from paperwire.embedding import DIM, MODEL_NAME, Embedder, OnnxEmbedder, is_prepared
from paperwire.index.lexical import LexicalIndex
from paperwire.index.sync import follow, open_lexical, rebuild
from paperwire.index.vectors import VectorIndex
from paperwire.services.personal.candidates import CandidatePool
from paperwire.sources import arxiv_client
from paperwire.sources.arxiv_client import ArxivClient
from paperwire.sources.http import PoliteClient, Politeness
from paperwire.store import Store, open_store
from paperwire.store.fieldmap import FieldMapStore
from paperwire.store.glance import GlanceStore
from paperwire.store.mail import MailStore
from paperwire.store.personal import PersonalStore
from paperwire.store.recent_papers import RecentPapers
from paperwire.store.site import SiteStore
from paperwire.store.stars import StarStore
from paperwire.store.worker import StorePacer, WorkerStore

log = logging.getLogger(__name__)
FOLLOW_EVERY = 2.0  # seconds between looks at the store's revision for the lexical index
T = TypeVar("T")


_MISSING = object()


class Memo:
    """Results made once and reused by every request of this process while their key holds.
    A key names all its result depends on (the store's revision, a paper's, a reader's
    signals revision), so a hit is never stale; each kind keeps its most recently used."""

    def __init__(self, size: int = 20_000) -> None:
        self.size = size
        self._kinds: dict[str, LRUCache] = {}
        self._lock = threading.Lock()

    def get(self, kind: str, key: Hashable, make: Callable[[], T], size: int | None = None
            ) -> T:
        """The value made for this key, kept among the kind's `size` most recent."""
        with self._lock:
            cache = self._kinds.get(kind)
            if cache is None:  # not setdefault: that would make a cache on every call
                cache = self._kinds[kind] = LRUCache(size or self.size)
            found = cache.get(key, _MISSING)
            if found is not _MISSING:
                return found
        value = make()  # outside the lock: two makers of one key at once both just make it
        with self._lock:
            cache[key] = value
        return value


class Library:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store: Store = open_store(settings.db)
        self._lexical_checked = time.monotonic()
        self.memo = Memo()

    @cached_property
    def _lexical(self) -> LexicalIndex:
        return open_lexical(self.store, self.settings.lexical_dir)

    @property
    def lexical(self) -> LexicalIndex:
        """The lexical index, caught up every few seconds with what other processes wrote
        (on PostgreSQL each server keeps its own copy)."""
        index = self._lexical
        now = time.monotonic()
        if now - self._lexical_checked >= FOLLOW_EVERY:
            self._lexical_checked = now
            follow(self.store, index)
        return index

    def rebuild_lexical(self) -> LexicalIndex:
        """A fresh lexical index from the store, in place of the one this library holds."""
        self.__dict__["_lexical"] = rebuild(self.store, self.settings.lexical_dir)
        return self._lexical

    @cached_property
    def papers(self) -> RecentPapers:
        """Papers to show: the store's, through this process's copies of those read last."""
        return RecentPapers(self.store)

    @cached_property
    def site(self) -> SiteStore:
        return SiteStore(self.store)

    @cached_property
    def glance(self) -> GlanceStore:
        """Each paper's code, venue, keyphrases and gist (issue 23)."""
        return GlanceStore(self.store)

    @cached_property
    def stars(self) -> StarStore:
        """GitHub stars as each Hugging Face sync saw them (trending by code)."""
        return StarStore(self.store)

    @cached_property
    def fieldmap(self) -> FieldMapStore:
        """The map of the field: its builds, topics and each paper's point (issue 23)."""
        return FieldMapStore(self.store)

    @cached_property
    def candidates(self) -> CandidatePool:
        """The newest papers with their vectors, for personal lists (one per process)."""
        return CandidatePool(self)

    @cached_property
    def personal(self) -> PersonalStore:
        return PersonalStore(self.store)

    @cached_property
    def mail(self) -> MailStore:
        return MailStore(self.store)

    @cached_property
    def worker_store(self) -> WorkerStore:
        return WorkerStore(self.store)

    def polite_client(self, service: str, politeness: Politeness) -> PoliteClient:
        """An HTTP client that takes turns with every process sharing this store."""
        return PoliteClient(service, StorePacer(self.worker_store), politeness)

    @cached_property
    def arxiv(self) -> ArxivClient:
        """For submissions: a person is waiting, so one retry at the most."""
        politeness = replace(self.settings.harvest.arxiv, attempts=2, backoff=0.5,
                             timeout=15.0)
        return ArxivClient(self.settings.harvest.arxiv_api,
                           self.polite_client(arxiv_client.SERVICE, politeness))

    @cached_property
    def embedder(self) -> Embedder:
        """The int8 ONNX model, prepared first if it is not yet (a few seconds, no torch)."""
        model_dir = self.settings.model_dir
        if not is_prepared(model_dir):
            from paperwire.model_build import prepare  # onnx, only when there is work for it

            log.warning("preparing the embedding model in %s (once)", model_dir)
            prepare(model_dir)
        return OnnxEmbedder(model_dir)

    @cached_property
    def vectors(self) -> VectorIndex:
        return VectorIndex(self.store, self.settings.vectors_dir, MODEL_NAME, DIM)

    def has_model(self) -> bool:
        return is_prepared(self.settings.model_dir)

    def has_vectors(self) -> bool:
        return self.store.vector_seq(MODEL_NAME) > 0

    def close(self) -> None:
        self.store.close()
