"""Recommendation quality offline: readers simulated from the topical listing pages of
../shared/fixtures. A reader upvotes k papers of one page; every other paper of the store
(the three pages and the Hugging Face daily papers) is a candidate; precision@10 is the
share of the top 10 that are other papers of the same page.

Usage: python benchmarks/bench_recommend.py   (scikit-learn, from the test extra, adds its
LogisticRegression and LinearSVC as arxiv-sanity-lite configured it)
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
from common import SHARED, record

from paperwire.config import Settings
from paperwire.embedding import DIM, MODEL_NAME
from paperwire.index.vectors import as_matrix
from paperwire.services.intake import embed, importing
from paperwire.services.library import Library
from paperwire.services.personal import taste
from paperwire.sources import RecordError, listing

KS = (1, 3, 5, 10)
READERS = 200  # simulated per page and k
TOP = 10


def load(folder: Path) -> tuple[Library, np.ndarray, np.ndarray, list[set[int]]]:
    library = Library(Settings(db=folder / "rec.db"))
    fixtures = SHARED / "fixtures"
    for path in sorted((fixtures / "listings").glob("*.txt")) + \
            [fixtures / "hf-papers" / "daily_papers.json"]:
        importing.import_file(library, path)
    embed.embed_pending(library)
    pages = []
    for path in sorted((fixtures / "listings").glob("*.txt")):
        with path.open("rb") as fp:
            keys = {p.title_key for p in listing.parse(fp) if not isinstance(p, RecordError)}
        found = library.store.lookup((), keys)
        pages.append({sp.pid for sp in found})
    vectors = library.store.vectors_of(MODEL_NAME, list(range(1, library.site.max_pid() + 1)))
    pids = np.array(sorted(vectors), np.int64)
    return library, pids, as_matrix([vectors[p] for p in pids], DIM), pages


def sklearn_models():
    try:
        from sklearn.linear_model import LogisticRegression
        from sklearn.svm import LinearSVC
    except ImportError:
        return {}

    def fit(model):
        def score(pos, background, matrix):
            x = np.vstack([pos, background])
            y = np.r_[np.ones(len(pos)), np.zeros(len(background))]
            return model().fit(x, y).decision_function(matrix)
        return score

    return {"scikit-learn LogisticRegression (balanced)":
            fit(lambda: LogisticRegression(class_weight="balanced", max_iter=1000)),
            "scikit-learn LinearSVC (arxiv-sanity-lite's: balanced, C=0.01)":
            fit(lambda: LinearSVC(class_weight="balanced", C=0.01, max_iter=10000, tol=1e-6))}


def methods():
    def last_upvote(pos, background, matrix):
        return matrix @ pos[-1]

    def centroid(pos, background, matrix):
        return matrix @ taste.centroid(pos, np.zeros((0, DIM), np.float32))[:DIM]

    def paperwire(pos, background, matrix):
        return taste.train(pos, np.zeros((0, DIM), np.float32), background).score(matrix)

    return {"similarity to the last upvote": last_upvote, "centroid of the upvotes": centroid,
            "paperwire (ridge, centroid below 3)": paperwire, **sklearn_models()}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        library, pids, matrix, pages = load(Path(tmp))
        background = taste.background_sample(library)
        library.close()
    row_of = {int(p): i for i, p in enumerate(pids)}
    rng = np.random.default_rng(7)
    table: dict[str, dict[int, list[float]]] = {"chance": {k: [] for k in KS}}
    table |= {name: {k: [] for k in KS} for name in methods()}
    for page in pages:
        rows = np.array([row_of[p] for p in page if p in row_of])
        for k in KS:
            for _ in range(READERS):
                liked = rng.choice(rows, size=k, replace=False)
                others = np.setdiff1d(np.arange(len(pids)), liked)
                relevant = np.isin(others, rows)
                table["chance"][k].append(float(relevant.mean()))
                for name, method in methods().items():
                    scores = method(matrix[liked], background, matrix[others])
                    top = np.argsort(-scores, kind="stable")[:TOP]
                    table[name][k].append(float(relevant[top].mean()))
    sizes = ", ".join(str(len(p)) for p in pages)
    figures: dict[str, object] = {
        "setup": f"{len(pids)} papers; pages of {sizes}; {READERS} readers per page and k"}
    for name, by_k in table.items():
        figures[name] = " · ".join(f"k={k}: {np.mean(v):.3f}" for k, v in by_k.items())
    record("Recommendation quality: precision@10 from the listing pages",
           "python benchmarks/bench_recommend.py", figures)


if __name__ == "__main__":
    main()
