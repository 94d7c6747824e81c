"""The map of the field (issue 23, items 1–2) on records and vectors the tests write: groups
of papers far apart in vector space land in different topics and together on the map,
labelled by their own words; a new paper is placed beside its nearest neighbours and the
map is built again once enough are; topic ids survive a rebuild; the pages and the API
answer with it. Vectors are made here (a centre per group plus noise), not by the model."""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from datetime import date, timedelta

import numpy as np
import pytest

from paperwire.config import Settings
from paperwire.domain import Paper
from paperwire.embedding import DIM, MODEL_NAME, paper_text
from paperwire.ingest import ingest
from paperwire.services.fieldmap import building, placing, view
from paperwire.services.library import Library
from paperwire.store.base import VectorRow
from tests.servers import Site
from tests.test_browser import browser  # noqa: F401 - the fixture

GROUPS = {
    "protein": ("Protein folding with {} contact maps",
                "Protein structure prediction from residue contact maps and folding energy."),
    "robot": ("Robot grasping of {} objects",
              "Robot manipulation policies for grasping cluttered objects with tactile sensing."),
    "speech": ("Speech recognition for {} dialects",
               "Speech recognition of accented dialects with acoustic models and phonemes."),
    "galaxy": ("Galaxy surveys of {} clusters", "Galaxy clusters in wide sky surveys."),
}
FIRST = ("protein", "robot", "speech")  # the library's groups; galaxy comes later
LATEST = date(2026, 5, 4)
WORDS = ["small", "large", "rigid", "soft", "noisy", "rare", "common", "curved", "flat",
         "dense", "sparse", "mixed"]
PER_GROUP = len(WORDS)
RNG = np.random.default_rng(7)
CENTRES = {g: v / np.linalg.norm(v) for g, v in
           zip(GROUPS, RNG.normal(size=(len(GROUPS), DIM)), strict=True)}


def near(group: str, rng: np.random.Generator, noise: float = 0.04) -> np.ndarray:
    v = CENTRES[group] + rng.normal(scale=noise, size=DIM)
    return (v / np.linalg.norm(v)).astype(np.float32)


def add_papers(library: Library, group: str, words: list[str], start: int,
               rng: np.random.Generator, day: date = date(2026, 5, 4)) -> list[int]:
    """Papers of a group with their vectors; their pids."""
    title, abstract = GROUPS[group]
    papers = [Paper(title=title.format(w), abstract=abstract, arxiv_id=f"2605.{start + i:05d}",
                    published=day, listed_on=day) for i, w in enumerate(words)]
    ingest(library.store, papers)
    stored = [library.store.find(p.arxiv_id) for p in papers]
    library.store.save_vectors(MODEL_NAME, [
        VectorRow(sp.pid, f"h{sp.pid}", sp.rev, near(group, rng).tobytes()) for sp in stored])
    return [sp.pid for sp in stored]


def fill(library: Library) -> dict[str, list[int]]:
    rng = np.random.default_rng(11)
    return {g: add_papers(library, g, WORDS, 100 * n, rng) for n, g in enumerate(FIRST)}


@pytest.fixture
def mapped(library):
    groups = fill(library)
    report = building.build(library)
    return library, groups, report


def topic_of(library: Library, pids: list[int]) -> list[int]:
    points = library.fieldmap.points_of(pids)
    return [points[p].topic_id for p in pids]


def xy(library: Library, pids: list[int]) -> np.ndarray:
    points = library.fieldmap.points_of(pids)
    return np.array([[points[p].x, points[p].y] for p in pids])


def test_separated_groups_are_topics_of_their_own_and_lie_together(mapped):
    library, groups, report = mapped
    assert report.papers == 3 * PER_GROUP and report.topics == 3
    topics = {g: set(topic_of(library, pids)) for g, pids in groups.items()}
    assert all(len(t) == 1 for t in topics.values()), topics
    assert len(set().union(*topics.values())) == 3, "each group is a topic of its own"
    centres = {g: xy(library, pids).mean(axis=0) for g, pids in groups.items()}
    spread = max(np.linalg.norm(xy(library, pids) - centres[g], axis=1).max()
                 for g, pids in groups.items())
    apart = min(np.linalg.norm(centres[a] - centres[b]) for a in groups for b in groups if a < b)
    assert spread < apart / 2, (spread, apart)
    labels = {t.topic_id: t for t in library.fieldmap.topics(level=1)}
    for g in groups:
        topic = labels[next(iter(topics[g]))]
        assert g in topic.label.lower() or g in " ".join(topic.words), (g, topic)
        assert topic.papers == PER_GROUP


def test_a_rebuild_of_unchanged_data_keeps_every_id_and_place(mapped):
    library, groups, first = mapped
    pids = [p for ps in groups.values() for p in ps]
    before, places = topic_of(library, pids), xy(library, pids)
    areas = {t.topic_id for t in library.fieldmap.topics(level=0)}
    again = building.build(library)
    assert topic_of(library, pids) == before
    assert {t.topic_id for t in library.fieldmap.topics(level=0)} == areas
    assert again.kept_ids == first.topics + first.areas
    assert np.allclose(xy(library, pids), places)
    assert library.fieldmap.latest_build().build == 2


def test_topic_ids_follow_their_papers_when_a_topic_is_added(mapped):
    library, groups, _ = mapped
    before = {g: topic_of(library, pids)[0] for g, pids in groups.items()}
    added = add_papers(library, "galaxy", WORDS, 900, np.random.default_rng(5))
    building.build(library)
    assert {g: topic_of(library, pids)[0] for g, pids in groups.items()} == before
    assert topic_of(library, added)[0] not in before.values()
    assert topic_of(library, added)[0] > max(before.values()), "a new topic gets a new id"


def test_a_new_paper_is_placed_beside_its_nearest_neighbours(mapped):
    library, groups, _ = mapped
    [new] = add_papers(library, "robot", ["wet"], 800, np.random.default_rng(3))
    assert library.fieldmap.points_of([new]) == {}
    assert placing.place_new(library) == 1
    robots = xy(library, groups["robot"])
    spot = xy(library, [new])[0]
    others = [xy(library, groups[g]).mean(axis=0) for g in ("protein", "speech")]
    assert np.linalg.norm(spot - robots.mean(axis=0)) < min(
        np.linalg.norm(spot - o) for o in others) / 3
    assert topic_of(library, [new]) == topic_of(library, groups["robot"][:1])
    assert placing.drift(library) == pytest.approx(1 / (3 * PER_GROUP + 1))
    assert placing.place_new(library) == 0, "a placed paper is not placed again"


def test_the_map_is_built_again_once_drift_passes_its_threshold(mapped):
    library, _, _ = mapped
    rng = np.random.default_rng(4)
    add_papers(library, "speech", WORDS[:3], 700, rng)
    kept = placing.keep_alive(library)
    assert kept.placed == 3 and kept.built is None
    add_papers(library, "speech", WORDS[3:9], 720, rng)  # 9 of 45: past DRIFT (0.2)
    rebuilt = placing.keep_alive(library)
    assert rebuilt.built is not None and rebuilt.built.papers == 3 * PER_GROUP + 9
    assert rebuilt.drift == 0.0
    assert library.fieldmap.latest_build().build == 2


def test_the_view_aggregates_into_cells_and_shows_papers_when_few(mapped, monkeypatch):
    library, groups, _ = mapped
    whole = view.view(library, 0, (0, 0, 1, 1))
    assert len(whole["points"]) == 3 * PER_GROUP and whole["inView"] == 3 * PER_GROUP
    x, y, key, topic, mark, title = whole["points"][0]
    assert key.startswith("2605.") and "Protein folding" in title and mark == view.TODAY
    monkeypatch.setattr(view, "PAPERS_AT_MOST", 5)
    view._held.clear()
    cells = view.view(library, 0, (0, 0, 1, 1))["cells"]
    assert sum(c[2] for c in cells) == 3 * PER_GROUP
    assert {c[3] for c in cells} == {t.topic_id for t in library.fieldmap.topics(level=1)}
    assert all(c[4] == c[2] for c in cells), "every paper is of the latest day"
    # however deep a zoom is asked for, a view holds at most MAX_CELLS cells
    assert view._zoom_within(view.MAX_ZOOM, (0, 0, 1, 1)) == 1
    assert view._zoom_within(6, (0.5, 0.5, 0.5 + 2 ** -5, 0.5 + 2 ** -5)) == 6


def test_the_worker_places_new_papers_in_its_map_job(mapped):
    from paperwire.services.operations.worker import MAP, jobs_for

    library, groups, _ = mapped
    add_papers(library, "protein", ["wet"], 850, np.random.default_rng(8))
    (job,) = [j for j in jobs_for(library) if j.name == MAP]
    assert job.run(library, threading.Event()) == 1
    assert library.fieldmap.count_unplaced(MODEL_NAME) == 0


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The running site over a library of the three groups, its map built here."""
    group_of = {f"2605.{100 * n + i:05d}": (g, w) for n, g in enumerate(FIRST)
                for i, w in enumerate(WORDS)}
    records = [{"arxiv_id": key, "title": GROUPS[g][0].format(w), "abstract": GROUPS[g][1],
                "published": (LATEST - timedelta(days=WORDS.index(w))).isoformat(),
                "upvotes": WORDS.index(w)} for key, (g, w) in group_of.items()]
    with Site.with_papers(tmp_path_factory.mktemp("map"), records) as s:
        library = Library(Settings(db=s.db))
        rng = np.random.default_rng(2)
        stored = {key: library.store.find(key) for key in group_of}
        library.store.save_vectors(MODEL_NAME, [
            VectorRow(sp.pid, f"h{sp.pid}", sp.rev, near(group_of[key][0], rng).tobytes())
            for key, sp in stored.items()])
        building.build(library)
        s.topics = {t.label: t for t in library.fieldmap.topics(level=1)}
        s.whole = view.view(library, 0, (0, 0, 1, 1))
        library.close()
        yield s


def test_the_map_page_draws_its_points_with_the_vendored_script(site):
    with site.client() as c:
        page = c.get("/map")
        topics = c.get("/api/topics").json()
        whole = c.get("/api/map").json()
        cells = c.get("/api/map", params={"zoom": 0, "x0": 0, "y0": 0, "x1": 1, "y1": 1})
        bad = c.get("/api/map", params={"zoom": 99})
    assert page.status_code == 200
    assert '<canvas id="fieldmap" data-api="/api/map"' in page.text
    assert re.search(r'<script src="/static/fieldmap\.[0-9a-f]+\.js"></script>', page.text)
    assert "<script>" not in page.text, "no inline script: the CSP is script-src 'self'"
    for label, topic in site.topics.items():
        assert f'<a href="/topics/{topic.topic_id}">{label}</a>' in page.text
    assert {t["id"] for t in topics["topics"]} == {t.topic_id for t in site.topics.values()}
    assert all(t["area"] in {a["id"] for a in topics["areas"]} for t in topics["topics"])
    assert whole["papers"] == 3 * PER_GROUP and len(whole["points"]) == 3 * PER_GROUP
    marked = {p[2]: p[4] for p in whole["points"]}
    assert marked["2605.00000"] == view.TODAY and marked["2605.00003"] == view.WEEK
    assert marked["2605.00011"] == 0
    assert cells.json() == whole and bad.status_code == 422
    assert len(cells.content) < 8000


def test_a_topic_page_lists_its_papers_words_and_months(site):
    robots = next(t for label, t in site.topics.items() if "robot" in label.lower())
    with site.client() as c:
        page = c.get(f"/topics/{robots.topic_id}").text
        area = c.get(f"/topics/{robots.parent_id}")
        missing = c.get("/topics/99999")
    assert f"<h1>{robots.label}</h1>" in page
    assert page.count('<article class="item') == PER_GROUP
    assert "Robot grasping of" in page and "Protein folding" not in page
    assert page.index("Robot grasping of mixed") < page.index("Robot grasping of small"), \
        "most upvoted first"
    assert '<svg class="topic-months"' in page and "2026-05" in page
    assert all(f"%22{w.replace(' ', '%20')}%22" in page for w in robots.words[:2])
    assert area.status_code == 200 and "Robot grasping" in area.text
    assert missing.status_code == 404


FIELDS = {"speech": ("speech",), "3d": ("gaussian splatting", "3d reconstruction"),
          "robot": ("robot",)}
PER_FIELD = 20


def _field(paper: Paper) -> str | None:
    words = " | ".join(paper.extras.get("hf", {}).get("paper", {}).get("ai_keywords") or [])
    found = {f for f, cues in FIELDS.items() for cue in cues if cue in words.lower()}
    return found.pop() if len(found) == 1 else None


def test_on_the_archive_fields_hugging_face_names_are_topics_of_their_own(shared, model_dir,
                                                                         library):
    """Archive papers (../shared) that Hugging Face's ai_keywords put in one of three fields
    (speech, 3-D reconstruction, robots), PER_FIELD each, embedded by the bundled model: each
    field is mostly one topic, a different one for each."""
    from paperwire import sources

    chosen: dict[str, list[Paper]] = {f: [] for f in FIELDS}
    for path in sorted((shared / "fixtures/hf-daily-archive").glob("2025-*.json")):
        with path.open("rb") as fp:
            for paper in sources.read(fp, sources.detect_format(path)):
                field = _field(paper) if isinstance(paper, Paper) else None
                if field and len(chosen[field]) < PER_FIELD:
                    chosen[field].append(paper)
        if all(len(ps) == PER_FIELD for ps in chosen.values()):
            break
    ingest(library.store, [p for ps in chosen.values() for p in ps])
    stored = {f: [library.store.find(p.arxiv_id) for p in ps] for f, ps in chosen.items()}
    every = [sp for sps in stored.values() for sp in sps]
    vectors = library.embedder.encode([paper_text(sp.paper.title, sp.paper.abstract)
                                       for sp in every])
    library.store.save_vectors(MODEL_NAME, [VectorRow(sp.pid, "h", sp.rev, v.tobytes())
                                            for sp, v in zip(every, vectors, strict=True)])
    report = building.build(library)
    assert report.papers == 3 * PER_FIELD
    majority = {}
    for field, sps in stored.items():
        topics = Counter(topic_of(library, [sp.pid for sp in sps]))
        majority[field], n = topics.most_common(1)[0]
        assert n >= 0.7 * len(sps), (field, topics)
    assert len(set(majority.values())) == 3, majority


@pytest.mark.parametrize("width", [1280, 390])
def test_the_map_draws_in_chromium_and_a_click_opens_the_paper(browser, site, width):  # noqa: F811
    from tests.test_pages_look import _problems

    context = browser.new_context(viewport={"width": width, "height": 900},
                                  base_url=site.url, bypass_csp=True)  # to inject axe
    topic = next(iter(site.topics.values()))
    for path in (f"/topics/{topic.topic_id}", f"/topics/{topic.parent_id}"):
        assert _problems(context.new_page(), site.url, path, width) == []
    page = context.new_page()
    assert _problems(page, site.url, "/map", width) == []
    page.wait_for_function("() => { const c = document.getElementById('fieldmap');"
                           "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height)"
                           ".data; let n = 0; for (let i = 3; i < d.length; i += 4) "
                           "n += d[i] > 0; return n > 500; }")
    at = _on_screen(page, site.whole["points"][0])
    page.mouse.move(*at)
    tip = page.locator(".fieldmap-tip")
    tip.wait_for(state="visible")
    shown = tip.text_content()
    assert shown in {p[5] for p in site.whole["points"]}, shown
    page.mouse.click(*at)
    page.wait_for_url("**/papers/*")
    assert page.url.rsplit("/papers/", 1)[1] in {p[2] for p in site.whole["points"]
                                                  if p[5] == shown}
    context.close()


def _on_screen(page, point) -> tuple[float, float]:
    box = page.locator("#fieldmap").bounding_box()
    fit = min(box["width"], box["height"]) * 0.92  # as fieldmap.js places the whole map
    return (box["x"] + (point[0] - 0.5) * fit + box["width"] / 2,
            box["y"] + (point[1] - 0.5) * fit + box["height"] / 2)


@pytest.mark.parametrize("width", [1280, 390])
def test_a_search_and_my_upvotes_are_drawn_over_the_map_on_a_phone_too(browser, site, width):  # noqa: F811
    from paperwire.services.community import accounts
    from tests.servers import csrf_of
    from tests.test_browser import ARTIFACTS
    from tests.test_pages_look import _axe_violations

    # made in the store: sign-ups through the site are 5 an hour from one address, and
    # this module's other tests make four
    name, password, library = f"overlaid{width}", "correct horse 1", Library(Settings(db=site.db))
    try:
        accounts.sign_up(library.site, name, password)
    finally:
        library.close()
    with site.client() as c:
        signed_in = c.post("/signin", data={"csrf": csrf_of(c), "username": name,
                                            "password": password})
        assert signed_in.status_code == 303, signed_in.text
        c.post("/api/papers/2605.00001/upvote", json={"up": True},
               headers={"X-CSRF-Token": csrf_of(c, "/")})
        cookies = dict(c.cookies)
    context = browser.new_context(viewport={"width": width, "height": 900},
                                  base_url=site.url, bypass_csp=True)  # to inject axe
    context.add_cookies([{"name": k, "value": v, "url": site.url} for k, v in cookies.items()])
    page = context.new_page()
    page.goto("/map")
    found = page.locator(".fieldmap-found")

    def shown(press) -> str:
        found.evaluate("f => f.textContent = ''")
        press()
        page.wait_for_function("() => document.querySelector('.fieldmap-found')"
                               ".textContent.includes('on the map')")
        return found.text_content()

    page.fill(".fieldmap-overlay input[name=q]", "grasping")
    robots = [p for p in site.whole["points"] if p[5].startswith("Robot")]
    said = shown(lambda: page.click(".fieldmap-overlay button[type=submit]"))
    assert said == f"{len(robots)} results for “grasping” on the map, the black diamonds."
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert _axe_violations(page) == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{width}-map-search-overlay.png"))
    page.mouse.move(*_on_screen(page, robots[0]))
    page.locator(".fieldmap-tip").wait_for(state="visible")
    assert page.locator(".fieldmap-tip").text_content().startswith("Robot grasping")
    said = shown(lambda: page.click("[data-mine]"))
    assert said == "1 of your upvotes on the map, the black diamonds."
    upvoted = next(p for p in site.whole["points"] if p[2] == "2605.00001")
    page.mouse.click(*_on_screen(page, upvoted))
    page.wait_for_url("**/papers/2605.00001")
    context.close()


def test_a_search_and_a_readers_upvotes_are_shown_where_they_lie(site):
    from tests.servers import csrf_of, sign_up

    robots = {p[2]: p for p in site.whole["points"] if p[5].startswith("Robot")}
    with site.client() as c:
        found = c.get("/api/map/overlay", params={"q": "grasping", "mode": "lexical"}).json()
        nothing = c.get("/api/map/overlay")
        anonymous = c.get("/api/map/overlay", params={"mine": "true"})
        sign_up(c, "mapreader")
        c.post("/api/papers/2605.00101/upvote", json={"up": True},
               headers={"X-CSRF-Token": csrf_of(c, "/")})
        mine = c.get("/api/map/overlay", params={"mine": "true"}).json()
        page = c.get("/map").text
    assert {p[2] for p in found["points"]} == set(robots) and found["missing"] == 0
    assert all(p[:2] == robots[p[2]][:2] for p in found["points"])
    assert nothing.status_code == 400 and anonymous.status_code == 401
    assert [p[2] for p in mine["points"]] == ["2605.00101"]
    assert "data-mine" in page


def test_a_collections_papers_are_shown_on_the_map_to_whoever_may_see_it(site):
    """From a collection's page, "on the map" shows where its papers lie; a private
    collection's stay hidden from everyone but its owner (404, as its page)."""
    from tests.servers import csrf_of, sign_up

    keys = ["2605.00101", "2605.00001"]
    with site.client() as owner, site.client() as other:
        sign_up(owner, "collector")
        token = {"X-CSRF-Token": csrf_of(owner, "/")}
        made = {}
        for name, public in (("Grasping <b>reads</b>", True), ("Private reads", False)):
            coll = owner.post("/api/collections", json={"name": name, "public": public},
                              headers=token).json()["id"]
            for key in keys:
                owner.post(f"/api/collections/{coll}/papers", json={"paper": key}, headers=token)
            made[public] = coll
        shown = other.get("/api/map/overlay", params={"collection": made[True]}).json()
        hidden = other.get("/api/map/overlay", params={"collection": made[False]})
        own = owner.get("/api/map/overlay", params={"collection": made[False]}).json()
        collection_page = other.get(f"/collections/{made[True]}").text
        map_page = other.get("/map", params={"collection": made[True]})
        private_map = other.get("/map", params={"collection": made[False]})
    placed = {p[2]: p for p in site.whole["points"]}
    assert sorted(p[2] for p in shown["points"]) == sorted(keys) and shown["missing"] == 0
    assert all(p[:2] == placed[p[2]][:2] for p in shown["points"])
    assert hidden.status_code == 404 and private_map.status_code == 404
    assert sorted(p[2] for p in own["points"]) == sorted(keys)
    assert f'href="/map?collection={made[True]}"' in collection_page
    assert map_page.status_code == 200
    assert f'data-collection="{made[True]}"' in map_page.text
    assert 'data-collection-name="Grasping &lt;b&gt;reads&lt;/b&gt;"' in map_page.text


def test_a_collection_opened_on_the_map_is_drawn_in_chromium(browser, site):  # noqa: F811
    """The map page of a collection fetches its papers at once and says how many it drew."""
    from tests.servers import csrf_of, sign_up

    with site.client() as owner:
        sign_up(owner, "drawncollector")
        token = {"X-CSRF-Token": csrf_of(owner, "/")}
        coll = owner.post("/api/collections", json={"name": "Grasping <b>reads</b>",
                                                    "public": True}, headers=token).json()["id"]
        for key in ("2605.00101", "2605.00001"):
            owner.post(f"/api/collections/{coll}/papers", json={"paper": key}, headers=token)
    page = browser.new_page(base_url=site.url)
    page.goto(f"/map?collection={coll}")
    found = page.locator(".fieldmap-found")
    page.wait_for_function("() => document.querySelector('.fieldmap-found')"
                           ".textContent.includes('on the map')")
    assert found.text_content() == ("2 papers of “Grasping <b>reads</b>” on the map, "
                                    "the black diamonds.")
    page.close()


def test_a_followed_topic_brings_its_papers_to_for_you_with_the_reason(site):
    from tests.servers import csrf_of, sign_up

    speech = next(t for label, t in site.topics.items() if "speech" in label.lower())
    with site.client() as c:
        sign_up(c, "topicreader")
        before = c.get(f"/topics/{speech.topic_id}").text
        followed = c.post("/follows", data={"csrf": csrf_of(c, "/"), "kind": "topic",
                                            "value": str(speech.topic_id)})
        again = c.post("/api/follows", json={"kind": "topic", "value": str(speech.topic_id)},
                       headers={"X-CSRF-Token": csrf_of(c, "/")})
        unknown = c.post("/api/follows", json={"kind": "topic", "value": "99999"},
                         headers={"X-CSRF-Token": csrf_of(c, "/")})
        after = c.get(f"/topics/{speech.topic_id}").text
        following = c.get("/following").text
        recs = c.get("/api/for-you", params={"limit": 50}).json()["results"]
    assert "Follow this topic" in before and followed.status_code == 303
    assert again.status_code in (200, 201) and unknown.status_code == 400
    assert "✓ Following" in after
    assert f'<a href="/topics/{speech.topic_id}">{speech.label}</a>' in following
    reasons = {r["title"]: r["reason"] for r in recs}
    speech_titles = [t for t in reasons if t.startswith("Speech recognition")]
    assert len(speech_titles) == PER_GROUP
    assert all(reasons[t] == f"in your topic ‘{speech.label}’" for t in speech_titles)
    ranked = list(reasons)  # the follow lifts its papers (a boost, not a wall)
    assert all(t.startswith("Speech") for t in ranked[:6]), ranked[:6]
    at = {t: i for i, t in enumerate(ranked)}
    others = [at[t] for t in ranked if not t.startswith("Speech")]
    assert np.mean([at[t] for t in speech_titles]) < np.mean(others) - PER_GROUP / 2


def test_past_its_layout_size_a_build_places_the_rest_beside_a_sample(library, monkeypatch):
    """As a build past 20,000 papers: UMAP over a sample, the others placed outwards along
    the neighbour graph, then a few epochs over all; groups still lie apart. (Groups of 40
    and a sample of 60, so the sample's own 15-neighbour graph still tells them apart: a
    sample of 9 joins every paper to every other, and UMAP then places them at random.)"""
    monkeypatch.setattr(building, "LAYOUT_AT_MOST", 60)
    words = [f"kind{i}" for i in range(40)]
    rng = np.random.default_rng(11)
    groups = {g: add_papers(library, g, words, 100 * n, rng) for n, g in enumerate(FIRST)}
    assert building.build(library).topics == 3
    centres = {g: xy(library, pids).mean(axis=0) for g, pids in groups.items()}
    spread = max(np.linalg.norm(xy(library, pids) - centres[g], axis=1).max()
                 for g, pids in groups.items())
    apart = min(np.linalg.norm(centres[a] - centres[b]) for a in groups for b in groups if a < b)
    assert spread < apart / 2, (spread, apart)


def test_a_new_field_waits_for_a_build_and_brings_it_about(mapped):
    """Papers like nothing on the map are not placed among strangers: they wait, count as
    drift, and the rebuild they bring gives them a topic of their own."""
    library, groups, _ = mapped
    galaxies = add_papers(library, "galaxy", WORDS, 900, np.random.default_rng(6))
    assert placing.place_new(library) == 0
    assert placing.drift(library) == pytest.approx(12 / 48)
    kept = placing.keep_alive(library)
    assert kept.built is not None and kept.built.topics == 4
    assert len(set(topic_of(library, galaxies))) == 1
    assert set(topic_of(library, galaxies)).isdisjoint(
        {t for pids in groups.values() for t in topic_of(library, pids)})


def test_the_digest_brings_a_followed_topics_new_papers_as_alerts(mapped):
    from datetime import UTC, datetime

    from paperwire.services.mail import digest
    from paperwire.services.personal import signals

    library, groups, _ = mapped
    user = library.site.create_user("digestreader", "not a real hash")
    speech = library.fieldmap.topic(topic_of(library, groups["speech"][:1])[0])
    signals.follow(library, user, "topic", str(speech.topic_id))
    sub = library.mail.set_account_email(user.uid, "reader@example.org")
    sections = digest.sections_for(library, sub, datetime(2026, 5, 4, 9, tzinfo=UTC))
    (alerts,) = [s for s in sections if s.name == "Your follows"]
    assert alerts.entries and all(e.title.startswith("Speech recognition") for e in alerts.entries)
    assert {e.reason for e in alerts.entries} == {f"in your topic ‘{speech.label}’"}


def test_the_command_line_builds_places_and_shows_the_map(cli, library):
    empty = cli("map", "build")
    assert empty.exit_code == 1 and "paperwire embed" in empty.output
    assert cli("map", "show").exit_code == 1
    fill(library)
    built = cli("map", "build")
    assert built.exit_code == 0 and "36 papers in 3 topics" in built.output, built.output
    add_papers(library, "robot", ["wet"], 800, np.random.default_rng(3))
    placed = cli("map", "place")
    assert placed.exit_code == 0 and "1 paper placed; drift 0.027" in placed.output
    shown = cli("map", "show").output
    assert "build 1" in shown and "robot" in shown.lower() and shown.count("\n") == 4


def test_what_the_map_page_draws_follows_new_places_and_builds(mapped, monkeypatch):
    library, groups, _ = mapped
    monkeypatch.setattr(view, "CHECK_EVERY", 0.0)
    view._held.clear()
    assert len(view.points(library).pid) == 3 * PER_GROUP
    [new] = add_papers(library, "robot", ["wet"], 800, np.random.default_rng(3))
    placing.place_new(library)
    held = view.points(library)
    assert held.built == 3 * PER_GROUP and held.pid[-1] == new and len(held.pid) == 37
    building.build(library)
    assert view.points(library) is held  # the old map, while the new build is read
    deadline = time.monotonic() + 30
    while (held := view.points(library)).built != 37 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert held.built == 37 and sorted(held.pid.tolist()) == sorted(
        [*(p for ps in groups.values() for p in ps), new])
