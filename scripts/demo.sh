#!/usr/bin/env bash
# Set up, load the demo corpus into the embedded store (data/paperwire.db) and serve the site.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PAPERWIRE_DB=${PAPERWIRE_DB:-$PWD/data/paperwire.db}
.venv/bin/paperwire model prepare   # once: the bundled model as int8 ONNX
.venv/bin/paperwire demo --shared "${PAPERWIRE_SHARED:-$PWD/../shared}" || true
exec .venv/bin/paperwire serve --host 127.0.0.1 --port "${PORT:-8000}"
