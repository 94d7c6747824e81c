"""The site, served for real by uvicorn on 127.0.0.1 and fetched over HTTP."""

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import write_jsonl


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def site(tmp_path):
    db = tmp_path / "site.db"
    records = [{"arxiv_id": "2203.07404", "title": "Respecting causality <script>alert(1)</script>",
                "abstract": "Abstract with a & b < c and $x^2$.", "published": "2022-03-14",
                "upvotes": 7},
               {"title": "Paper without an id", "abstract": "Some abstract text here."}]
    exe = Path(sys.executable).with_name("paperwire")
    subprocess.run([exe, "--db", db, "import", write_jsonl(tmp_path / "a.jsonl", records)],
                   check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen([exe, "--db", db, "serve", "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            httpx.get(base + "/", timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.1)
    yield base
    server.terminate()
    server.wait(timeout=10)


def test_list_page_shows_papers_escaped(site):
    page = httpx.get(site + "/")
    assert page.status_code == 200
    assert "Respecting causality &lt;script&gt;" in page.text
    assert "<script>alert(1)</script>" not in page.text
    assert "Paper without an id" in page.text and "▲ 7" in page.text


def test_search_and_paper_pages(site):
    found = httpx.get(site + "/search", params={"q": "causality"})
    assert found.status_code == 200 and "/papers/2203.07404" in found.text
    assert "<script>alert" not in found.text
    paper = httpx.get(site + "/papers/2203.07404")
    assert paper.status_code == 200 and "a &amp; b &lt; c" in paper.text
    assert 'href="https://arxiv.org/pdf/2203.07404"' in paper.text
    assert httpx.get(site + "/papers/9999.99999").status_code == 404
    assert httpx.get(site + "/search", params={"q": "x" * 300}).status_code == 422
