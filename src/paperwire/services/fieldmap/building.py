"""Building the map from the stored vectors: layout, topics in areas, their labels, and ids
kept from the last build where a topic's papers stay together (`paperwire map build`, and
the worker when the map has drifted)."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass

import numpy as np

from paperwire import clock
from paperwire.embedding import MODEL_NAME
from paperwire.index.vectors import as_matrix
from paperwire.services.fieldmap import labels, layout
from paperwire.services.library import Library
from paperwire.store.fieldmap import AREA, TOPIC, Build, Point, Topic

LAYOUT_AT_MOST = 20_000  # papers laid out by UMAP; the others are placed beside them
PLACE_K = 5  # nearest laid-out papers a paper is placed among, when no neighbour is
PLACE_PASSES = 8  # outwards from the sample along the neighbour graph
# UMAP epochs over every paper after that: at 10k papers laid out from a 2,000 sample,
# trustworthiness 0.847 placed, 0.897 after 10 epochs, 0.917 after 30 (0.927 for all 200)
REFINE_EPOCHS = 10
SAME_TOPIC = 0.3  # Jaccard of papers above which a new topic keeps an old one's id
MIN_PAPERS = 3


@dataclass(frozen=True)
class BuildReport:
    papers: int
    topics: int
    areas: int
    kept_ids: int  # topics and areas that kept the id of the last build's
    seconds: float

    def __str__(self) -> str:
        return (f"{self.papers} papers in {self.topics} topics and {self.areas} areas "
                f"({self.kept_ids} ids kept from the last build), {self.seconds:.1f} s")


def load_vectors(library: Library) -> tuple[np.ndarray, np.ndarray]:
    """The visible papers' pids (ascending) and vectors, filled into one matrix."""
    count = library.fieldmap.count_visible_vectors(MODEL_NAME)
    pids = np.zeros(count, dtype=np.int64)
    matrix: np.ndarray | None = None
    at = 0
    for batch_pids, batch_blobs in library.fieldmap.visible_vectors(MODEL_NAME):
        batch = as_matrix(batch_blobs, len(batch_blobs[0]) // 4)
        if matrix is None:
            matrix = np.zeros((count, batch.shape[1]), dtype=np.float32)
        end = min(at + len(batch), count)  # papers embedded meanwhile wait for the next build
        pids[at:end], matrix[at:end] = batch_pids[:end - at], batch[:end - at]
        at = end
    if matrix is None:
        return np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32)
    return pids[:at], matrix[:at]


def neighbours(library: Library, pids: np.ndarray, matrix: np.ndarray) -> layout.Neighbours:
    """From the vector index's HNSW graph where it has one (≥ 20,000 vectors), else exact."""
    graph = library.vectors.graph if len(pids) > layout.EXACT_UP_TO else None
    return layout.neighbours(matrix) if graph is None else layout.from_graph(graph, pids, matrix)


def positions(matrix: np.ndarray, nb: layout.Neighbours) -> np.ndarray:
    """Every paper's place: UMAP over all of them, or beyond LAYOUT_AT_MOST over a seeded
    sample; then, pass by pass, each other paper at the similarity-weighted mean of those
    of its graph neighbours already placed (the sample first, then outwards); then a few
    UMAP epochs over all of them from there."""
    if len(matrix) <= LAYOUT_AT_MOST:
        return layout.layout(nb)
    rng = np.random.default_rng(layout.SEED)
    sample = np.sort(rng.choice(len(matrix), LAYOUT_AT_MOST, replace=False))
    coords = np.zeros((len(matrix), 2), dtype=np.float32)
    coords[sample] = layout.layout(layout.neighbours(matrix[sample]))
    placed = np.zeros(len(matrix), dtype=bool)
    placed[sample] = True
    for _ in range(PLACE_PASSES):
        todo = np.flatnonzero(~placed)
        if not len(todo):
            break
        near = nb.index[todo]
        known = placed[near]
        ready = known.any(axis=1)
        coords[todo[ready]] = beside(coords[near[ready]], nb.similarity[todo[ready]],
                                     known[ready])
        placed[todo[ready]] = True
    rest = np.flatnonzero(~placed)  # no path of neighbours to the sample: its nearest in it
    for start in range(0, len(rest), 4096):
        chunk = rest[start:start + 4096]
        found = layout.nearest(matrix[chunk], matrix[sample], PLACE_K)
        coords[chunk] = beside(coords[sample][found.index], found.similarity)
    return layout.refine(nb, coords, REFINE_EPOCHS)


def beside(neighbour_coords: np.ndarray, sims: np.ndarray,
           known: np.ndarray | None = None) -> np.ndarray:
    """(n, k, 2) positions of each paper's neighbours → (n, 2) their mean weighted by
    similarity (at least 1e-3), counting only the `known` ones where given."""
    w = np.clip(sims, 1e-3, None)
    w = (w if known is None else w * known)[..., None]
    return (neighbour_coords * w).sum(axis=1) / w.sum(axis=1)


def matched(new: dict[int, set[int]], old: dict[int, set[int]], next_id: int
            ) -> tuple[dict[int, int], int, int]:
    """An id for each new group: the old group's whose papers it mostly shares (Jaccard ≥
    SAME_TOPIC, greedily, one to one), else a new one. (ids, next free id, ids kept)."""
    owner = {pid: o for o, pids in old.items() for pid in pids}
    pairs = []
    for group, pids in new.items():
        for o, shared in Counter(owner[p] for p in pids if p in owner).items():
            jaccard = shared / (len(pids) + len(old[o]) - shared)
            if jaccard >= SAME_TOPIC:
                pairs.append((-jaccard, group, o))
    ids: dict[int, int] = {}
    taken: set[int] = set()
    for _, group, o in sorted(pairs):
        if group not in ids and o not in taken:
            ids[group] = o
            taken.add(o)
    kept = len(ids)
    for group in sorted(new, key=lambda g: -len(new[g])):
        if group not in ids:
            ids[group], next_id = next_id, next_id + 1
    return ids, next_id, kept


def build(library: Library) -> BuildReport:
    started = time.perf_counter()
    store = library.fieldmap
    pids, matrix = load_vectors(library)
    if len(pids) < MIN_PAPERS:
        return BuildReport(len(pids), 0, 0, 0, time.perf_counter() - started)
    nb = neighbours(library, pids, matrix)
    coords = positions(matrix, nb)
    edges = layout.undirected_edges(nb)  # made once for both (seconds at 1M papers)
    topic_of = layout.topics(nb, min_size=min(10, max(2, len(pids) // 500)), edges=edges)
    area_of = layout.areas(nb, topic_of, edges=edges)  # per topic
    del edges
    topic_rows = {t: np.flatnonzero(topic_of == t) for t in range(topic_of.max() + 1)}
    area_rows = {a: np.flatnonzero(np.isin(topic_of, np.flatnonzero(area_of == a)))
                 for a in range(area_of.max() + 1)}
    topic_members = {t: set(pids[r].tolist()) for t, r in topic_rows.items()}
    area_members = {a: set(pids[r].tolist()) for a, r in area_rows.items()}
    last = store.latest_build()
    next_id = last.next_topic if last else 1
    area_ids, next_id, kept_areas = matched(area_members, store.area_members(), next_id)
    topic_ids, next_id, kept_topics = matched(topic_members, store.topic_members(), next_id)

    def texts(some: list[int]) -> dict[int, tuple[str, str]]:
        return {p: (sp.paper.title, sp.paper.abstract)
                for p, sp in library.store.get_many(some).items()}

    rows: list[Topic] = []
    for level, groups, ids in ((AREA, area_rows, area_ids), (TOPIC, topic_rows, topic_ids)):
        words = labels.label_words(labels.sampled(
            {g: pids[r].tolist() for g, r in groups.items()}), texts)
        for group, members in groups.items():
            at = np.median(coords[members], axis=0)
            parent = area_ids[int(area_of[group])] if level == TOPIC else None
            rows.append(Topic(ids[group], level, parent, labels.label_of(words[group]),
                              words[group], float(at[0]), float(at[1]), len(members)))
    points = [Point(int(p), float(x), float(y), topic_ids[int(t)])
              for p, (x, y), t in zip(pids, coords, topic_of, strict=True)]
    seconds = time.perf_counter() - started
    store.save_build(Build((last.build if last else 0) + 1, clock.stamp(clock.now()), len(pids),
                           len(topic_members), seconds, next_id), rows, points)
    return BuildReport(len(pids), len(topic_members), len(area_members),
                       kept_areas + kept_topics, seconds)
