"""Candidate keyphrases of a paper, from its own words alone (no model): runs of content
words between stop words and punctuation (as RAKE cuts them), one to three words long, the
most promising first, so that only a bounded few are embedded (phrases.py → keyphrases.py)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

MAX_WORDS = 3
_MATH = re.compile(r"\$[^$]*\$|\\\([^)]*\\\)")
_URL = re.compile(r"https?://\S+|www\.\S+")
# a word holds a letter ("4D", "GPT-4o", "Terminal-Bench"); a number is no word
_TOKEN = re.compile(r"[0-9]*[A-Za-z][A-Za-z0-9]*(?:[-'][A-Za-z0-9]+)*|[0-9]+(?:\.[0-9]+)?"
                    r"|[^\sA-Za-z0-9]")
# words that end a phrase: function words, and the words every abstract uses of itself
STOP = frozenset("""
a about above across after again against all almost along also although always am among an
and another any are around as at be because been before being below between both but by can
cannot could did do does doing done down during each either enough especially etc even ever
every few for from further had has have having he her here hers herself him himself his how
however i if in into is it its itself just least less like made make makes making many may
me might more most much must my namely near nearly neither no nor not now of off often on once
one only onto or other others otherwise our ours ourselves out over own per perhaps quite
rather really same several shall she should since so some such than that the their theirs them
themselves then there thereby therefore these they this those though through throughout thus
to together too toward towards under unlike until up upon us very via was we well were what
whatever when where whereas whether which while who whom whose why will with within without
would yet you your yours
paper papers work works study studies approach approaches method methods methodology technique
techniques framework frameworks model models system systems result results performance
propose proposes proposed proposing present presents presented introduce introduces introduced
show shows showed shown demonstrate demonstrates demonstrated demonstrating achieve achieves
achieved achieving obtain obtains obtained provide provides provided enable enables enabled
allow allows allowed use uses used using leverage leverages leveraging apply applies applied
based novel new existing current recent recently prior previous various different diverse
several numerous extensive comprehensive significant significantly substantially notably
effective effectively efficient efficiently simple simply strong stronger better best improve
improves improved improving improvement improvements outperform outperforms outperforming
state art sota baseline baselines experiment experiments experimental evaluation evaluations
evaluate evaluated evaluates benchmark benchmarks task tasks problem problems challenge
challenges challenging key important crucial critical main first second third finally further
furthermore moreover additionally specifically particular particularly including include
includes given general generally overall large small high low wide widely able across remains
remain still often however here code available publicly github project page https http
whole end due able aim aims address addresses addressing focus focuses tackle tackles
consider considers considered study studied investigate investigates explore explores
explored analysis analyze analyzes develop develops developed design designed designs
accelerate accelerates adapt adapts adopt adopts adopted aggregate aggregates alleviate
alleviates assess assesses assume assumes augment augments avoid avoids become becomes begin
begins boost boosts bridge bridges build builds capture captures cause causes combine combines
combined compare compares compared compute computes conduct conducts conducted construct
constructs contain contains contribute contributes convert converts create creates created
decompose decomposes define defines deliver delivers depend depends derive derives derived
describe describes detect detects determine determines employ employs employed encode encodes
encourage encourages enhance enhances enhanced ensure ensures establish establishes estimate
estimates exceed exceeds exhibit exhibits exist exists exploit exploits expose exposes exposing
extend extends extract extracts facilitate facilitates find finds found fail fails generalize
generalizes generate generates generated get gets give gives given grow grows help helps
highlight highlights identify identifies incorporate incorporates increase increases indicate
indicates integrate integrates involve involves keep keeps lack lacks lead leads learn learns
learned maintain maintains mitigate mitigates need needs offer offers operate operates
optimize optimizes perform performs predict predicts preserve preserves produce produces
reach reaches reduce reduces reduced refine refines rely relies represent represents require
requires required resolve resolves retain retains reveal reveals run runs select selects
serve serves solve solves suffer suffers suggest suggests surpass surpasses synthesize
synthesizes take takes train trains trained treat treats uncover uncovers unify unifies
utilize utilizes validate validates yield yields called termed named dubbed known
""".split())
_BREAK = frozenset(".,;:!?()[]{}\"'`/=<>|*+~#%&@^") | {"–", "—", "“", "”", "’", "‘"}


@dataclass(frozen=True)
class Candidate:
    text: str  # as first written ("large language models", "LoRA")
    score: float  # the cheap pre-ranking: frequency, title, length, position


def _chunks(text: str) -> list[list[str]]:
    """Runs of content words: cut at punctuation, stop words and numbers."""
    runs: list[list[str]] = []
    run: list[str] = []
    for token in _TOKEN.findall(_URL.sub(" . ", _MATH.sub(" . ", text))):
        low = token.lower()
        if token in _BREAK or low in STOP or not any(ch.isalpha() for ch in token) \
                or len(token) == 1:
            if run:
                runs.append(run)
            run = []
        else:
            run.append(token)
    if run:
        runs.append(run)
    return runs


def _grams(run: list[str]) -> list[list[str]]:
    if len(run) <= MAX_WORDS:
        return [run]
    return [run[i:i + n] for n in range(2, MAX_WORDS + 1) for i in range(len(run) - n + 1)]


def candidates(title: str, abstract: str, limit: int) -> list[Candidate]:
    """At most `limit` candidate phrases of the paper, the most promising first."""
    counts: Counter[str] = Counter()
    first: dict[str, tuple[str, int]] = {}  # folded → (as written, first position)
    in_title: set[str] = set()
    position = 0
    for source, text in (("title", title), ("abstract", abstract)):
        for run in _chunks(text):
            for gram in _grams(run):
                phrase = " ".join(gram)
                key = phrase.lower()
                if len(gram) == 1 and (len(key) < 3 or key.isdigit()):
                    continue
                counts[key] += 1
                first.setdefault(key, (phrase, position))
                if source == "title":
                    in_title.add(key)
            position += 1
    scored = []
    n_runs = max(position, 1)
    for key, n in counts.items():
        words = key.count(" ") + 1
        score = (n + 1.5 * (key in in_title) + (0, 0.5, 0.3)[words - 1]
                 + 0.5 * (1 - first[key][1] / n_runs))
        scored.append(Candidate(first[key][0], score))
    scored.sort(key=lambda c: (-c.score, c.text.lower()))
    return scored[:limit]
