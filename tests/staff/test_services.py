"""Writes: certificates checked like evidence uploads, renewals, standardisation references,
actions and observations."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessments.errors import WrongStateError
from evidence.models import private_storage
from portal.staff import services
from portal.staff.models import Qualification
from tests.assessments.helpers import make_item
from tests.factories import EnrolmentFactory, UserFactory
from tests.staff.helpers import png_upload, qualification


def test_certificate_is_stored_privately_with_its_hash(people) -> None:
    row = qualification(people.assessor, certificate=png_upload("My cert.png"))
    assert row.certificate.name.startswith("staff/certificates/")
    assert private_storage().exists(row.certificate.name)
    assert row.certificate_type == "image/png"
    assert row.certificate_name == "My cert.png"
    assert len(row.certificate_sha256) == 64


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("cert.pdf", b"<html><script>alert(1)</script></html>"),
        ("cert.png", b"MZ\x90\x00" + b"\x00" * 200),
        ("cert.txt", b"just some text, not a certificate"),
    ],
)
def test_certificate_refuses_what_is_not_a_pdf_or_photo(people, name, content) -> None:
    with pytest.raises(ValidationError) as error:
        qualification(people.assessor, certificate=SimpleUploadedFile(name, content))
    assert "certificate" in error.value.message_dict
    assert not Qualification.objects.exists()


def test_renewal_replaces_the_certificate_and_opens_a_new_reminder_window(
    people, django_capture_on_commit_callbacks
) -> None:
    today = timezone.localdate()
    row = qualification(
        people.assessor, expires_on=today + datetime.timedelta(days=10), certificate=png_upload()
    )
    old = row.certificate.name
    assert services.qualification_mark_reminded(qualification=row)
    row.refresh_from_db()
    assert not services.qualification_mark_reminded(qualification=row)  # claimed already
    with django_capture_on_commit_callbacks(execute=True):
        renewed = services.qualification_save(
            person=people.assessor,
            fields={"expires_on": today + datetime.timedelta(days=1000)},
            certificate=png_upload("new.png"),
            qualification=row,
        )
    assert renewed.reminded_for is None
    assert renewed.certificate.name != old
    assert not private_storage().exists(old)


def test_expiry_before_achievement_is_refused(people) -> None:
    with pytest.raises(ValidationError):
        qualification(
            people.assessor,
            achieved_on=datetime.date(2025, 1, 1),
            expires_on=datetime.date(2024, 1, 1),
        )


def test_delete_removes_the_stored_certificate(people, django_capture_on_commit_callbacks) -> None:
    row = qualification(people.assessor, certificate=png_upload())
    name = row.certificate.name
    with django_capture_on_commit_callbacks(execute=True):
        services.qualification_delete(qualification=row)
    assert not private_storage().exists(name)


def test_statement_is_one_per_standard_and_replaced(people) -> None:
    standard = people.enrolment.standard
    services.competence_statement_save(person=people.assessor, standard=standard, statement="a")
    services.competence_statement_save(person=people.assessor, standard=standard, statement="b")
    assert list(people.assessor.competence_statements.values_list("statement", flat=True)) == ["b"]


def test_cpd_in_the_future_or_without_hours_is_refused(people) -> None:
    with pytest.raises(ValidationError):
        services.cpd_entry_create(
            person=people.assessor,
            done_on=timezone.localdate() + datetime.timedelta(days=1),
            activity="x",
            hours=1,
            reflection="",
        )
    with pytest.raises(ValidationError):
        services.cpd_entry_create(
            person=people.assessor,
            done_on=timezone.localdate(),
            activity="x",
            hours=0,
            reflection="",
        )


def _activity(people, discussed: str = "") -> object:
    return services.standardisation_activity_create(
        centre=people.centre,
        actor=people.iqa,
        held_on=timezone.localdate(),
        title="Standardisation",
        participants=[people.assessor, people.iqa],
        discussed=discussed,
        outcomes="Agreed.",
    )


def test_discussed_evidence_by_link_of_our_centre_only(people) -> None:
    item = make_item(people.enrolment)
    activity = _activity(people, f"https://portal.example.org/evidence/{item.pk}/review/")
    assert activity.evidence_item == item
    theirs = make_item(people.outsider_enrolment)
    with pytest.raises(ValidationError) as error:
        _activity(people, f"/evidence/{theirs.pk}/")
    assert "No evidence item or decision of your centre" in str(error.value)


def test_discussed_decision_by_its_record_number(people) -> None:
    from assessments.models import RecordEntry
    from assessments.services import record_append

    entry = record_append(
        enrolment=people.enrolment,
        actor=people.assessor,
        action=RecordEntry.Action.JUDGEMENT,
        payload={},
    )
    activity = _activity(people, f"#{entry.sequence}")
    assert activity.record_entry == entry
    with pytest.raises(ValidationError):
        _activity(people, "#999")
    with pytest.raises(ValidationError):
        _activity(people, "some words")


def test_participants_must_be_our_assessors_or_iqas(people) -> None:
    with pytest.raises(ValidationError):
        services.standardisation_activity_create(
            centre=people.centre,
            actor=people.iqa,
            held_on=timezone.localdate(),
            title="S",
            participants=[people.learner],
            discussed="",
            outcomes="x",
        )


def test_an_action_closes_once(people) -> None:
    action = services.standardisation_action_add(
        activity=_activity(people),
        actor=people.iqa,
        text="Re-check",
        owner=people.assessor,
        due_on=timezone.localdate(),
    )
    closed = services.standardisation_action_close(
        action=action, actor=people.assessor, note="Done"
    )
    assert closed.closed_by == people.assessor and closed.closed_at
    with pytest.raises(WrongStateError):
        services.standardisation_action_close(action=action, actor=people.iqa, note="")


def test_action_owner_must_be_of_the_centre(people) -> None:
    with pytest.raises(ValidationError):
        services.standardisation_action_add(
            activity=_activity(people),
            actor=people.iqa,
            text="x",
            owner=people.outsider_admin,
            due_on=timezone.localdate(),
        )


def _observation(people, enrolment=None) -> object:
    return services.observation_create(
        centre=people.centre,
        observer=people.iqa,
        assessor=people.assessor,
        enrolment=enrolment or people.enrolment,
        observed_on=timezone.localdate(),
        setting="Workplace",
        outcome="meets",
        feedback="Good.",
    )


def test_observation_of_a_learner_the_assessor_does_not_assess_is_refused(people) -> None:
    other = EnrolmentFactory(
        learner=people.other_learner,
        centre=people.centre,
        standard=people.enrolment.standard,
        assessor=UserFactory(centre=people.centre, is_assessor=True),
    )
    with pytest.raises(ValidationError):
        _observation(people, other)


def test_only_the_observed_assessor_acknowledges_once(people) -> None:
    observation = _observation(people)
    with pytest.raises(WrongStateError):
        services.observation_acknowledge(observation=observation, assessor=people.iqa)
    services.observation_acknowledge(observation=observation, assessor=people.assessor)
    observation.refresh_from_db()
    assert observation.acknowledged_at is not None
    with pytest.raises(WrongStateError):
        services.observation_acknowledge(observation=observation, assessor=people.assessor)
