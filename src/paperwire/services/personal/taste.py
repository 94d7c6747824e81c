"""A reader's taste: a linear model over the paper embeddings, trained on their examples.

Positives are the papers they upvoted or collected and their imported library; negatives
are the papers they marked "not interested" plus a fixed random sample of the store as
weak negatives (arxiv-sanity-lite trained its per-tag SVM against every other paper).

The model is a class-balanced ridge classifier (least squares on ±1 labels, closed form in
numpy, as scikit-learn's RidgeClassifier). On the offline benchmark it ranks as well as
scikit-learn's LogisticRegression and LinearSVC (benchmarks/bench_recommend.py), and
keeps scikit-learn and SciPy (≈ 200 MB) out of the runtime install; the tests check it
against scikit-learn's RidgeClassifier. With fewer than MIN_FOR_MODEL positives the taste
is the positives' centroid (less half the negatives', as Rocchio); with none, there is no
taste and lists fall back on trending.

Training is incremental: a user's model is kept in the store with the signals revision it
was trained on and retrained only when that user's examples change.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from paperwire.embedding import DIM, MODEL_NAME
from paperwire.index.vectors import as_matrix
from paperwire.store.personal import StoredTaste

MIN_FOR_MODEL = 3
BACKGROUND = 200  # random papers of the store as weak negatives
NEGATIVE_WEIGHT = 2.0  # "not interested" counts more than a random paper
RIDGE_ALPHA = 5.0  # chosen on benchmarks/bench_recommend.py (0.03 to 100 tried)
MAX_POSITIVES = 500  # the newest; a taste follows what a reader likes now


@dataclass
class Taste:
    kind: str  # model | centroid | none
    weights: np.ndarray | None  # DIM + 1 (the last is the bias)

    def score(self, matrix: np.ndarray) -> np.ndarray:
        assert self.weights is not None
        return matrix @ self.weights[:DIM] + self.weights[DIM]


def fit_ridge(positives: np.ndarray, negatives: np.ndarray, negative_weights: np.ndarray,
              alpha: float = RIDGE_ALPHA) -> np.ndarray:
    """Weights (DIM + 1, the bias last) of a ridge classifier, classes balanced.

    Solved in its dual form, w = Xᵀ (X Xᵀ + α S⁻¹)⁻¹ y, a system as large as the examples
    (hundreds), not the dimension."""
    x = np.vstack([positives, negatives]).astype(np.float64)
    x = np.hstack([x, np.ones((len(x), 1))])  # the bias as a constant feature
    y = np.concatenate([np.ones(len(positives)), -np.ones(len(negatives))])
    # balanced: each class weighs as much in all, as class_weight="balanced" does
    weights = np.concatenate([np.full(len(positives), 1.0 / len(positives)),
                              negative_weights / negative_weights.sum()]) * len(x) / 2
    gram = x @ x.T
    gram[np.diag_indices_from(gram)] += alpha / weights
    return (x.T @ np.linalg.solve(gram, y)).astype(np.float32)


def centroid(positives: np.ndarray, negatives: np.ndarray) -> np.ndarray:
    direction = positives.mean(axis=0)
    if len(negatives):
        direction = direction - 0.5 * negatives.mean(axis=0)
    norm = float(np.linalg.norm(direction)) or 1.0
    return np.append(direction / norm, 0.0).astype(np.float32)


def train(positives: np.ndarray, dismissed: np.ndarray, background: np.ndarray) -> Taste:
    if len(positives) == 0:
        return Taste("none", None)
    if len(positives) < MIN_FOR_MODEL:
        return Taste("centroid", centroid(positives, dismissed))
    negatives = np.vstack([dismissed, background]) if len(dismissed) else background
    negative_weights = np.concatenate([np.full(len(dismissed), NEGATIVE_WEIGHT),
                                       np.ones(len(background))])
    return Taste("model", fit_ridge(positives, negatives, negative_weights))


@dataclass
class Examples:
    positive_pids: list[int]
    positives: np.ndarray  # vectors of positive papers and library items
    positive_titles: list[str]  # for library items without a paper; "" for papers
    dismissed: np.ndarray


def examples(library, uid: int) -> Examples:
    personal = library.personal
    pids = personal.positives(uid)[:MAX_POSITIVES]
    dismissed_pids = personal.dismissed(uid)
    vectors = library.store.vectors_of(MODEL_NAME, pids + dismissed_pids)
    pos_pids = [pid for pid in pids if pid in vectors]
    blobs = [vectors[pid] for pid in pos_pids]
    titles = [""] * len(pos_pids)
    for item in personal.library_items(uid):
        if item.pid is None or item.pid not in vectors:
            blobs.append(item.vector)
            titles.append(item.title)
            pos_pids.append(item.pid or 0)
    neg = [vectors[pid] for pid in dismissed_pids if pid in vectors]
    empty = np.zeros((0, DIM), np.float32)
    return Examples(pos_pids, as_matrix(blobs, DIM) if blobs else empty, titles,
                    as_matrix(neg, DIM) if neg else empty)


def background_sample(library) -> np.ndarray:
    """BACKGROUND papers' vectors, the same every time (pids spread over the store)."""
    top = library.site.max_pid()
    if top == 0:
        return np.zeros((0, DIM), np.float32)
    rng = np.random.default_rng(20261125)
    wanted = sorted(set(rng.integers(1, top + 1, size=BACKGROUND * 2).tolist()))
    blobs = list(library.store.vectors_of(MODEL_NAME, wanted).values())[:BACKGROUND]
    return as_matrix(blobs, DIM) if blobs else np.zeros((0, DIM), np.float32)


def taste_of(library, uid: int, background: np.ndarray, found: Examples | None = None
             ) -> Taste:
    """The user's model: the stored one if their examples have not changed since, else
    trained now and stored."""
    personal = library.personal
    rev = personal.signals_rev(uid)
    stored = personal.taste(uid)
    if stored is not None and stored.signals_rev == rev:
        weights = np.frombuffer(stored.weights, np.float32) if stored.weights else None
        return Taste(stored.kind, weights)
    found = found or examples(library, uid)
    taste = train(found.positives, found.dismissed, background)
    blob = taste.weights.tobytes() if taste.weights is not None else None
    personal.save_taste(uid, StoredTaste(rev, taste.kind, blob))
    return taste
