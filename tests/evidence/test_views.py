"""Learners capture, map and submit evidence through the real pages; files are refused or
served safely; everyone else reads only what they may see."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.storage import storages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from evidence.models import EvidenceFile, EvidenceItem, Mapping
from tests.evidence.helpers import (
    add_file,
    bomb_png,
    make_item,
    pdf_bytes,
    png_bytes,
    submitted_item,
    upload,
)
from tests.factories import CriterionFactory

XHR = {"X-Requested-With": "XMLHttpRequest"}


def _post_file(client, item, name, content, **extra):
    return client.post(
        reverse("evidence:file_upload", args=[item.pk]),
        {"file": upload(name, content), **extra},
        headers=XHR,
    )


def _stored_names() -> set[str]:
    storage = storages["private"]
    if not storage.exists("evidence"):
        return set()
    _dirs, files = storage.listdir("evidence")
    return set(files)


# Creating and editing


def test_learner_creates_a_draft_and_lands_on_it(people, learner_client) -> None:
    response = learner_client.post(
        reverse("evidence:create"),
        {
            "enrolment": people.enrolment.pk,
            "title": "Supporting a resident at lunch",
            "occurred_on": "2026-10-05",
            "evidence_type": "reflective",
            "description": "First paragraph.\n\n<b>Second</b> paragraph.",
        },
    )
    item = EvidenceItem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("evidence:detail", args=[item.pk])
    assert (item.reference, item.status) == ("E1", "draft")
    page = learner_client.get(response["Location"]).content.decode()
    assert "<p>First paragraph.</p>" in page
    assert "&lt;b&gt;Second&lt;/b&gt; paragraph." in page  # escaped, never raw HTML
    assert "✎ Draft" in page


def test_references_count_up_per_enrolment(people) -> None:
    assert [make_item(people.enrolment).reference for _ in range(3)] == ["E1", "E2", "E3"]
    assert make_item(people.outsider_enrolment).reference == "E1"


def test_witness_testimony_needs_the_witness(people, learner_client) -> None:
    response = learner_client.post(
        reverse("evidence:create"),
        {
            "enrolment": people.enrolment.pk,
            "title": "Night shift",
            "occurred_on": "2026-10-05",
            "evidence_type": "witness",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_witness_name"' in page
    assert not EvidenceItem.objects.exists()


def test_future_date_is_refused(people, learner_client) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=2)
    response = learner_client.post(
        reverse("evidence:create"),
        {
            "enrolment": people.enrolment.pk,
            "title": "Later",
            "occurred_on": tomorrow.isoformat(),
            "evidence_type": "product",
        },
    )
    assert "The date cannot be in the future." in response.content.decode()


def test_learner_cannot_add_to_another_learners_enrolment(people, learner_client) -> None:
    response = learner_client.post(
        reverse("evidence:create"),
        {
            "enrolment": people.outsider_enrolment.pk,
            "title": "Not mine",
            "occurred_on": "2026-10-05",
            "evidence_type": "product",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not EvidenceItem.objects.exists()


def test_another_learners_item_is_a_404(people, item) -> None:
    client = people.client_for(people.other_learner)
    for name in ("evidence:detail", "evidence:edit", "evidence:mapping", "evidence:submit"):
        assert client.get(reverse(name, args=[item.pk])).status_code == 404


def test_learner_edits_a_draft(item, learner_client) -> None:
    response = learner_client.post(
        reverse("evidence:edit", args=[item.pk]),
        {"title": "Renamed", "occurred_on": "2026-10-01", "evidence_type": "product"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title == "Renamed"


def test_submitted_item_cannot_be_edited_by_its_learner(people, learner_client) -> None:
    item = submitted_item(people.enrolment)
    response = learner_client.post(
        reverse("evidence:edit", args=[item.pk]),
        {"title": "Changed after submission", "occurred_on": "2026-10-01", "evidence_type": "qa"},
        follow=True,
    )
    item.refresh_from_db()
    assert item.title == "Care plan review"
    assert "cannot be changed" in response.content.decode()
    upload_response = _post_file(learner_client, item, "late.png", png_bytes())
    assert upload_response.status_code == 409
    assert item.files.count() == 1
    delete = learner_client.post(reverse("evidence:file_delete", args=[item.files.get().pk]))
    assert delete.status_code == 302
    assert item.files.count() == 1


def test_referred_item_is_editable_and_resubmittable(people, learner_client) -> None:
    item = submitted_item(people.enrolment)
    EvidenceItem.objects.filter(pk=item.pk).update(status=EvidenceItem.Status.REFERRED)
    response = learner_client.post(
        reverse("evidence:edit", args=[item.pk]),
        {"title": "Improved", "occurred_on": "2026-10-01", "evidence_type": "product"},
    )
    assert response.status_code == 302
    learner_client.post(
        reverse("evidence:submit", args=[item.pk]),
        {"declaration": "on", "declaration_name": people.learner.full_name},
    )
    item.refresh_from_db()
    assert (item.title, item.status) == ("Improved", "submitted")


def test_learner_deletes_a_draft_and_its_stored_files(
    item, learner_client, django_capture_on_commit_callbacks
) -> None:
    add_file(item)
    assert len(_stored_names()) >= 1
    before = _stored_names()
    stored = {item.files.get().file.name.split("/")[-1]}
    with django_capture_on_commit_callbacks(execute=True):
        response = learner_client.post(reverse("evidence:delete", args=[item.pk]))
    assert response.status_code == 302
    assert not EvidenceItem.objects.filter(pk=item.pk).exists()
    assert not (stored & _stored_names())
    assert _stored_names() <= before


# Uploads and refusals


def test_upload_stores_under_a_generated_name_with_hash(item, learner_client) -> None:
    content = png_bytes()
    response = _post_file(learner_client, item, "../../etc/ça\u202eva.png", content)
    assert response.status_code == 201
    row = EvidenceFile.objects.get()
    assert row.file.name.startswith("evidence/") and "ça" not in row.file.name
    assert len(row.file.name.split("/")[-1]) == 32
    assert row.original_name == "çava.png"
    assert (row.media_type, row.kind, row.size) == ("image/png", "image", len(content))
    import hashlib

    assert row.sha256 == hashlib.sha256(content).hexdigest()
    assert row.thumbnail.name.startswith("evidence/thumbnails/")
    assert "çava.png" in response.json()["saved"][0]["html"]


def test_upload_without_javascript_redirects_with_messages(item, learner_client) -> None:
    response = learner_client.post(
        reverse("evidence:file_upload", args=[item.pk]),
        {"file": [upload("a.pdf", pdf_bytes()), upload("b.pdf", b"MZ" + b"\x00" * 100)]},
        follow=True,
    )
    page = response.content.decode()
    assert "a.pdf was uploaded." in page
    assert "b.pdf: This file is an executable (application/x-msdownload)" in page
    assert item.files.count() == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.pdf", b"MZ\x90\x00" + b"\x00" * 300, "an executable (application/x-msdownload)"),
        ("page.html", b"<html><body><script>alert(1)</script></body></html>", "(text/html)"),
        (
            "pic.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>x</script></svg>',
            "an SVG image (image/svg+xml)",
        ),
        ("empty.pdf", b"", "empty (0 bytes)"),
        ("bomb.png", bomb_png(), "too large to open safely"),
        ("archive.zip", b"PK\x03\x04" + b"\x00" * 100, "damaged"),
    ],
)
def test_refused_uploads_leave_nothing(item, learner_client, name, content, message) -> None:
    before = _stored_names()
    response = _post_file(learner_client, item, name, content)
    assert response.status_code == 400
    assert message in " ".join(response.json()["errors"])
    assert not EvidenceFile.objects.exists()
    assert _stored_names() == before


def test_oversized_upload_is_stopped_early(item, learner_client, settings) -> None:
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1000
    before = _stored_names()
    response = _post_file(learner_client, item, "big.png", png_bytes((300, 300), "white") * 3)
    assert response.status_code == 413
    assert "larger than the limit of 1000" in response.json()["errors"][0]
    assert not EvidenceFile.objects.exists()
    assert _stored_names() == before


def test_failed_row_write_removes_the_stored_file(item, monkeypatch) -> None:
    before = _stored_names()

    def broken(self, *args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(EvidenceFile, "save", broken)
    with pytest.raises(RuntimeError):
        add_file(item)
    assert _stored_names() == before


def test_witness_statement_file_satisfies_submission(people, learner_client) -> None:
    item = make_item(
        people.enrolment,
        evidence_type="witness",
        witness_name="Sam Senior",
        witness_role="Senior carer",
        witness_relationship="Shift lead",
    )
    submit_url = reverse("evidence:submit", args=[item.pk])
    signed = {"declaration": "on", "declaration_name": people.learner.full_name}
    response = learner_client.post(submit_url, signed)
    assert "Type the witness" in response.content.decode()
    _post_file(learner_client, item, "statement.pdf", pdf_bytes(), is_witness_statement="on")
    assert item.files.get().is_witness_statement
    assert learner_client.post(submit_url, signed).status_code == 302


# Mapping


def test_self_mapping_adds_and_removes_only_proposed_rows(people, item, learner_client) -> None:
    standard = people.enrolment.standard
    p1 = standard.criteria.get(reference="P1")
    k1 = CriterionFactory(
        group__standard=standard, group__kind="knowledge", text="", text_status="missing"
    )
    confirmed = CriterionFactory(group=p1.group, reference="P2", order=2)
    Mapping.objects.create(item=item, criterion=confirmed, confirmed=True)
    page = learner_client.get(reverse("evidence:mapping", args=[item.pk])).content.decode()
    assert "<legend" in page and "text not available in the source document" in page
    assert "Confirmed by your assessor" in page
    url = reverse("evidence:mapping", args=[item.pk])
    learner_client.post(url, {"criteria": [p1.pk, k1.pk]})
    assert set(item.mappings.values_list("criterion__reference", "proposed_by_learner")) == {
        ("P1", True),
        (k1.reference, True),
        ("P2", False),
    }
    learner_client.post(url, {"criteria": [k1.pk]})
    assert set(item.mappings.values_list("criterion__reference", flat=True)) == {k1.reference, "P2"}


def test_criteria_of_another_standard_are_refused(people, item, learner_client) -> None:
    foreign = CriterionFactory(reference="X1")
    response = learner_client.post(
        reverse("evidence:mapping", args=[item.pk]), {"criteria": [foreign.pk]}
    )
    assert response.status_code == 200
    assert not item.mappings.exists()


# Submission


def test_submission_records_the_named_declaration(people, item, learner_client) -> None:
    add_file(item)
    url = reverse("evidence:submit", args=[item.pk])
    wrong = learner_client.post(url, {"declaration": "on", "declaration_name": "Someone Else"})
    assert "must match the name on your account" in wrong.content.decode()
    unticked = learner_client.post(url, {"declaration_name": "Alice Learner"})
    assert "Tick the declaration" in unticked.content.decode()
    response = learner_client.post(
        url, {"declaration": "on", "declaration_name": " alice  learner "}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "submitted"
    assert item.declaration_name == "alice learner"
    assert item.declared_at == item.submitted_at is not None


def test_submit_errors_and_confirmation_read_well(people, item, learner_client) -> None:
    """The error summary doesn't glue a sentence label to its message ("…shown.: Tick…");
    after submitting, the read-only note is said once, not by a message and a box."""
    add_file(item)
    url = reverse("evidence:submit", args=[item.pk])
    unticked = learner_client.post(url, {"declaration_name": "Alice Learner"}).content.decode()
    assert ".: " not in unticked
    assert '<a href="#id_declaration" class="alert-link">Tick the declaration to submit' in (
        unticked
    )
    assert (
        "Your full name: The name must match"
        in learner_client.post(
            url, {"declaration": "on", "declaration_name": "Someone Else"}
        ).content.decode()
    )
    done = learner_client.post(
        url, {"declaration": "on", "declaration_name": "Alice Learner"}, follow=True
    ).content.decode()
    assert f"{item.reference} was submitted for assessment." in done
    assert done.count("read-only") == 1


def test_empty_item_cannot_be_submitted(people, learner_client) -> None:
    item = make_item(people.enrolment, description="")
    response = learner_client.post(
        reverse("evidence:submit", args=[item.pk]),
        {"declaration": "on", "declaration_name": "Alice Learner"},
    )
    assert "Add a file or write a description" in response.content.decode()


# Downloads


def test_download_headers(item, learner_client) -> None:
    row = add_file(item, "Ünïcode report.pdf", pdf_bytes())
    response = learner_client.get(reverse("evidence:file_download", args=[row.pk]))
    assert response["Content-Disposition"] == (
        'attachment; filename="Unicode report.pdf"; '
        "filename*=UTF-8''%C3%9Cn%C3%AFcode%20report.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert learner_client.get(reverse("evidence:file_inline", args=[row.pk])).status_code == 404


def test_images_are_served_inline_under_their_verified_type(item, learner_client) -> None:
    row = add_file(item)
    inline = learner_client.get(reverse("evidence:file_inline", args=[row.pk]))
    assert inline["Content-Type"] == "image/png"
    assert inline["Content-Disposition"].startswith("inline;")
    assert inline["Content-Security-Policy"] == "sandbox; default-src 'none'"
    thumb = learner_client.get(reverse("evidence:file_thumbnail", args=[row.pk]))
    assert thumb["Content-Type"] == "image/jpeg"


def test_inline_media_answers_byte_ranges_so_video_can_seek(item, learner_client) -> None:
    row = add_file(item)
    content = row.file.open("rb").read()
    url = reverse("evidence:file_inline", args=[row.pk])
    whole = learner_client.get(url)
    assert whole.status_code == 200
    assert whole["Accept-Ranges"] == "bytes"
    part = learner_client.get(url, headers={"Range": "bytes=10-19"})
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 10-19/{len(content)}"
    assert part["Content-Length"] == "10"
    assert part["X-Content-Type-Options"] == "nosniff"
    assert part["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert b"".join(part.streaming_content) == content[10:20]
    tail = learner_client.get(url, headers={"Range": "bytes=-5"})
    assert b"".join(tail.streaming_content) == content[-5:]
    open_ended = learner_client.get(url, headers={"Range": "bytes=5-"})
    assert b"".join(open_ended.streaming_content) == content[5:]
    refused = learner_client.get(url, headers={"Range": f"bytes={len(content)}-"})
    assert refused.status_code == 416
    assert refused["Content-Range"] == f"bytes */{len(content)}"


def test_downloads_ignore_ranges_and_send_the_whole_attachment(item, learner_client) -> None:
    row = add_file(item, "report.pdf", pdf_bytes())
    url = reverse("evidence:file_download", args=[row.pk])
    response = learner_client.get(url, headers={"Range": "bytes=0-3"})
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()


def test_another_centres_file_is_a_404(people) -> None:
    row = add_file(make_item(people.outsider_enrolment))
    for user in (people.learner, people.admin, people.assessor, people.eqa):
        client = people.client_for(user)
        assert client.get(reverse("evidence:file_download", args=[row.pk])).status_code == 404


# The list


def test_list_filters_and_shows_status_as_text(people, learner_client) -> None:
    make_item(people.enrolment, title="Draft one")
    submitted_item(people.enrolment, title="Sent one", evidence_type="observation")
    page = learner_client.get(reverse("evidence:list"), {"status": "submitted"}).content.decode()
    assert "Sent one" in page and "Draft one" not in page
    assert "● Submitted" in page
    page = learner_client.get(reverse("evidence:list"), {"q": "draft"}).content.decode()
    assert "Draft one" in page and "Sent one" not in page
    page = learner_client.get(reverse("evidence:list"), {"evidence_type": "observation"})
    assert "Sent one" in page.content.decode()


def test_empty_list_says_what_to_do_next(people, learner_client) -> None:
    page = learner_client.get(reverse("evidence:list")).content.decode()
    assert "Add your first evidence" in page


def test_list_query_count_does_not_grow(people, learner_client) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert learner_client.get(reverse("evidence:list")).status_code == 200
        return len(queries)

    add_file(make_item(people.enrolment))
    few = count()
    for _ in range(6):
        item = make_item(people.enrolment)
        add_file(item)
        add_file(item, "notes.pdf", pdf_bytes())
    assert count() == few


def test_assessor_sees_the_list_read_only(people, item) -> None:
    page = people.client_for(people.assessor).get(reverse("evidence:list")).content.decode()
    assert item.title in page and "Alice Learner" in page
    assert "Add evidence" not in page


def test_signed_off_unit_offers_the_learner_no_editing_controls(people) -> None:
    """A draft left in a signed-off unit can only be moved or deleted; submitted items show
    no Edit, Upload, criteria or Submit (issue: locked items offered them)."""
    from tests.factories import EnrolmentFactory
    from tests.review.helpers import signed_off

    draft = make_item(people.enrolment)
    signed_off(people.enrolment)
    client = people.client_for(people.learner)
    html = client.get(reverse("evidence:detail", args=[draft.pk])).content.decode()
    assert "signed off, so it cannot be changed" in html
    assert "Edit details" not in html and "Submit E1" not in html and "Add files" not in html
    assert "Delete" in html and "Move the draft" not in html  # nowhere to move it yet
    other = EnrolmentFactory(learner=people.learner, centre=people.centre, assessor=people.assessor)
    html = client.get(reverse("evidence:detail", args=[draft.pk])).content.decode()
    assert "Move the draft" in html
    response = client.post(reverse("evidence:edit", args=[draft.pk]), {"title": "x"}, follow=True)
    assert "signed off, so it cannot be changed" in response.content.decode()
    response = client.post(
        reverse("evidence:move", args=[draft.pk]), {"enrolment": other.pk}, follow=True
    )
    draft.refresh_from_db()
    assert draft.enrolment == other and draft.reference == "E1"
    assert not draft.mappings.exists()
    assert "moved to" in response.content.decode()
    accepted = EvidenceItem.objects.filter(enrolment=people.enrolment).first()
    html = client.get(reverse("evidence:detail", args=[accepted.pk])).content.decode()
    assert "Edit details" not in html and "Delete" not in html and "Add files" not in html


def test_a_draft_cannot_move_to_a_signed_off_or_another_learners_enrolment(people) -> None:
    from tests.factories import EnrolmentFactory

    draft = make_item(people.enrolment)
    theirs = EnrolmentFactory(learner=people.other_learner, centre=people.centre)
    client = people.client_for(people.learner)
    client.post(reverse("evidence:move", args=[draft.pk]), {"enrolment": theirs.pk})
    draft.refresh_from_db()
    assert draft.enrolment == people.enrolment
