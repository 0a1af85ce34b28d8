"""Assessed evidence is kept (issue 12 item 7): versions after a referral, files removed
only from the current version, deletion refused, withdrawal, and who reads what."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments.models import RecordEntry
from evidence import services
from evidence.models import EvidenceFile, EvidenceItem, EvidenceVersion, private_storage
from evidence.versions import decision_version, item_versions
from review import services as review
from review.status import CriterionStatus, criterion_status
from tests.evidence.helpers import add_file, pdf_bytes, submitted_item


def _referred(people, feedback: str = "Add the signed care plan.") -> EvidenceItem:
    item = submitted_item(people.enrolment, title="First try", description="Version one text.")
    return review.evidence_refer(item=item, assessor=people.assessor, feedback=feedback)


def _entry(action: str) -> RecordEntry:
    return RecordEntry.objects.filter(action=action).latest("sequence")


def test_referral_keeps_the_assessed_version_and_the_record_points_at_it(people) -> None:
    item = _referred(people)
    assert item.was_assessed
    assert _entry(RecordEntry.Action.EVIDENCE_REFERRED).payload["version"] == 1
    services.evidence_update(item=item, title="Second try", description="Version two text.")
    item.refresh_from_db()
    assert (item.version, item.assessed_version) == (2, 1)
    kept = EvidenceVersion.objects.get(item=item, number=1)
    assert (kept.title, kept.description) == ("First try", "Version one text.")
    # Further edits before resubmitting stay in version 2.
    services.evidence_update(item=item, title="Second try, tidied")
    item.refresh_from_db()
    assert item.version == 2
    item = services.evidence_submit(
        item=item, learner=people.learner, declaration_name=people.learner.full_name
    )
    review.evidence_accept(item=item, assessor=people.assessor)
    assert _entry(RecordEntry.Action.EVIDENCE_ACCEPTED).payload["version"] == 2
    assert EvidenceVersion.objects.get(item=item, number=2).title == "Second try, tidied"
    assert EvidenceVersion.objects.get(item=item, number=1).title == "First try"


def test_an_entry_from_before_versions_is_about_version_one() -> None:
    assert decision_version({"item": 3, "reference": "E3"}) == 1
    assert decision_version({"item": 3, "version": 4}) == 4
    assert decision_version(None) == 1


def test_removing_an_assessed_file_removes_it_from_the_current_version_only(
    people, django_capture_on_commit_callbacks
) -> None:
    item = _referred(people)
    [assessed_file] = item.files.all()
    with django_capture_on_commit_callbacks(execute=True):
        services.evidence_file_delete(evidence_file=assessed_file)
    item.refresh_from_db()
    assert item.version == 2
    assert not item.files.exists()
    kept = EvidenceFile.all_versions.get(pk=assessed_file.pk)
    assert kept.removed_in_version == 2
    assert private_storage().exists(kept.file.name)
    new = add_file(item, name="signed.pdf", content=pdf_bytes())
    assert new.added_in_version == 2
    # A file added since the assessment and removed again is deleted for good.
    with django_capture_on_commit_callbacks(execute=True):
        services.evidence_file_delete(evidence_file=new)
    assert not EvidenceFile.all_versions.filter(pk=new.pk).exists()
    assert not private_storage().exists(new.file.name)
    versions = item_versions(item)
    assert [(v.number, [f.pk for f in v.files]) for v in versions] == [
        (1, [assessed_file.pk]),
        (2, []),
    ]


def test_adding_a_file_after_a_referral_starts_version_two(people) -> None:
    item = _referred(people)
    new = add_file(item, name="more.png")
    item.refresh_from_db()
    assert (item.version, new.added_in_version) == (2, 2)
    assert [[f.original_name for f in v.files] for v in item_versions(item)] == [
        ["photo.png"],
        ["photo.png", "more.png"],
    ]


def test_changing_proposed_criteria_after_a_referral_makes_a_version(people) -> None:
    criterion = people.enrolment.standard.criteria.get()
    item = _referred(people)
    services.mapping_set_by_learner(item=item, criteria=[criterion])
    item.refresh_from_db()
    assert item.version == 2
    assert EvidenceVersion.objects.get(item=item, number=1).criteria == []


def test_an_unchanged_save_makes_no_version(people) -> None:
    item = _referred(people)
    services.evidence_update(item=item, title=item.title)
    item.refresh_from_db()
    assert item.version == 1


def test_deleting_an_assessed_item_is_refused_with_a_clear_message(people) -> None:
    item = _referred(people)
    refusal = services.delete_refusal(item)
    assert "has been assessed" in refusal
    assert "withdraw it instead" in refusal
    client = people.client_for(people.learner)
    response = client.post(reverse("evidence:delete", args=[item.pk]), follow=True)
    assert EvidenceItem.objects.filter(pk=item.pk).exists()
    assert "has been assessed" in response.content.decode()
    page = client.get(reverse("evidence:detail", args=[item.pk])).content.decode()
    assert reverse("evidence:delete", args=[item.pk]) not in page
    assert reverse("evidence:withdraw", args=[item.pk]) in page


def test_withdrawing_keeps_the_item_and_it_stops_counting(people) -> None:
    criterion = people.enrolment.standard.criteria.get()
    item = submitted_item(people.enrolment)
    review.mapping_add(item=item, criterion=criterion, assessor=people.assessor)
    review.evidence_refer(item=item, assessor=people.assessor, feedback="Redo.")
    client = people.client_for(people.learner)
    response = client.post(reverse("evidence:withdraw", args=[item.pk]))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == EvidenceItem.Status.WITHDRAWN
    assert item.withdrawn_at is not None
    assert item.files.exists()
    status = criterion_status(judged_met=None, mappings=[(True, item.status)])
    assert status == CriterionStatus.NO_EVIDENCE
    assert "already withdrawn" in services.withdraw_refusal(item)
    assert "has been assessed" in services.delete_refusal(item)
    page = client.get(reverse("evidence:detail", args=[item.pk])).content.decode()
    assert "Withdrawn by the learner" in page
    assert reverse("evidence:withdraw", args=[item.pk]) not in page


def test_only_a_referred_item_may_be_withdrawn(people) -> None:
    item = submitted_item(people.enrolment)
    assert "only after your assessor refers it back" in services.withdraw_refusal(item)
    response = people.client_for(people.learner).post(
        reverse("evidence:withdraw", args=[item.pk]), follow=True
    )
    item.refresh_from_db()
    assert item.status == EvidenceItem.Status.SUBMITTED
    assert "only after your assessor refers it back" in response.content.decode()


@pytest.mark.parametrize("role", ["assessor", "iqa", "admin", "eqa"])
def test_the_assessed_version_stays_readable_to_staff_and_eqa(people, role) -> None:
    item = _referred(people)
    [assessed_file] = item.files.all()
    services.evidence_update(item=item, title="Second try")
    services.evidence_file_delete(evidence_file=assessed_file)
    client = people.client_for(getattr(people, role))
    page = client.get(reverse("evidence:detail", args=[item.pk])).content.decode()
    assert "Version 1" in page
    assert "First try" in page
    download = reverse("evidence:file_download", args=[assessed_file.pk])
    assert download in page
    response = client.get(download)
    assert response.status_code in (200, 302)


def test_an_earlier_versions_file_is_still_out_of_reach_of_others(people) -> None:
    item = _referred(people)
    [assessed_file] = item.files.all()
    services.evidence_file_delete(evidence_file=assessed_file)
    for user in (people.other_learner, people.outsider_admin):
        response = people.client_for(user).get(
            reverse("evidence:file_download", args=[assessed_file.pk])
        )
        assert response.status_code == 404


def test_the_review_page_names_the_version_and_what_changed(people) -> None:
    item = _referred(people)
    [assessed_file] = item.files.all()
    services.evidence_update(item=item, description="Rewritten.")
    services.evidence_file_delete(evidence_file=assessed_file)
    add_file(item, name="signed-plan.png")
    services.evidence_submit(
        item=item, learner=people.learner, declaration_name=people.learner.full_name
    )
    page = (
        people.client_for(people.assessor)
        .get(reverse("review:review", args=[item.pk]))
        .content.decode()
    )
    assert "You are reviewing version 2" in page
    assert "Version 1 was assessed" in page
    assert "Description changed" in page
    assert "File added: signed-plan.png" in page
    assert "File removed: photo.png" in page


def test_the_item_page_reads_versions_in_a_fixed_number_of_queries(
    people, django_assert_max_num_queries
) -> None:
    item = _referred(people)
    client = people.client_for(people.assessor)
    url = reverse("evidence:detail", args=[item.pk])
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for n in range(4):  # four more rounds of referral and change
        services.evidence_update(item=item, title=f"Try {n}")
        add_file(item, name=f"more-{n}.png")
        services.evidence_submit(
            item=item, learner=people.learner, declaration_name=people.learner.full_name
        )
        review.evidence_refer(item=item, assessor=people.assessor, feedback="Again.")
    item.refresh_from_db()
    assert item.version == 5
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert "Version 5" in page
