"""What is in each paper at a glance (issue 23), measured.

Usage: python benchmarks/eval_glance.py [N_PAPERS]   (default 300)

- code links found in abstracts against Hugging Face's githubRepo, on the whole demo
  archive (../shared/fixtures/hf-daily-archive);
- venues on the labelled comments of tests/venue_sample.py (the sample the rules were
  written on, and a held-out one never tuned on);
- keyphrases against Hugging Face's ai_keywords, and gists against its ai_summary, on the
  first N archive papers (by id) that have both, with the bundled model, beside baselines
  (the candidates' cheap order alone; similarity without diversity; the first and the last
  sentence), and how many papers a second keyphrases and gists are made for.
Prints the figures; the lead records them in benchmarks/RESULTS.md.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from common import ROOT, SHARED, machine

from paperwire.code_links import find_links, normalize
from paperwire.config import Settings
from paperwire.domain import Paper
from paperwire.embedding import paper_text
from paperwire.services.glance import gist, keyphrases, making, phrases
from paperwire.services.library import Library
from paperwire.store.base import StoredPaper
from paperwire.store.rows import found_values

sys.path.insert(0, str(ROOT))
from tests.venue_sample import VENUE_HELD_OUT, VENUE_SAMPLE, venue_scores  # noqa: E402

ARCHIVE = SHARED / "fixtures/hf-daily-archive"
_WORD = re.compile(r"[a-z0-9]+")


def archive() -> dict[str, dict]:
    papers: dict[str, dict] = {}
    for path in sorted(ARCHIVE.glob("*.json")):
        for item in json.loads(path.read_text()):
            papers[item["paper"]["id"]] = item["paper"]
    if not papers:
        raise SystemExit(f"the demo archive is not at {ARCHIVE}")
    return papers


def code_links(papers: dict[str, dict]) -> None:
    both = same = theirs_n = ours_alone = 0
    for p in papers.values():
        ours = find_links(p.get("summary", "")).first_code
        theirs = normalize("".join((p.get("githubRepo") or "").split()))
        theirs_n += bool(theirs)
        if ours and theirs:
            both += 1
            same += ours.lower() == theirs.lower()
        ours_alone += bool(ours and not theirs)
    start = time.perf_counter()
    for p in papers.values():
        found_values(Paper(title=p["title"], abstract=p.get("summary", ""),
                           comment="Accepted at ICLR 2026; 12 pages"))
    cost = (time.perf_counter() - start) / len(papers) * 1e6
    print(f"code links, {len(papers):,} archive papers ({theirs_n:,} with HF githubRepo):")
    print(f"  precision where both have one {same / both:.3f} ({same}/{both}); "
          f"recall of HF's githubRepo {same / theirs_n:.3f} ({same}/{theirs_n}); "
          f"papers given code HF has none for: {ours_alone:,}; reading code and venue costs "
          f"{cost:.0f} µs a paper at ingest")


def venues() -> None:
    for name, sample in (("sample (rules written on it)", VENUE_SAMPLE),
                         ("held out (never tuned on)", VENUE_HELD_OUT)):
        precision, recall = venue_scores(sample)
        print(f"venues, {name}: {len(sample)} comments, precision {precision:.3f},"
              f" recall {recall:.3f}")


def _fold(phrase: str) -> tuple[str, ...]:
    """Lower case, hyphens as spaces, a plural's s dropped: "Vision-Language Models" →
    ("vision", "language", "model")."""
    return tuple(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
                 for w in _WORD.findall(phrase.lower()))


def _matches(a: str, b: str, lenient: bool) -> bool:
    fa, fb = _fold(a), _fold(b)
    if not fa or not fb:
        return False
    if not lenient:
        return fa == fb
    sa, sb = set(fa), set(fb)
    return sa <= sb or sb <= sa  # one phrase holds the other's words


def agreement(ours: list[list[str]], theirs: list[list[str]], k: int, lenient: bool
              ) -> tuple[float, float]:
    precision, recall = [], []
    for o, t in zip(ours, theirs, strict=True):
        o = o[:k]
        if o:
            precision.append(sum(any(_matches(x, y, lenient) for y in t) for x in o) / len(o))
        recall.append(sum(any(_matches(y, x, lenient) for x in o) for y in t) / len(t))
    return float(np.mean(precision)), float(np.mean(recall))


def rouge1(a: str, b: str) -> float:
    ta, tb = _WORD.findall(a.lower()), _WORD.findall(b.lower())
    if not ta or not tb:
        return 0.0
    common = sum(min(ta.count(w), tb.count(w)) for w in set(ta))
    p, r = common / len(ta), common / len(tb)
    return 2 * p * r / (p + r) if p + r else 0.0


def model_parts(papers: dict[str, dict], n: int) -> None:
    chosen = [p for _, p in sorted(papers.items()) if p.get("ai_keywords")
              and p.get("ai_summary") and p.get("summary")][:n]
    stored = [StoredPaper(i, Paper(title=" ".join(p["title"].split()),
                                   abstract=" ".join(p["summary"].split())), 1)
              for i, p in enumerate(chosen, start=1)]
    with tempfile.TemporaryDirectory() as tmp:
        library = Library(Settings(db=Path(tmp) / "eval.db"))
        embedder = library.embedder
        start = time.perf_counter()
        vectors = embedder.encode([paper_text(sp.paper.title, sp.paper.abstract)
                                   for sp in stored])
        embed_s = time.perf_counter() - start
        batch = [(sp, "", v) for sp, v in zip(stored, vectors, strict=True)]
        start = time.perf_counter()
        made = []
        for i in range(0, len(batch), making.BATCH):
            made += making.make_for(library, batch[i:i + making.BATCH])
        make_s = time.perf_counter() - start
        theirs = [[w for w in p["ai_keywords"] if isinstance(w, str)] for p in chosen]
        cheap = [[c.text for c in phrases.candidates(sp.paper.title, sp.paper.abstract,
                                                     keyphrases.KEEP)] for sp in stored]
        plain = []
        for sp, vec in zip(stored, vectors, strict=True):
            cands = [c.text for c in phrases.candidates(sp.paper.title, sp.paper.abstract,
                                                        keyphrases.CANDIDATES)]
            plain.append(keyphrases.choose(cands, embedder.encode(cands), vec, diversity=0.0))
        print(f"keyphrases vs HF ai_keywords, {len(chosen)} archive papers (HF gives "
              f"{np.mean([len(t) for t in theirs]):.1f} a paper), precision/recall@k:")
        for name, ours in (("ours (model, MMR 0.4)", [m.keywords for m in made]),
                           ("similarity alone (MMR 0)", plain),
                           ("no model (candidates' own order)", cheap)):
            cells = []
            for k in (5, 8):
                for lenient in (True, False):
                    p, r = agreement(ours, theirs, k, lenient)
                    cells.append(f"@{k} {'lenient' if lenient else 'exact'} P {p:.3f} R {r:.3f}")
            print(f"  {name}: " + "; ".join(cells))
        summaries = [p["ai_summary"] for p in chosen]
        sents = [gist.sentences(sp.paper.abstract) for sp in stored]
        ref = embedder.encode(summaries)
        centroid = []
        for s in sents:
            vecs = embedder.encode(s[:gist.MAX_SENTENCES]) if s else np.zeros((0, 1))
            centroid.append(gist.trim(s[int(np.argmax(vecs @ vecs.mean(axis=0)))]) if s else "")
        print(f"gists vs HF ai_summary ({len(chosen)} papers): ROUGE-1 F1, cosine (the model)")
        for name, lines in (("ours (sentence nearest the paper)", [m.gist or "" for m in made]),
                            ("sentence nearest the sentences' centroid", centroid),
                            ("first sentence", [gist.trim(s[0]) if s else "" for s in sents]),
                            ("last sentence", [gist.trim(s[-1]) if s else "" for s in sents])):
            cos = np.sum(embedder.encode(lines) * ref, axis=1)
            rouge = np.mean([rouge1(a, b) for a, b in zip(lines, summaries, strict=True)])
            print(f"  {name}: ROUGE-1 {rouge:.3f}, cosine {np.mean(cos):.3f}")
        print(f"speed ({machine()}): keyphrases and gist {len(chosen) / make_s:.1f} papers/s "
              f"({keyphrases.CANDIDATES} candidates and up to {gist.MAX_SENTENCES} sentences "
              f"embedded a paper); the paper's own vector {len(chosen) / embed_s:.1f} papers/s")
        library.close()


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    papers = archive()
    code_links(papers)
    venues()
    model_parts(papers, n)


if __name__ == "__main__":
    main()
