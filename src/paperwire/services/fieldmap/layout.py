"""The map's geometry from the papers' vectors alone: a k-nearest-neighbour graph, a 2-D
layout of it (UMAP as igraph implements it) and its communities (Leiden), topics nested in
areas. numpy, hnswlib and igraph only; seeded, so unchanged vectors give the same map."""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

K = 15  # neighbours a paper is joined to: UMAP's default, and enough for Leiden
EXACT_UP_TO = 20_000  # below this a blocked matrix product beats building a graph
EPOCHS = 200  # UMAP's passes; at 10k papers more changed trustworthiness by < 0.005
MIN_DIST = 0.05
TOPIC_RESOLUTION = 2.0  # modularity's resolution for topics: 13 at 10k with 1.0, 28 with 2.0
# for areas, on the graph of topics (a topic's inner edges are one loop there, which
# modularity counts once): 2 areas over the 28 topics of 10k papers at 1.0, 9 at 2.0
AREA_RESOLUTION = 2.0
SEED = 23
# edges handed to igraph per call: python-igraph converts an array through Python objects,
# which for the 15M edges of 1M papers at once was a 2.6 GiB transient, the build's peak
EDGES_AT_ONCE = 2_000_000
Edges = tuple[np.ndarray, np.ndarray]  # (m, 2) pairs of rows, (m,) weights


@dataclass(frozen=True)
class Neighbours:
    """For paper i (a row of the matrix), its k nearest others and their cosine."""

    index: np.ndarray  # (n, k) int
    similarity: np.ndarray  # (n, k) float32


def neighbours(matrix: np.ndarray, k: int = K) -> Neighbours:
    """The k nearest other rows of each row by cosine (rows are unit vectors)."""
    return nearest(matrix, matrix, min(k, len(matrix) - 1), itself=True)


def nearest(queries: np.ndarray, base: np.ndarray, k: int, itself: bool = False
            ) -> Neighbours:
    """The k rows of `base` nearest each query; with `itself` the queries are the base and
    a row is not its own neighbour. Exact by blocks up to EXACT_UP_TO rows, else HNSW."""
    k = min(k, len(base) - int(itself))
    if len(base) <= EXACT_UP_TO:
        index = np.zeros((len(queries), k), dtype=np.int64)
        sims = np.zeros((len(queries), k), dtype=np.float32)
        for start in range(0, len(queries), 2048):
            block = queries[start:start + 2048] @ base.T
            if itself:
                rows = np.arange(len(block))
                block[rows, rows + start] = -np.inf
            top = np.argpartition(-block, k - 1, axis=1)[:, :k]
            order = np.argsort(-np.take_along_axis(block, top, axis=1), axis=1)
            index[start:start + len(block)] = np.take_along_axis(top, order, axis=1)
            sims[start:start + len(block)] = np.take_along_axis(
                block, index[start:start + len(block)], axis=1)
        return Neighbours(index, sims)
    import hnswlib

    graph = hnswlib.Index(space="ip", dim=base.shape[1])
    graph.init_index(max_elements=len(base), M=16, ef_construction=100, random_seed=SEED)
    graph.add_items(base, np.arange(len(base)))
    graph.set_ef(max(64, 2 * k))
    labels, distances = graph.knn_query(queries, k=k + int(itself))
    if not itself:
        return Neighbours(labels.astype(np.int64), (1 - distances).astype(np.float32))
    keep = labels != np.arange(len(queries))[:, None]  # drop each paper itself where found
    index = np.array([row[m][:k] for row, m in zip(labels, keep, strict=True)])
    sims = np.array([1 - row[m][:k] for row, m in zip(distances, keep, strict=True)])
    return Neighbours(index.astype(np.int64), sims.astype(np.float32))


def from_graph(graph, ids: np.ndarray, matrix: np.ndarray, k: int = K) -> Neighbours:
    """The k nearest of each row among `ids` (sorted, the rows' labels in the HNSW graph,
    which may hold more: hidden papers, which are skipped), from a graph already built
    (the vector index's), rather than building one."""
    graph.set_ef(max(64, 2 * k))
    index = np.zeros((len(ids), k), dtype=np.int64)
    sims = np.zeros((len(ids), k), dtype=np.float32)
    for start in range(0, len(ids), 20000):
        labels, distances = graph.knn_query(matrix[start:start + 20000], k=k + 4)
        rows = np.searchsorted(ids, labels).clip(0, len(ids) - 1)
        own = np.arange(start, start + len(labels))[:, None]
        valid = (ids[rows] == labels) & (rows != own)
        at = np.cumsum(valid, axis=1) - 1  # each valid entry's place among its row's
        r, c = np.nonzero(valid & (at < k))  # the first k valid of each row, in order
        index[start + r, at[r, c]] = rows[r, c]
        sims[start + r, at[r, c]] = 1 - distances[r, c]
        for i in np.flatnonzero(valid.sum(axis=1) < k):  # short of neighbours: repeat
            found, near = rows[i][valid[i]], 1 - distances[i][valid[i]]  # the nearest
            index[start + i] = np.resize(found if len(found) else [start + i], k)  # or itself
            sims[start + i] = np.resize(near if len(near) else [1.0], k)
    return Neighbours(index, sims)


def _seeded(seed: int):
    import igraph

    igraph.set_random_number_generator(random.Random(seed))
    return igraph


def _edges(nb: Neighbours) -> tuple[np.ndarray, np.ndarray]:
    n, k = nb.index.shape
    return (np.stack([np.repeat(np.arange(n), k), nb.index.ravel()], axis=1),
            nb.similarity.ravel())


def _graph(igraph, n: int, edges: np.ndarray, directed: bool):
    graph = igraph.Graph(n=n, directed=directed)
    for start in range(0, len(edges), EDGES_AT_ONCE):
        graph.add_edges(edges[start:start + EDGES_AT_ONCE])
    return graph


def undirected_edges(nb: Neighbours) -> Edges:
    """Each pair of neighbouring papers once (i→j and j→i are one edge, at the larger
    similarity, at least 1e-3), none joined to itself: what igraph's simplify made of the
    graph, done in numpy: simplify added 1.4 GiB to a build of 1M papers."""
    edges, sims = _edges(nb)
    low, high = edges.min(axis=1), edges.max(axis=1)
    keep = low != high
    key, sims = low[keep] * len(nb.index) + high[keep], sims[keep]
    order = np.lexsort((-sims, key))  # by pair, its largest similarity first
    key, sims = key[order], sims[order]
    first = np.r_[True, key[1:] != key[:-1]]
    key = key[first]
    return (np.stack([key // len(nb.index), key % len(nb.index)], axis=1),
            np.maximum(sims[first], 1e-3))


def layout(nb: Neighbours, seed: int = SEED, epochs: int = EPOCHS) -> np.ndarray:
    """(n, 2) positions in [0, 1] (the aspect kept)."""
    igraph = _seeded(seed)
    edges, sims = _edges(nb)
    graph = _graph(igraph, len(nb.index), edges, directed=True)
    dist = np.maximum(0.0, 1.0 - sims).tolist()
    coords = np.array(graph.layout_umap(dist=dist, min_dist=MIN_DIST, epochs=epochs).coords)
    return normalized(coords)


def refine(nb: Neighbours, coords: np.ndarray, epochs: int, seed: int = SEED) -> np.ndarray:
    """A few UMAP epochs over the whole graph from these positions (in [0, 1], spread to
    UMAP's own scale of about ±10 first)."""
    igraph = _seeded(seed)
    edges, sims = _edges(nb)
    graph = _graph(igraph, len(nb.index), edges, directed=True)
    start = ((coords - 0.5) * 20).tolist()
    return normalized(np.array(graph.layout_umap(
        dist=np.maximum(0.0, 1.0 - sims).tolist(), seed=start, min_dist=MIN_DIST,
        epochs=epochs).coords))


def normalized(coords: np.ndarray) -> np.ndarray:
    """Into [0, 1]: the longer side spans it, the shorter is centred on 0.5."""
    low, high = coords.min(axis=0), coords.max(axis=0)
    span = float((high - low).max()) or 1.0
    return ((coords - (low + high) / 2) / span + 0.5).astype(np.float32)


def topics(nb: Neighbours, seed: int = SEED, resolution: float = TOPIC_RESOLUTION,
           min_size: int = 0, edges: Edges | None = None) -> np.ndarray:
    """A topic number per paper (0…t-1, the largest first): Leiden communities of the
    neighbour graph by modularity; a community smaller than `min_size` joins the topic
    most of its papers' neighbours are in. `edges`: nb's undirected_edges, if made."""
    igraph = _seeded(seed)
    pairs, weights = edges or undirected_edges(nb)
    graph = _graph(igraph, len(nb.index), pairs, directed=False)
    found = graph.community_leiden(objective_function="modularity", weights=weights.tolist(),
                                   resolution=resolution, n_iterations=-1)
    labels = np.array(found.membership, dtype=np.int64)
    return _merge_small(labels, nb, min_size)


def _merge_small(labels: np.ndarray, nb: Neighbours, min_size: int) -> np.ndarray:
    for _ in range(3):  # a small one may first join another small one
        sizes = np.bincount(labels)
        small = sizes < min_size
        if not small.any() or small.all():
            break
        order = np.argsort(labels, kind="stable")
        starts = np.r_[0, np.cumsum(sizes)]
        for group in np.flatnonzero(small):
            members = order[starts[group]:starts[group + 1]]
            around = labels[nb.index[members].ravel()]
            around = around[~small[around]]
            if len(around):
                labels[members] = np.bincount(around).argmax()
    return renumbered(labels)


def renumbered(labels: np.ndarray) -> np.ndarray:
    """0…t-1 by decreasing size (ties by first appearance)."""
    values, first, counts = np.unique(labels, return_index=True, return_counts=True)
    order = sorted(range(len(values)), key=lambda i: (-counts[i], first[i]))
    mapping = np.zeros(values.max() + 1, dtype=np.int64)
    mapping[values[order]] = np.arange(len(values))
    return mapping[labels]


def areas(nb: Neighbours, topic_of: np.ndarray, seed: int = SEED,
          resolution: float = AREA_RESOLUTION, edges: Edges | None = None) -> np.ndarray:
    """An area number per topic: Leiden on the graph of topics (edges summed)."""
    igraph = _seeded(seed)
    pairs, weights = edges or undirected_edges(nb)
    count = int(topic_of.max()) + 1
    a, b = topic_of[pairs[:, 0]], topic_of[pairs[:, 1]]
    # the papers' edges summed per pair of topics; a topic's inner edges one loop
    joined, at = np.unique(np.minimum(a, b) * count + np.maximum(a, b), return_inverse=True)
    graph = igraph.Graph(n=count, edges=np.stack([joined // count, joined % count], axis=1)
                         .tolist(), directed=False)
    found = graph.community_leiden(objective_function="modularity",
                                   weights=np.bincount(at, weights=weights).tolist(),
                                   resolution=resolution, n_iterations=-1)
    return renumbered(np.array(found.membership, dtype=np.int64))
