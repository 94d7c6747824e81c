"""Shared by the benchmark scripts: where data lives, real titles, and result recording."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DATA = ROOT / "benchmarks" / "data"
RESULTS = ROOT / "benchmarks" / "RESULTS.md"


def real_papers() -> list[tuple[str, str]]:
    """(title, abstract) pairs from the shared fixtures: the source of realistic text."""
    import io

    from paperwire import sources

    out = []
    for path in sorted((SHARED / "fixtures").glob("*/*")):
        try:
            fmt = sources.detect_format(path)
        except sources.SourceError:
            continue
        with path.open("rb") as fp:
            try:
                out += [(p.title, p.abstract) for p in sources.read(io.BytesIO(fp.read()), fmt)
                        if not isinstance(p, sources.RecordError) and p.abstract]
            except sources.SourceError:
                continue
    if not out:
        raise SystemExit(f"benchmarks need the shared fixtures at {SHARED}")
    return out


def machine() -> str:
    with open("/proc/cpuinfo") as fp:
        cpu = next((ln.split(":", 1)[1].strip() for ln in fp if ln.startswith("model name")),
                   platform.processor())
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, Python {platform.python_version()}"


def rss_gib(field: str = "VmRSS") -> float:
    """This process's resident memory (or VmHWM, its peak) in GiB. Not ru_maxrss: that one
    keeps the parent's peak across fork and exec."""
    with open("/proc/self/status") as fp:
        return next(int(ln.split()[1]) for ln in fp if ln.startswith(field)) / 2**20


def record(section: str, command: str, figures: dict[str, object]) -> None:
    """Print the figures and replace this section of benchmarks/RESULTS.md with them."""
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, cwd=ROOT).stdout.strip()
    lines = [f"## {section}", "", f"- date: {date.today()}, commit {commit}",
             f"- machine: {machine()}", f"- command: `{command}`", ""]
    lines += [f"| {k} | {v} |" if i else f"| figure | value |\n|---|---|\n| {k} | {v} |"
              for i, (k, v) in enumerate(figures.items())]
    block = "\n".join(lines) + "\n"
    print(block)
    print(json.dumps(figures))
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n\n"
    start = text.find(f"## {section}\n")
    if start >= 0:
        end = text.find("\n## ", start + 1)
        text = text[:start] + block + ("\n" + text[end + 1:] if end >= 0 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + block
    RESULTS.write_text(text)
