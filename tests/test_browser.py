"""A person's visit, in a real headless Chromium (Debian's) driven by Playwright."""

import shutil
from pathlib import Path

import pytest

from tests.servers import Site
from tests.waiting import PATIENCE

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
RECORDS = [
    {"arxiv_id": "2503.00002", "title": "Graph transformers for molecules",
     "abstract": "Attention over molecular graphs.", "published": "2025-03-14", "upvotes": 4},
    {"arxiv_id": "2203.07404", "title": "Respecting causality in PINNs",
     "abstract": "We minimise $\\mathcal{L}(\\theta) = \\sum_{i=1}^{N} w_i \\mathcal{L}_i(\\theta)$ "
                 "with weights $w_i = \\exp(-\\epsilon \\sum_{k<i} \\mathcal{L}_k)$.",
     "authors": ["Sifan Wang", "Shyam Sankaran", "Paris Perdikaris"],
     "published": "2025-03-14", "upvotes": 2},
]


@pytest.fixture
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium); "
                    ".ci/run installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield PatientBrowser(b)
        b.close()


class PatientBrowser:
    """Chromium whose pages wait on their conditions (a selector, a URL) for PATIENCE, not
    Playwright's 30 s, which a loaded 2-core box can miss. What a step should show is
    waited for (`wait_for`), not checked at once (`is_visible`): a click that submits a
    form returns before the next page has come, and under CI's load the check came first."""

    def __init__(self, browser) -> None:
        self._browser = browser

    def new_context(self, **options):
        context = self._browser.new_context(**options)
        context.set_default_timeout(PATIENCE * 1000)
        return context

    def new_page(self, **options):
        return self.new_context(**options).new_page()


@pytest.fixture
def site(tmp_path):
    with Site.with_papers(tmp_path, RECORDS) as running:
        yield running


def test_sign_up_upvote_comment_collect_and_search(browser, site):
    page = browser.new_page()
    page.goto(site.url + "/signup")
    page.fill("input[name=username]", "ada")
    page.fill("input[name=password]", "analytical engine")
    page.click("text=Create account")
    page.locator("header nav.account").get_by_text("ada").wait_for()

    page.click("header nav.account >> text=Sign out")
    page.click("header nav.account >> text=Sign in")
    page.fill("input[name=username]", "ada")
    page.fill("input[name=password]", "analytical engine")
    page.click("main >> button:has-text('Sign in')")
    page.locator("header nav.account").get_by_text("Settings").wait_for()

    page.goto(site.url + "/papers/date/2025-03-14")
    item = page.locator("article", has_text="Graph transformers for molecules")
    assert item.locator(".count").inner_text() == "4"
    item.locator("button[title=Upvote]").click()
    item.locator("button.on[aria-pressed=true]").wait_for()  # in place, without a reload
    assert item.locator(".count").inner_text() == "5"

    page.click("text=Graph transformers for molecules")
    page.fill("textarea[name=body]", "**Great** paper, see [the code](https://example.org)")
    page.click("button:has-text('Comment')")
    page.locator(".comment strong", has_text="Great").wait_for()

    page.goto(site.url + "/users/ada")
    page.fill("input[name=name]", "Reading list")
    page.click("button:has-text('Create')")
    page.locator("h1", has_text="Reading list").wait_for()
    page.goto(site.url + "/papers/2503.00002")
    page.click(".collect button:has-text('Reading list')")
    page.locator(".collect button.on", has_text="Reading list").wait_for()
    page.goto(site.url + "/users/ada")
    page.click("text=Reading list")
    page.locator("article", has_text="Graph transformers for molecules").wait_for()

    page.fill("header input[name=q]", "causality")
    page.press("header input[name=q]", "Enter")
    page.locator("article h2", has_text="Respecting causality").wait_for()


def test_paper_page_renders_math_and_is_captured(browser, site):
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(site.url + "/papers/2203.07404")
    page.wait_for_selector(".abstract .katex")
    assert page.locator(".abstract .katex").count() == 2
    assert "\\mathcal" not in page.locator(".abstract").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "paper-page.png"), full_page=True)
    assert (ARTIFACTS / "paper-page.png").stat().st_size > 10_000
    assert errors == []  # no blocked script or style: the CSP and the vendored files agree
