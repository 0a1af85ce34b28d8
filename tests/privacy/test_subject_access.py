from __future__ import annotations

import datetime
import hashlib
import io
import json
import tracemalloc
import zipfile

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from assessments.models import RecordEntry
from evidence.models import EvidenceFile, private_storage
from portal.privacy import subject_access
from portal.privacy.models import SubjectAccessExport
from tests.evidence.helpers import make_item

URL = reverse("privacy:data_protection")


def _export_via_page(people, subject) -> SubjectAccessExport:
    client = people.client_for(people.admin)
    response = client.post(URL, {"person": subject.pk})
    export = SubjectAccessExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("privacy:subject_export_detail", args=[export.pk])
    return export


def _download(people, export: SubjectAccessExport) -> zipfile.ZipFile:
    response = people.client_for(people.admin).get(
        reverse("privacy:subject_export_download", args=[export.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"].startswith("attachment;")
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_learner_export_holds_their_data_and_files(people, evidence) -> None:
    export = _export_via_page(people, people.learner)
    export.refresh_from_db()
    assert export.status == SubjectAccessExport.Status.DONE
    assert export.progress_done == export.progress_total == 4  # three files and data.json
    assert export.expires_at > timezone.now()
    detail = people.client_for(people.admin).get(
        reverse("privacy:subject_export_detail", args=[export.pk])
    )
    assert "Download subject-access-" in detail.content.decode()

    archive = _download(people, export)
    data = json.loads(archive.read("data.json"))
    assert data["format"] == "competence-portfolio-subject-access/1"
    assert data["subject"]["username"] == "alice"
    assert data["subject"]["full_name"] == "Alice Learner"
    assert data["subject"]["roles"] == ["Learner"]
    assert data["export"]["requested_by"] == "Dave Admin"
    [enrolment] = data["enrolments"]
    assert enrolment["id"] == people.enrolment.pk
    assert enrolment["assessor"] == "Bob Assessor"
    items = {item["title"]: item for item in data["evidence"]}
    assert set(items) == {"Night shift handover", "Medication round"}
    witness = items["Night shift handover"]
    assert witness["witness_name"] == "Wendy Witness"
    assert witness["witness_contact"] == "wendy@example.org"
    assert witness["declaration_name"] == "Alice Learner"
    assert [m["criterion"] for m in data["mappings"]] == ["P1"]
    assert data["mappings"][0]["confirmed_by"] == "Bob Assessor"
    [judgement] = data["judgements"]
    assert judgement["rationale"] == "Clear handover observed by the witness."
    entries = RecordEntry.objects.filter(enrolment=people.enrolment).order_by("sequence")
    assert [e["entry_hash"] for e in data["record_entries"]] == [e.entry_hash for e in entries]
    assert data["files_missing_from_storage"] == []

    # Every file is in the ZIP, byte for byte: its SHA-256 is the one stored at upload.
    listed = [f for item in data["evidence"] for f in item["files"]]
    assert len(listed) == 3
    stored = {f.sha256 for f in evidence["files"]}
    for entry in listed:
        content = archive.read(entry["path"])
        assert hashlib.sha256(content).hexdigest() == entry["sha256"]
        assert entry["sha256"] in stored
    sums = dict(
        reversed(line.split("  ", 1)) for line in archive.read("SHA256SUMS").decode().splitlines()
    )
    assert set(sums) == {entry["path"] for entry in listed} | {"data.json"}
    assert sums["data.json"] == hashlib.sha256(archive.read("data.json")).hexdigest()


def test_staff_export_holds_their_decisions_not_other_learners_names(people, evidence) -> None:
    export = _export_via_page(people, people.assessor)
    archive = _download(people, export)
    text = archive.read("data.json").decode()
    data = json.loads(text)
    assert data["subject"]["roles"] == ["Assessor"]
    assert data["enrolments"] == []
    [staffed] = data["enrolments_as_staff"]
    assert staffed == {**staffed, "id": people.enrolment.pk, "role": "assessor"}
    assert [j["decided_by"] for j in data["judgements"]] == ["Bob Assessor"]
    actions = {e["action"] for e in data["record_entries"]}
    assert {"evidence_accepted", "mapping_added", "judgement"} <= actions
    assert data["evidence"] == []
    assert "Alice Learner" not in text
    assert [name for name in archive.namelist() if name.startswith("files/")] == []


def test_missing_stored_file_is_listed_not_fatal(people, evidence) -> None:
    gone = evidence["files"][0]
    private_storage().delete(gone.file.name)
    export = _export_via_page(people, people.learner)
    archive = _download(people, export)
    data = json.loads(archive.read("data.json"))
    assert len(data["files_missing_from_storage"]) == 1
    assert data["files_missing_from_storage"][0] not in archive.namelist()


def test_another_centres_admin_gets_404_and_a_learner_403(people, evidence) -> None:
    export = _export_via_page(people, people.learner)
    for name in ("subject_export_detail", "subject_export_status", "subject_export_download"):
        url = reverse(f"privacy:{name}", args=[export.pk])
        assert people.client_for(people.outsider_admin).get(url).status_code == 404
        assert people.client_for(people.learner).get(url).status_code == 403
        assert people.client_for(people.eqa).get(url).status_code == 403


def test_admin_cannot_ask_about_another_centres_person(people) -> None:
    response = people.client_for(people.admin).post(URL, {"person": people.outsider_learner.pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not SubjectAccessExport.objects.exists()


def test_expired_download_is_refused_and_pruned(people, evidence) -> None:
    export = _export_via_page(people, people.learner)
    export.refresh_from_db()
    name = export.result.name
    SubjectAccessExport.objects.filter(pk=export.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    url = reverse("privacy:subject_export_download", args=[export.pk])
    assert people.client_for(people.admin).get(url).status_code == 404
    assert subject_access.subject_exports_prune() == 1
    assert not private_storage().exists(name)
    export.refresh_from_db()
    assert export.status == SubjectAccessExport.Status.EXPIRED
    page = people.client_for(people.admin).get(
        reverse("privacy:subject_export_detail", args=[export.pk])
    )
    assert "its file was deleted" in page.content.decode()


def test_building_streams_files_in_bounded_memory(people) -> None:
    """A 24 MB file goes into the ZIP a megabyte at a time: Python's peak stays far below it."""
    item = make_item(people.enrolment)
    content = bytes(range(256)) * (24 * 4096)
    name = private_storage().save("evidence/large-test-file", ContentFile(content))
    EvidenceFile.objects.create(
        item=item,
        file=name,
        original_name="large.bin",
        media_type="application/octet-stream",
        kind=EvidenceFile.Kind.DOCUMENT,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    del content
    export = SubjectAccessExport.objects.create(
        centre=people.centre, subject=people.learner, requested_by=people.admin
    )
    tracemalloc.start()
    try:
        subject_access.subject_export_build(export_id=export.pk)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    export.refresh_from_db()
    assert export.status == SubjectAccessExport.Status.DONE
    assert export.size > 24 * 1024 * 1024
    assert peak < 6 * 1024 * 1024, f"peak {peak / 1024 / 1024:.1f} MiB"
