"""Where evidence and exports are stored, and how a checked download reaches the browser.

The private storage is a local folder (development, one machine) or an S3-compatible object
store (``EVIDENCE_STORAGE=s3``: several machines share it). Callers never ask which: they
call ``download_response`` after their access check, and it answers with

- a 302 to a signed URL of the object store that expires after ``S3_SIGNED_URL_SECONDS``
  and makes the store itself send ``Content-Disposition: attachment`` and the verified
  content type, or
- the file streamed through the web process (local storage), as an attachment with
  ``nosniff``.

Inline media (images, audio, video shown in the page) are always streamed by the view under
our own Content-Security-Policy, from either store; ``open_range`` reads one byte range of an
object without downloading the whole of it.

For code that talks to the object store directly (multipart uploads, checksums),
``s3_client``, ``bucket_name`` and ``object_key`` give the store's client and the key a
storage name is kept under; they raise ``NotObjectStore`` on local storage.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage
from django.http import FileResponse, HttpResponse, HttpResponseRedirect

from evidence.models import private_storage

STREAM_CHUNK_BYTES = 512 * 1024


class NotObjectStore(Exception):
    """The private storage is not an S3-compatible object store."""


def content_disposition(disposition: str, filename: str) -> str:
    """RFC 6266 with an ASCII fallback and the exact name as RFC 5987 ``filename*``."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    ascii_name = "".join(c if c.isalnum() or c in " ._-()" else "_" for c in ascii_name)
    ascii_name = ascii_name.strip(" .") or "file"
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def is_object_store(storage: Storage | None = None) -> bool:
    """True when the (private) storage keeps its files in an S3-compatible object store."""
    storage = storage if storage is not None else private_storage()
    if isinstance(storage, FileSystemStorage):
        return False
    from storages.backends.s3 import S3Storage

    return isinstance(storage, S3Storage)


def _s3(storage: Storage | None) -> Any:
    storage = storage if storage is not None else private_storage()
    if not is_object_store(storage):
        raise NotObjectStore("The private storage is a local folder, not an object store.")
    return storage


def s3_client(storage: Storage | None = None) -> Any:
    """The boto3 S3 client the storage uses (its endpoint, region and credentials)."""
    return _s3(storage).connection.meta.client


def bucket_name(storage: Storage | None = None) -> str:
    return _s3(storage).bucket_name


def object_key(name: str, storage: Storage | None = None) -> str:
    """The object key a storage name is kept under (the storage's location prefix applied)."""
    return _s3(storage)._normalize_name(name)


@functools.cache
def _public_client(endpoint_url: str, region: str | None, access: str, secret: str) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=endpoint_url,
        region_name=region,
        aws_access_key_id=access or None,
        aws_secret_access_key=secret or None,
        config=Config(signature_version="s3v4"),
    )


def signed_url(
    name: str,
    *,
    filename: str,
    content_type: str,
    disposition: str = "attachment",
    storage: Storage | None = None,
) -> str:
    """A URL of the object store for ``name`` that expires after S3_SIGNED_URL_SECONDS, with
    the store told to answer with our Content-Disposition and verified Content-Type."""
    store = _s3(storage)
    params = {
        "Bucket": store.bucket_name,
        "Key": store._normalize_name(name),
        "ResponseContentDisposition": content_disposition(disposition, filename),
        "ResponseContentType": content_type,
        "ResponseCacheControl": "private, no-store",
    }
    client = store.connection.meta.client
    if settings.S3_PUBLIC_ENDPOINT_URL:
        # Signed for the address browsers reach (the signature covers the host).
        client = _public_client(
            settings.S3_PUBLIC_ENDPOINT_URL,
            client.meta.region_name,
            store.access_key or "",
            store.secret_key or "",
        )
    return client.generate_presigned_url(
        "get_object", Params=params, ExpiresIn=settings.S3_SIGNED_URL_SECONDS
    )


def download_response(
    name: str,
    *,
    filename: str,
    content_type: str,
    storage: Storage | None = None,
) -> HttpResponse:
    """The answer to a download the caller has already allowed: a 302 to a short-lived signed
    URL on an object store, else the file streamed as an attachment. Never cached."""
    store = storage if storage is not None else private_storage()
    response: HttpResponse
    if is_object_store(store):
        response = HttpResponseRedirect(
            signed_url(name, filename=filename, content_type=content_type, storage=store)
        )
    else:
        response = FileResponse(store.open(name, "rb"), content_type=content_type)
        response["Content-Disposition"] = content_disposition("attachment", filename)
        response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def open_range(name: str, first: int, last: int, storage: Storage | None = None) -> Iterator[bytes]:
    """Bytes ``first``..``last`` (inclusive) of a stored file, in chunks. On an object store
    this is one ranged GET, so seeking in a long video reads only what is played."""
    store = storage if storage is not None else private_storage()
    if is_object_store(store):
        body = s3_client(store).get_object(
            Bucket=store.bucket_name,
            Key=store._normalize_name(name),
            Range=f"bytes={first}-{last}",
        )["Body"]
        try:
            yield from body.iter_chunks(STREAM_CHUNK_BYTES)
        finally:
            body.close()
        return
    with store.open(name, "rb") as handle:
        handle.seek(first)
        remaining = last - first + 1
        while remaining > 0:
            chunk = handle.read(min(STREAM_CHUNK_BYTES, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk


def probe_bucket(storage: Storage | None = None, *, timeout: float = 2.0) -> None:
    """Raise unless the object store answers for the bucket within ``timeout`` seconds (one
    HEAD request, no retries): the health check's storage probe."""
    store = _s3(storage)
    client = _probe_client(
        store.endpoint_url or "",
        store.region_name or "",
        store.access_key or "",
        store.secret_key or "",
        store.addressing_style or "",
        timeout,
    )
    client.head_bucket(Bucket=store.bucket_name)


@functools.cache
def _probe_client(
    endpoint_url: str, region: str, access: str, secret: str, addressing: str, timeout: float
) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=endpoint_url or None,
        region_name=region or None,
        aws_access_key_id=access or None,
        aws_secret_access_key=secret or None,
        config=Config(
            signature_version="s3v4",
            connect_timeout=timeout,
            read_timeout=timeout,
            retries={"max_attempts": 1, "mode": "standard"},
            s3={"addressing_style": addressing or "auto"},
        ),
    )
