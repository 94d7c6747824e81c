#!/usr/bin/env bash
# Set up, then run the linter and the whole test suite; beside it, every test that goes
# through the store once more on PostgreSQL instead of SQLite: the site (pages, browser, security,
# fuzzing, author pages, password resets, API tokens), for-you, mail and its delivery under kill -9, the worker,
# harvesting, search, the CLI, ingest and identity.
# Left to the first pass: tests with no store (domain, sources, wheel, the model against
# its torch reference, how pages look), SQLite's own bulk path and full-file test, and the
# store contract and two-server tests, which run on both stores already.
# Tests marked `timed` (they measure the time between events, as a replay server sees them)
# run after those two passes, by themselves.
# Last, the tests that deal in dates once more with the clock a year ahead and a year back
# (scripts/test_moved_clock.sh). Given arguments, it runs just pytest with them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
.venv/bin/ruff check src tests benchmarks
if [ $# -gt 0 ]; then
  exec .venv/bin/python -m pytest "$@"
fi
ON_POSTGRES=(tests/test_site.py tests/test_http.py tests/test_browser.py tests/test_api_fuzz.py
  tests/test_pages_look.py tests/test_reader_journey.py tests/test_foryou.py tests/test_mail.py
  tests/test_worker.py tests/test_harvest.py tests/test_search.py tests/test_first_impression.py
  tests/test_hf_api.py tests/test_authors.py tests/test_category_feeds.py
  tests/test_password_reset.py tests/test_api_tokens.py tests/test_archive_site.py
  tests/test_real_clients.py tests/test_cli.py tests/test_ingest.py tests/test_identity.py
  tests/test_integrity.py tests/test_semantic.py tests/test_harvest_processes.py
  tests/test_mail_delivery.py)
if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 && ! command -v pg_ctl >/dev/null; then
  echo "no PostgreSQL server binaries (apt-get install postgresql-15): the second pass of" \
       "the site's tests, on PostgreSQL, is skipped (.ci/run installs them)" >&2
  .venv/bin/python -m pytest
else
  # the two passes side by side: they often wait on the servers, browsers and processes
  # they start, so together they took 30.5 minutes where one after the other took 41 (the
  # whole CI run 38 of its 45 on 2 cores); the PostgreSQL pass's output follows
  on_postgres=$(mktemp)
  trap 'rm -f "$on_postgres"' EXIT
  PAPERWIRE_TEST_STORE=postgres .venv/bin/python -m pytest -p no:cacheprovider \
    "${ON_POSTGRES[@]}" -m "not timed" \
    -k "not agrees_with_the_reference and not page_looks_finished" \
    > "$on_postgres" 2>&1 & second=$!
  status=0
  .venv/bin/python -m pytest -m "not timed" || status=1
  wait $second || status=1
  echo "== the same tests of the site, on PostgreSQL"
  cat "$on_postgres"
  [ $status -eq 0 ]
  echo "== the timed tests, with the cores to themselves"
  .venv/bin/python -m pytest -p no:cacheprovider -m timed
fi
bash scripts/test_moved_clock.sh
