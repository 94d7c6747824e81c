"""Every page kind in Chromium at 1280 px and 390 px: no horizontal overflow, a one-row
header at desktop width, no console errors, no axe-core (vendored, WCAG 2.2 A/AA)
violations; a screenshot of each saved as a test artifact."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.servers import Site, csrf_of, sign_up
from tests.test_browser import ARTIFACTS, RECORDS, browser  # noqa: F401 - the fixture

MISSING = {"/papers/9999.99999"}  # a 404 page: the browser logs the status itself
AXE = Path(__file__).parent / "vendor/axe-core-4.14.1/axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
PAGES = ["/", "/weekly", "/monthly", "/trending", "/papers/date/2025-03-14",
         "/papers/2203.07404", "/papers/2503.00002", "/authors/Sifan%20Wang",
         "/search?q=graph", "/search",
         "/signin", "/signup", "/password/forgot", "/submit", "/users/ada", "/settings", "/docs",
         "/admin/status", "/papers/9999.99999",
         # the states of issue 19: a dismissed card, collections and follows, pasted ids,
         # a name, a misspelling, a pending vote, the subscribe form, a week's calendar
         "/papers/week/2025-W11", "/search?q=Sifan%20Wang", "/search?q=2601.99999",
         "/search?q=moleculs", "/signin?next=/&upvote=1", "/subscribe", "/following"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    running = Site.with_papers(tmp_path_factory.mktemp("look"), RECORDS)
    with running.client() as c:
        sign_up(c, "ada")
        cookies = dict(c.cookies)
        # a thread on a paper page: its reply and edit forms are looked at too
        r = c.post("/p/2/comments", data={"csrf": csrf_of(c, "/"), "body": "Which $w_i$?"})
        first = r.headers["location"].rsplit("#comment-", 1)[1]
        c.post("/p/2/comments", data={"csrf": csrf_of(c, "/"), "body": "The causal weights.",
                                      "reply_to": first})
        token = csrf_of(c, "/")
        c.post("/collections", data={"csrf": token, "name": "To read", "paper": "2"})
        c.post("/p/1/not-interested", data={"csrf": token})
        c.post("/follows", data={"csrf": token, "kind": "author", "value": "Sifan Wang"})
    running.cli("user", "admin", "ada")
    running.session_cookies = cookies
    yield running
    running.stop()


def _axe_violations(page) -> list[str]:
    """What axe finds against WCAG 2.1 AA on the page as it is now."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
                         ".then(r => r.violations.map(v => v.id + ': ' + v.help + ' (' + "
                         "v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ') + ')'))",
                         WCAG)


def _problems(page, base: str, path: str, width: int, shot: str = "") -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base + path)
    page.wait_for_load_state("networkidle")
    problems = [f"console: {e}" for e in errors
                if not (path in MISSING and "404 (Not Found)" in e)]
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 0:
        problems.append(f"{overflow}px wider than the window")
    one_row = page.evaluate("""() => {
        const kids = [...document.querySelector('header').children].filter(
            k => k.offsetParent !== null && getComputedStyle(k).position !== 'absolute');
        const bottom = Math.min(...kids.map(k => k.getBoundingClientRect().bottom));
        return kids.every(k => k.getBoundingClientRect().top < bottom); }""")
    if not one_row:
        problems.append("the header takes more than one row")
    if page.evaluate("document.querySelectorAll('h1').length") != 1:
        problems.append("not exactly one h1")
    if not page.evaluate("!!document.querySelector('a.skip[href=\"#main\"]') && "
                         "!!document.getElementById('main')"):
        problems.append("no skip link to the main content")
    problems += [f"axe: {v}" for v in _axe_violations(page)]
    name = path.strip("/").replace("/", "_").replace("?", "_") or "home"
    page.screenshot(path=str(ARTIFACTS / f"{width}-{name}{shot}.png"), full_page=True)
    return [f"{path} at {width}px: {p}" for p in problems]


@pytest.mark.parametrize("width", [1280, 390])
def test_every_page_looks_finished(browser, site, width):  # noqa: F811 - the fixture
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 900},
                                  base_url=site.url, bypass_csp=True)  # to inject axe
    context.add_cookies([{"name": k, "value": v, "url": site.url}
                         for k, v in site.session_cookies.items()])
    problems = []
    for path in PAGES:
        page = context.new_page()
        problems += _problems(page, site.url, path, width)
        page.close()
    anonymous = browser.new_context(viewport={"width": width, "height": 900},
                                    base_url=site.url, bypass_csp=True)
    for path in ("/", "/papers/2203.07404", "/search?q=Sifan%20Wang", "/subscribe"):
        page = anonymous.new_page()
        problems += [p.replace(" at ", " (signed out) at ")
                     for p in _problems(page, site.url, path, width, "-signed-out")]
    context.close(), anonymous.close()
    assert problems == [], json.dumps(problems, indent=1)


def test_dark_mode_follows_the_system_and_the_toggle_keeps_a_choice(browser, site):  # noqa: F811
    dark = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="dark",
                               bypass_csp=True)
    page = dark.new_page()
    problems = _problems(page, site.url, "/", 1280, "-dark") + _problems(
        dark.new_page(), site.url, "/papers/2203.07404", 1280, "-dark")
    assert problems == [], problems
    background = "getComputedStyle(document.body).backgroundColor"
    assert page.evaluate(background) == "rgb(13, 17, 23)"
    page.click("button.theme")
    assert page.evaluate(background) == "rgb(255, 255, 255)"
    page.reload()
    assert page.evaluate(background) == "rgb(255, 255, 255)"  # the choice is kept
    dark.close()


def test_the_mobile_menu_opens_and_leads_everywhere(browser, site):  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.goto(site.url + "/")
    assert not page.locator("header nav.sections").is_visible()
    page.click("header summary")
    page.click("header .panel >> text=Trending")
    assert page.url.endswith("/trending")
    context.close()


def test_suggestions_are_keyboard_navigable(browser, site):  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(site.url + "/")
    box = page.locator("header input[name=q]")
    box.press_sequentially("graph tra", delay=30)
    # the answer to the whole word typed, not to a keystroke before it
    page.locator("header [role=option]", has_text="Graph transformers for molecules").wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    box.press("ArrowDown")
    assert page.locator("header [role=option][aria-selected=true]").inner_text() == \
        "Graph transformers for molecules"
    box.press("Enter")
    page.wait_for_url("**/papers/2503.00002")
    box = page.locator("header input[name=q]")
    box.press_sequentially("sifan wa", delay=30)
    page.locator("header [role=option]", has_text="Sifan Wang").wait_for()
    box.press("ArrowDown")
    assert "Sifan Wang" in page.locator("header [role=option][aria-selected=true]").inner_text()
    box.press("Enter")
    page.wait_for_url("**/authors/Sifan%20Wang")
    assert page.locator("h1").inner_text() == "Sifan Wang"
