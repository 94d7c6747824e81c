"""The library: the store and its derived indexes, opened together from the settings."""

from __future__ import annotations

from functools import cached_property

from paperwire.config import Settings
from paperwire.embedding import DIM, MODEL_NAME, Embedder, load_embedder
from paperwire.index.lexical import LexicalIndex
from paperwire.index.sync import open_lexical
from paperwire.index.vectors import VectorIndex
from paperwire.store import Store, open_store


class Library:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store: Store = open_store(settings.db)

    @cached_property
    def lexical(self) -> LexicalIndex:
        return open_lexical(self.store, self.settings.lexical_dir)

    @cached_property
    def embedder(self) -> Embedder:
        return load_embedder(self.settings.model_dir)

    @cached_property
    def vectors(self) -> VectorIndex:
        return VectorIndex(self.store, self.settings.vectors_dir, MODEL_NAME, DIM)

    def has_vectors(self) -> bool:
        return self.store.vector_seq(MODEL_NAME) > 0

    def close(self) -> None:
        self.store.close()
