"""The library: the store and its derived indexes, opened together from the settings."""

from __future__ import annotations

from functools import cached_property

from paperwire.config import Settings
from paperwire.index.lexical import LexicalIndex
from paperwire.index.sync import open_lexical
from paperwire.store import Store, open_store


class Library:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store: Store = open_store(settings.db)

    @cached_property
    def lexical(self) -> LexicalIndex:
        return open_lexical(self.store, self.settings.lexical_dir)

    def close(self) -> None:
        self.store.close()
