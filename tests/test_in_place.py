# ruff: noqa: F811 - the browser fixture, imported, is every test's argument
"""Votes and actions in place (issue 19, item 3), in Chromium at 1280 and 390 px: upvote,
not interested and its undo, collections (made there too) and follows change the page
where they are, without a reload or a jump; a vote asked for signed out is cast once the
reader has signed in. Without JavaScript the same forms still work."""

from __future__ import annotations

from datetime import timedelta

import pytest

from paperwire import clock
from tests.servers import Site, csrf_of, sign_up
from tests.test_browser import browser  # noqa: F401 - the fixture

DAY = (clock.today() - timedelta(days=2)).isoformat()
PAPERS = [{"arxiv_id": f"2501.{n:05d}", "title": f"Paper number {n} on sparse attention",
           "abstract": "A long enough abstract about attention. " * 6,
           "authors": ["Xunhao Lai", f"Coauthor {n}"], "published": DAY, "upvotes": n}
          for n in range(1, 41)]
WIDTHS = [1280, 390]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    running = Site.with_papers(tmp_path_factory.mktemp("in-place"), PAPERS)
    with running.client() as c:
        sign_up(c, "ada")
        running.cookies = dict(c.cookies)
    yield running
    running.stop()


def _page(browser, site, width: int, signed_in: bool = True):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 800})
    if signed_in:
        context.add_cookies([{"name": k, "value": v, "url": site.url}
                             for k, v in site.cookies.items()])
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.errors = errors
    return page


def _mark(page) -> None:
    """A flag a reload would lose: it tells a page changed in place from one reloaded."""
    page.evaluate("window.__stayed = true")


def _stayed(page) -> bool:
    return page.evaluate("window.__stayed === true")


def _background(locator) -> str:
    return locator.evaluate("b => getComputedStyle(b).backgroundColor")


@pytest.mark.parametrize("width", WIDTHS)
def test_an_upvote_counts_in_place_keeps_the_scroll_and_shows_it_is_given(browser, site,
                                                                          width):  # noqa: F811
    page = _page(browser, site, width)
    page.goto(site.url + f"/papers/date/{DAY}")
    card = page.locator("article", has_text="Paper number 12 on")
    card.scroll_into_view_if_needed()
    _mark(page)
    before_scroll = page.evaluate("scrollY")
    button = card.locator("button.upvote")
    plain = _background(button)
    assert before_scroll > 0 and button.locator(".count").inner_text() == "12"
    button.click()
    page.wait_for_function("b => b.getAttribute('aria-pressed') === 'true'",
                           arg=button.element_handle())
    assert button.locator(".count").inner_text() == "13"
    assert _background(button) != plain, "a given upvote looks like one not given"
    assert _stayed(page) and page.evaluate("scrollY") == before_scroll
    page.reload()
    again = page.locator("article", has_text="Paper number 12 on").locator("button.upvote")
    assert again.get_attribute("aria-pressed") == "true" and again.locator(".count").inner_text() == "13"
    again.click()  # taken back, in place too
    page.wait_for_function("b => b.getAttribute('aria-pressed') === 'false'",
                           arg=again.element_handle())
    assert again.locator(".count").inner_text() == "12" and page.errors == []
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_not_interested_folds_the_card_in_place_and_undo_brings_it_back(browser, site,
                                                                       width):  # noqa: F811
    page = _page(browser, site, width)
    page.goto(site.url + f"/papers/date/{DAY}")
    card = page.locator("article", has_text="Paper number 20 on")
    card.scroll_into_view_if_needed()
    _mark(page)
    scroll = page.evaluate("scrollY")
    card.locator("form.dismiss button").click()
    card.locator(".done", has_text="Not interested").wait_for()
    assert not card.locator(".abstract").is_visible()
    assert _stayed(page) and page.evaluate("scrollY") == scroll
    page.reload()  # the site remembers it
    card = page.locator("article", has_text="Paper number 20 on")
    assert "dismissed" in card.get_attribute("class")
    _mark(page)
    card.locator("form.dismiss button", has_text="Undo").click()
    card.locator("form.dismiss button", has_text="Not interested").wait_for()
    assert card.locator(".abstract").is_visible() and _stayed(page)
    assert page.errors == []
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_paper_joins_a_collection_made_on_its_page_and_shows_it_is_in_it(browser, site,
                                                                          width):  # noqa: F811
    page = _page(browser, site, width)
    paper = f"2501.{width % 37 + 1:05d}"
    page.goto(site.url + f"/papers/{paper}")
    _mark(page)
    name = f"Reading at {width}"
    page.fill(".new-collection input[name=name]", name)
    page.click(".new-collection button")
    made = page.locator(".collect button.toggle", has_text=name)
    made.wait_for()
    assert made.get_attribute("aria-pressed") == "true" and _stayed(page)
    made.click()  # out again, and back in
    page.wait_for_function("b => b.getAttribute('aria-pressed') === 'false'",
                           arg=made.element_handle())
    assert made.inner_text() == f"+ {name}"
    made.click()
    page.wait_for_function("b => b.getAttribute('aria-pressed') === 'true'",
                           arg=made.element_handle())
    page.reload()
    assert page.locator(".collect button.toggle.on", has_text=name).is_visible()
    page.goto(site.url + "/users/ada")
    page.click(f"text={name}")
    assert page.locator(f"article a[href='/papers/{paper}']").count() == 1
    assert page.errors == []
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_following_an_author_happens_in_place(browser, site, width):  # noqa: F811
    page = _page(browser, site, width)
    page.goto(site.url + "/authors/Xunhao%20Lai")
    _mark(page)
    button = page.locator("form.follow button")
    button.click()
    page.locator("form.follow button", has_text="Following").wait_for()
    assert button.get_attribute("aria-pressed") == "true" and _stayed(page)
    page.goto(site.url + "/following")
    assert page.locator("ul.follows", has_text="Xunhao Lai").is_visible()
    page.goto(site.url + "/authors/Xunhao%20Lai")
    button = page.locator("form.follow button")
    assert button.inner_text() == "✓ Following"
    _mark(page)
    button.click()
    page.locator("form.follow button[aria-pressed=false]").wait_for()
    assert button.inner_text() == "Follow" and _stayed(page)
    page.goto(site.url + "/following")
    assert "Xunhao Lai" not in page.locator("main").inner_text()
    assert page.errors == []
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_vote_asked_for_signed_out_counts_once_signed_in(browser, site, width):  # noqa: F811
    name = f"voter{width}"
    with site.client() as c:
        sign_up(c, name)
    page = _page(browser, site, width, signed_in=False)
    page.goto(site.url + f"/papers/date/{DAY}")
    title = f"Paper number {30 + width % 7} on sparse attention"  # another paper each width
    card = page.locator("article", has_text=title)
    before = int(card.locator(".count").inner_text())
    card.locator("a.vote-link").click()
    page.wait_for_url("**/signin?**")
    assert title in page.locator("main .note").inner_text()
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", "correct horse 1")
    page.click("main button:has-text('Sign in')")
    page.wait_for_url(f"**/papers/date/{DAY}#paper-*")
    card = page.locator("article", has_text=title)
    assert card.locator(".count").inner_text() == str(before + 1)
    assert card.locator("button.upvote").get_attribute("aria-pressed") == "true"
    assert page.evaluate("scrollY") > 0, "back at the top, not at the paper voted for"
    page.context.close()


def test_without_javascript_the_forms_do_the_same_and_come_back_to_the_paper(site):
    with site.client() as c:
        c.cookies.update(site.cookies)
        token = csrf_of(c, f"/papers/date/{DAY}")
        back = {"referer": f"{site.url}/papers/date/{DAY}"}
        r = c.post("/p/35/upvote", data={"csrf": token, "up": "true"}, headers=back)
        assert r.status_code == 303 and r.headers["location"] == f"/papers/date/{DAY}#paper-35"
        r = c.post("/p/36/not-interested", data={"csrf": token}, headers=back)
        assert r.headers["location"] == f"/papers/date/{DAY}#paper-36"
        page = c.get(f"/papers/date/{DAY}").text
        card = page[page.index('id="paper-36"') - 40:][:4000]
        assert 'class="item dismissed"' in card and ">Undo</button>" in card
        c.post("/p/36/not-interested", data={"csrf": token, "undo": "true"}, headers=back)
        assert 'class="item dismissed"' not in c.get(f"/papers/date/{DAY}").text
        r = c.post("/collections", data={"csrf": token, "name": "Plain", "paper": "7"})
        assert r.headers["location"] == "/papers/2501.00007#collections"
        assert 'aria-pressed="true" data-name="Plain"' in c.get("/papers/2501.00007").text
        # the API the page calls wants the CSRF token as a cookie-holder's every write does
        assert c.post("/api/papers/2501.00008/not-interested", json={}).status_code == 403
        assert c.post("/api/follows", json={"kind": "author", "value": "Ada"}).status_code == 403
