#!/usr/bin/env bash
# Set up, load the demo corpus (Hugging Face's daily-papers archive in ../shared) into the
# CLI's default store and serve the site at once; the papers are embedded beside it, and
# search by meaning and similar papers grow as their vectors arrive (the site says how far).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/paperwire demo --shared "${PAPERWIRE_SHARED:-$PWD/../shared}" --no-embed || true
# prepares the bundled model first (once, a few seconds), then embeds what has no vector
.venv/bin/paperwire embed >/dev/null 2>&1 &
embedding=$!
trap 'kill $embedding 2>/dev/null || true' EXIT
echo "embedding the papers in the background; search by words works now"
.venv/bin/paperwire serve --host 127.0.0.1 --port "${PORT:-8000}"
