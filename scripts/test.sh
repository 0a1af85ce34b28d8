#!/usr/bin/env bash
# Run the whole test suite (unit, page and browser tests) on the embedded defaults.
# Extra arguments go to pytest, e.g. scripts/test.sh -k standards
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests" >&2
fi
exit "$status"
