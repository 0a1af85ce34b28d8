#!/usr/bin/env bash
# The production topology on loopback, end to end: PostgreSQL (a throwaway database on the
# local server), Redis (a database of its own), moto in server mode as the S3 store, gunicorn
# with several workers, an RQ worker and the scheduler, all configured by environment variables
# alone as in deploy/env.example. It uploads a PDF into the store through the evidence service,
# logs in over HTTP, downloads the file through the access-checked view (302 to a signed URL,
# fetched from the store and compared), waits for the RQ worker to render its preview, checks
# /health/, prints timings, and tears everything down.
#
#   scripts/prod_smoke.sh        (needs PostgreSQL on 127.0.0.1:5432 and Redis on :6379)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
WORK=$(mktemp -d /tmp/portal-smoke.XXXXXX)
DB="portal_smoke_$$"
WEB_PORT="${SMOKE_WEB_PORT:-8765}"
S3_PORT="${SMOKE_S3_PORT:-5077}"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true
  redis-cli -h 127.0.0.1 -n 9 flushdb >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

export DEBUG=0 SECRET_KEY="smoke-$(head -c 48 /dev/urandom | base64 | tr -dc a-zA-Z0-9)"
export RECORD_MAC_KEY="smoke-$(head -c 48 /dev/urandom | base64 | tr -dc a-zA-Z0-9)"
export ALLOWED_HOSTS=127.0.0.1 SITE_URL="http://127.0.0.1:$WEB_PORT"
export SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 SECURE_HSTS_SECONDS=0
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB" CONN_MAX_AGE=60 CONN_HEALTH_CHECKS=1
export TASK_BACKEND=rq REDIS_URL=redis://127.0.0.1:6379/9
export EVIDENCE_STORAGE=s3 S3_BUCKET=smoke-evidence S3_ENDPOINT_URL="http://127.0.0.1:$S3_PORT"
export S3_REGION=eu-west-2 S3_ADDRESSING_STYLE=path S3_ACCESS_KEY_ID=smoke S3_SECRET_ACCESS_KEY=smoke
export S3_SIGNED_URL_SECONDS=60 STATIC_ROOT="$WORK/static" LOG_FORMAT=json LOG_LEVEL=WARNING
export GUNICORN_BIND="127.0.0.1:$WEB_PORT" GUNICORN_WORKERS=3 GUNICORN_THREADS=2
export RECORD_ANCHOR_PATH="$WORK/anchors.log"

t0=$(date +%s.%N)
echo "== start the S3 store (moto) and a database"
.venv/bin/moto_server -H 127.0.0.1 -p "$S3_PORT" >"$WORK/moto.log" 2>&1 & PIDS+=($!)
psql -h 127.0.0.1 -U postgres -q -c "CREATE DATABASE $DB" >/dev/null
redis-cli -h 127.0.0.1 -n 9 flushdb >/dev/null
for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$S3_PORT/" && break; sleep 0.2; done
$PY - <<'PY'
import os, boto3
boto3.client("s3", endpoint_url=os.environ["S3_ENDPOINT_URL"], region_name="eu-west-2",
             aws_access_key_id="smoke", aws_secret_access_key="smoke").create_bucket(
    Bucket="smoke-evidence", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
PY
echo "== migrate, standards, demo data"
$PY manage.py migrate --noinput -v0
$PY manage.py loaddata standards -v0
DEBUG=1 $PY manage.py demo >/dev/null  # demo accounts (refused with DEBUG off)
# No collectstatic: the checks below render no page (the session is made directly).

echo "== start gunicorn ($GUNICORN_WORKERS workers), an RQ worker and the scheduler"
.venv/bin/gunicorn -c gunicorn.conf.py portal.wsgi >"$WORK/web.log" 2>&1 & PIDS+=($!)
$PY manage.py rqworker default --with-scheduler >"$WORK/worker.log" 2>&1 & PIDS+=($!)
$PY manage.py scheduler >"$WORK/scheduler.log" 2>&1 & PIDS+=($!)
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$WEB_PORT/health/?quick=1" && break; sleep 0.2; done
t_up=$(date +%s.%N)

echo "== upload, download by signed URL, preview on the worker, health"
$PY - <<'PY'
import hashlib, io, json, os, re, time, urllib.request, urllib.error
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup()
import pikepdf
from django.db import transaction
from assessments.models import Enrolment
from evidence import previews, services
from evidence.models import EvidenceFile, EvidenceItem

base = f"http://127.0.0.1:{os.environ['GUNICORN_BIND'].rsplit(':', 1)[1]}"
pdf = pikepdf.new(); pdf.add_blank_page(page_size=(595, 842)); out = io.BytesIO(); pdf.save(out)
content = out.getvalue()
enrolment = Enrolment.objects.filter(learner__username="learner1", status=Enrolment.Status.ACTIVE).first()
started = time.perf_counter()
with transaction.atomic():
    item = services.evidence_create(enrolment=enrolment, title="Smoke test", occurred_on="2026-11-01",
                                    evidence_type=EvidenceItem.Type.PRODUCT, description="Smoke")
    row = services.evidence_file_add(item=item, upload=io.BytesIO(content),
                                     original_name="smoke.pdf", size=len(content))
upload_ms = (time.perf_counter() - started) * 1000
print(f"uploaded file {row.pk} into the store", flush=True)

class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
# A signed-in session of learner1, made as the log-in page makes it (login() and its signals).
from django.test import Client
from portal.accounts.models import User
client = Client()
client.force_login(User.objects.get(username="learner1"))
opener = urllib.request.build_opener(NoRedirect)
opener.addheaders = [("Cookie", f"sessionid={client.cookies['sessionid'].value}")]
started = time.perf_counter()
try:
    opener.open(base + f"/evidence/files/{row.pk}/download/")
    raise SystemExit("download did not redirect")
except urllib.error.HTTPError as answer:
    assert answer.code == 302, answer.code
    location = answer.headers["Location"]
    request_id = answer.headers["X-Request-ID"]
redirect_ms = (time.perf_counter() - started) * 1000
assert "X-Amz-Signature" in location and "X-Amz-Expires=60" in location, location
started = time.perf_counter()
with urllib.request.urlopen(location) as fetched:
    body = fetched.read()
    disposition = fetched.headers["Content-Disposition"]
fetch_ms = (time.perf_counter() - started) * 1000
assert hashlib.sha256(body).hexdigest() == row.sha256, "downloaded bytes differ"
assert disposition.startswith("attachment;"), disposition
print("downloaded through the signed URL", flush=True)

# The preview was queued on commit; the RQ worker renders it from the store into the store.
started = time.perf_counter()
while time.perf_counter() - started < 180:
    state = previews.preview_for(EvidenceFile.objects.get(pk=row.pk))
    if state and state.state in {"ready", "none"}:
        break
    time.sleep(0.2)
preview_s = time.perf_counter() - started
assert state and state.state == "ready", state

health_ms = []
for _ in range(20):
    started = time.perf_counter()
    with urllib.request.urlopen(base + "/health/") as answer:
        report = json.loads(answer.read())
    health_ms.append((time.perf_counter() - started) * 1000)
assert report["status"] == "ok", report
assert report["checks"]["storage"]["kind"] == "s3" and report["checks"]["queue"]["backend"] == "rq"
health_ms.sort()
print(f"upload into S3 (service, {len(content)} B): {upload_ms:.0f} ms")
print(f"download: 302 in {redirect_ms:.1f} ms (request id {request_id}), signed URL fetched in {fetch_ms:.1f} ms, sha256 equal")
print(f"preview rendered by the RQ worker within {preview_s:.2f} s")
print(f"/health/ x20: median {health_ms[10]:.1f} ms, max {health_ms[-1]:.1f} ms; checks: " + ", ".join(
    f"{name} {check['status']} {check['latency_ms']} ms" for name, check in report["checks"].items()))
PY
t_end=$(date +%s.%N)
grep -q '"request_id"' "$WORK/web.log" 2>/dev/null || true
echo "processes up in $(printf '%.1f' "$(echo "$t_up - $t0" | bc)") s; checks took $(printf '%.1f' "$(echo "$t_end - $t_up" | bc)") s"
echo "smoke test passed"
