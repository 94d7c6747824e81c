"""A topic's label: the phrases most distinctive of its papers, by class-based tf-idf over
the candidate phrases of their titles and abstracts (glance/phrases.py, no model).

A phrase's weight in a topic is the share of the topic's papers that use it times
log(1 + the mean topic size / the papers of all topics that use it): common in the topic,
rare elsewhere. Large topics are labelled from a seeded sample of their papers."""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable

from paperwire.services.glance.phrases import candidates

PHRASES_A_PAPER = 20
SAMPLE = 300  # papers a topic's label is read from, at most
WORDS = 6  # phrases kept for a topic; its label is the first three
# what abstracts say of themselves that glance's stop words let through, naming no topic
NOT_A_TOPIC = frozenset({"discuss", "discusses", "discussed", "discussion", "article"})


def _phrases(title: str, abstract: str) -> set[str]:
    return {p for c in candidates(title, abstract, PHRASES_A_PAPER)
            if (p := c.text.lower()).split()[0] not in NOT_A_TOPIC}


def sampled(members: dict[int, list[int]], seed: int = 23) -> dict[int, list[int]]:
    rng = random.Random(seed)
    return {t: (sorted(rng.sample(pids, SAMPLE)) if len(pids) > SAMPLE else pids)
            for t, pids in members.items()}


def label_words(members: dict[int, list[int]],
                texts: Callable[[list[int]], dict[int, tuple[str, str]]]) -> dict[int, list[str]]:
    """The WORDS most distinctive phrases of each topic, best first; `members` its papers
    (already sampled), `texts` gives (title, abstract) of papers."""
    counts: dict[int, Counter[str]] = {}
    for topic, pids in members.items():
        found = texts(pids)
        counts[topic] = Counter(p for pid in pids if pid in found for p in _phrases(*found[pid]))
    everywhere: Counter[str] = Counter()
    for c in counts.values():
        everywhere.update(c)
    mean_size = sum(len(p) for p in members.values()) / max(len(members), 1)
    out = {}
    for topic, c in counts.items():
        n = max(len(members[topic]), 1)
        scored = sorted(((used / n) * math.log(1 + mean_size / everywhere[p]), p)
                        for p, used in c.items() if used >= 2 or n < 4)
        out[topic] = _distinct([p for _, p in reversed(scored)], WORDS)
    return out


def _folded(phrase: str) -> set[str]:
    """Its words, a plural's s dropped ("agents" is "agent")."""
    return {w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
            for w in phrase.split()}


def _distinct(phrases: list[str], limit: int) -> list[str]:
    """Skip a phrase whose words hold or are held by one already chosen."""
    chosen: list[set[str]] = []
    out: list[str] = []
    for p in phrases:
        words = _folded(p)
        if any(words <= c or c <= words for c in chosen):
            continue
        chosen.append(words)
        out.append(p)
        if len(out) == limit:
            break
    return out


def label_of(words: list[str]) -> str:
    return ", ".join(words[:3]) if words else "(unlabelled)"
