#!/usr/bin/env bash
# Run the whole test suite (unit, page and browser tests) on the embedded defaults.
# Extra arguments go to pytest, e.g. scripts/test.sh -k standards
# Tests run in parallel, one worker per core (pytest-xdist; each worker has its own test
# database and browser); TEST_WORKERS=0 runs them in this process, e.g. to use a debugger.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
set +e
.venv/bin/python -m pytest -n "${TEST_WORKERS:-auto}" --dist worksteal "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests" >&2
fi
exit "$status"
