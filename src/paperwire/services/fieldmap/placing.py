"""Keeping the map alive between builds: a paper with a vector but no place is put at the
weighted mean of its nearest placed neighbours (the vector index's search) in the topic
most of them are in. Drift is the share of the papers with a vector that the build did not
lay out: placed since, or waiting (none of their nearest has a place: a new field); past
DRIFT, or with no map yet, the map is built again (the worker's map job)."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass

import numpy as np

from paperwire.embedding import MODEL_NAME
from paperwire.services.fieldmap import building
from paperwire.services.library import Library
from paperwire.store.fieldmap import Point

DRIFT = 0.2  # share of the map placed since its build at which it is built again
PLACE_K = 5
SEARCH_K = 20  # searched to find PLACE_K placed ones among them (the newest have no place)
# a neighbour less similar than this is no neighbour: a paper with none waits for a build
# (the bundled model gives ≈ 0.5–0.8 to a paper's nearest of its own field)
NEAR_ENOUGH = 0.3
BATCH = 500


@dataclass(frozen=True)
class KeepReport:
    placed: int
    built: building.BuildReport | None
    drift: float  # after the work: placed since the build / papers on the map

    def __str__(self) -> str:
        done = f"rebuilt: {self.built}" if self.built else f"{self.placed} papers placed"
        return f"{done}; drift {self.drift:.3f} (rebuilt at {DRIFT})"


def drift(library: Library) -> float:
    placed, total = library.fieldmap.drift()
    waiting = library.fieldmap.count_unplaced(MODEL_NAME)
    return (placed + waiting) / (total + waiting) if total + waiting else 0.0


def place_new(library: Library, stop: threading.Event | None = None) -> int:
    """Place every visible paper that has a vector but no point; how many were placed."""
    store = library.fieldmap
    if store.latest_build() is None:
        return 0
    library.vectors.refresh()
    placed = after = 0
    while not (stop is not None and stop.is_set()) and \
            (rows := store.unplaced(MODEL_NAME, after, BATCH)):
        after = rows[-1][0]  # a paper none of whose nearest has a place waits for a build
        points = [p for pid, blob in rows if (p := _beside(library, pid, blob)) is not None]
        store.place(points)
        placed += len(points)
    return placed


def _beside(library: Library, pid: int, blob: bytes) -> Point | None:
    vector = np.frombuffer(blob, dtype=np.float32)
    found = [(p, s) for p, s in library.vectors.search(vector, SEARCH_K)
             if p != pid and s >= NEAR_ENOUGH]
    points = library.fieldmap.points_of([p for p, _ in found])
    near = [(points[p], s) for p, s in found if p in points][:PLACE_K]
    if not near:
        return None
    coords = np.array([[[pt.x, pt.y] for pt, _ in near]], dtype=np.float32)
    x, y = building.beside(coords, np.array([[s for _, s in near]], dtype=np.float32))[0]
    votes: Counter[int] = Counter()
    for pt, s in near:
        votes[pt.topic_id] += max(s, 1e-3)
    return Point(pid, float(x), float(y), votes.most_common(1)[0][0])


def keep_alive(library: Library, stop: threading.Event | None = None) -> KeepReport:
    """The worker's map job: build the first map, place new papers, rebuild on drift."""
    if library.fieldmap.latest_build() is None or drift(library) >= DRIFT:
        report = building.build(library)
        return KeepReport(0, report, drift(library))
    placed = place_new(library, stop)
    if drift(library) >= DRIFT:
        return KeepReport(placed, building.build(library), drift(library))
    return KeepReport(placed, None, drift(library))
