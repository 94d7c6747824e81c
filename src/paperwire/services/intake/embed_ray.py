"""Embedding spread over a Ray cluster: `paperwire embed --ray [ADDRESS]`.

The pending papers are read from the store a page at a time and cut into batches; a pool
of actors (one per CPU of the cluster, each loading the int8 ONNX model once, one thread
each) encodes them; this process writes each batch's vectors back as it returns, in its
own transaction, exactly as the single-process job does. A lost worker costs only the
batch it held: those papers stay pending and a rerun embeds them (and nothing else).
Ray is an optional extra (`pip install 'paperwire[ray]'`, about 200 MB).
"""

from __future__ import annotations

import logging
import os
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from paperwire.embedding import MODEL_NAME, paper_text
from paperwire.services.intake.embed import BATCH, EmbedReport, text_hash
from paperwire.services.library import Library
from paperwire.store.base import StoredPaper, VectorRow

log = logging.getLogger(__name__)
READ_AHEAD = 4  # batches in hand per actor


class Encoder:
    """A Ray actor: the model, loaded once per worker process."""

    def __init__(self, model_dir: str) -> None:
        from paperwire.embedding import OnnxEmbedder, is_prepared

        if not is_prepared(Path(model_dir)):
            raise RuntimeError(f"no prepared model at {model_dir} on this node")
        self.embedder = OnnxEmbedder(Path(model_dir), threads=1)

    def encode(self, texts: list[str]):
        return self.embedder.encode(texts)

    def pid(self) -> int:
        return os.getpid()


@dataclass
class RayReport(EmbedReport):
    workers: int = 0
    lost_batches: int = 0  # their papers stay pending: run again

    def summary(self) -> str:
        lost = (f"; {self.lost_batches} batches lost with a worker: run again to finish"
                if self.lost_batches else "")
        return f"embedded {self.encoded} papers on {self.workers} Ray workers{lost}"


def _connect(address: str | None):
    import ray

    if address in (None, "", "auto", "local"):
        ray.init(include_dashboard=False, log_to_driver=False, ignore_reinit_error=True)
    else:
        ray.init(address=address, log_to_driver=False, ignore_reinit_error=True)
    return ray


def _batches(library: Library, report: EmbedReport):
    """Batches of (paper, text, text hash) needing a vector, page by page of the store as
    the single-process job reads them (the int8 model's numbers depend a little on what
    is encoded together: the same batches give the same vectors); unchanged texts are
    marked current on the way."""
    store, after = library.store, 0
    while rows := store.papers_to_embed(MODEL_NAME, after, BATCH):
        after = rows[-1][0].pid
        batch, same = [], []
        for sp, old_hash in rows:
            text = paper_text(sp.paper.title, sp.paper.abstract)
            digest = text_hash(text)
            if digest == old_hash:
                same.append((sp.pid, sp.rev))
            else:
                batch.append((sp, text, digest))
        if same:
            store.mark_vectors_current(same)
            report.unchanged_text += len(same)
        if batch:
            yield batch


def _save(library: Library, batch: list[tuple[StoredPaper, str, str]], vectors) -> None:
    library.store.save_vectors(MODEL_NAME, [
        VectorRow(sp.pid, digest, sp.rev, vec.tobytes())
        for (sp, _, digest), vec in zip(batch, vectors, strict=True)])


def actor_pids(actors) -> list[int]:
    import ray

    return ray.get([a.pid.remote() for a in actors])


def embed_on_ray(library: Library, address: str | None = None, workers: int | None = None,
                 on_start=None) -> RayReport:
    ray = _connect(address)
    from ray.exceptions import RayError

    cpus = int(ray.cluster_resources().get("CPU", 1))
    remote = ray.remote(num_cpus=1, max_restarts=0)(Encoder)
    actors = [remote.remote(str(library.settings.model_dir))
              for _ in range(workers or max(1, cpus))]
    report = RayReport(workers=len(actors))
    if on_start:
        on_start(actors)
    source, idle, inflight = _batches(library, report), deque(actors), {}
    queued: deque = deque()
    while True:
        while len(queued) < READ_AHEAD * max(1, len(idle)) and (b := next(source, None)):
            queued.append(b)
        while idle and queued:
            actor, batch = idle.popleft(), queued.popleft()
            inflight[actor.encode.remote([t for _, t, _ in batch])] = (actor, batch)
        if not inflight:
            break
        (done,), _ = ray.wait(list(inflight), num_returns=1)
        actor, batch = inflight.pop(done)
        try:
            vectors = ray.get(done)
        except RayError as e:  # the worker died: its batch stays pending for a rerun
            log.warning("a Ray worker was lost with %d papers: %s", len(batch), e)
            report.lost_batches += 1
            if not idle and not inflight:
                break
            continue
        _save(library, batch, vectors)
        report.encoded += len(batch)
        idle.append(actor)
    library.vectors.refresh()
    return report
