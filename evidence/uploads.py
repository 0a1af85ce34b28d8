"""Evidence uploads as they arrive: the size guard of the form upload, and the staging of
resumable (tus) uploads with the clean-up of stale ones (``cleanup_stale``; docs/uploads.md).

The form upload's handler refuses an over-size evidence upload before it is spooled to disk.

Installed first in the evidence upload view (which must be ``csrf_exempt`` around an inner
``csrf_protect``, as Django requires when a view changes its upload handlers). It looks at
the request's Content-Length before reading the body and counts the bytes of each file as
they stream, so a request over ``EVIDENCE_MAX_UPLOAD_BYTES`` is stopped without storing
anything more; the rest of the body is drained unread so the client gets the 413.
Django's temporary-file handler, next in the chain, keeps large files on disk.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime
import fcntl
import hashlib
import json
import logging
import os
import queue
import re
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.template.defaultfilters import filesizeformat

logger = logging.getLogger(__name__)

# Multipart boundaries, headers and the few small fields that travel with the file.
ENVELOPE_BYTES = 64 * 1024
CHUNK_BYTES = 1024 * 1024


def too_large_message(limit: int) -> str:
    return f"This file is larger than the limit of {filesizeformat(limit)}; nothing was saved."


class EvidenceSizeLimitHandler(FileUploadHandler):
    """Stops the upload once the request or any one file is over the limit.

    The reason is left on ``request.evidence_upload_refused`` for the view to report.
    """

    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.limit = settings.EVIDENCE_MAX_UPLOAD_BYTES
        self.received = 0
        self.request_length = 0

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],
        content_length: int,
        boundary: bytes,
        encoding: str | None = None,
    ) -> None:
        self.request_length = content_length
        return None

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        if self.request_length > self.limit + ENVELOPE_BYTES:
            self._stop()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self._stop()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None

    def _stop(self) -> None:
        if self.request is not None:
            self.request.evidence_upload_refused = too_large_message(self.limit)
        # Django then reads the rest of the body and discards it (no memory, no disk), so
        # the client, still sending, receives the 413 and its message rather than a
        # connection reset. A proxy's own body limit (nginx client_max_body_size) should sit
        # a little above EVIDENCE_MAX_UPLOAD_BYTES to cut off far larger bodies sooner.
        raise StopUpload(connection_reset=False)


# --- Resumable uploads (the tus 1.0 protocol's core, creation and termination) -------------
#
# A file in progress is two files in a private staging folder beside the evidence storage
# (same disk, so the finished file is renamed into place, never copied): ``<id>.part`` holds
# the bytes received so far (its size is the upload's offset, as tus defines it) and
# ``<id>.json`` who started it, for which item, its declared length and name. The id is 128
# random bits. Bytes are hashed as they are written; a resumed upload re-reads what it had
# once to take up the hash again. ``cleanup_stale`` removes uploads left unfinished.

TUS_VERSION = "1.0.0"
STAGING_FOLDER = "uploads-in-progress"
UPLOAD_ID = re.compile(r"^[0-9a-f]{32}$")
# A learner may have this many uploads in progress at once (each up to the size limit).
MAX_OPEN_UPLOADS = 20
STALE_AFTER = datetime.timedelta(hours=24)


class UploadError(Exception):
    """A request the upload cannot take, with the HTTP status and words to answer it."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class StagedUpload:
    upload_id: str
    user_id: int
    item_id: int
    length: int
    filename: str
    is_witness_statement: bool

    @property
    def data_path(self) -> Path:
        return staging_root() / f"{self.upload_id}.part"

    @property
    def info_path(self) -> Path:
        return staging_root() / f"{self.upload_id}.json"

    @property
    def complete_path(self) -> Path:
        """Where the data file goes, under the lock, once its last byte is in: no other
        request can then write to it or finish it a second time."""
        return staging_root() / f"{self.upload_id}.complete"

    def offset(self) -> int:
        try:
            return self.data_path.stat().st_size
        except FileNotFoundError:
            return 0


def staging_root() -> Path:
    """The private folder of uploads in progress: inside the local evidence storage, so a
    finished file is moved into place by a rename on the same disk."""
    root = Path(settings.PRIVATE_STORAGE_ROOT) / STAGING_FOLDER
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    return root


def parse_metadata(header: str) -> dict[str, str]:
    """tus ``Upload-Metadata``: comma-separated ``key base64value`` pairs (value optional)."""
    pairs: dict[str, str] = {}
    for part in filter(None, (piece.strip() for piece in header.split(","))):
        key, _space, encoded = part.partition(" ")
        try:
            pairs[key] = base64.b64decode(encoded, validate=True).decode() if encoded else ""
        except (binascii.Error, UnicodeDecodeError):
            raise UploadError(400, f"The upload's {key!r} metadata is not valid.") from None
    return pairs


def staged_upload_create(
    *, user_id: int, item_id: int, length: int, filename: str, is_witness_statement: bool
) -> StagedUpload:
    """Reserve an upload of ``length`` bytes: checked against the size limit before any byte
    is sent, and against the learner's number of uploads in progress."""
    limit = settings.EVIDENCE_MAX_UPLOAD_BYTES
    if length <= 0:
        raise UploadError(
            400, "This file is empty (0 bytes); choose the file again or pick another."
        )
    if length > limit:
        raise UploadError(413, too_large_message(limit))
    if len(filename) > 1000:
        raise UploadError(400, "The file's name is too long; rename it and try again.")
    open_uploads = sum(1 for staged in _all_staged() if staged.user_id == user_id)
    if open_uploads >= MAX_OPEN_UPLOADS:
        raise UploadError(
            429,
            f"You already have {open_uploads} uploads in progress; let them finish (or wait a "
            "day for unfinished ones to be cleared) and try again.",
        )
    staged = StagedUpload(
        upload_id=secrets.token_hex(16),
        user_id=user_id,
        item_id=item_id,
        length=length,
        filename=filename or "upload",
        is_witness_statement=is_witness_statement,
    )
    staged.data_path.touch(mode=0o600, exist_ok=False)
    staged.info_path.write_text(json.dumps(asdict(staged)))
    return staged


def staged_upload_get(upload_id: str) -> StagedUpload | None:
    if not UPLOAD_ID.match(upload_id):
        return None
    try:
        info = json.loads((staging_root() / f"{upload_id}.json").read_text())
        return StagedUpload(**info)
    except (FileNotFoundError, ValueError, TypeError):
        return None


def staged_upload_append(
    *, staged: StagedUpload, offset: int, body: IO[bytes], body_length: int
) -> tuple[int, str | None]:
    """Append the request body at ``offset``, hashing as it is written. Returns the new
    offset and, once the last byte is in, the file's SHA-256.

    Refuses a wrong offset (409), more bytes than declared (413) and a second request
    writing to the same upload at once (409). A connection dropped mid-body keeps what
    arrived: the client asks for the offset (HEAD) and sends the rest.
    """
    if body_length < 0:
        raise UploadError(411, "The upload request must say its length (Content-Length).")
    with _locked(staged) as data:
        current = os.fstat(data.fileno()).st_size
        if offset != current:
            raise UploadError(
                409, f"The upload is at byte {current}, not {offset}; resume from {current}."
            )
        if offset + body_length > staged.length:
            raise UploadError(
                413,
                f"This request would take the file past its declared {staged.length} bytes; "
                "nothing of it was kept.",
            )
        # Only the request that brings the last byte hashes (reading back what came before
        # it, if anything): one that stops short would hash for nothing.
        finishing = offset + body_length == staged.length
        digest = _BackgroundHash(_digest_of(data, current)) if finishing else None
        data.seek(current)
        received = 0
        try:
            while received < body_length:
                chunk = body.read(min(CHUNK_BYTES, body_length - received))
                if not chunk:
                    break
                data.write(chunk)
                if digest is not None:
                    digest.update(chunk)
                received += len(chunk)
        finally:
            sha256 = digest.hexdigest() if digest is not None else None
        data.flush()
        new_offset = current + received
        if new_offset < staged.length or sha256 is None:
            return new_offset, None
        os.fsync(data.fileno())
        os.rename(staged.data_path, staged.complete_path)
        return new_offset, sha256


class _BackgroundHash:
    """Hashes chunks on a second thread while the request thread reads the next one from
    the socket and writes it (hashlib releases the GIL for large updates, so the two run on
    two cores). At most ``QUEUED`` chunks wait, so memory stays bounded."""

    QUEUED = 8

    def __init__(self, digest: Any) -> None:
        self.digest = digest
        self.chunks: queue.Queue[bytes | None] = queue.Queue(maxsize=self.QUEUED)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (chunk := self.chunks.get()) is not None:
            self.digest.update(chunk)

    def update(self, chunk: bytes) -> None:
        self.chunks.put(chunk)

    def hexdigest(self) -> str:
        self.chunks.put(None)
        self.thread.join()
        return self.digest.hexdigest()


@contextlib.contextmanager
def _locked(staged: StagedUpload) -> Iterator[IO[bytes]]:
    """The upload's data file, open for writing under an exclusive lock (not waited for: a
    second request at the same time is refused)."""
    try:
        data = open(staged.data_path, "r+b")  # noqa: SIM115 -- closed below
    except FileNotFoundError:
        raise UploadError(410, "This upload has already finished or was removed.") from None
    with data:
        try:
            fcntl.flock(data.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UploadError(
                409, "Another request is sending this file right now; try again shortly."
            ) from None
        yield data


def staged_upload_terminate(staged: StagedUpload) -> None:
    """Drop an unfinished upload (tus termination): refused while a request is writing to it."""
    with _locked(staged):
        staged_upload_delete(staged)


def _digest_of(data: IO[bytes], length: int) -> Any:
    """SHA-256 of the first ``length`` bytes: the part received before a resumed request."""
    digest = hashlib.sha256()
    data.seek(0)
    remaining = length
    while remaining:
        chunk = data.read(min(CHUNK_BYTES, remaining))
        if not chunk:
            break
        digest.update(chunk)
        remaining -= len(chunk)
    return digest


def staged_upload_delete(staged: StagedUpload) -> None:
    for path in (staged.data_path, staged.complete_path, staged.info_path):
        path.unlink(missing_ok=True)


def _all_staged() -> Iterator[StagedUpload]:
    for info in staging_root().glob("*.json"):
        staged = staged_upload_get(info.stem)
        if staged is not None:
            yield staged


def _younger(path: Path, cutoff: float) -> bool:
    try:
        return path.stat().st_mtime >= cutoff
    except FileNotFoundError:
        return False


def cleanup_stale(*, older_than: datetime.timedelta = STALE_AFTER, now: float | None = None) -> int:
    """Remove uploads in progress untouched for ``older_than`` (and stray staging files).
    Returns how many uploads were removed. Safe to run while uploads go on: a file being
    written to is younger than the cut-off."""
    cutoff = (now if now is not None else time.time()) - older_than.total_seconds()
    removed: set[str] = set()
    for path in staging_root().iterdir():
        if path.suffix not in {".part", ".json", ".complete"}:
            continue
        try:
            stale = path.stat().st_mtime < cutoff
        except FileNotFoundError:
            continue
        if not stale:
            continue
        partners = [path.with_suffix(suffix) for suffix in (".part", ".json", ".complete")]
        if any(_younger(partner, cutoff) for partner in partners):
            continue
        for partner in partners:
            partner.unlink(missing_ok=True)
        removed.add(path.stem)
    if removed:
        logger.info("Removed %s stale uploads in progress", len(removed))
    return len(removed)
