"""Keyphrases and gists for every paper with a vector, made at embed time (the worker's
embed step and `paperwire embed` run it after the vectors), a committed batch at a time;
and, first, the code and venue columns of rows stored before their rules."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from paperwire.embedding import DIM, MODEL_NAME
from paperwire.services.glance import gist, keyphrases, phrases
from paperwire.services.library import Library
from paperwire.store.base import StoredPaper
from paperwire.store.glance import Made

BATCH = 64  # papers per committed batch (about 2,000 short texts embedded together)


@dataclass
class MakeReport:
    made: int = 0
    found_read: int = 0  # rows whose code and venue were read again


def make_for(library: Library, papers: list[tuple[StoredPaper, str, np.ndarray]]
             ) -> list[Made]:
    """Keyphrases and a gist for each (paper, text hash, its unit vector): the candidate
    phrases and sentences of all of them embedded in one call."""
    texts: list[str] = []
    spans = []
    for sp, _, _ in papers:
        p = sp.paper
        cands = [c.text for c in phrases.candidates(p.title, p.abstract,
                                                    keyphrases.CANDIDATES)]
        sents = gist.sentences(p.abstract)[:gist.MAX_SENTENCES]
        spans.append((len(texts), cands, sents))
        texts += cands + (sents if len(sents) > 1 else [])
    vectors = library.embedder.encode(texts, batch_size=256) if texts else \
        np.zeros((0, DIM), np.float32)
    made = []
    for (sp, digest, paper), (at, cands, sents) in zip(papers, spans, strict=True):
        words = keyphrases.choose(cands, vectors[at:at + len(cands)], paper)
        if len(sents) > 1:
            at += len(cands)
            line = gist.choose(sents, vectors[at:at + len(sents)], paper)
        else:
            line = gist.trim(sents[0]) if sents else None
        made.append(Made(sp.pid, digest, words, line))
    return made


def make_pending(library: Library, on_progress: Callable[[int], None] | None = None,
                 stop: threading.Event | None = None) -> MakeReport:
    """Read code and venue of rows stored before their rules; then make the keyphrases and
    gist of every paper whose vector has none for its text (safe to interrupt and rerun)."""
    glance, report, after = library.glance, MakeReport(), 0
    while not (stop is not None and stop.is_set()) and (n := glance.refresh_found()):
        report.found_read += n
    while not (stop is not None and stop.is_set()) and \
            (rows := glance.to_make(MODEL_NAME, after, BATCH)):
        after = rows[-1][0].pid
        batch = [(sp, digest, np.frombuffer(vector, dtype=np.float32))
                 for sp, digest, vector in rows]
        glance.save(make_for(library, batch))
        report.made += len(rows)
        if on_progress:
            on_progress(len(rows))
    return report
