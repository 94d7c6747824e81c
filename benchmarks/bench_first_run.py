"""The README's first command on a fresh clone with an empty pip cache: time to the first
served page, then to every paper embedded (the search page stops saying how far embedding
has got), the serving process's memory, the runtime environment's size and its five
largest packages, and whether pip's resolver would pull torch or any CUDA package for a
plain `pip install .` (its --dry-run --report).

Usage: python benchmarks/bench_first_run.py     (needs the package registry and ../shared)
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
from common import ROOT, record

PORT = 8765
HEAVY = ("torch", "nvidia", "triton", "cuda", "transformers", "sentence-transformers")


def _wait_for_page(url: str, process: subprocess.Popen, limit: float = 900) -> float:
    start = time.monotonic()
    while time.monotonic() - start < limit:
        if process.poll() is not None:
            raise SystemExit(f"the demo stopped (exit {process.returncode})")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return time.monotonic() - start
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise SystemExit("no page within the limit")


def _wait_for_vectors(url: str, process: subprocess.Popen, limit: float = 3600) -> float:
    start = time.monotonic()
    while time.monotonic() - start < limit:
        if process.poll() is not None:
            raise SystemExit(f"the demo stopped (exit {process.returncode})")
        if "Search by meaning reaches" not in httpx.get(url, timeout=30).text:
            return time.monotonic() - start
        time.sleep(5)
    raise SystemExit("not fully embedded within the limit")


def _sizes(site_packages: Path) -> dict[str, int]:
    sizes: dict[str, int] = {}
    for entry in site_packages.iterdir():
        files = [entry] if entry.is_file() else entry.rglob("*")
        sizes[entry.name] = sum(f.stat().st_size for f in files if f.is_file())
    return sizes


def _serve_rss_mb() -> float:
    pids = subprocess.run(["pgrep", "-f", f"serve --host 127.0.0.1 --port {PORT}"],
                          capture_output=True, text=True).stdout.split()
    rss = [int(Path(f"/proc/{p}/status").read_text().split("VmRSS:")[1].split()[0])
           for p in pids if Path(f"/proc/{p}").exists()]
    return max(rss) / 1024


def _resolver_report(clone: Path) -> list[str]:
    """What a plain `pip install .` would install, from pip's own resolver report."""
    with tempfile.TemporaryDirectory() as venv:
        subprocess.run(["python3", "-m", "venv", venv], check=True)
        report = subprocess.run([f"{venv}/bin/pip", "install", "--quiet", "--dry-run",
                                 "--ignore-installed", "--report", "-", str(clone)],
                                capture_output=True, text=True, check=True).stdout
    return [item["metadata"]["name"].lower() for item in json.loads(report)["install"]]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        clone = Path(tmp) / "paperwire"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        (clone.parent / "shared").symlink_to(ROOT.parent / "shared")
        env = dict(os.environ, PIP_CACHE_DIR=str(Path(tmp) / "pip-cache"), PORT=str(PORT),
                   PAPERWIRE_MODEL_DIR=str(Path(tmp) / "model"),
                   PAPERWIRE_DB=str(Path(tmp) / "demo.db"))
        demo = subprocess.Popen(["bash", "scripts/demo.sh"], cwd=clone, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        try:
            seconds = _wait_for_page(f"http://127.0.0.1:{PORT}/", demo)
            time.sleep(5)
            rss = _serve_rss_mb()
            embedded = seconds + _wait_for_vectors(
                f"http://127.0.0.1:{PORT}/search?q=language+models", demo)
        finally:
            os.killpg(demo.pid, signal.SIGTERM)
            demo.wait(30)
        site_packages = next((clone / ".venv/lib").glob("python*/site-packages"))
        sizes = _sizes(site_packages)
        tools = sum(v for k, v in sizes.items() if k.split("-")[0] in ("pip", "setuptools"))
        largest = sorted(sizes.items(), key=lambda kv: -kv[1])[:5]
        resolved = _resolver_report(clone)
        shutil.rmtree(clone / ".venv")
    heavy = [name for name in resolved if name.startswith(HEAVY)]
    record("First run and the lean environment",
           "python benchmarks/bench_first_run.py", {
               "first page after a fresh clone, empty pip cache (target ≤ 60 s)":
                   f"{seconds:.0f} s",
               "every paper embedded, from the clone": f"{embedded / 60:.1f} min",
               "serve RSS with the demo corpus (target ≤ 300 MB)": f"{rss:.0f} MB",
               "installed packages, less pip and setuptools (target ≤ 400 MB)":
                   f"{(sum(sizes.values()) - tools) / 2**20:.0f} MB",
               "five largest": ", ".join(f"{k} {v / 2**20:.0f} MB" for k, v in largest),
               "`pip install .` would install": f"{len(resolved)} packages",
               "of them torch, transformers, CUDA or nvidia": ", ".join(heavy) or "none",
           })


if __name__ == "__main__":
    main()
