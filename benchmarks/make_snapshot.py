"""Write N synthetic records in the arXiv metadata-snapshot format (JSON lines).

Titles and abstracts are made of words drawn from the real fixtures, with lengths drawn
from the real papers' lengths, so the index sees realistic term statistics.
Usage: python benchmarks/make_snapshot.py N OUT.jsonl
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

from common import real_papers

CATEGORIES = ["cs.LG", "cs.CV", "cs.CL", "stat.ML", "cs.AI", "math.OC", "physics.comp-ph",
              "hep-th", "quant-ph", "cond-mat.stat-mech", "q-bio.NC", "eess.SP"]
FIRST = ["Ada", "Alan", "Grace", "Sifan", "Paris", "Yann", "Fei-Fei", "Geoffrey", "Joan", "Li"]
LAST = ["Wang", "Perdikaris", "Lovelace", "Turing", "Hopper", "Chen", "Müller", "Smith", "Kim"]


def main(n: int, out: Path) -> None:
    rng = random.Random(42)
    papers = real_papers()
    words = [w for t, a in papers for w in (t + " " + a).split()]
    title_lengths = [len(t.split()) for t, _ in papers]
    abstract_lengths = [len(a.split()) for _, a in papers]
    with out.open("w") as fp:
        for i in range(n):
            month, number = divmod(i, 90_000)
            ident = f"{7 + month // 12:02d}{1 + month % 12:02d}.{number + 1:05d}"
            authors = [(rng.choice(LAST), rng.choice(FIRST), "")
                       for _ in range(rng.randint(1, 8))]
            cats = rng.sample(CATEGORIES, rng.randint(1, 3))
            months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun"]
            day = f"{1 + i % 28} {months[month % 6]} 20{7 + month // 12:02d}"
            rec = {
                "id": ident, "submitter": "Synthetic",
                "authors": ", ".join(f"{f} {last}" for last, f, _ in authors),
                "title": " ".join(rng.choices(words, k=rng.choice(title_lengths))),
                "comments": f"{rng.randint(4, 40)} pages", "journal-ref": None, "doi": None,
                "report-no": None, "categories": " ".join(cats), "license": None,
                "abstract": " ".join(rng.choices(words, k=rng.choice(abstract_lengths))),
                "versions": [{"version": "v1", "created": f"Mon, {day} 10:00:00 GMT"}],
                "update_date": "2024-01-01", "authors_parsed": [list(a) for a in authors],
            }
            fp.write(json.dumps(rec) + "\n")


if __name__ == "__main__":
    main(int(sys.argv[1]), Path(sys.argv[2]))
