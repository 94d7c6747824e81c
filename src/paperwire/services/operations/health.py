"""Is this server fit to serve? The store answers, the lexical index opens and counts its
documents, the vector index loads. For /healthz (the container's HEALTHCHECK and any load
balancer). Counts that differ for a moment while a worker writes are not failures; an
index or a store that cannot be read is."""

from __future__ import annotations

from dataclasses import dataclass, field

from paperwire.services.library import Library


@dataclass
class Health:
    papers: int = 0
    lexical_docs: int = 0
    vectors: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict:
        return {"status": "ok" if self.ok else "failing", "papers": self.papers,
                "lexical_docs": self.lexical_docs, "vectors": self.vectors,
                "problems": self.problems}


def check(library: Library) -> Health:
    health = Health()
    try:
        store = library.store  # counted once per revision: a count reads every row
        health.papers = library.memo.get("visible papers", store.max_rev(),
                                         lambda: store.count(visible_only=True))
    except Exception as e:  # any failure of the store is the answer, not a crash
        health.problems.append(f"store: {e}")
        return health
    try:
        health.lexical_docs = library.lexical.num_docs()
    except Exception as e:
        health.problems.append(f"lexical index: {e}")
    if library.has_vectors():
        try:
            library.vectors.refresh()
            health.vectors = len(library.vectors)
        except Exception as e:
            health.problems.append(f"vector index: {e}")
    return health
