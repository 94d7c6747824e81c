"""The map build's stages at N papers, on synthetic vectors (no store, no labels): to see
how a build grows towards 1M on this box.

Usage: python benchmarks/bench_map_scale.py [N]   (default 100000)

Vectors: 300 random unit centres in 384 dimensions, each paper a centre plus noise,
normalized. Stages as building.build runs them past LAYOUT_AT_MOST papers: the HNSW graph
(which the vector index already holds in a real store, so a build does not pay for it),
each paper's 15 neighbours from it, UMAP over a 20,000-paper sample, the others placed
beside their 5 nearest sampled papers, Leiden topics and areas. Prints seconds per stage
and the peak resident memory."""

from __future__ import annotations

import gzip
import json
import sys
import time

import hnswlib
import numpy as np
from common import machine, rss_gib

from paperwire.services.fieldmap import building, layout, view


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(300, 384)).astype(np.float32)
    # float32 from the start: float64 noise for 1M papers would be a 3 GiB temporary that
    # the peak below would count against the build
    matrix = centres[rng.integers(0, 300, n)]
    matrix += 0.09 * rng.standard_normal(size=(n, 384), dtype=np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    pids = np.arange(1, n + 1, dtype=np.int64)
    print(f"machine: {machine()}\n{n} synthetic papers; resident {rss_gib():.2f} GiB, peak so "
          f"far {rss_gib('VmHWM'):.2f} GiB")
    times = {}

    start = time.perf_counter()
    graph = hnswlib.Index(space="ip", dim=384)
    graph.init_index(max_elements=n, M=16, ef_construction=100)
    graph.add_items(matrix, pids)
    times["HNSW graph (the vector index's; not paid by a build)"] = time.perf_counter() - start

    def stage(name, work):
        start = time.perf_counter()
        out = work()
        times[name] = time.perf_counter() - start
        print(f"{name}: {times[name]:.1f} s; resident {rss_gib():.2f} GiB, peak so far "
              f"{rss_gib('VmHWM'):.2f} GiB", flush=True)
        return out

    nb = stage("15 neighbours of every paper from the graph",
               lambda: layout.from_graph(graph, pids, matrix))
    coords = stage(f"positions (UMAP over {min(n, building.LAYOUT_AT_MOST)}, the rest "
                   "placed)", lambda: building.positions(matrix, nb))
    topics = stage("Leiden topics", lambda: layout.topics(nb, min_size=10))
    areas = stage("Leiden areas", lambda: layout.areas(nb, topics))
    held = view.Points((1, n), pids, coords, topics, np.zeros(n, dtype=np.int32), 0.0)
    cells = view._cells(held, np.arange(n), np.zeros(n, dtype=np.int64), view.GRID)
    body = json.dumps({"cells": cells}, separators=(",", ":")).encode()
    print(f"/api/map at zoom 0: {len(cells)} cells, {len(body) / 1024:.0f} KB, "
          f"{len(gzip.compress(body)) / 1024:.0f} KB gzipped")
    for name, secs in times.items():
        print(f"{name}: {secs:.1f} s")
    print(f"{topics.max() + 1} topics in {areas.max() + 1} areas; build stages "
          f"{sum(s for k, s in times.items() if 'not paid' not in k):.1f} s; "
          f"peak resident {rss_gib('VmHWM'):.2f} GiB")


if __name__ == "__main__":
    main()
