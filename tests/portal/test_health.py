"""/health/: database, storage and queue with their status and latency; 503 when one fails;
a quick liveness mode; no log-in, no caching, nothing secret."""

from __future__ import annotations

import json

import pytest
from django.db import OperationalError
from django.urls import reverse

from portal import health


def _get(client, **params):
    response = client.get(reverse("health"), params)
    return response, json.loads(response.content)


def test_all_ok_without_logging_in(client, db) -> None:
    response, body = _get(client)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "storage", "queue"}
    for check in body["checks"].values():
        assert check["status"] == "ok"
        assert isinstance(check["latency_ms"], float)
    assert body["checks"]["storage"]["kind"] == "local"


def test_quick_is_liveness_only(client) -> None:
    """No database fixture: a query here would fail the test."""
    response, body = _get(client, quick=1)
    assert response.status_code == 200
    assert body == {"status": "ok"}


def test_a_failing_database_is_a_503_without_its_error(client, db, monkeypatch) -> None:
    def broken() -> dict:
        raise OperationalError("could not connect to server at 10.0.0.5: secret-password")

    monkeypatch.setitem(health.CHECKS, "database", broken)
    response, body = _get(client)
    assert response.status_code == 503
    assert body["status"] == "down"
    assert body["checks"]["database"]["status"] == "down"
    assert body["checks"]["storage"]["status"] == "ok"
    assert b"secret" not in response.content and b"10.0.0.5" not in response.content


def test_unusable_storage_folder_is_down(client, db, tmp_path, monkeypatch) -> None:
    from django.core.files.storage import FileSystemStorage, storages

    (tmp_path / "a-file").write_text("not a folder")
    # The registry's entry, not settings.STORAGES: restoring the setting would replace every
    # storage instance, leaving file fields with another instance than the registry's.
    unusable = FileSystemStorage(location=str(tmp_path / "a-file" / "private"))
    # Make sure the entry exists, so that monkeypatch puts the same instance back.
    storages["private"]
    monkeypatch.setitem(storages._storages, "private", unusable)
    response, body = _get(client)
    assert response.status_code == 503
    assert body["checks"]["storage"]["status"] == "down"


def test_queue_down_when_redis_is_unreachable(client, db, settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:1/0"}}
    response, body = _get(client)
    assert response.status_code == 503
    assert body["checks"]["queue"] == {
        "status": "down",
        "latency_ms": body["checks"]["queue"]["latency_ms"],
    }


def test_database_queue_backend_is_checked(client, db, settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    response, body = _get(client)
    assert response.status_code == 200
    assert body["checks"]["queue"]["backend"] == "database"


@pytest.mark.s3
def test_object_store_is_probed(client, db, s3_storage) -> None:
    response, body = _get(client)
    assert response.status_code == 200
    assert body["checks"]["storage"]["kind"] == "s3"
    s3_storage.connection.meta.client.delete_bucket(Bucket=s3_storage.bucket_name)
    try:
        response, body = _get(client)
        assert response.status_code == 503
        assert body["checks"]["storage"]["status"] == "down"
    finally:
        s3_storage.connection.meta.client.create_bucket(
            Bucket=s3_storage.bucket_name,
            CreateBucketConfiguration={"LocationConstraint": "eu-west-2"},
        )


@pytest.mark.redis
def test_redis_queue_reports_its_length(client, db, settings, redis_url) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    settings.RQ_QUEUES = {"default": {"URL": redis_url}}
    response, body = _get(client)
    assert response.status_code == 200
    assert body["checks"]["queue"]["backend"] == "rq"
    assert isinstance(body["checks"]["queue"]["queued"], int)
