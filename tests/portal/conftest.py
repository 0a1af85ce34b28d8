"""Real servers for the production profile's tests: an S3-compatible store and Redis.

``@pytest.mark.s3`` tests talk to an S3 server at MOTO_ENDPOINT (moto in server mode; .ci/run
starts one on 127.0.0.1:5055), ``@pytest.mark.redis`` tests to Redis at REDIS_URL
(127.0.0.1:6379). Without the server they are skipped with the reason, except under CI=true,
where a missing server fails them.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.core.files.storage import FileSystemStorage, storages
from django.db.models import FileField

MOTO_ENDPOINT = os.environ.get("MOTO_ENDPOINT", "http://127.0.0.1:5055")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379")


def _reachable(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or 80), timeout=1):
            return True
    except OSError:
        return False


def require_server(url: str, what: str) -> None:
    if _reachable(url):
        return
    message = f"{what} is not running at {url}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}; CI must run these tests (.ci/run starts it).")
    pytest.skip(f"{message} (.ci/run starts it; see tests/portal/conftest.py)")


def s3_options(bucket: str) -> dict:
    return {
        "bucket_name": bucket,
        "endpoint_url": MOTO_ENDPOINT,
        "region_name": "eu-west-2",
        "access_key": "testing",
        "secret_key": "testing",
        "addressing_style": "path",
        "signature_version": "s3v4",
        "default_acl": "private",
        "querystring_auth": True,
        "file_overwrite": False,
    }


@pytest.fixture
def s3_storage(settings) -> Iterator:
    """The private storage swapped for an S3 storage on a fresh bucket of the S3 server,
    for the storages registry and every file field that used the local private storage."""
    require_server(MOTO_ENDPOINT, "The S3 server (moto_server)")
    from storages.backends.s3 import S3Storage

    bucket = f"evidence-{uuid.uuid4().hex[:12]}"
    # The registry's entry is swapped, not settings.STORAGES: changing the setting makes
    # Django drop every storage instance when it is restored, and the file fields (and the
    # backup's check that they use the registry's "private" storage) would then hold a
    # different instance from the registry's for the rest of the test process.
    storage = S3Storage(**s3_options(bucket))
    original_private = storages["private"]
    storages._storages["private"] = storage
    client = storage.connection.meta.client
    client.create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
    )
    swapped = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, FileField) and isinstance(field.storage, FileSystemStorage):
                swapped.append((field, field.storage))
                field.storage = storage
    try:
        yield storage
    finally:
        for field, original in swapped:
            field.storage = original
        storages._storages["private"] = original_private
        listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
        for entry in listed:
            client.delete_object(Bucket=bucket, Key=entry["Key"])
        client.delete_bucket(Bucket=bucket)


@pytest.fixture
def redis_url() -> Iterator[str]:
    """An empty Redis database of its own for each xdist worker (15, 14, ...), emptied after."""
    require_server(REDIS_URL, "Redis")
    import redis

    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    url = f"{REDIS_URL}/{15 - int(worker or 0) % 12}"
    client = redis.Redis.from_url(url)
    client.flushdb()
    try:
        yield url
    finally:
        client.flushdb()
        client.close()


@pytest.fixture
def rq_tasks(settings, redis_url) -> str:
    """Tasks go to RQ on the test's Redis database, as with TASK_BACKEND=rq."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    settings.RQ_QUEUES = {"default": {"URL": redis_url}}
    settings.RQ = {"JOB_CLASS": "django_tasks_rq.backend.Job"}
    return redis_url
