"""Clients nobody here wrote, unchanged, against a running site on the demo archive:
huggingface_hub (every paper method, each parameter) and its `hf papers` CLI, feedparser,
pandas on the CSV exports and pybtex on the BibTeX ones. A new release of one of them that
breaks compatibility shows up here, not in a user's bug report."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SHARED, write_jsonl
from tests.servers import Site, csrf_of, sign_up
from tests.test_browser import browser  # noqa: F401 - the shared Chromium fixture

ARCHIVE = SHARED / "fixtures/hf-daily-archive"
DAY = "2026-08-20"  # a listing day of the archive: 2026-W34, 2026-08


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    if not ARCHIVE.is_dir():
        pytest.skip(f"the demo archive is not in {SHARED} (CI always provides it)")
    with Site.with_archive(tmp_path_factory.mktemp("clients")) as running:
        yield running


@pytest.fixture(scope="module")
def hub(site):
    from huggingface_hub import HfApi

    return HfApi(endpoint=site.url, token=False)


def _listed(day: str) -> list[dict]:
    return json.loads((ARCHIVE / f"{day}.json").read_text())


def _days(first: str, last: str) -> list[dict]:
    """The items listed in [first, last], each paper as its latest listing has it (four
    papers are listed twice; the site keeps the later listing)."""
    latest = {}
    for path in sorted(ARCHIVE.glob("*.json")):
        for item in json.loads(path.read_text()):
            latest[item["paper"]["id"]] = (path.stem, item)
    return [item for day, item in latest.values() if first <= day <= last]


# -- huggingface_hub ---------------------------------------------------------------------

def test_list_daily_papers_of_a_day_is_hugging_faces_answer(hub):
    theirs = _listed(DAY)
    ours = list(hub.list_daily_papers(date=DAY, limit=100))
    assert [p.id for p in ours] == [i["paper"]["id"] for i in theirs]  # most upvoted first
    for mine, item in zip(ours, theirs, strict=True):
        # the client reads an upvote count of 0 as None
        assert (mine.upvotes or 0) == item["paper"]["upvotes"] and mine.title == item["title"]
        assert mine.comments == item["numComments"]
        assert mine.submitted_at.isoformat().replace("+00:00", ".000Z") == item["publishedAt"]
        assert [a.name for a in mine.authors] == [a["name"] for a in item["paper"]["authors"]]
        assert (mine.submitted_by.name if mine.submitted_by else None) == \
            (item.get("submittedBy") or {}).get("name")


@pytest.mark.parametrize(("period", "first", "last"), [
    ({"week": "2026-W34"}, "2026-08-17", "2026-08-23"),
    ({"month": "2026-07"}, "2026-07-01", "2026-07-31")])
def test_weeks_and_months_page_through_every_paper_listed_in_them(hub, period, first, last):
    expected = {i["paper"]["id"] for i in _days(first, last)}
    pages = [list(hub.list_daily_papers(**period, p=n, limit=100)) for n in range(20)]
    seen = [p.id for page in pages for p in page]
    assert len(seen) == len(set(seen)) and set(seen) == expected


def test_sort_and_submitter_are_honoured_in_every_combination(hub):
    theirs = _days("2026-08-01", "2026-08-31")
    by_taesiri = {i["paper"]["id"] for i in theirs if (i.get("submittedBy") or {}).get(
        "name") == "taesiri"}
    assert len(by_taesiri) > 10
    for sort in (None, "publishedAt", "trending"):
        found = list(hub.list_daily_papers(month="2026-08", submitter="taesiri", sort=sort,
                                           limit=100))
        assert {p.id for p in found} == by_taesiri, sort
        if sort == "publishedAt":
            times = [p.submitted_at for p in found]
            assert times == sorted(times, reverse=True)
        if sort is None:
            votes = [p.upvotes or 0 for p in found]
            assert votes == sorted(votes, reverse=True)
    trending_day = [p.id for p in hub.list_daily_papers(date=DAY, sort="trending")]
    assert set(trending_day) == {i["paper"]["id"] for i in _listed(DAY)}


def test_paper_info_read_paper_and_list_papers(hub):
    item = max(_listed(DAY), key=lambda i: i["numComments"])
    info = hub.paper_info(item["paper"]["id"])
    assert info.title == item["title"] and info.comments == item["numComments"] > 0
    assert info.upvotes == item["paper"]["upvotes"]
    markdown = hub.read_paper(item["paper"]["id"])
    assert markdown.startswith(f"# {item['title']}") and "## Abstract" in markdown
    found = list(hub.list_papers(query=item["title"], limit=5))
    assert found[0].id == item["paper"]["id"]
    recent = list(hub.list_papers(limit=7))  # no query: the newest papers
    assert len(recent) == 7
    assert [p.published_at for p in recent] == sorted((p.published_at for p in recent),
                                                      reverse=True)


def test_api_papers_pages_by_cursor_through_the_newest(site):
    import httpx

    seen, url = [], f"{site.url}/api/papers?limit=40"
    while url and len(seen) < 200:
        page = httpx.get(url, timeout=30)
        assert page.status_code == 200
        seen += [p["id"] for p in page.json()]
        url = page.links.get("next", {}).get("url")
    assert len(seen) == len(set(seen)) == 200
    assert httpx.get(f"{site.url}/api/papers?cursor=forged").status_code == 400


def test_the_hf_cli_reads_the_site(site):
    env = dict(os.environ, HF_ENDPOINT=site.url, HF_HUB_DISABLE_TELEMETRY="1", NO_COLOR="1",
               HF_HUB_OFFLINE="0", HF_TOKEN="")
    hf = str(Path(sys.executable).with_name("hf"))
    item = _listed(DAY)[0]

    def run(*args: str) -> str:
        done = subprocess.run([hf, "papers", *args], env=env, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    listed = json.loads(run("ls", "--date", DAY, "--json"))
    assert [p["id"] for p in listed] == [i["paper"]["id"] for i in _listed(DAY)]
    assert json.loads(run("info", item["paper"]["id"], "--json"))["title"] == item["title"]
    assert item["title"] in run("read", item["paper"]["id"])
    assert item["paper"]["id"] in run("search", item["title"], "--quiet")


# -- feed readers ------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["daily.rss", "daily.atom", "trending.rss", "trending.atom"])
def test_feed_readers_parse_the_feeds_and_poll_them_cheaply(site, name):
    import feedparser

    url = f"{site.url}/feeds/{name}"
    first = feedparser.parse(url)
    assert not first.bozo, first.get("bozo_exception")
    assert first.status == 200 and len(first.entries) >= 10
    for entry in first.entries:
        assert entry.title and entry.link.startswith(site.url) and entry.published_parsed
    assert any(entry.get("authors") and entry.authors[0].get("name") for entry in first.entries)
    again = feedparser.parse(url, etag=first.etag, modified=first.modified)
    assert again.status == 304 and not again.entries


# -- spreadsheets and reference managers -------------------------------------------------

EDGE_CASES = [  # what breaks exports: formulas, an empty field, LaTeX, names, injection
    {"title": "=HYPERLINK(\"http://evil.example\") and friends", "abstract": "Cells.",
     "authors": ["Søren Øbro"], "published": "2026-08-03"},
    {"title": "On Koll\\'ar's conjecture", "abstract": "Math $x^2$ and 100% of A&B.",
     "authors": ["János Kollár", "Zoë Ng"], "published": "2026-08-04",
     "doi": "10.1/x}} @preamble{\"evil\"} @misc{zz, title={"},
    {"title": "A paper with no authors, no date and no doi", "abstract": "-3 is a number."},
]


@pytest.fixture(scope="module")
def reader(site, tmp_path_factory):
    """A signed-in reader with a public collection of the edge cases and four archive papers."""
    records = write_jsonl(tmp_path_factory.mktemp("edges") / "edges.jsonl", EDGE_CASES)
    site.cli("import", str(records))
    client = site.client()
    sign_up(client, "spreadsheet")
    token = csrf_of(client, "/")
    made = client.post("/api/collections", json={"name": "Reading", "public": True},
                       headers={"X-CSRF-Token": token}).json()
    edges = [k for (k,) in site.query("SELECT local_key FROM papers WHERE arxiv_id IS NULL "
                                      "ORDER BY pid DESC LIMIT 3")]
    keys = edges + [i["paper"]["id"] for i in _listed(DAY)[:3]]
    for key in keys:
        added = client.post(f"/api/collections/{made['id']}/papers", json={"paper": key},
                            headers={"X-CSRF-Token": token})
        assert added.status_code == 200, added.text
    yield client, made["id"]
    client.close()


def _exports(reader, fmt: str) -> list[bytes]:
    """The collection's, a search's and for-you's (empty here: nothing is embedded)."""
    client, coll = reader
    return [client.get(path, params={"format": fmt, **extra}).content
            for path, extra in ((f"/collections/{coll}/export", {}),
                                ("/search/export", {"q": "paper"}), ("/for-you/export", {}))]


def test_every_csv_export_reads_back_in_pandas_with_no_cell_spoiled(reader):
    import pandas

    for n, body in enumerate(_exports(reader, "csv")):
        frame = pandas.read_csv(io.BytesIO(body), dtype=str, keep_default_na=False)
        assert len(frame) > 0 or n == 2
        cells = [cell for column in frame.columns for cell in frame[column]]
        assert "'" not in cells, "an empty cell came back as a lone quote"
        for cell in cells:
            if cell.startswith("'"):
                assert cell[1:2] in ("=", "+", "-", "@"), cell
    frame = pandas.read_csv(io.BytesIO(_exports(reader, "csv")[0]), dtype=str,
                            keep_default_na=False)
    titles = list(frame["title"])
    assert "'=HYPERLINK(\"http://evil.example\") and friends" in titles  # text, not a formula


def test_every_bibtex_export_round_trips_in_pybtex(reader):
    from pybtex.database import parse_bytes

    for n, body in enumerate(_exports(reader, "bibtex")):
        entries = parse_bytes(body, "bibtex").entries
        assert len(entries) >= 1 or n == 2
        assert all(key.isascii() for key in entries)
    entries = parse_bytes(_exports(reader, "bibtex")[0], "bibtex").entries
    assert "zz" not in entries and len(entries) == 6, "a field opened an entry of its own"
    by_title = {e.fields["title"].strip("{}"): e for e in entries.values()}
    kollar = by_title["On Koll\\'ar's conjecture"]  # its LaTeX as written, not escaped
    assert [str(p) for p in kollar.persons["author"]] == ["Koll\\'ar, J\\'anos", "Ng, Zo\\\"e"]
    assert "100\\% of A\\&B" in kollar.fields["abstract"] and "$x^2$" in kollar.fields["abstract"]
    assert "doi" not in kollar.fields  # not a DOI: left out rather than written raw
    assert any(key.startswith("obro2026") for key in entries)  # Øbro, in ASCII


# -- generated API clients ---------------------------------------------------------------

def test_a_generated_client_reads_public_data_without_a_token(site, tmp_path):
    import importlib
    import inspect
    import typing

    import httpx

    spec = tmp_path / "openapi.json"
    spec.write_bytes(httpx.get(f"{site.url}/openapi.json", timeout=30).content)
    bin_dir = Path(sys.executable).parent
    env = dict(os.environ, PATH=f"{bin_dir}:{os.environ.get('PATH', '')}")  # it runs ruff
    subprocess.run([bin_dir / "openapi-python-client", "generate", "--path", spec,
                    "--output-path", tmp_path / "paperwire_client", "--meta", "none"],
                   check=True, capture_output=True, env=env, timeout=300)
    sys.path.insert(0, str(tmp_path))
    try:
        client_module = importlib.import_module("paperwire_client")
        daily = importlib.import_module("paperwire_client.api.api.daily_papers_api_daily_papers_get")
        feed = importlib.import_module("paperwire_client.api.feeds.feed_file_feeds_name_fmt_get")
        markdown = importlib.import_module(
            "paperwire_client.api.files.paper_markdown_file_papers_ident_md_get")
    finally:
        sys.path.remove(str(tmp_path))
    # a public read takes a plain Client: no AuthenticatedClient demanded
    accepted = typing.get_args(inspect.signature(daily.sync).parameters["client"].annotation)
    assert client_module.Client in accepted
    client = client_module.Client(base_url=site.url)
    items = daily.sync(client=client, date=DAY, limit=5)
    assert [i.additional_properties["paper"]["id"] for i in items] == \
        [i["paper"]["id"] for i in _listed(DAY)[:5]]
    rss = feed.sync_detailed(client=client, name="daily", fmt="rss")
    assert rss.status_code == 200 and rss.content.startswith(b"<?xml")
    page = markdown.sync_detailed(client=client, ident=_listed(DAY)[0]["paper"]["id"])
    assert page.status_code == 200 and page.content.startswith(b"# ")


# -- browsers on other origins -----------------------------------------------------------

def test_a_page_on_another_origin_reads_the_api_and_writes_only_with_a_token(site, browser):  # noqa: F811
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Blank(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<!doctype html><title>dashboard</title><p>elsewhere</p>")

        def log_message(self, *args) -> None:
            pass

    other = ThreadingHTTPServer(("127.0.0.1", 0), Blank)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    paper = _listed(DAY)[1]["paper"]["id"]
    votes = f"SELECT count(*) FROM votes v JOIN papers p ON p.pid = v.pid WHERE p.arxiv_id = '{paper}'"
    try:
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{site.url}/signup")  # a reader signed in on the site, in this browser
        page.fill("input[name=username]", "dashboarder")
        page.fill("input[name=password]", "a long password")
        page.click("button[type=submit]")
        page.wait_for_url(f"{site.url}/**")
        token = site.cli("user", "token", "dashboarder").stdout.strip()
        pid = site.query(f"SELECT pid FROM papers WHERE arxiv_id = '{paper}'")[0][0]
        page.goto(f"http://127.0.0.1:{other.server_port}/")
        result = page.evaluate("""async ([site, paper, pid, token]) => {
            const read = await fetch(`${site}/api/daily_papers?date=2026-08-20&limit=3`);
            const feed = await fetch(`${site}/feeds/daily.rss`);
            const out = {read: read.status, n: (await read.json()).length,
                         feed: feed.status, etag: read.headers.get("ETag") !== null};
            try {  // a cookie-authenticated write: the preflight gives no credentials
                await fetch(`${site}/api/papers/${paper}/upvote`, {method: "POST",
                    credentials: "include", headers: {"Content-Type": "application/json"},
                    body: JSON.stringify({up: true})});
                out.cookieJson = "sent";
            } catch (e) { out.cookieJson = "refused"; }
            await fetch(`${site}/p/${pid}/upvote`, {method: "POST", mode: "no-cors",
                credentials: "include", body: new URLSearchParams({up: "true"})});
            const withToken = await fetch(`${site}/api/papers/${paper}/upvote`, {method: "POST",
                headers: {"Authorization": `Bearer ${token}`, "Content-Type": "application/json"},
                body: JSON.stringify({up: true})});
            out.token = withToken.status;
            out.upvoted = (await withToken.json()).upvoted;
            return out;
        }""", [site.url, paper, pid, token])
        context.close()
    finally:
        other.shutdown()
    assert result["read"] == 200 and result["n"] == 3 and result["feed"] == 200
    assert result["etag"], "the ETag header is exposed to other origins"
    assert result["cookieJson"] == "refused"
    assert result["token"] == 200 and result["upvoted"] is True
    assert site.query(votes)[0][0] == 1, "only the token's write counted"
