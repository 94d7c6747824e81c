"""The library: the store and its derived indexes, opened together from the settings."""

from __future__ import annotations

from functools import cached_property

from paperwire.config import Settings
from paperwire.embedding import DIM, MODEL_NAME, Embedder, is_prepared, load_embedder
from paperwire.index.lexical import LexicalIndex
from paperwire.index.sync import open_lexical
from paperwire.index.vectors import VectorIndex
from paperwire.sources.arxiv_client import ArxivClient
from paperwire.store import SQLiteStore, Store, open_store
from paperwire.store.site import SiteStore


class Library:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store: Store = open_store(settings.db)

    @cached_property
    def lexical(self) -> LexicalIndex:
        return open_lexical(self.store, self.settings.lexical_dir)

    @cached_property
    def site(self) -> SiteStore:
        assert isinstance(self.store, SQLiteStore)
        return SiteStore(self.store)

    @cached_property
    def arxiv(self) -> ArxivClient:
        return ArxivClient(self.settings.arxiv_api, self.settings.arxiv_interval)

    @cached_property
    def embedder(self) -> Embedder:
        return load_embedder(self.settings.model_dir)

    @cached_property
    def vectors(self) -> VectorIndex:
        return VectorIndex(self.store, self.settings.vectors_dir, MODEL_NAME, DIM)

    def has_model(self) -> bool:
        return is_prepared(self.settings.model_dir)

    def has_vectors(self) -> bool:
        return self.store.vector_seq(MODEL_NAME) > 0

    def close(self) -> None:
        self.store.close()
