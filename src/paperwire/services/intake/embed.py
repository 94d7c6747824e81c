"""The embedding job: vectors for papers that have none or whose text changed."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass

from paperwire.embedding import MODEL_NAME, paper_text
from paperwire.services.glance import making
from paperwire.services.library import Library
from paperwire.store.base import VectorRow

BATCH = 256


@dataclass
class EmbedReport:
    encoded: int = 0
    unchanged_text: int = 0
    glanced: int = 0  # papers given keyphrases and a gist (glance/making.py)


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def pending(library: Library) -> int:
    return library.store.count_to_embed(MODEL_NAME)


@dataclass(frozen=True)
class Coverage:
    """How far embedding has got, as this process's indexes see it: searching by meaning
    reaches `embedded` papers, by words all `papers`."""

    embedded: int
    papers: int

    @property
    def partial(self) -> bool:
        return self.embedded < self.papers


def coverage(library: Library) -> Coverage:
    """From the indexes in memory: cheap enough for every search page (the lexical count
    is taken once per revision of the index; taking it reloads the index from disk)."""
    library.vectors.refresh()
    lexical = library.lexical
    return Coverage(len(library.vectors),
                    library.memo.get("lexical docs", lexical.rev, lexical.num_docs, size=4))


def embed_pending(library: Library, on_progress: Callable[[int], None] | None = None,
                  stop: threading.Event | None = None) -> EmbedReport:
    """Encode what is missing, a committed batch at a time (safe to interrupt and rerun;
    with `stop`, ends after the batch in hand once it is set)."""
    store, report, after = library.store, EmbedReport(), 0
    while not (stop is not None and stop.is_set()) and \
            (rows := store.papers_to_embed(MODEL_NAME, after, BATCH)):
        after = rows[-1][0].pid
        fresh, same = [], []
        for sp, old_hash in rows:
            text = paper_text(sp.paper.title, sp.paper.abstract)
            digest = text_hash(text)
            (same if digest == old_hash else fresh).append((sp, text, digest))
        if fresh:
            vectors = library.embedder.encode([text for _, text, _ in fresh])
            store.save_vectors(MODEL_NAME, [
                VectorRow(sp.pid, digest, sp.rev, vec.tobytes())
                for (sp, _, digest), vec in zip(fresh, vectors, strict=True)])
        if same:
            store.mark_vectors_current([(sp.pid, sp.rev) for sp, _, _ in same])
        report.encoded += len(fresh)
        report.unchanged_text += len(same)
        if on_progress:
            on_progress(len(rows))
    library.vectors.refresh()
    # keyphrases and gists need the vectors: made after them, for harvested papers too
    report.glanced = making.make_pending(library, stop=stop).made
    return report
