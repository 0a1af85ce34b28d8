"""Resumable uploads (the tus protocol, ``evidence.resumable_views``): create, send in parts,
resume at the server's offset, drop; refusals (wrong offset, too long, not theirs, locked
item, type and active content, malware scan) and the clean-up of stale uploads."""

from __future__ import annotations

import base64
import datetime
import hashlib
import io
import os
import time

import pytest
from django.core.files.storage import storages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from evidence import uploads
from evidence.models import EvidenceFile
from tests.evidence.helpers import make_item, pdf_bytes, png_bytes, submitted_item
from tests.security import corpus

TUS = {"Tus-Resumable": "1.0.0"}
OFFSET_TYPE = "application/offset+octet-stream"


def _metadata(**pairs: str) -> str:
    return ",".join(
        f"{key} {base64.b64encode(value.encode()).decode()}" for key, value in pairs.items()
    )


def _create(client, item, length: int, name: str = "photo.png", **headers):
    return client.post(
        reverse("evidence:upload_start", args=[item.pk]),
        headers={
            **TUS,
            "Upload-Length": str(length),
            "Upload-Metadata": _metadata(filename=name),
            **headers,
        },
    )


def _patch(client, location: str, offset: int, data: bytes, **headers):
    return client.patch(
        location,
        data,
        content_type=OFFSET_TYPE,
        headers={**TUS, "Upload-Offset": str(offset), **headers},
    )


def _head(client, location: str):
    return client.head(location, headers=TUS)


def _staged_files() -> list[str]:
    return sorted(path.name for path in uploads.staging_root().iterdir())


@pytest.fixture(autouse=True)
def _empty_staging():
    for path in uploads.staging_root().iterdir():
        path.unlink()


def test_options_tells_what_the_server_supports(learner_client, item) -> None:
    response = learner_client.options(reverse("evidence:upload_start", args=[item.pk]))
    assert response.status_code == 204
    assert response["Tus-Version"] == "1.0.0"
    assert response["Tus-Extension"] == "creation,termination"
    assert int(response["Tus-Max-Size"]) > 0


def test_upload_in_parts_records_the_files_sha256(learner_client, item) -> None:
    content = png_bytes((300, 200))
    created = _create(learner_client, item, len(content), "ward photo.png")
    assert created.status_code == 201
    location = created["Location"]
    assert location.startswith("/evidence/uploads/")
    assert _head(learner_client, location)["Upload-Offset"] == "0"

    half = len(content) // 2
    first = _patch(learner_client, location, 0, content[:half])
    assert first.status_code == 204 and first["Upload-Offset"] == str(half)
    assert "Evidence-File-Id" not in first
    head = _head(learner_client, location)
    assert (head.status_code, head["Upload-Offset"], head["Upload-Length"]) == (
        200,
        str(half),
        str(len(content)),
    )
    assert head["Cache-Control"] == "no-store"

    last = _patch(learner_client, location, half, content[half:])
    assert last.status_code == 204 and last["Upload-Offset"] == str(len(content))
    row = EvidenceFile.objects.get(pk=last["Evidence-File-Id"])
    assert row.item_id == item.pk
    assert row.original_name == "ward photo.png"
    assert row.size == len(content)
    assert row.sha256 == hashlib.sha256(content).hexdigest()
    assert row.media_type == "image/png" and row.thumbnail
    with storages["private"].open(row.file.name, "rb") as stored:
        assert stored.read() == content
    assert _staged_files() == []  # moved into place, nothing left behind
    assert _head(learner_client, location).status_code == 404


def test_whole_file_in_one_request(learner_client, item) -> None:
    content = pdf_bytes()
    location = _create(learner_client, item, len(content), "report.pdf")["Location"]
    response = _patch(learner_client, location, 0, content)
    assert response.status_code == 204
    row = EvidenceFile.objects.get()
    assert (row.media_type, row.sha256) == (
        "application/pdf",
        hashlib.sha256(content).hexdigest(),
    )


def test_resume_after_a_dropped_connection(people, learner_client, item) -> None:
    """The body stops short of its Content-Length (the client went away): what arrived is
    kept, HEAD says how much, and the rest completes the file with the right SHA-256."""
    content = png_bytes((120, 90))
    location = _create(learner_client, item, len(content))["Location"]
    staged = uploads.staged_upload_get(location.rstrip("/").rsplit("/", 1)[1])
    cut = len(content) // 3
    offset, sha256 = uploads.staged_upload_append(
        staged=staged, offset=0, body=io.BytesIO(content[:cut]), body_length=len(content)
    )
    assert (offset, sha256) == (cut, None)
    offset = int(_head(learner_client, location)["Upload-Offset"])
    assert offset == cut
    assert _patch(learner_client, location, offset, content[offset:]).status_code == 204
    assert EvidenceFile.objects.get().sha256 == hashlib.sha256(content).hexdigest()


def test_wrong_offset_is_a_409_and_changes_nothing(learner_client, item) -> None:
    content = png_bytes()
    location = _create(learner_client, item, len(content))["Location"]
    _patch(learner_client, location, 0, content[:10])
    response = _patch(learner_client, location, 5, content[5:])
    assert response.status_code == 409
    assert "resume from 10" in response.content.decode()
    assert _head(learner_client, location)["Upload-Offset"] == "10"


def test_more_than_declared_is_refused(learner_client, item) -> None:
    content = png_bytes()
    location = _create(learner_client, item, 20)["Location"]
    response = _patch(learner_client, location, 0, content)
    assert response.status_code == 413
    assert "past its declared 20 bytes" in response.content.decode()
    assert _head(learner_client, location)["Upload-Offset"] == "0"


def test_over_the_size_limit_is_refused_before_any_byte(learner_client, item, settings) -> None:
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1000
    response = _create(learner_client, item, 1001)
    assert response.status_code == 413
    assert "larger than the limit of 1000" in response.content.decode()
    assert _staged_files() == []


@pytest.mark.parametrize(
    ("headers", "status", "words"),
    [
        ({"Upload-Length": "abc"}, 400, "whole number in Upload-Length"),
        ({"Upload-Length": "0"}, 400, "empty"),
        ({"Tus-Resumable": "0.2.2"}, 412, "1.0.0 only"),
        ({"Upload-Metadata": "filename ???"}, 400, "metadata is not valid"),
    ],
)
def test_bad_create_requests_say_why(learner_client, item, headers, status, words) -> None:
    response = _create(learner_client, item, 10, **headers)
    assert response.status_code == status
    assert words in response.content.decode()


def test_bad_patch_requests_say_why(learner_client, item) -> None:
    location = _create(learner_client, item, 10)["Location"]
    wrong_type = learner_client.patch(
        location,
        b"x",
        content_type="application/octet-stream",
        headers={**TUS, "Upload-Offset": "0"},
    )
    assert wrong_type.status_code == 415
    no_offset = learner_client.patch(location, b"x", content_type=OFFSET_TYPE, headers=TUS)
    assert no_offset.status_code == 400
    assert learner_client.get(location).status_code == 405


def test_terminate_removes_the_upload(learner_client, item) -> None:
    location = _create(learner_client, item, 100)["Location"]
    _patch(learner_client, location, 0, b"x" * 40)
    assert learner_client.delete(location, headers=TUS).status_code == 204
    assert _staged_files() == []
    assert _head(learner_client, location).status_code == 404


def test_another_learner_or_centre_gets_404_and_readers_403(people, learner_client, item) -> None:
    location = _create(learner_client, item, 100)["Location"]
    for user in (people.other_learner, people.outsider_learner, people.outsider_admin):
        client = people.client_for(user)
        assert _head(client, location).status_code == 404
        assert _patch(client, location, 0, b"x" * 10).status_code == 404
        assert client.delete(location).status_code == 404
        assert _create(client, item, 10).status_code == 404
    for user in (people.assessor, people.iqa, people.admin, people.eqa):
        client = people.client_for(user)
        assert _patch(client, location, 0, b"x" * 10).status_code == 403
        assert _create(client, item, 10).status_code == 403
    assert _head(learner_client, location)["Upload-Offset"] == "0"
    unknown = reverse("evidence:upload", args=["0" * 32])
    assert _head(learner_client, unknown).status_code == 404
    assert _head(learner_client, reverse("evidence:upload", args=["not-an-id"])).status_code == 404


def test_locked_item_is_refused_with_the_reason(people, learner_client) -> None:
    item = submitted_item(people.enrolment)
    response = _create(learner_client, item, 10)
    assert response.status_code == 403
    assert "E1 is submitted, so it cannot be changed" in response.content.decode()


def test_item_locked_while_uploading_stores_nothing(people, learner_client, item) -> None:
    content = png_bytes()
    location = _create(learner_client, item, len(content))["Location"]
    _patch(learner_client, location, 0, content[:10])
    item.status = item.Status.SUBMITTED
    item.submitted_at = timezone.now()
    item.save()
    response = _patch(learner_client, location, 10, content[10:])
    assert response.status_code == 403
    assert "cannot be changed" in response.content.decode()
    assert not EvidenceFile.objects.exists()


def test_csrf_header_is_required(people, item) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.learner)
    page = client.get(reverse("evidence:detail", args=[item.pk]))
    assert _create(client, item, 10).status_code == 403
    token = page.cookies["csrftoken"].value
    assert _create(client, item, 10, **{"X-CSRFToken": token}).status_code == 201


# The same checks as a form upload once the last byte is in


def _upload_whole(client, item, name: str, content: bytes):
    location = _create(client, item, len(content), name)["Location"]
    return _patch(client, location, 0, content)


def _stored() -> set[str]:
    storage = storages["private"]
    return set(storage.listdir("evidence")[1]) if storage.exists("evidence") else set()


def test_wrong_type_is_refused_and_nothing_kept(learner_client, item) -> None:
    before = _stored()
    response = _upload_whole(learner_client, item, "invoice.pdf", b"MZ" + b"\0" * 99)
    assert response.status_code == 422
    assert "an executable (application/x-msdownload)" in response.content.decode()
    assert not EvidenceFile.objects.exists()
    assert _staged_files() == []
    assert _stored() == before


def test_active_content_is_refused(learner_client, item) -> None:
    response = _upload_whole(learner_client, item, "plan.docx", corpus.docm_bytes())
    assert response.status_code == 422
    assert "Office macros (VBA)" in response.content.decode()
    assert not EvidenceFile.objects.exists()
    assert _staged_files() == []


def test_malware_scan_quarantines_an_infected_file(
    learner_client, item, settings, django_capture_on_commit_callbacks
) -> None:
    settings.EVIDENCE_MALWARE_SCANNER = "eicar-test"
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload_whole(learner_client, item, "notes.txt", corpus.EICAR + b"\n")
    assert response.status_code == 204
    row = EvidenceFile.objects.get()
    assert (row.scan_status, row.scan_result) == ("infected", "Eicar-Test-Signature")
    download = learner_client.get(reverse("evidence:file_download", args=[row.pk]))
    assert download.status_code == 404


def test_witness_flag_travels_in_the_metadata(people, learner_client) -> None:
    item = make_item(
        people.enrolment,
        evidence_type="witness",
        witness_name="Sam Witness",
        witness_role="Senior carer",
        witness_relationship="Line manager",
    )
    content = pdf_bytes()
    location = _create(
        learner_client,
        item,
        len(content),
        **{"Upload-Metadata": _metadata(filename="statement.pdf", witness="1")},
    )["Location"]
    assert _patch(learner_client, location, 0, content).status_code == 204
    assert EvidenceFile.objects.get().is_witness_statement


def test_too_many_uploads_in_progress(learner_client, item, monkeypatch) -> None:
    monkeypatch.setattr(uploads, "MAX_OPEN_UPLOADS", 2)
    assert _create(learner_client, item, 10).status_code == 201
    assert _create(learner_client, item, 10).status_code == 201
    response = _create(learner_client, item, 10)
    assert response.status_code == 429
    assert "2 uploads in progress" in response.content.decode()


# Stale uploads


def test_cleanup_removes_only_stale_uploads(learner_client, item) -> None:
    old = _create(learner_client, item, 100)["Location"]
    _patch(learner_client, old, 0, b"x" * 10)
    fresh = _create(learner_client, item, 100)["Location"]
    day_ago = time.time() - 25 * 3600
    old_id = old.rstrip("/").rsplit("/", 1)[1]
    for suffix in (".part", ".json"):
        os.utime(uploads.staging_root() / f"{old_id}{suffix}", (day_ago, day_ago))
    assert uploads.cleanup_stale(older_than=datetime.timedelta(hours=24)) == 1
    assert _head(learner_client, old).status_code == 404
    assert _head(learner_client, fresh).status_code == 200
    assert uploads.cleanup_stale(older_than=datetime.timedelta(0), now=time.time() + 1) == 1
    assert _staged_files() == []


def test_cleanup_command(learner_client, item) -> None:
    from django.core.management import call_command

    location = _create(learner_client, item, 100)["Location"]
    call_command("cleanup_uploads", "--hours", "0")
    assert _head(learner_client, location).status_code == 404


def test_a_second_request_at_the_same_time_is_refused(learner_client, item) -> None:
    import fcntl

    location = _create(learner_client, item, 100)["Location"]
    staged = uploads.staged_upload_get(location.rstrip("/").rsplit("/", 1)[1])
    with open(staged.data_path, "r+b") as busy:
        fcntl.flock(busy.fileno(), fcntl.LOCK_EX)
        response = _patch(learner_client, location, 0, b"x" * 10)
        assert response.status_code == 409
        assert "Another request is sending this file" in response.content.decode()
        assert learner_client.delete(location, headers=TUS).status_code == 409
    assert _head(learner_client, location)["Upload-Offset"] == "0"


def test_a_finished_upload_takes_no_more_bytes(learner_client, item) -> None:
    content = png_bytes()
    location = _create(learner_client, item, len(content))["Location"]
    staged = uploads.staged_upload_get(location.rstrip("/").rsplit("/", 1)[1])
    uploads.staged_upload_append(
        staged=staged, offset=0, body=io.BytesIO(content), body_length=len(content)
    )
    response = learner_client.patch(
        location,
        headers={
            **TUS,
            "Upload-Offset": str(len(content)),
            "Content-Type": OFFSET_TYPE,
            "Content-Length": "0",
        },
    )
    assert response.status_code == 410
    assert "already finished" in response.content.decode()
