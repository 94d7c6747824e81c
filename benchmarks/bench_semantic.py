"""Semantic search at scale, and the embedding model's speed against its reference.

Usage: python benchmarks/bench_semantic.py [N]   (after bench_import.py N and eval_retrieval.py)
       python benchmarks/bench_semantic.py --embedding   (the embedding figures alone)

- Embedding: papers/s of the int8 ONNX path vs sentence-transformers (same model, same
  512 SciFact abstracts, this machine), their cosine agreement, and which of onnxruntime's
  int8 kernels this CPU runs (its vectors depended on that before issue 17).
- Scale: N synthetic vectors shaped like real MiniLM ones (the SciFact vectors as cluster
  centres plus Gaussian noise matched to real spread, re-normalized) written into the
  N-paper benchmark store; HNSW build time, recall@10 against exact search, and hybrid
  search latency (query embedding + BM25 + ANN + fusion + store join) in a fresh process
  whose peak resident memory is reported.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from common import DATA, SHARED, record, rss_gib

from paperwire.config import Settings
from paperwire.embedding import MODEL_NAME, OnnxEmbedder, TorchEmbedder
from paperwire.services.library import Library
from paperwire.store.base import VectorRow

SAMPLE = 512


def embedding_speed() -> dict[str, str]:
    import json

    lines = (SHARED / "eval/scifact/corpus.jsonl").read_text().splitlines()[:SAMPLE]
    texts = [f"{r['title']}. {r['text']}" for r in map(json.loads, lines)]
    fast, reference = OnnxEmbedder(Settings.load().model_dir), TorchEmbedder()
    fast.encode(texts[:16]), reference.encode(texts[:16])
    t = time.perf_counter()
    a = fast.encode(texts)
    fast_s = time.perf_counter() - t
    t = time.perf_counter()
    b = reference.encode(texts)
    ref_s = time.perf_counter() - t
    cosine = (a * b).sum(axis=1)
    q = [fast.encode([x[:120]]) for x in texts[:5]]  # warm
    t = time.perf_counter()
    for x in texts[:100]:
        q = fast.encode([x[:120]])
    query_ms = (time.perf_counter() - t) * 10
    del q
    return {
        "embedding: int8 ONNX papers/s": f"{SAMPLE / fast_s:.1f}",
        "embedding: sentence-transformers (torch) papers/s": f"{SAMPLE / ref_s:.1f}",
        "embedding: speed ratio (target ≥ 2.0)": f"{ref_s / fast_s:.2f}×",
        "embedding: cosine to reference, min / mean (target ≥ 0.99)":
            f"{cosine.min():.4f} / {cosine.mean():.4f}",
        "embedding: one query ms": f"{query_ms:.2f}",
        "embedding: onnxruntime int8 kernel": int8_kernel_path(),
    } | old_scheme_speed(texts, b)


def old_scheme_speed(texts: list[str], reference: np.ndarray) -> dict[str, str]:
    """The scheme before issue 17 (full-range int8 weights, every MatMul), built and timed
    beside the shipped one: what CPU independence costs in speed."""
    import tempfile

    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from paperwire.embedding import ONNX_FILE, TOKENIZER_FILE, reference_model_dir
    from paperwire.model_build import build_graph, read_weights

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        onnx.save(build_graph(*read_weights(reference_model_dir())), str(folder / "fp32.onnx"))
        quantize_dynamic(folder / "fp32.onnx", folder / ONNX_FILE, per_channel=True,
                         op_types_to_quantize=["MatMul"], weight_type=QuantType.QInt8)
        (folder / TOKENIZER_FILE).write_bytes((reference_model_dir() / TOKENIZER_FILE)
                                              .read_bytes())
        old = OnnxEmbedder(folder)
        old.encode(texts[:16])
        t = time.perf_counter()
        vectors = old.encode(texts)
        seconds = time.perf_counter() - t
    cosine = (vectors * reference).sum(axis=1)
    return {"embedding, the scheme before (full-range int8): papers/s": f"{SAMPLE / seconds:.1f}",
            "embedding, the scheme before: cosine min / mean":
                f"{cosine.min():.4f} / {cosine.mean():.4f}"}


def int8_kernel_path() -> str:
    """The MLAS integer GEMM onnxruntime picks for this CPU (core/mlas/lib/platform.cpp)."""
    with open("/proc/cpuinfo") as fp:
        flags = set(next((ln.split(":", 1)[1].split() for ln in fp
                          if ln.startswith("flags")), []))
    for flag, path in (("amx_int8", "AMX (tdpbusd)"), ("avx512_vnni", "AVX-512 VNNI (vpdpbusd)"),
                       ("avx_vnni", "AVX-VNNI (vpdpbusd)"),
                       ("avx512bw", "AVX-512 core (vpmaddubsw), no VNNI on this CPU"),
                       ("avx2", "AVX2 (vpmaddubsw), no VNNI on this CPU")):
        if flag in flags:
            return f"MLAS U8S8 {path}"
    return "MLAS SSE (no AVX2 on this CPU)"


def synthetic_vectors(n: int, rng: np.random.Generator) -> np.ndarray:
    from eval_retrieval import load_library

    real, _ = load_library(SHARED / "eval/scifact")  # real vectors: imported and embedded once
    blobs = [b for _, batch in real.store.vectors_since(MODEL_NAME, 0) for b in batch]
    centres = np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(len(blobs), -1)
    spread = float(np.std(centres - centres.mean(axis=0)))
    out = np.empty((n, centres.shape[1]), dtype=np.float32)
    for i in range(0, n, 100_000):
        m = min(100_000, n - i)
        v = centres[rng.integers(0, len(centres), m)] + rng.normal(0, spread, (m, 384))
        out[i : i + m] = v / np.linalg.norm(v, axis=1, keepdims=True)
    return out


def fill_store(library: Library, vectors: np.ndarray) -> None:
    rev = library.store.max_rev()
    pids = sorted(p for batch in library.store.changed_since(0, 50_000) for p in
                  (sp.pid for sp in batch))
    for i in range(0, len(pids), 20_000):
        library.store.save_vectors(MODEL_NAME, [
            VectorRow(pid, "synthetic", rev, vectors[j].tobytes())
            for j, pid in enumerate(pids[i : i + 20_000], start=i)])


def serve_queries(n: int) -> None:
    """In a fresh process: open the library, time 200 hybrid queries, report peak RSS."""
    from bench_search import queries

    from paperwire.services.discovery.search import search

    library = Library(Settings(db=DATA / f"bench-{n}.db"))
    qs = queries()
    for q in qs[:10]:
        search(library, q, limit=10, mode="hybrid")
    timings = []
    for q in qs:
        t = time.perf_counter()
        search(library, q, limit=10, mode="hybrid")
        timings.append((time.perf_counter() - t) * 1000)
    cuts = statistics.quantiles(timings, n=100)
    print(f"{cuts[49]:.1f} {cuts[98]:.1f} {rss_gib('VmHWM'):.2f}")


def main(n: int) -> None:
    figures = embedding_speed()
    rng = np.random.default_rng(3)
    library = Library(Settings(db=DATA / f"bench-{n}.db"))
    assert library.store.count() == n, "run bench_import.py first"
    vectors = synthetic_vectors(n, rng)
    fill_store(library, vectors)
    shutil.rmtree(library.settings.vectors_dir, ignore_errors=True)
    t = time.perf_counter()
    library.vectors  # noqa: B018 - no graph on disk: built from the store's vectors
    build_s = time.perf_counter() - t
    queries = synthetic_vectors(200, rng)
    exact = np.argsort(-(vectors @ queries.T), axis=0)[:10].T + 1  # pids are 1..n in order
    found = [[p for p, _ in library.vectors.search(q, 10)] for q in queries]
    recall = np.mean([len(set(f) & set(e)) / 10 for f, e in zip(found, exact, strict=True)])
    del vectors
    out = subprocess.run([sys.executable, __file__, "--serve", str(n)], capture_output=True,
                         text=True, check=True).stdout.split()
    p50, p99, rss = out[-3:]
    figures |= {
        "scale: papers and vectors": f"{n:,} (synthetic vectors, see the script)",
        "scale: HNSW build s (M=16, efConstruction=100)": f"{build_s:.0f}",
        "scale: ANN recall@10 vs exact (target ≥ 0.95), ef=128": f"{recall:.3f}",
        "scale: hybrid search p50 ms incl. query embedding (target ≤ 15)": p50,
        "scale: hybrid search p99 ms (target ≤ 40)": p99,
        "scale: peak RSS of the serving process GiB (target ≤ 4)": rss,
    }
    record(f"Semantic search at N = {n:,}", f"python benchmarks/bench_semantic.py {n}", figures)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        serve_queries(int(sys.argv[2]))
    elif sys.argv[1:2] == ["--embedding"]:
        record("Embedding: int8 ONNX against the torch reference",
               "python benchmarks/bench_semantic.py --embedding", embedding_speed())
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
