"""The vector index: exact cosine search while small, an HNSW graph (hnswlib) beyond.

Derived data like the lexical index: the vectors live in the store; this folder holds
the graph and state.json (model, dimension, the store's vector sequence it reflects).
A missing, unreadable or mismatched graph is rebuilt from the store.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import numpy as np

from paperwire.store.base import Store

log = logging.getLogger(__name__)

EXACT_BELOW = 20_000  # below this many vectors a matrix product beats a graph
HNSW_M = 16
HNSW_EF_CONSTRUCTION = 100
HNSW_EF_SEARCH = 128
GRAPH_FILE = "hnsw.bin"


def as_matrix(blobs: list[bytes], dim: int) -> np.ndarray:
    return np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(len(blobs), dim)


class VectorIndex:
    def __init__(self, store: Store, path: Path, model: str, dim: int) -> None:
        self.store, self.path, self.model, self.dim = store, path, model, dim
        self.seq = 0
        self.pids = np.zeros(0, dtype=np.int64)
        self.matrix = np.zeros((0, dim), dtype=np.float32)
        self.graph = None  # hnswlib.Index once there are EXACT_BELOW vectors
        self.refresh()

    def __len__(self) -> int:
        return self.graph.get_current_count() if self.graph is not None else len(self.pids)

    def refresh(self) -> None:
        """Take in the vectors the store gained since this index last looked."""
        seq = self.store.vector_seq(self.model)
        if seq == self.seq and seq > 0:
            return
        if self.store.vector_count(self.model) < EXACT_BELOW:
            self._load_exact()
        elif self.graph is None:
            self._open_graph()
        else:
            self._add_since(self.seq)
        self.seq = seq

    # -- exact ---------------------------------------------------------------------------

    def _load_exact(self) -> None:
        pids, blobs = [], []
        for batch_pids, batch_blobs in self.store.vectors_since(self.model, 0):
            pids += batch_pids
            blobs += batch_blobs
        self.pids = np.array(pids, dtype=np.int64)
        self.matrix = as_matrix(blobs, self.dim) if blobs else np.zeros((0, self.dim), np.float32)
        self.graph = None

    # -- graph ---------------------------------------------------------------------------

    def _state(self) -> dict | None:
        try:
            return json.loads((self.path / "state.json").read_text())
        except (OSError, json.JSONDecodeError):
            return None

    def _open_graph(self) -> None:
        import hnswlib

        state = self._state()
        expected = {"model": self.model, "dim": self.dim}
        if state and {k: state.get(k) for k in expected} == expected:
            graph = hnswlib.Index(space="ip", dim=self.dim)
            try:
                graph.load_index(str(self.path / GRAPH_FILE), max_elements=state["capacity"])
                self.graph, self.seq = graph, state["seq"]
                self._add_since(self.seq)
                return
            except (RuntimeError, OSError, KeyError) as e:
                log.warning("vector index at %s is unreadable (%s); rebuilding it", self.path, e)
        self.rebuild()

    def rebuild(self) -> None:
        import hnswlib

        shutil.rmtree(self.path, ignore_errors=True)
        self.path.mkdir(parents=True)
        count = self.store.vector_count(self.model)
        graph = hnswlib.Index(space="ip", dim=self.dim)
        graph.init_index(max_elements=max(count, 1) * 5 // 4, M=HNSW_M,
                         ef_construction=HNSW_EF_CONSTRUCTION, allow_replace_deleted=False)
        self.graph = graph
        self._add_since(0)

    def _add_since(self, seq: int) -> None:
        graph, added = self.graph, False
        for pids, blobs in self.store.vectors_since(self.model, seq):
            added = True
            needed = graph.get_current_count() + len(pids)
            if needed > graph.get_max_elements():
                graph.resize_index(needed * 5 // 4)
            graph.add_items(as_matrix(blobs, self.dim), np.array(pids, dtype=np.int64))
        self.seq = self.store.vector_seq(self.model)
        if added or not (self.path / GRAPH_FILE).exists():
            self._save()

    def _save(self) -> None:
        partial = self.path / (GRAPH_FILE + ".tmp")
        self.graph.save_index(str(partial))
        partial.replace(self.path / GRAPH_FILE)
        state = {"model": self.model, "dim": self.dim, "seq": self.seq,
                 "capacity": self.graph.get_max_elements()}
        tmp = self.path / "state.json.tmp"
        tmp.write_text(json.dumps(state))
        tmp.replace(self.path / "state.json")

    # -- search --------------------------------------------------------------------------

    def search(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The k nearest papers as (pid, cosine similarity), best first."""
        n = len(self)
        if n == 0 or k <= 0:
            return []
        k = min(k, n)
        if self.graph is not None:
            self.graph.set_ef(max(HNSW_EF_SEARCH, k))
            labels, distances = self.graph.knn_query(vector.reshape(1, -1), k=k)
            return [(int(p), float(1 - d)) for p, d in zip(labels[0], distances[0], strict=True)]
        scores = self.matrix @ vector
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(int(self.pids[i]), float(scores[i])) for i in top]
