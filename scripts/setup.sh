#!/usr/bin/env bash
# Create .venv and install paperwire with its pinned dependencies (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
# torch==2.13.0 resolves to the CPU wheel where one lies in pip's find-links (as on CI)
.venv/bin/python -m pip install --quiet -c requirements.lock -e '.[model,test]'
