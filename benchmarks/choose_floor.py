"""The semantic side's relevance floor: the cosine below which a neighbour is no match.

On a BEIR data set (imported and embedded by eval_retrieval.py): the cosines between each
query and its relevant documents, against the best cosine that gibberish queries reach
(random letter strings, and phrases of real but unrelated words, as people type them).
The floor keeps 99% of relevant pairs and removes every gibberish top hit it can.

Usage: python benchmarks/choose_floor.py [DATASET_DIR]   (default ../shared/eval/scifact)
"""

from __future__ import annotations

import json
import random
import string
import sys
from pathlib import Path

import numpy as np
from common import SHARED, record
from eval_retrieval import DEPTH, as_run, evaluate, load_library, load_qrels

from paperwire.embedding import MODEL_NAME
from paperwire.services.discovery import search as search_module
from paperwire.services.discovery.search import SEMANTIC_FLOOR, search


def gibberish(rng: random.Random, n: int) -> list[str]:
    letters = [" ".join("".join(rng.choices(string.ascii_lowercase, k=rng.randint(4, 9)))
                        for _ in range(rng.randint(1, 4))) for _ in range(n)]
    words = "banana orchestra velvet tuesday umbrella saxophone giraffe pancake lighthouse " \
            "marmalade trombone cactus" .split()
    unrelated = [" ".join(rng.sample(words, rng.randint(2, 3))) for _ in range(n)]
    return letters + unrelated


def main(dataset: Path) -> None:
    library, doc_ids = load_library(dataset)
    pid_of = {d: p for p, d in doc_ids.items()}
    qrels = load_qrels(dataset)
    queries = {r["_id"]: r["text"] for r in map(json.loads, (dataset / "queries.jsonl")
                                                .read_text().splitlines()) if r["_id"] in qrels}
    store, embedder = library.store, library.embedder
    relevant = []
    qids = list(queries)
    vectors = embedder.encode([queries[q] for q in qids])
    for qid, qv in zip(qids, vectors, strict=True):
        for did in qrels[qid]:
            blob = store.vector_of(MODEL_NAME, pid_of[did])
            relevant.append(float(np.frombuffer(blob, dtype=np.float32) @ qv))
    library.vectors.refresh()
    nonsense = gibberish(random.Random(3), 200)
    best = [library.vectors.search(v, 1)[0][1] for v in embedder.encode(nonsense)]
    relevant_arr, best_arr = np.array(relevant), np.array(best)
    floor = SEMANTIC_FLOOR
    by_floor = {f: hybrid_ndcg(library, doc_ids, queries, qrels, nonsense, f)
                for f in (0.0, 0.2, 0.25, 0.3, 0.35, 0.4)}
    record(f"Semantic relevance floor: {dataset.name}",
           f"python benchmarks/choose_floor.py {dataset}", {
               "relevant query–document pairs": f"{len(relevant):,}",
               "their cosine p1 / p5 / median": " / ".join(
                   f"{np.percentile(relevant_arr, q):.3f}" for q in (1, 5, 50)),
               "gibberish queries": f"{len(best)} (random letters; unrelated everyday words)",
               "their best cosine median / p95 / max": " / ".join(
                   f"{v:.3f}" for v in (np.median(best_arr), np.percentile(best_arr, 95),
                                        best_arr.max())),
               "floor in use (services/discovery/search.py)": f"{floor:.2f}",
               "relevant pairs kept at the floor": f"{(relevant_arr >= floor).mean():.1%}",
               "gibberish queries left with no semantic hit":
                   f"{(best_arr < floor).mean():.1%}",
               **{f"hybrid nDCG@10 / gibberish with no result, floor {f:.2f}":
                  f"{ndcg:.3f} / {empty:.1%}" for f, (ndcg, empty) in by_floor.items()},
           })


def hybrid_ndcg(library, doc_ids, queries, qrels, nonsense, floor) -> tuple[float, float]:
    """Hybrid search as served, with this floor: nDCG@10 and the share of gibberish
    queries that find nothing at all."""
    search_module.SEMANTIC_FLOOR = floor
    run = {qid: as_run([(h.paper.pid, h.score) for h in
                        search(library, text, limit=DEPTH, mode="hybrid").hits], doc_ids)
           for qid, text in queries.items()}
    empty = sum(not search(library, t, limit=10, mode="hybrid").hits for t in nonsense)
    search_module.SEMANTIC_FLOOR = SEMANTIC_FLOOR
    return evaluate(run, qrels)["nDCG@10"], empty / len(nonsense)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else SHARED / "eval" / "scifact")
