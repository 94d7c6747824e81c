#!/usr/bin/env bash
# Set up, then run the whole test suite and the linter.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
.venv/bin/ruff check src tests benchmarks
exec .venv/bin/python -m pytest "$@"
