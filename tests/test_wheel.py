"""The built wheel, installed into a clean environment, runs the demo and serves the site
from its own files (templates, static files, migrations), not from the source tree."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import httpx

from tests.servers import free_port
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[1]


def _build_wheel(out: Path) -> Path:
    """Built from a copy of the source, so the build leaves nothing in the checkout."""
    source = out.parent / "source"
    shutil.copytree(ROOT / "src", source / "src",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--no-build-isolation", "--wheel-dir", str(out), str(source)],
                   check=True, capture_output=True)
    return next(out.glob("paperwire-*.whl"))


def _clean_venv(where: Path, wheel: Path) -> Path:
    """A new environment holding only the wheel; its dependencies are read from this one's
    site-packages (no registry in tests), where no paperwire is importable by path."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True)
    site = next((where / "lib").glob("python*/site-packages"))
    ours = next(p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir())
    (site / "dependencies.pth").write_text(ours + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(where / "bin/python"),
                    "install", "--quiet", "--no-deps", "--no-index", str(wheel)], check=True,
                   capture_output=True)
    return where / "bin"


def _get(url: str) -> httpx.Response | None:
    try:
        return httpx.get(url, timeout=5)
    except httpx.TransportError:
        return None


def test_the_wheel_carries_its_files_and_serves_the_demo(tmp_path, shared, model_dir):
    wheel = _build_wheel(tmp_path / "dist")
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("paperwire/web/templates/base.html", "paperwire/web/static/site.css",
                   "paperwire/web/static/katex/katex.min.js",
                   "paperwire/store/migrations/sqlite/0004_living.sql"):
        assert needed in names, needed
    assert any(n.startswith("paperwire/web/static/katex/fonts/") for n in names)

    bin_dir = _clean_venv(tmp_path / "venv", wheel)
    env = dict(os.environ, PAPERWIRE_MODEL_DIR=str(model_dir))
    where = subprocess.run([bin_dir / "python", "-c", "import paperwire; print(paperwire.__file__)"],
                           capture_output=True, text=True, check=True, cwd=tmp_path).stdout
    assert where.startswith(str(tmp_path / "venv")), where
    db = tmp_path / "demo.db"
    demo = subprocess.run([bin_dir / "paperwire", "--db", db, "demo", "--shared", shared,
                           "--no-embed"], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr
    assert "10077 added" in demo.stdout
    few = tmp_path / "few.jsonl"  # the installed model embeds
    few.write_text("".join(f'{{"title": "Paper {n}", "abstract": "On graphs, case {n}."}}\n'
                           for n in range(3)))
    embedded = subprocess.run([bin_dir / "paperwire", "--db", tmp_path / "few.db", "import",
                               "--embed", few], capture_output=True, text=True, env=env,
                              cwd=tmp_path)
    assert "embedded 3 papers" in embedded.stdout, embedded.stderr
    port = free_port()
    serve = subprocess.Popen([bin_dir / "paperwire", "--db", db, "serve", "--port", str(port)],
                             env=env, cwd=tmp_path, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        front = wait_until(lambda: _get(url + "/"), f"the installed site on {url} did not answer")
        assert front.status_code == 200 and front.text.count('<article class="item"') >= 10
        assert httpx.get(url + "/static/katex/katex.min.js").status_code == 200
        assert httpx.get(url + "/healthz").json()["papers"] == 10077
    finally:
        serve.terminate()
        serve.wait(10)
