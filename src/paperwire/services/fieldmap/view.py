"""What the map page draws (`/api/map`): the points in a view, aggregated server-side into
a grid whose cells shrink as the reader zooms in, and the papers themselves (with titles)
once a view holds few enough; each marked when it is of the latest feed day or its week.

The points are held in memory per process (about 20 bytes a paper: 20 MB at 1M) and read
again when the map changes (a build, or papers placed)."""

from __future__ import annotations

import logging
import threading
import time
import weakref
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from paperwire import clock
from paperwire.services.library import Library
from paperwire.store.fieldmap import AREA, TOPIC, day_of

GRID = 48  # cells across the whole map at zoom 0; doubled at each zoom level
MAX_ZOOM = 14
PAPERS_AT_MOST = 400  # a view with at most this many papers shows them one by one
MAX_CELLS = 4 * GRID * GRID  # a view's cells at most, whatever zoom and box are asked for
CHECK_EVERY = 5.0  # seconds between looks at whether the map changed
TODAY, WEEK = 2, 1  # a point's or cell's mark


@dataclass
class Points:
    version: tuple[int, int]
    pid: np.ndarray  # int64
    xy: np.ndarray  # (n, 2) float32
    topic: np.ndarray  # int64
    day: np.ndarray  # int32, the feed day's ordinal (0: none)
    checked: float
    whole: tuple[date, dict] | None = None  # the whole map at zoom 0, for this latest day
    built: int = 0  # the first `built` are the build's own; those after, placed since


_held: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def _arrays(library: Library, placed: bool | None) -> tuple[np.ndarray, ...]:
    rows = [r for batch in library.fieldmap.all_points(placed) for r in batch]
    days = [day_of(r[4]) for r in rows]
    return (np.array([r[0] for r in rows], dtype=np.int64),
            np.array([[r[1], r[2]] for r in rows], dtype=np.float32).reshape(-1, 2),
            np.array([r[3] for r in rows], dtype=np.int64),
            np.array([d.toordinal() if d else 0 for d in days], dtype=np.int32))


def points(library: Library) -> Points:
    """The map's points as this process holds them: the papers placed since added when the
    build is the same (a worker cycle's few); after a new build, read in full by a thread
    of their own while the old map is still served (at 1M papers the read takes seconds),
    and at once only when this process holds none yet."""
    with _lock:
        held: Points | None = _held.get(library)
        now = time.monotonic()
        if held is not None and now - held.checked < CHECK_EVERY:
            return held
        version = library.fieldmap.version()
        if held is not None and held.version == version:
            held.checked = now
            return held
        if held is not None and held.version[0] == version[0]:
            held = _held[library] = _with_placed_since(library, held, version, now)
        elif held is None:
            held = _held[library] = _read_all(library, version, now)
        elif library not in _reading:
            _reading.add(library)
            threading.Thread(target=_read_in_turn, args=(library, version), daemon=True,
                             name="map points").start()
        return held


_reading: weakref.WeakSet = weakref.WeakSet()  # libraries whose new build is being read


def _read_all(library: Library, version: tuple[int, int], now: float) -> Points:
    built_part = _arrays(library, placed=False)
    since = _arrays(library, placed=True)
    return Points(version, *[np.concatenate([a, b]) for a, b in zip(built_part, since,
                                                                     strict=True)],
                  checked=now, built=len(built_part[0]))


def _with_placed_since(library: Library, held: Points, version: tuple[int, int],
                       now: float) -> Points:
    since = _arrays(library, placed=True)
    parts = [np.concatenate([whole[:held.built], part]) for whole, part in zip(
        (held.pid, held.xy, held.topic, held.day), since, strict=True)]
    return Points(version, *parts, checked=now, built=held.built)


def _read_in_turn(library: Library, version: tuple[int, int]) -> None:
    try:
        fresh = _read_all(library, version, time.monotonic())
        with _lock:
            _held[library] = fresh
    except Exception:  # the next look tries again; the old map is served meanwhile
        logging.getLogger(__name__).exception("reading the map's new build")
    finally:
        with _lock:
            _reading.discard(library)


def latest_day(library: Library) -> date:
    """The feed's latest day with papers: "today" on the map, as on the front page."""
    return library.site.latest_feed_date(clock.today()) or clock.today()


def marks(latest: date, days: np.ndarray) -> np.ndarray:
    """TODAY for papers of the latest day, WEEK for the six days before it, else 0."""
    week = (latest - timedelta(days=6)).toordinal()
    return np.where(days >= latest.toordinal(), TODAY, np.where(days >= week, WEEK, 0))


def view(library: Library, zoom: int, box: tuple[float, float, float, float]) -> dict:
    """The map within box (x0, y0, x1, y1 in the map's [0, 1] square) at this zoom: cells
    [x, y, papers, topic, marked papers] (x, y their papers' mean, topic the most common),
    or with few papers in view, papers [x, y, key, topic, mark, title]."""
    held = points(library)
    zoom = _zoom_within(max(0, min(zoom, MAX_ZOOM)), box)
    x0, y0, x1, y1 = box
    whole = zoom == 0 and x0 <= 0 and y0 <= 0 and x1 >= 1 and y1 >= 1
    latest = latest_day(library)
    if whole and held.whole is not None and held.whole[0] == latest:
        return held.whole[1]  # the first view of every visit, made once per map
    inside = np.flatnonzero((held.xy[:, 0] >= x0) & (held.xy[:, 0] <= x1)
                            & (held.xy[:, 1] >= y0) & (held.xy[:, 1] <= y1))
    marked = marks(latest, held.day[inside])
    out: dict = {"version": list(held.version), "zoom": zoom, "papers": int(len(held.pid)),
                 "inView": int(len(inside)), "latestDay": latest.isoformat()}
    if len(inside) <= PAPERS_AT_MOST:
        found = library.fieldmap.titles_of(held.pid[inside].tolist())
        out["points"] = [[round(float(held.xy[i, 0]), 5), round(float(held.xy[i, 1]), 5),
                          found[int(held.pid[i])][1], int(held.topic[i]), int(m),
                          found[int(held.pid[i])][0]]
                         for i, m in zip(inside, marked, strict=True) if int(held.pid[i]) in found]
        return out
    out["cells"] = _cells(held, inside, marked, GRID * 2 ** zoom)
    if whole:
        held.whole = (latest, out)
    return out


def _cells(held: Points, inside: np.ndarray, marked: np.ndarray, across: int) -> list[list]:
    xy = held.xy[inside]
    cell = (np.minimum((xy[:, 0] * across).astype(np.int64), across - 1) * across
            + np.minimum((xy[:, 1] * across).astype(np.int64), across - 1))
    cells, where, counts = np.unique(cell, return_inverse=True, return_counts=True)
    mean_x = np.bincount(where, weights=xy[:, 0], minlength=len(cells)) / counts
    mean_y = np.bincount(where, weights=xy[:, 1], minlength=len(cells)) / counts
    hot = np.bincount(where, weights=(marked > 0).astype(np.float64), minlength=len(cells))
    # the most common topic of each cell: of its (cell, topic) pairs, the one most papers share
    span = int(held.topic.max()) + 1 if len(held.topic) else 1
    pairs, pair_counts = np.unique(where * span + held.topic[inside], return_counts=True)
    of_cell = pairs // span
    order = np.lexsort((-pair_counts, of_cell))
    first = order[np.r_[True, of_cell[order][1:] != of_cell[order][:-1]]]
    top = np.zeros(len(cells), dtype=np.int64)
    top[of_cell[first]] = pairs[first] % span
    return [[round(float(x), 4), round(float(y), 4), int(n), int(t), int(h)]
            for x, y, n, t, h in zip(mean_x, mean_y, counts, top, hot, strict=True)]


def _zoom_within(zoom: int, box: tuple[float, float, float, float]) -> int:
    """The zoom asked for, or a coarser one if the box would hold more than MAX_CELLS."""
    width = max(0.0, min(box[2], 1.0) - max(box[0], 0.0))
    height = max(0.0, min(box[3], 1.0) - max(box[1], 0.0))
    while zoom > 0 and (width * GRID * 2 ** zoom) * (height * GRID * 2 ** zoom) > MAX_CELLS:
        zoom -= 1
    return zoom


def topics_payload(library: Library) -> dict:
    """The areas and topics with their labels and where the labels sit (`/api/topics`)."""
    rows = library.fieldmap.topics()
    build = library.fieldmap.latest_build()
    return {
        "build": build.build if build else None,
        "builtAt": build.built_at if build else None,
        "areas": [{"id": t.topic_id, "label": t.label, "words": t.words, "x": round(t.x, 4),
                   "y": round(t.y, 4), "papers": t.papers} for t in rows if t.level == AREA],
        "topics": [{"id": t.topic_id, "area": t.parent_id, "label": t.label, "words": t.words,
                    "x": round(t.x, 4), "y": round(t.y, 4), "papers": t.papers}
                   for t in rows if t.level == TOPIC],
    }


def overlay(library: Library, pids: list[int]) -> dict:
    """These papers' places, in their order: [x, y, key, title]; and how many have none."""
    places = library.fieldmap.points_of(pids)
    found = library.fieldmap.titles_of([p for p in pids if p in places])
    return {"points": [[round(places[p].x, 5), round(places[p].y, 5), found[p][1], found[p][0]]
                       for p in pids if p in found],
            "missing": sum(p not in found for p in pids)}
