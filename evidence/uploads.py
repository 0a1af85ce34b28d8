"""An upload handler that refuses an over-size evidence upload before it is spooled to disk.

Installed first in the evidence upload view (which must be ``csrf_exempt`` around an inner
``csrf_protect``, as Django requires when a view changes its upload handlers). It looks at
the request's Content-Length before reading the body and counts the bytes of each file as
they stream, so a request over ``EVIDENCE_MAX_UPLOAD_BYTES`` is stopped without storing
anything more; the rest of the body is drained unread so the client gets the 413.
Django's temporary-file handler, next in the chain, keeps large files on disk.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.template.defaultfilters import filesizeformat

# Multipart boundaries, headers and the few small fields that travel with the file.
ENVELOPE_BYTES = 64 * 1024


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
