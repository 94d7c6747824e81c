#!/usr/bin/env bash
# The tests that deal in dates, again with the system clock a year ahead and a year back:
# no test may depend on today's date. libfaketime moves the clock of the test process and,
# through LD_PRELOAD, of every server, worker and CLI process it starts.
# libfaketime from PyPI (the test extra), not Debian's 0.9.10: with Debian's, Python 3.11's
# timed waits (threading, queues) hang on the faked monotonic clock, and with the monotonic
# clock left real its time.sleep fails with EINVAL.
set -euo pipefail
cd "$(dirname "$0")/.."
DATED=(tests/test_harvest.py tests/test_worker.py tests/test_first_impression.py
       tests/test_mail.py tests/test_site.py tests/test_sources.py tests/test_http.py)
eval "$(.venv/bin/python-libfaketime)"
# both clocks at once: these tests mostly wait on the servers and processes they start, so
# side by side they take little longer than one (CI's 45 minutes)
run() {  # offset, output file, then pytest's own arguments
  local offset=$1 out=$2
  shift 2
  FAKETIME=$offset .venv/bin/python -m pytest -q -p no:cacheprovider "${DATED[@]}" "$@" \
    > "$out" 2>&1
}
ahead=$(mktemp) behind=$(mktemp)
trap 'rm -f "$ahead" "$behind"' EXIT
run +365d "$ahead" "$@" & first=$!
run -365d "$behind" "$@" & second=$!
status=0
wait $first || status=1
wait $second || status=1
echo "== the dated tests with the clock a year ahead: $(FAKETIME=+365d date -u +%F)"
cat "$ahead"
echo "== the dated tests with the clock a year back: $(FAKETIME=-365d date -u +%F)"
cat "$behind"
exit $status
