"""The nightly integrity check: the store checks itself, and the derived indexes are
compared with it and caught up or rebuilt where they drifted (a crash mid-commit, a disk
restored from backup)."""

from __future__ import annotations

from dataclasses import dataclass, field

from paperwire.embedding import MODEL_NAME
from paperwire.index import sync
from paperwire.services.library import Library


@dataclass
class IntegrityReport:
    store_problems: list[str] = field(default_factory=list)
    lexical_caught_up: int = 0
    lexical_rebuilt: bool = False
    vectors_rebuilt: bool = False

    @property
    def repaired(self) -> int:
        return self.lexical_caught_up + int(self.lexical_rebuilt) + int(self.vectors_rebuilt)

    def summary(self) -> str:
        parts = [f"store: {'; '.join(self.store_problems) or 'ok'}",
                 "lexical index: " + ("rebuilt" if self.lexical_rebuilt else
                                      f"{self.lexical_caught_up} papers caught up"),
                 "vector index: " + ("rebuilt" if self.vectors_rebuilt else "ok")]
        return ", ".join(parts)


def check(library: Library) -> IntegrityReport:
    store, report = library.store, IntegrityReport()
    report.store_problems = store.integrity_problems()
    report.lexical_caught_up = sync.catch_up(store, library.lexical)
    if library.lexical.num_docs() != store.count(visible_only=True):
        library.rebuild_lexical()
        report.lexical_rebuilt = True
    if library.has_vectors():
        vectors = library.vectors
        vectors.refresh()
        if len(vectors) != store.vector_count(MODEL_NAME):
            vectors.rebuild()
            report.vectors_rebuilt = True
    return report
