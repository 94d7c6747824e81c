"""The map of the field at N papers, as a reader meets it (issue 23: a build within 15 min
and 6 GiB at 1M; the page's first load ≤ 300 KB and drawn within 1 s): `paperwire map
build` on bench_web's store of N papers with vectors (its time and peak memory, a process
of its own), then `paperwire serve --workers 2` and Debian's Chromium opening /map five
times, each in a new browser context (nothing cached): the bytes the first load brought,
the time from navigation until the canvas shows the map, and until a zoom is drawn.

Usage: python benchmarks/bench_map_page.py [N]   (default 1000000; needs chromium)
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
from bench_web import prepare_store, served
from common import DATA, record

from paperwire.config import Settings
from paperwire.services.library import Library

CHROMIUM = "/usr/bin/chromium"
PAPERWIRE = os.path.join(os.path.dirname(sys.executable), "paperwire")
TRIES = 5
DRAWN = ("() => { const c = document.getElementById('fieldmap'); if (!c.width) return false;"
         " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;"
         " for (let i = 3; i < d.length; i += 64) n += d[i] > 0; return n > 200 && "
         "performance.now(); }")
LOADED_BYTES = ("() => performance.getEntriesByType('navigation').concat("
                "performance.getEntriesByType('resource'))"
                ".reduce((n, e) => n + (e.transferSize || e.encodedBodySize || 0), 0)")


def build_map(db: str, n: int) -> dict[str, str]:
    """`paperwire map build` unless the latest build already holds every paper."""
    library = Library(Settings(db=db))
    latest = library.fieldmap.latest_build()
    library.close()
    if latest is not None and latest.papers >= n:
        return {"map build": f"kept from an earlier run ({latest.papers:,} papers, "
                             f"{latest.seconds:.0f} s)"}
    start = time.perf_counter()
    subprocess.run([PAPERWIRE, "--db", db, "map", "build"], check=True)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20
    return {"map build (target ≤ 15 min, ≤ 6 GiB)":
            f"{(time.perf_counter() - start) / 60:.1f} min, peak resident {peak:.2f} GiB"}


def open_map(browser, base: str) -> tuple[float, float, int]:
    """(ms until the map is drawn, ms until a zoom is drawn, bytes of the first load)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base + "/map", wait_until="commit")
    drawn = page.wait_for_function(DRAWN, timeout=60_000, polling=10).json_value()
    page.wait_for_load_state("networkidle")
    loaded = page.evaluate(LOADED_BYTES)
    with page.expect_response(lambda r: "/api/map?" in r.url):
        began = page.evaluate("performance.now()")
        page.click("[data-zoom=in]")
    zoomed = page.wait_for_function(DRAWN, polling=10).json_value() - began
    context.close()
    return drawn, zoomed, loaded


def in_browser(base: str) -> dict[str, str]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update",
            "--disable-sync"])
        runs = [open_map(browser, base) for _ in range(TRIES)]
        browser.close()
    drawn, zoomed, loaded = zip(*runs, strict=True)
    return {
        f"/map drawn after navigation, median of {TRIES} (target ≤ 1 s)":
            f"{statistics.median(drawn):.0f} ms (each: {', '.join(f'{d:.0f}' for d in drawn)})",
        "a zoom drawn after the click, median": f"{statistics.median(zoomed):.0f} ms",
        "first load, every response (target ≤ 300 KB)": f"{max(loaded) / 1024:.0f} KB",
    }


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    prepare_store(n)
    db = str(DATA / f"bench-{n}.db")
    figures = build_map(db, n)
    with served(n) as base:
        start = time.perf_counter()
        # each process reads the points once a build: eight at once reach both processes
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda _: httpx.get(base + "/api/map", timeout=300), range(8)))
        figures["the server's first /api/map after a build, both processes"] = (
            f"{time.perf_counter() - start:.1f} s")
        figures |= in_browser(base)
    record(f"The map page at N = {n:,}", f"python benchmarks/bench_map_page.py {n}", figures)


if __name__ == "__main__":
    main()
