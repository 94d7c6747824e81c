"""The glance in Chromium: cards with venue and keyword chips, a gist and a code link, the
venue pages and the "has code" filter look finished at 1280 and 390 px, in the light and
the dark theme (no overflow, axe clean, no console errors; tests/test_pages_look.py's
checks), on papers embedded for real."""

from __future__ import annotations

import json

import pytest

from tests.servers import Site
from tests.test_browser import browser  # noqa: F401 - the fixture
from tests.test_glance_site import RECORDS, _hf_day
from tests.test_pages_look import _problems

PAGES = ["/", "/?code=1", "/papers/2601.00001", "/papers/2601.00005", "/venues",
         "/venues/ICLR-2026", "/search?q=language%20models&code=1"]


@pytest.fixture(scope="module")
def site(tmp_path_factory, model_dir):
    folder = tmp_path_factory.mktemp("glance-look")
    with Site.with_papers(folder, RECORDS) as s:
        s.cli("import", str(_hf_day(folder)))
        s.cli("embed")
        yield s


@pytest.mark.parametrize("width, scheme", [(1280, "light"), (390, "light"), (390, "dark"),
                                           (1280, "dark")])
def test_chips_and_venue_pages_look_finished(browser, site, width, scheme):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 900},
                                  color_scheme=scheme, base_url=site.url, bypass_csp=True)
    problems = []
    for path in PAGES:
        page = context.new_page()
        problems += _problems(page, site.url, path, width, f"-glance-{scheme}")
        if path == "/":
            chips = page.locator(".item .chips li a").count()
            if chips < 6:
                problems.append(f"/ shows {chips} chip links")
        page.close()
    context.close()
    assert problems == [], json.dumps(problems, indent=1)
