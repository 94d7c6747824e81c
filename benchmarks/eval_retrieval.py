"""Retrieval quality of lexical, semantic and hybrid search on BEIR-format data sets.

Usage: python benchmarks/eval_retrieval.py [DATASET_DIR ...]
(default: every data set under ../shared/eval). Each data set is imported through the real
import path into benchmarks/data/eval-<name>.db and embedded; every query then runs
through the search service. Reports nDCG@10, Recall@100 and MRR@10 (pytrec_eval), plus
the fusion variants the hybrid default was chosen from.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytrec_eval
from common import DATA, SHARED, record

from paperwire.config import Settings
from paperwire.index.hybrid import reciprocal_rank_fusion, score_fusion
from paperwire.index.query import parse_user_query
from paperwire.services.discovery.search import CANDIDATES, search, semantic_ranking
from paperwire.services.intake import embed as embed_service
from paperwire.services.intake.importing import import_file
from paperwire.services.library import Library

DEPTH = 100
MEASURES = {"ndcg_cut_10", "recall_100", "recip_rank"}


def _beir_id(sp) -> str:
    """The data set's own document id, kept as the source id beir:<corpus>:<_id>."""
    return next(s for s in sp.paper.source_ids if s.startswith("beir:")).rpartition(":")[2]


def load_library(dataset: Path) -> tuple[Library, dict[int, str]]:
    db = DATA / f"eval-{dataset.name}.db"
    library = Library(Settings(db=db))
    if library.store.count() == 0:
        import_file(library, dataset / "corpus.jsonl", "beir")
    embed_service.embed_pending(library)
    doc_ids = {}
    for batch in library.store.changed_since(0):
        doc_ids.update((sp.pid, _beir_id(sp)) for sp in batch)
    return library, doc_ids


def load_qrels(dataset: Path) -> dict[str, dict[str, int]]:
    qrels: dict[str, dict[str, int]] = {}
    for tsv in sorted((dataset / "qrels").glob("*.tsv")):
        for line in tsv.read_text().splitlines()[1:]:
            qid, did, score = line.split("\t")
            qrels.setdefault(qid, {})[did] = int(score)
    return qrels


def evaluate(run: dict[str, dict[str, float]], qrels: dict) -> dict[str, float]:
    scores = pytrec_eval.RelevanceEvaluator(qrels, MEASURES).evaluate(run)
    top10 = {q: dict(sorted(d.items(), key=lambda x: -x[1])[:10]) for q, d in run.items()}
    mrr = pytrec_eval.RelevanceEvaluator(qrels, {"recip_rank"}).evaluate(top10)
    n = len(qrels)
    return {"nDCG@10": sum(s["ndcg_cut_10"] for s in scores.values()) / n,
            "Recall@100": sum(s["recall_100"] for s in scores.values()) / n,
            "MRR@10": sum(s["recip_rank"] for s in mrr.values()) / n}


def as_run(ranked: list[tuple[int, float]], doc_ids: dict[int, str]) -> dict[str, float]:
    # pytrec_eval sorts by score; turn ranks into strictly decreasing scores
    return {doc_ids[pid]: float(DEPTH - i) for i, (pid, _) in enumerate(ranked[:DEPTH])}


def run_dataset(dataset: Path) -> dict[str, dict[str, float]]:
    library, doc_ids = load_library(dataset)
    qrels = load_qrels(dataset)
    rows = [json.loads(line) for line in (dataset / "queries.jsonl").read_text().splitlines()
            if line.strip()]
    queries = {r["_id"]: r["text"] for r in rows}
    queries = {q: t for q, t in queries.items() if q in qrels}
    runs: dict[str, dict[str, dict[str, float]]] = {}
    started = time.perf_counter()
    for qid, text in queries.items():
        for mode in ("lexical", "semantic", "hybrid"):
            hits = search(library, text, limit=DEPTH, mode=mode).hits
            runs.setdefault(mode, {})[qid] = as_run([(h.paper.pid, h.score) for h in hits],
                                                    doc_ids)
        lexical = [(h.doc_id, h.score) for h in
                   library.lexical.search(parse_user_query(text), None, CANDIDATES)[1]]
        semantic = semantic_ranking(library, text, None, CANDIDATES)
        for k in (20, 60):
            fused = reciprocal_rank_fusion([d for d, _ in lexical], [d for d, _ in semantic], k=k)
            runs.setdefault(f"RRF k={k}", {})[qid] = as_run(fused, doc_ids)
        for w in (0.3, 0.5, 0.7):
            runs.setdefault(f"score fusion w_sem={w}", {})[qid] = as_run(
                score_fusion(lexical, semantic, w), doc_ids)
    seconds = time.perf_counter() - started
    print(f"{dataset.name}: {len(queries)} queries, {library.store.count()} documents, "
          f"{seconds:.0f} s for all runs")
    return {name: evaluate(run, qrels) for name, run in runs.items()}


def main(datasets: list[Path]) -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    for dataset in datasets:
        table = run_dataset(dataset)
        figures = {f"{name}": " / ".join(f"{m} {v:.3f}" for m, v in scores.items())
                   for name, scores in table.items()}
        split = ", ".join(p.stem for p in sorted((dataset / "qrels").glob("*.tsv")))
        figures["data"] = f"{dataset.name}, qrels split(s): {split}"
        record(f"Retrieval quality: {dataset.name}",
               f"python benchmarks/eval_retrieval.py {dataset}", figures)


if __name__ == "__main__":
    main([Path(a) for a in sys.argv[1:]] or sorted(p for p in (SHARED / "eval").iterdir()
                                                  if (p / "corpus.jsonl").exists()))
