"""``/health/``: is this web process able to serve? For load balancers, orchestrators and
monitoring; no log-in, nothing secret (no hosts, names, versions or error texts).

It checks the database (``SELECT 1``), the evidence storage (the bucket on an object store,
the folder locally) and the task queue (Redis for RQ, the task table for the database
backend), each with its time in milliseconds, and answers 200 when all are ok, 503 when one
fails. ``?quick=1`` is a liveness check: the process answers, nothing else is touched.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from evidence import storage
from evidence.models import private_storage

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 2.0


def _database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"engine": connection.vendor}


def _storage() -> dict[str, Any]:
    store = private_storage()
    if storage.is_object_store(store):
        storage.probe_bucket(store, timeout=TIMEOUT_SECONDS)
        return {"kind": "s3"}
    # The folder is made on the first save: until then, the folder it goes in must be writable.
    folder = Path(store.location)
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not (folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)):
        raise OSError("the private storage folder is not writable")
    return {"kind": "local"}


def _queue() -> dict[str, Any]:
    backend = settings.TASKS["default"]["BACKEND"]
    if backend.startswith("django_tasks_rq."):
        import redis

        url = settings.RQ_QUEUES["default"]["URL"]
        client = redis.Redis.from_url(
            url, socket_timeout=TIMEOUT_SECONDS, socket_connect_timeout=TIMEOUT_SECONDS
        )
        try:
            client.ping()
            queued = client.llen("rq:queue:default")
        finally:
            client.close()
        return {"backend": "rq", "queued": queued}
    if backend.startswith("django_tasks_db."):
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.only("pk").first()
        return {"backend": "database"}
    return {"backend": backend.rsplit(".", 1)[-1].lower()}


CHECKS: dict[str, Callable[[], dict[str, Any]]] = {
    "database": _database,
    "storage": _storage,
    "queue": _queue,
}


def run_checks() -> tuple[bool, dict[str, dict[str, Any]]]:
    results: dict[str, dict[str, Any]] = {}
    healthy = True
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            details = check()
        except Exception:  # any failure is "down"; the log has the reason, the page does not
            logger.exception("health check %s failed", name)
            details, status = {}, "down"
            healthy = False
        else:
            status = "ok"
        results[name] = {
            "status": status,
            "latency_ms": round((time.perf_counter() - started) * 1000, 1),
            **details,
        }
    return healthy, results


@never_cache
@require_safe
def health(request: HttpRequest) -> JsonResponse:
    if request.GET.get("quick"):
        return JsonResponse({"status": "ok"})
    healthy, checks = run_checks()
    return JsonResponse(
        {"status": "ok" if healthy else "down", "checks": checks},
        status=200 if healthy else 503,
    )
