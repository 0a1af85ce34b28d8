#!/usr/bin/env bash
# Set up and run the portal on embedded defaults: SQLite, a private local folder for evidence,
# background tasks in the database with one worker. Prints the URL and the demo logins.
set -euo pipefail
cd "$(dirname "$0")/.."
WITH_BROWSER=0 scripts/bootstrap.sh
PY=.venv/bin/python
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
$PY manage.py migrate --noinput -v0
$PY manage.py loaddata standards -v0
$PY manage.py demo
$PY manage.py db_worker &
WORKER=$!
# The scheduler's job in production (docs/notifications.md): turn new decisions into
# notifications every minute.
$PY manage.py collect_notifications --every 60 &
COLLECTOR=$!
trap 'kill $WORKER $COLLECTOR 2>/dev/null || true' EXIT INT TERM
echo
echo "Portal: http://$HOST:$PORT/   (background worker pid $WORKER, notifications pid $COLLECTOR; Ctrl+C stops all)"
$PY manage.py runserver "$HOST:$PORT"
