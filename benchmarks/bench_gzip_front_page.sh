#!/usr/bin/env bash
# The anonymous front page as a browser asks for it (Accept-Encoding: gzip), at 16 and 64
# connections: `paperwire serve --workers 2` on bench_readers.py's 100k store, wrk after a
# 4 s warm-up. Give another tree's src/ to measure it instead (an A/B of two commits):
#   git worktree add /tmp/before <commit> && bash benchmarks/bench_gzip_front_page.sh /tmp/before/src
set -euo pipefail
cd "$(dirname "$0")/.."
src=${1:-src}
port=8799
export PAPERWIRE_DB=benchmarks/data/bench-100000.db PYTHONPATH=$src
[ -f "$PAPERWIRE_DB" ] || { echo "no $PAPERWIRE_DB: run benchmarks/bench_readers.py first" >&2; exit 1; }
.venv/bin/paperwire serve --port $port --workers 2 > /dev/null 2>&1 & server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 300); do curl -sf -o /dev/null http://127.0.0.1:$port/healthz && break; sleep 1; done
url=http://127.0.0.1:$port/
curl -s -H "Accept-Encoding: gzip" -D- -o /dev/null "$url" | grep -i "content-length\|content-encoding"
wrk -t2 -c16 -d4s -H "Accept-Encoding: gzip" "$url" > /dev/null
for connections in 16 64; do
  echo "$src, $connections connections:"
  wrk -t2 -c$connections -d12s --latency -H "Accept-Encoding: gzip" "$url" |
    grep -E "Requests/sec|99%|Non-2xx"
done
