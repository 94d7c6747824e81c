"""Embedding on Ray against the single process, on this machine; and the projection for
the full arXiv (2.7M papers) on a 32-node cluster.

N real titles and abstracts (default 3,000; from ../shared/fixtures, repeated with a
suffix) are imported twice; one store is embedded by `embed_pending` (one process, the
model on every core), the other by `embed_on_ray` (a local Ray cluster, one worker per
core, the model on one thread each). Usage: python benchmarks/bench_embed_ray.py [N]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from common import real_papers, record

from paperwire.config import Settings
from paperwire.domain import Paper
from paperwire.services.intake import embed, embed_ray, importing
from paperwire.services.library import Library

ARXIV, NODES = 2_700_000, 32


def papers(n: int) -> list[Paper]:
    real = real_papers()
    return [Paper(title=f"{real[i % len(real)][0]} ({i // len(real)})",
                  abstract=real[i % len(real)][1]) for i in range(n)]


def store(folder: Path, name: str, n: int) -> Library:
    library = Library(Settings(db=folder / f"{name}.db"))
    importing.import_records(library, papers(n))
    return library


def main(n: int) -> None:
    import ray

    with tempfile.TemporaryDirectory() as tmp:
        one, spread = store(Path(tmp), "one", n), store(Path(tmp), "ray", n)
        one.embedder  # noqa: B018 - load the model before the clock starts
        start = time.perf_counter()
        embed.embed_pending(one)
        single = time.perf_counter() - start
        ray.init(include_dashboard=False, log_to_driver=False)
        cpus = int(ray.cluster_resources()["CPU"])
        start = time.perf_counter()
        report = embed_ray.embed_on_ray(spread, None, workers=cpus)
        on_ray = time.perf_counter() - start
        # the driver's share: writing vectors back, timed alone on 2,000 of them
        rows = [(sp, "x", "h") for batch in spread.store.changed_since(0) for sp in batch][:2000]
        vectors = np.zeros((len(rows), 384), np.float32)
        writes = time.perf_counter()
        embed_ray._save(spread, rows, vectors)
        write_rate = len(rows) / (time.perf_counter() - writes)
        ray.shutdown()
        one.close()
        spread.close()
    per_worker = report.encoded / on_ray / cpus
    cluster_rate = per_worker * cpus * NODES
    projected = ARXIV / min(cluster_rate, write_rate)
    record("Embedding on Ray", f"python benchmarks/bench_embed_ray.py {n}", {
        "papers": f"{n:,}",
        "single process (model on all cores)": f"{single:.1f} s, {n / single:.0f} papers/s",
        f"local Ray cluster, {cpus} workers": f"{on_ray:.1f} s, {n / on_ray:.0f} papers/s "
                                             f"(includes starting the actors)",
        "ratio (single / Ray)": f"{single / on_ray:.2f}",
        "vector writes (one SQLite transaction per batch)": f"{write_rate:,.0f} papers/s",
        "model": ("encoding scales with workers (each batch is independent, one thread "
                  "each); the driver writes every vector, so the cluster's rate is "
                  "min(workers × per-worker rate, write rate)"),
        f"projection: {ARXIV:,} papers on {NODES} nodes of {cpus} cores like this one":
            f"{cluster_rate:,.0f} papers/s encoding, {write_rate:,.0f}/s writing → "
            f"{projected / 3600:.1f} h ({ARXIV / (n / single) / 3600:.0f} h on one machine)",
    })


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3000)
