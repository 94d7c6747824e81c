"""Where a bulk import's CPU goes, stage by stage, in CPU-µs per record (all threads).

Usage: python benchmarks/bench_import_stages.py [N]   (default 100,000; the records are
held in memory between stages, so N stays modest: the figures are per record)

The stages are those of `paperwire import` on a large file: parse (the parser process),
crossing to the importer (to_wire + pickle there, unpickle + from_wire here), ingest
(validate, dedupe lookups, merge, SQLite writes, with the bulk load's deferred indexes),
and the lexical index (documents built in Python, then tantivy). On 2 cores, 20,000
records/s end to end leaves 100 CPU-µs per record for all of them together. Tantivy is
also timed without English stemming, to show what that choice costs at import.
"""

from __future__ import annotations

import pickle
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

from common import DATA, record

from paperwire import sources
from paperwire.index import sync
from paperwire.index.lexical import LexicalIndex
from paperwire.ingest import ingest
from paperwire.sources import background
from paperwire.store import SQLiteStore


class UnstemmedIndex(LexicalIndex):
    """The lexical index without English stemming: what stemming costs at import."""

    text_tokenizer = "default"


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Stages:
    def __init__(self, n: int) -> None:
        self.n, self.figures, self.total = n, {}, 0.0

    def timed(self, name: str, work):
        start = cpu_seconds()
        out = work()
        per_record = (cpu_seconds() - start) / self.n * 1e6
        self.total += per_record
        self.figures[f"{name} µs"] = f"{per_record:.0f}"
        return out


def main(n: int) -> None:
    corpus = DATA / f"snapshot-{n}.jsonl"
    if not corpus.exists():
        subprocess.run([sys.executable, "make_snapshot.py", str(n), str(corpus)], check=True,
                       cwd=DATA.parent)
    stages = Stages(n)

    def parse():
        with corpus.open("rb") as fp:
            return list(sources.read(fp, "arxiv-snapshot"))

    records = stages.timed("parse", parse)
    chunks = stages.timed("to_wire + pickle (parser process)", lambda: [
        pickle.dumps([background.to_wire(r) for r in records[i:i + background.CHUNK]])
        for i in range(0, n, background.CHUNK)])
    records = stages.timed("unpickle + from_wire (importer)", lambda: [
        background.from_wire(v) for c in chunks for v in pickle.loads(c)])
    folder = Path(tempfile.mkdtemp(dir=DATA))
    store = SQLiteStore(folder / "stages.db")
    changed = []

    def store_all():
        with store.bulk_load():
            return ingest(store, records, on_batch=changed.extend)

    report = stages.timed("ingest: validate, dedupe, merge, SQLite", store_all)
    assert report.added == n, report.summary()
    docs = stages.timed("index documents (Python)", lambda: [sync.to_index_doc(sp)
                                                             for sp in changed])

    def index_all(kind: type[LexicalIndex]):
        index = kind.fresh(folder / kind.__name__)
        for i in range(0, n, 5000):
            index.upsert(docs[i:i + 5000])
        index.commit(store.max_rev())

    stages.timed("tantivy (its threads included)", lambda: index_all(LexicalIndex))
    unstemmed = Stages(n)  # an alternative, not a stage: not counted in the total
    unstemmed.timed("tantivy without English stemming (not a stage)",
                    lambda: index_all(UnstemmedIndex))
    store.close()
    subprocess.run(["rm", "-rf", str(folder)], check=True)
    record(f"Import CPU by stage at N = {n:,}",
           f"python benchmarks/bench_import_stages.py {n}", {
               "records": f"{n:,}", **stages.figures,
               "all stages µs per record": f"{stages.total:.0f}",
               **unstemmed.figures,
               "2-core budget for 20,000 records/s, µs per record": "100",
           })


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
