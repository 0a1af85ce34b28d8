"""Resumable evidence uploads: the server side of the tus 1.0 protocol (core, creation and
termination), for the learner's own editable items.

- ``OPTIONS /evidence/<pk>/uploads/`` what the server supports;
- ``POST /evidence/<pk>/uploads/`` with ``Upload-Length`` and ``Upload-Metadata`` (filename,
  witness) reserves an upload and answers 201 with its ``Location``;
- ``HEAD /evidence/uploads/<id>/`` tells how many bytes have arrived (``Upload-Offset``);
- ``PATCH /evidence/uploads/<id>/`` (``application/offset+octet-stream``) appends the body at
  ``Upload-Offset``; the request that brings the last byte checks and stores the file and
  answers with its ``Evidence-File-Id``;
- ``DELETE /evidence/uploads/<id>/`` drops an unfinished upload.

The body is read from the request as a stream, one chunk at a time (never ``request.FILES``),
so memory stays flat whatever the size. Non-GET requests pass Django's CSRF check through
the ``X-CSRFToken`` header. Refusals answer with a status and the reason as plain text, which
the page shows (``evidence/upload.js``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from evidence import services
from evidence.access import get_item_for, get_upload_for
from evidence.filetypes import Refused
from evidence.services import EvidenceLocked
from evidence.uploads import (
    TUS_VERSION,
    UploadError,
    parse_metadata,
    staged_upload_append,
    staged_upload_create,
    staged_upload_delete,
    staged_upload_terminate,
)

OFFSET_TYPE = "application/offset+octet-stream"


def _tus(response: HttpResponse) -> HttpResponse:
    response["Tus-Resumable"] = TUS_VERSION
    response["Cache-Control"] = "no-store"
    return response


def _refuse(status: int, message: str) -> HttpResponse:
    return _tus(HttpResponse(message, status=status, content_type="text/plain; charset=utf-8"))


def _header_int(request: HttpRequest, name: str) -> int:
    value = request.headers.get(name, "")
    if not value.isdigit():
        raise UploadError(400, f"The upload request needs a whole number in {name}.")
    return int(value)


def _check_version(request: HttpRequest) -> None:
    if request.headers.get("Tus-Resumable") != TUS_VERSION:
        raise UploadError(412, f"This server speaks the tus protocol {TUS_VERSION} only.")


@login_required
@require_http_methods(["OPTIONS", "POST"])
def upload_start(request: HttpRequest, pk: int) -> HttpResponse:
    """Reserve a resumable upload of one file into the learner's own editable item."""
    item = get_item_for(request.user, pk, write=True)
    if request.method == "OPTIONS":
        response = _tus(HttpResponse(status=204))
        response["Tus-Version"] = TUS_VERSION
        response["Tus-Extension"] = "creation,termination"
        response["Tus-Max-Size"] = str(settings.EVIDENCE_MAX_UPLOAD_BYTES)
        return response
    try:
        _check_version(request)
        if refusal := services.edit_refusal(item):
            return _refuse(403, refusal)
        length = _header_int(request, "Upload-Length")
        metadata = parse_metadata(request.headers.get("Upload-Metadata", ""))
        staged = staged_upload_create(
            user_id=request.user.pk,
            item_id=item.pk,
            length=length,
            filename=metadata.get("filename", ""),
            is_witness_statement=metadata.get("witness") == "1",
        )
    except UploadError as error:
        return _refuse(error.status, error.message)
    response = _tus(HttpResponse(status=201))
    response["Location"] = reverse("evidence:upload", args=[staged.upload_id])
    return response


@login_required
@require_http_methods(["HEAD", "PATCH", "DELETE"])
def upload(request: HttpRequest, upload_id: str) -> HttpResponse:
    """The upload in progress: its offset (HEAD), more of its bytes (PATCH), or dropped."""
    staged, item = get_upload_for(request.user, upload_id)
    if request.method == "HEAD":
        response = _tus(HttpResponse(status=200))
        response["Upload-Offset"] = str(staged.offset())
        response["Upload-Length"] = str(staged.length)
        return response
    if request.method == "DELETE":
        try:
            staged_upload_terminate(staged)
        except UploadError as error:
            return _refuse(error.status, error.message)
        return _tus(HttpResponse(status=204))
    try:
        _check_version(request)
        if request.content_type != OFFSET_TYPE:
            raise UploadError(415, f"Send the file's bytes as {OFFSET_TYPE}.")
        if refusal := services.edit_refusal(item):
            return _refuse(403, refusal)
        offset = _header_int(request, "Upload-Offset")
        if "Content-Length" not in request.headers:
            raise UploadError(411, "The upload request must say its length (Content-Length).")
        body_length = _header_int(request, "Content-Length")
        new_offset, sha256 = staged_upload_append(
            staged=staged, offset=offset, body=request, body_length=body_length
        )
    except UploadError as error:
        return _refuse(error.status, error.message)
    response = _tus(HttpResponse(status=204))
    response["Upload-Offset"] = str(new_offset)
    if sha256 is None:
        return response
    try:
        row = services.evidence_file_add_staged(
            item=item,
            staged_path=staged.complete_path,
            original_name=staged.filename,
            size=staged.length,
            sha256=sha256,
            is_witness_statement=staged.is_witness_statement,
        )
    except (Refused, EvidenceLocked) as error:
        return _refuse(422, str(error))
    except ValidationError as error:
        return _refuse(422, " ".join(error.messages))
    finally:
        staged_upload_delete(staged)
    response["Evidence-File-Id"] = str(row.pk)
    return response
