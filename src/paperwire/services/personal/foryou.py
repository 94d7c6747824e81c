"""For you: new papers ranked for one reader, each with the reason it is there.

score = taste (z-scored over the pool) + RECENCY · e^(−age/7 days) + FOLLOW · matches a follow

Papers the reader marked "not interested" never appear; nor do the papers they upvoted or
collected (they know them), nor, if they asked, the papers they have seen.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from paperwire import clock
from paperwire.embedding import DIM, MODEL_NAME
from paperwire.index.query import parse_user_query
from paperwire.index.vectors import as_matrix
from paperwire.services.names import author_key, same_author
from paperwire.services.personal.candidates import Pool
from paperwire.services.personal.taste import (
    MAX_POSITIVES,
    Examples,
    Taste,
    examples,
    taste_of,
    train,
)
from paperwire.store.base import StoredPaper
from paperwire.store.personal import Follow
from paperwire.store.site import User

RECENCY = 0.5
FOLLOW = 3.0  # an explicit follow outranks what the model guesses
RECENCY_DAYS = 7.0
QUERY_MATCHES = 2000  # a followed query matches at most this many papers of the pool
MAX_LIMIT = 200


KEPT_LISTS = 4096  # readers' lists each process keeps (ids and reasons: a few KB each)
MADE_AHEAD = 91  # rows of a list the worker makes ahead: three pages of 30 and a look past


@dataclass
class Recommendation:
    paper: StoredPaper
    score: float
    reason: str
    follow: bool = False  # there because of a follow (an alert)
    age_days: int = 0  # days before the newest paper of the store


@dataclass
class Ranked:
    """A ranked pool for one user, before papers are fetched."""

    rows: list[int]
    scores: np.ndarray
    follow_reason: dict[int, str] = field(default_factory=dict)  # row → "follows cs.RO"


def _z(values: np.ndarray) -> np.ndarray:
    spread = float(values.std())
    return (values - values.mean()) / spread if spread > 0 else np.zeros_like(values)


def follow_matches(library, pool: Pool, follows: list[Follow]) -> dict[int, str]:
    """Pool rows matching any follow, each with the first follow's reason."""
    reasons: dict[int, str] = {}
    for f in follows:
        if f.kind == "query":
            rows = _query_rows(library, pool, f.value)
        elif f.kind == "category":
            rows = pool.by_category.get(f.match_key, [])
        elif f.kind == "topic":  # of the map (services/fieldmap), by its id
            rows = [pool.row_of[p] for p in library.fieldmap.topic_pids(int(f.match_key))
                    if p in pool.row_of]
        else:
            rows = [row for row, name in pool.by_author.get(author_key(f.value), [])
                    if same_author(f.value, name)]
        reason = (f"matches '{f.value}'" if f.kind == "query" else
                  f"in your topic ‘{_topic_label(library, f)}’" if f.kind == "topic" else
                  f"follows {f.value}")
        for row in rows:
            reasons.setdefault(row, reason)
    return reasons


def _topic_label(library, f: Follow) -> str:
    """The topic's label now (a rebuild may relabel it), else as it was when followed."""
    topic = library.fieldmap.topic(int(f.match_key))
    return topic.label if topic else f.value


def _query_rows(library, pool: Pool, text: str) -> list[int]:
    quoted = text if '"' in text or " " not in text.strip() else f'"{text}"'
    _, hits = library.lexical.search(parse_user_query(quoted), None, QUERY_MATCHES,
                                     snippets=False)
    return [pool.row_of[h.doc_id] for h in hits if h.doc_id in pool.row_of]


def _base_scores(pool: Pool, taste: Taste) -> np.ndarray:
    if taste.weights is not None:
        return _z(taste.score(pool.matrix))
    # no taste yet: what is trending (upvotes decayed by age), as the front page
    return _z(np.log1p(pool.upvotes) - 0.15 * pool.days)


def rank(library, pool: Pool, exclude: set[int], taste: Taste, follows: list[Follow]
         ) -> Ranked:
    if not len(pool):
        return Ranked([], np.zeros(0))
    scores = _base_scores(pool, taste) + RECENCY * np.exp(-pool.days / RECENCY_DAYS)
    reasons = follow_matches(library, pool, follows)
    if reasons:
        scores[list(reasons)] += FOLLOW
    mask = np.ones(len(pool), bool)
    mask[[pool.row_of[p] for p in exclude if p in pool.row_of]] = False
    rows = np.flatnonzero(mask)
    order = rows[np.argsort(-scores[rows], kind="stable")]
    return Ranked(order.tolist(), scores, reasons)


def excluded(library, user: User, found: Examples) -> set[int]:
    personal = library.personal
    out = set(personal.dismissed(user.uid)) | set(found.positive_pids)
    if personal.hide_seen(user.uid):
        out |= personal.seen(user.uid)
    return out


def _like_reasons(pool: Pool, rows: list[int], found: Examples, titles: dict[int, str]
                  ) -> list[str]:
    if not len(found.positives):
        return ["trending"] * len(rows)
    nearest = (pool.matrix[rows] @ found.positives.T).argmax(axis=1)
    out = []
    for j in nearest:
        pid = found.positive_pids[j]
        out.append(f"like “{titles.get(pid) or found.positive_titles[j]}”")
    return out


def made_for(library, user: User, today: date | None = None) -> str:
    """What a reader's list is made from: their signals (and how many papers they have seen,
    when they hide those), the store's papers, the vectors and the day."""
    personal = library.personal
    seen = personal.seen_count(user.uid) if personal.hide_seen(user.uid) else None
    return json.dumps([personal.signals_rev(user.uid), seen, library.store.max_rev(),
                       library.store.vector_seq(MODEL_NAME),
                       (today or clock.today()).isoformat()])


def recommend(library, user: User, limit: int = 30, offset: int = 0,
              extra_exclude: set[int] | None = None,
              today: date | None = None) -> list[Recommendation]:
    """New papers for this user, best first, each with a one-line reason. Made once while
    what it is made from holds (made_for), then reused: the list the worker made ahead
    (make_ahead), else one made now and kept by this process."""
    limit = max(1, min(limit, MAX_LIMIT))
    basis = made_for(library, user, today)
    key = (user.uid, basis, limit, offset, frozenset(extra_exclude or ()))
    kept = library.memo.get("for-you", key, lambda: _kept(
        library, user, basis, limit, offset, extra_exclude, today), KEPT_LISTS)
    papers = library.papers.get_many([pid for pid, *_ in kept])  # ids kept, papers read anew
    return [Recommendation(papers[pid], *rest) for pid, *rest in kept if pid in papers]


def _kept(library, user: User, basis: str, limit: int, offset: int,
          extra_exclude: set[int] | None, today: date | None) -> list[tuple]:
    if not extra_exclude and offset + limit <= MADE_AHEAD:
        stored = library.personal.stored_list(user.uid)
        if stored is not None and stored[0] == basis:
            return [tuple(row) for row in json.loads(stored[1])[offset:offset + limit]]
    return [_row(r) for r in _recommend(library, user, limit, offset, extra_exclude, today)]


def _row(r: Recommendation) -> tuple:
    return (r.paper.pid, r.score, r.reason, r.follow, r.age_days)


def make_ahead(library, user: User, today: date | None = None) -> bool:
    """The reader's first pages made and stored for the pages to read, unless the stored
    ones were made from what the reader and the store are now. Whether it made them."""
    basis = made_for(library, user, today)
    stored = library.personal.stored_list(user.uid)
    if stored is not None and stored[0] == basis:
        return False
    rows = [_row(r) for r in _recommend(library, user, MADE_AHEAD, 0, None, today)]
    library.personal.save_list(user.uid, basis, json.dumps(rows))
    return True


def _recommend(library, user: User, limit: int, offset: int, extra_exclude: set[int] | None,
               today: date | None) -> list[Recommendation]:
    pool = library.candidates.current(today)
    found = examples(library, user.uid)
    taste = taste_of(library, user.uid, pool.background, found)
    exclude = excluded(library, user, found) | (extra_exclude or set())
    ranked = rank(library, pool, exclude, taste, library.personal.follows(user.uid))
    return _recommendations(library, pool, ranked, ranked.rows[offset:offset + limit], found)


def _recommendations(library, pool: Pool, ranked: Ranked, rows: list[int], found: Examples
                     ) -> list[Recommendation]:
    """The ranked rows as papers, each with its reason (a follow, or the liked paper it is
    nearest to)."""
    papers = library.papers.get_many([int(pool.pids[r]) for r in rows]
                                     + [p for p in found.positive_pids if p])
    titles = {pid: sp.paper.title for pid, sp in papers.items()}
    plain = [r for r in rows if r not in ranked.follow_reason]
    likes = dict(zip(plain, _like_reasons(pool, plain, found, titles), strict=True))
    out = []
    for row in rows:
        sp = papers.get(int(pool.pids[row]))
        if sp is None or sp.hidden:
            continue
        follow = ranked.follow_reason.get(row)
        reason = follow or likes[row]
        out.append(Recommendation(sp, float(ranked.scores[row]), reason, follow is not None,
                                  int(pool.days[row])))
    return out


def for_collection(library, pids: list[int], reader: User | None, limit: int = 10,
                   today: date | None = None) -> list[Recommendation]:
    """New papers like a collection's (arxiv-sanity's recommendations per tag): the same
    model as for you, trained on the collection's papers alone. Its papers, and what the
    reader marked not interested, are left out. Empty until the collection's papers are
    embedded."""
    vectors = library.store.vectors_of(MODEL_NAME, pids[-MAX_POSITIVES:])
    known = [pid for pid in pids if pid in vectors]
    if not known:
        return []
    empty = np.zeros((0, DIM), np.float32)
    found = Examples(known, as_matrix([vectors[p] for p in known], DIM), [""] * len(known),
                     empty)
    pool = library.candidates.current(today)
    taste = train(found.positives, empty, pool.background)
    exclude = set(pids) | (set(library.personal.dismissed(reader.uid)) if reader else set())
    ranked = rank(library, pool, exclude, taste, [])
    return _recommendations(library, pool, ranked, ranked.rows[:max(1, min(limit, MAX_LIMIT))],
                            found)
