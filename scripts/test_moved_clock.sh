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
for offset in +365d -365d; do
  echo "== the dated tests with the clock moved $offset: $(FAKETIME=$offset date -u +%F)"
  FAKETIME=$offset .venv/bin/python -m pytest -q -p no:cacheprovider "${DATED[@]}" "$@"
done
