"""The map of the field (issue 23, items 1–2): layouts and topic finders, measured.

Usage: python benchmarks/eval_map.py STORE [SAMPLE]   (SAMPLE for trustworthiness, 3000)

STORE holds the demo archive with its vectors (`paperwire demo`, then `paperwire embed`).
On the same k-nearest-neighbour graph (k=15, exact) it compares
- layouts: UMAP as igraph has it (the one shipped, and with more epochs), igraph's DrL,
  and a PCA projection (numpy alone): trustworthiness at k=15 on a sample (sklearn, in
  the test extras only), the share of each paper's 15 neighbours that stay among its 15
  nearest on the map, seconds and the memory the step adds;
- topic finders: Leiden by modularity (two resolutions), Louvain, and k-means on the
  vectors (numpy, as many clusters as Leiden found): NMI and ARI against two known
  groupings — the arXiv sample's primary archive (200 papers with categories) and the
  archive papers that Hugging Face's ai_keywords put in exactly one of a few fields;
  seconds, topic count, the share of papers in topics under 10 papers;
and the whole `paperwire map build` (store → kNN → layout → topics → labels → store).
Prints the figures; they are recorded in benchmarks/RESULTS.md.
"""

from __future__ import annotations

import multiprocessing as mp
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from common import machine, rss_gib

from paperwire.config import Settings
from paperwire.embedding import MODEL_NAME
from paperwire.index.vectors import as_matrix
from paperwire.services.fieldmap import layout
from paperwire.services.library import Library

# a field named in Hugging Face's ai_keywords (lower case, as a substring of one of them)
FIELDS = {
    "speech": ("text-to-speech", "speech recognition", "speech synthesis", "asr"),
    "3d": ("gaussian splatting", "nerf", "neural radiance", "3d reconstruction"),
    "robotics": ("robot", "manipulation", "embodied"),
    "rl": ("reinforcement learning",),
    "moe": ("mixture of experts", "mixture-of-experts"),
    "quantization": ("quantization",),
    "video": ("video generation", "text-to-video"),
    "code": ("code generation",),
    "rag": ("retrieval-augmented", "retrieval augmented"),
    "medical": ("medical", "clinical"),
    "math": ("mathematical reasoning",),
}


def measured(work: Callable[[], object]) -> tuple[object, float, float]:
    """(result, seconds, GiB the work added at its peak), run in a forked process so each
    option's peak is its own."""
    def child(queue) -> None:
        before = rss_gib()
        start = time.perf_counter()
        out = work()
        queue.put((out, time.perf_counter() - start, rss_gib("VmHWM") - before))

    queue = mp.get_context("fork").Queue()
    process = mp.get_context("fork").Process(target=child, args=(queue,))
    process.start()
    out = queue.get()
    process.join()
    return out


def field_of(extras: dict) -> str | None:
    words = [w.lower() for w in (extras.get("hf", {}).get("paper", {}).get("ai_keywords") or [])]
    found = {f for f, cues in FIELDS.items() for w in words for cue in cues if cue in w}
    return found.pop() if len(found) == 1 else None


def load(library: Library) -> tuple[np.ndarray, np.ndarray, dict[str, list]]:
    pids, blobs = [], []
    for batch_pids, batch_blobs in library.store.vectors_since(MODEL_NAME, 0):
        pids += batch_pids
        blobs += batch_blobs
    matrix = as_matrix(blobs, len(blobs[0]) // 4).copy()
    papers = library.store.get_many(pids)
    archive = [(papers[p].paper.categories or [""])[0].split(".")[0] or None
               if "hf" not in papers[p].paper.extras else None for p in pids]
    fields = [field_of(papers[p].paper.extras) for p in pids]
    return np.array(pids), matrix, {"arXiv archive": archive, "HF ai_keywords field": fields}


def trust(matrix: np.ndarray, coords: np.ndarray, sample: np.ndarray) -> float:
    from sklearn.manifold import trustworthiness

    return float(trustworthiness(matrix[sample], coords[sample], n_neighbors=15))


def kept(nb: layout.Neighbours, coords: np.ndarray) -> float:
    """The share of each paper's 15 nearest by vector that are among its 15 nearest on
    the map (exact, by blocks)."""
    share = []
    for start in range(0, len(coords), 2048):
        block = coords[start:start + 2048]
        d = ((block[:, None, :] - coords[None, :, :]) ** 2).sum(-1)
        d[np.arange(len(block)), np.arange(len(block)) + start] = np.inf
        near = np.argpartition(d, 14, axis=1)[:, :15]
        share += [len(set(a) & set(b)) / 15 for a, b in
                  zip(near.tolist(), nb.index[start:start + 2048].tolist(), strict=True)]
    return float(np.mean(share))


def pca(matrix: np.ndarray) -> np.ndarray:
    centred = matrix - matrix.mean(axis=0)
    _, vectors = np.linalg.eigh(centred.T @ centred)  # ascending: the last two lead
    return layout.normalized(centred @ vectors[:, -2:])


def sampled(matrix: np.ndarray, nb: layout.Neighbours, size: int) -> np.ndarray:
    from paperwire.services.fieldmap import building

    building.LAYOUT_AT_MOST = size  # in the forked process measured() runs it in
    return building.positions(matrix, nb)


def drl(nb: layout.Neighbours) -> np.ndarray:
    igraph = layout._seeded(layout.SEED)
    graph = layout._undirected(igraph, nb)
    return layout.normalized(np.array(graph.layout_drl(weights="weight").coords))


def louvain(nb: layout.Neighbours) -> np.ndarray:
    igraph = layout._seeded(layout.SEED)
    graph = layout._undirected(igraph, nb)
    return np.array(graph.community_multilevel(weights="weight").membership)


def kmeans(matrix: np.ndarray, k: int, rounds: int = 25) -> np.ndarray:
    rng = np.random.default_rng(layout.SEED)
    centres = matrix[rng.choice(len(matrix), k, replace=False)]
    for _ in range(rounds):
        labels = np.argmax(matrix @ centres.T, axis=1)  # spherical: unit vectors, cosine
        for c in range(k):
            members = matrix[labels == c]
            if len(members):
                centre = members.sum(axis=0)
                centres[c] = centre / np.linalg.norm(centre)
    return labels


def agreement(labels: np.ndarray, known: list) -> tuple[float, float, int]:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    keep = [i for i, k in enumerate(known) if k is not None]
    truth = [known[i] for i in keep]
    got = labels[keep]
    return (normalized_mutual_info_score(truth, got), adjusted_rand_score(truth, got),
            len(keep))


def main() -> None:
    store = Path(sys.argv[1])
    n_sample = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
    library = Library(Settings(db=store))
    pids, matrix, known = load(library)
    print(f"machine: {machine()}")
    print(f"{len(pids)} papers with vectors; known groups: " + ", ".join(
        f"{name} {sum(k is not None for k in ks)} papers in {len(set(ks) - {None})}"
        for name, ks in known.items()))
    nb, secs, gib = measured(lambda: layout.neighbours(matrix))
    print(f"kNN graph (exact, k=15): {secs:.1f} s, +{gib:.2f} GiB")
    sample = np.random.default_rng(0).choice(len(pids), min(n_sample, len(pids)), replace=False)

    print("\nlayout | trustworthiness@15 | 15-NN kept | s | +GiB")
    for name, work in (("UMAP, igraph, 200 epochs (shipped)", lambda: layout.layout(nb)),
                       ("UMAP, igraph, 500 epochs", lambda: layout.layout(nb, epochs=500)),
                       ("UMAP over a 2,000 sample, the rest placed along the graph (as a "
                        "build past 20,000 papers)", lambda: sampled(matrix, nb, 2000)),
                       ("DrL, igraph", lambda: drl(nb)),
                       ("PCA, numpy", lambda: pca(matrix))):
        coords, secs, gib = measured(work)
        print(f"{name} | {trust(matrix, coords, sample):.3f} | {kept(nb, coords):.3f} | "
              f"{secs:.1f} | {gib:.2f}")

    print("\ntopics | topics (≥10 papers) | in small | " + " | ".join(
        f"NMI / ARI {name}" for name in known) + " | s")
    shipped = int(layout.topics(nb, min_size=10).max()) + 1
    finders = (("Leiden modularity r=1", lambda: layout.topics(nb, resolution=1.0, min_size=10)),
               (f"Leiden modularity r={layout.TOPIC_RESOLUTION} (shipped)",
                lambda: layout.topics(nb, min_size=10)),
               ("Leiden modularity r=4", lambda: layout.topics(nb, resolution=4.0, min_size=10)),
               ("Louvain (multilevel)", lambda: louvain(nb)),
               (f"spherical k-means, k={shipped}", lambda: kmeans(matrix, shipped)))
    for name, work in finders:
        labels, secs, _ = measured(work)
        sizes = np.bincount(labels)
        scores = [agreement(labels, ks) for ks in known.values()]
        print(f"{name} | {len(sizes)} ({(sizes >= 10).sum()}) | "
              f"{sizes[sizes < 10].sum() / len(labels):.3f} | "
              + " | ".join(f"{a:.3f} / {b:.3f}" for a, b, _ in scores) + f" | {secs:.1f}")
    topics = layout.topics(nb, min_size=10)
    areas, secs, _ = measured(lambda: layout.areas(nb, topics))
    scores = [agreement(areas[topics], ks) for ks in known.values()]
    print(f"areas over the shipped topics: {areas.max() + 1} in {secs:.1f} s; " + " | ".join(
        f"NMI / ARI {name} {a:.3f} / {b:.3f}" for name, (a, b, _) in zip(known, scores,
                                                                          strict=True)))

    library.close()
    start = time.perf_counter()
    exe = str(Path(sys.executable).with_name("paperwire"))
    done = subprocess.run([exe, "--db", str(store), "map", "build"], capture_output=True,
                          text=True, check=True)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20
    print(f"\npaperwire map build, a process of its own: {time.perf_counter() - start:.1f} s, "
          f"peak {peak:.2f} GiB resident: {done.stdout.strip()}")


if __name__ == "__main__":
    main()
