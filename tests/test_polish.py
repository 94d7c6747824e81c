# ruff: noqa: F811 - the browser fixture, imported, is a test's argument
"""The polish a tour found (issue 19, item 7), on the demo archive in Chromium at 1280 and
390 px: vote boxes inside the margin and aligned; keyword chips readable in dark mode; the
status table keeps its words whole on a phone; the phone menu closes on Escape and on a tap
outside; the calendar above the fold and on the right month; signed-out /admin/status
leads to sign-in; the inbox banner on the feed."""

from __future__ import annotations

import os

import pytest

from tests.conftest import SHARED
from tests.servers import Site, sign_up
from tests.test_browser import browser  # noqa: F401 - the fixture

WIDTHS = [1280, 390]
CONTRAST = """els => els.map(el => {
  const rgb = c => c.match(/[\\d.]+/g).slice(0, 3).map(Number).map(v => v / 255)
    .map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
  const lum = c => { const [r, g, b] = rgb(c); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const s = getComputedStyle(el), a = lum(s.color), b = lum(s.backgroundColor);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); })"""


@pytest.fixture(scope="module")
def archive_site(tmp_path_factory):
    if not (SHARED / "fixtures/hf-daily-archive").is_dir():
        pytest.skip(f"the demo archive is not in {SHARED} (CI always provides it)")
    with Site(tmp_path_factory.mktemp("archive") / "demo.db", dict(os.environ)) as site:
        site.cli("demo", "--shared", str(SHARED), "--no-embed")
        yield site


def _page(browser, width: int, **options):
    return browser.new_context(viewport={"width": width, "height": 900}, **options).new_page()


@pytest.mark.parametrize("width", WIDTHS)
def test_vote_boxes_sit_inside_the_margin_in_one_column(browser, archive_site, width):
    page = _page(browser, width)
    page.goto(archive_site.url + "/")
    main = page.locator("main").bounding_box()
    boxes = [b.bounding_box() for b in page.locator("article.item .vote-link").all()]
    assert len(boxes) >= 10
    assert all(b["x"] >= main["x"] for b in boxes), "a vote box pokes into the margin"
    assert len({round(b["x"]) for b in boxes}) == 1, "vote boxes start at different places"
    assert len({round(b["width"]) for b in boxes}) == 1, "vote boxes of different widths"
    page.context.close()


def test_keyword_chips_are_readable_in_dark_mode(browser, archive_site):
    for width in WIDTHS:
        page = _page(browser, width, color_scheme="dark")
        page.goto(archive_site.url + "/")
        ratios = page.locator("ul.chips li").evaluate_all(CONTRAST)
        assert ratios and min(ratios) >= 4.5, min(ratios)
        light = page.locator("ul.chips li").first.evaluate(
            "el => getComputedStyle(el).backgroundColor.match(/\\d+/g).slice(0, 3)"
            ".map(Number).reduce((a, b) => a + b) / 3 > 128")
        assert not light, "light chips glare on the dark page"
        page.context.close()


def test_the_phone_menu_closes_on_escape_and_on_a_tap_outside(browser, archive_site):
    width = 390  # the menu is the phone's header: at 1280 px its links are in plain view
    page = _page(browser, width)
    page.goto(archive_site.url + "/")
    menu = page.locator("header details.menu")
    page.click("header summary")
    assert menu.get_attribute("open") is not None
    page.keyboard.press("Escape")
    assert menu.get_attribute("open") is None
    page.click("header summary")
    page.mouse.click(width / 2, 600)  # on the papers, outside the menu
    assert menu.get_attribute("open") is None
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_calendar_is_above_the_fold_and_on_the_right_month(browser, archive_site, width):
    page = _page(browser, width)
    page.goto(archive_site.url + "/")
    box = page.locator("details.calendar-box")
    assert box.bounding_box()["y"] < 900 - 40, "the calendar is below the fold"
    if width < 900:
        assert box.get_attribute("open") is None  # folded to one line above the papers
        box.locator("summary").click()
    assert box.locator(".calendar").is_visible()
    page.goto(archive_site.url + "/papers/date/2026-08-21")  # the archive's newest day
    assert page.locator(".calendar h2").text_content() == "August 2026"
    page.goto(archive_site.url + "/papers/week/2026-W27")  # Monday June 29 to July 5
    assert "July 2026" in page.locator("details.calendar-box summary").inner_text()
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_status_table_keeps_its_words_whole(browser, archive_site, width):
    with archive_site.client() as c:
        sign_up(c, f"mod{width}")
        cookies = dict(c.cookies)
    archive_site.cli("user", "admin", f"mod{width}")
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.add_cookies([{"name": k, "value": v, "url": archive_site.url}
                         for k, v in cookies.items()])
    page = context.new_page()
    page.goto(archive_site.url + "/admin/status")
    broken = page.locator("table.status th, table.status td").evaluate_all(
        """cells => cells.filter(c => {
             const words = c.innerText.split(/\\s+/).filter(w => w.length > 3);
             const probe = document.createElement('span');
             probe.style.whiteSpace = 'nowrap'; document.body.appendChild(probe);
             const longest = Math.max(0, ...words.map(w => { probe.textContent = w;
                                                             return probe.offsetWidth; }));
             probe.remove(); return longest > c.clientWidth; }).map(c => c.innerText)""")
    assert broken == [], broken
    assert page.evaluate("document.documentElement.scrollWidth - innerWidth") <= 0
    context.close()


def test_signed_out_admin_status_leads_to_sign_in_and_back(browser, archive_site):
    with archive_site.client() as c:
        r = c.get("/admin/status")
        assert r.status_code == 303 and r.headers["location"] == "/signin?next=%2Fadmin%2Fstatus"
        sign_up(c, "notamod")
        assert c.get("/admin/status").status_code == 403


@pytest.mark.parametrize("width", WIDTHS)
def test_the_feed_offers_trending_papers_by_email(browser, archive_site, width):
    page = _page(browser, width)
    page.goto(archive_site.url + "/")
    banner = page.locator("p.inbox-banner")
    assert "Get trending papers in your email inbox!" in banner.inner_text()
    assert banner.bounding_box()["y"] < 900
    banner.locator("a", has_text="Subscribe").click()
    page.wait_for_url("**/subscribe")
    page.context.close()
