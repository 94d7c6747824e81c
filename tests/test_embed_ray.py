"""Embedding on a local Ray cluster: a worker killed mid-run costs only its batch, a rerun
finishes, and every paper ends with one current vector equal to the single process's."""

from __future__ import annotations

import os
import signal
import threading
import time

import numpy as np
import pytest

from paperwire.embedding import MODEL_NAME
from paperwire.services.intake import importing
from paperwire.services.intake.embed import pending
from tests.readers import topical_papers

ray = pytest.importorskip("ray", reason="Ray is the ray extra (in the test extra)")


def _papers() -> list:
    papers = []
    for n in range(50):  # 1,500 papers: six batches, so both workers are busy at the kill
        for p in topical_papers():
            p.arxiv_id = f"{p.arxiv_id[:-1]}{n % 10}" if n < 10 else None
            p.title = f"{p.title}, part {n}"
            papers.append(p)
    return papers


@pytest.fixture
def many(library, model_dir):
    importing.import_records(library, _papers())
    return library


def _single_process_vectors(tmp_path) -> dict[str, np.ndarray]:
    from paperwire.config import Settings
    from paperwire.services.intake.embed import embed_pending
    from paperwire.services.library import Library

    alone = Library(Settings(db=tmp_path / "alone.db"))
    try:
        importing.import_records(alone, _papers())
        embed_pending(alone)
        rows = [sp for batch in alone.store.changed_since(0) for sp in batch]
        blobs = alone.store.vectors_of(MODEL_NAME, [sp.pid for sp in rows])
        return {sp.paper.key: np.frombuffer(blobs[sp.pid], np.float32) for sp in rows}
    finally:
        alone.close()


def _kill_one_worker_after_first_batch(library, pids: list[int]) -> threading.Thread:
    def watch() -> None:
        deadline = time.monotonic() + 120
        while library.store.vector_count(MODEL_NAME) == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(pids[0], signal.SIGKILL)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def test_a_lost_worker_costs_its_batch_and_a_rerun_finishes(many, tmp_path):
    from paperwire.services.intake import embed_ray

    library = many
    total = library.store.count()
    watchers = []
    try:
        first = embed_ray.embed_on_ray(library, None, workers=2, on_start=lambda actors: (
            watchers.append(_kill_one_worker_after_first_batch(
                library, embed_ray.actor_pids(actors)))))
        watchers[0].join(10)
        assert first.lost_batches >= 1 and pending(library) > 0, "the kill cost a batch"
        second = embed_ray.embed_on_ray(library, None, workers=2)
        assert second.lost_batches == 0 and pending(library) == 0
        assert first.encoded + second.encoded == total, "every paper encoded once in all"
    finally:
        ray.shutdown()
    assert library.store.vector_count(MODEL_NAME) == total
    rows = [sp for batch in library.store.changed_since(0) for sp in batch]
    stored = library.store.vectors_of(MODEL_NAME, [sp.pid for sp in rows])
    reference = _single_process_vectors(tmp_path)
    cosines = np.array([float(np.frombuffer(stored[sp.pid], np.float32)
                              @ reference[sp.paper.key]) for sp in rows])
    assert len(cosines) == total and cosines.min() >= 0.999, cosines.min()
