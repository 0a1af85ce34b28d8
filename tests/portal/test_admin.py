"""The admin site: superusers only; decision data read-only to them too; every other change
recorded in the centre's record (``assessments.admin.RecordedAdmin``)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import CriterionJudgement, IqaSample, RecordEntry, UnitSignOff
from assessments.record import verify_centre
from assessments.services import record_append
from evidence.models import Mapping
from portal.centres.models import EqaGrant
from tests.evidence.helpers import add_file, make_item
from tests.factories import UserFactory


@pytest.fixture
def operator(db):
    return UserFactory(username="root", centre=None, is_superuser=True, is_staff=True)


def _admin_client(people, operator):
    return people.client_for(operator)


def _decisions(people) -> dict[str, object]:
    item = make_item(people.enrolment)
    evidence_file = add_file(item)
    criterion = people.enrolment.standard.criteria.get()
    entry = record_append(
        enrolment=people.enrolment,
        actor=people.assessor,
        action=RecordEntry.Action.EVIDENCE_ACCEPTED,
        payload={"item": item.pk, "reference": item.reference},
    )
    now = timezone.now()
    return {
        "evidence_evidenceitem": item,
        "evidence_evidencefile": evidence_file,
        "evidence_mapping": Mapping.objects.create(item=item, criterion=criterion, confirmed=True),
        "assessments_criterionjudgement": CriterionJudgement.objects.create(
            enrolment=people.enrolment,
            criterion=criterion,
            met=True,
            decided_by=people.assessor,
            decided_at=now,
        ),
        "assessments_unitsignoff": UnitSignOff.objects.create(
            enrolment=people.enrolment,
            assessor=people.assessor,
            assessor_declaration="I declare.",
            signed_at=now,
        ),
        "assessments_iqasample": IqaSample.objects.create(
            entry=entry,
            enrolment=people.enrolment,
            assessor=people.assessor,
            outcome=IqaSample.Outcome.AGREED,
            sampled_by=people.iqa,
            sampled_at=now,
        ),
        "assessments_recordentry": entry,
        "standards_standard": people.enrolment.standard,
        "standards_criterion": criterion,
    }


@pytest.mark.parametrize("role", ["eqa", "admin", "assessor", "learner"])
def test_no_portal_role_reaches_the_admin(people, role) -> None:
    response = people.client_for(getattr(people, role)).get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_staff_who_are_not_superusers_get_nothing(people) -> None:
    staff = UserFactory(centre=people.other_centre, is_staff=True)
    response = people.client_for(staff).get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_decision_data_is_read_only_to_superusers(people, operator) -> None:
    client = _admin_client(people, operator)
    record_before = RecordEntry.objects.count()
    for name, obj in _decisions(people).items():
        change = reverse(f"admin:{name}_change", args=[obj.pk])
        assert client.get(change).status_code == 200, name  # readable
        assert client.post(change, {}).status_code == 403, name
        assert client.get(reverse(f"admin:{name}_add")).status_code == 403, name
        assert client.post(reverse(f"admin:{name}_add"), {}).status_code == 403, name
        delete = reverse(f"admin:{name}_delete", args=[obj.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403, name
        assert type(obj).objects.filter(pk=obj.pk).exists(), name
    assert RecordEntry.objects.count() == record_before + 1  # only _decisions' own entry


def _enrolment_form(enrolment, **changes) -> dict[str, str]:
    data = {
        "centre": enrolment.centre_id,
        "learner": enrolment.learner_id,
        "standard": enrolment.standard_id,
        "assessor": enrolment.assessor_id,
        "iqa": enrolment.iqa_id,
        "start_date": enrolment.start_date.isoformat(),
        "target_end_date": enrolment.target_end_date.isoformat(),
        "status": enrolment.status,
    }
    return {**data, **changes}


def test_changing_an_enrolment_is_recorded_and_the_chain_holds(people, operator) -> None:
    enrolment = people.enrolment
    new_end = enrolment.target_end_date + datetime.timedelta(days=30)
    response = _admin_client(people, operator).post(
        reverse("admin:assessments_enrolment_change", args=[enrolment.pk]),
        _enrolment_form(enrolment, target_end_date=new_end.isoformat()),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = RecordEntry.objects.get(action=RecordEntry.Action.ADMIN_CHANGE)
    assert entry.enrolment == enrolment
    assert entry.centre_id == people.centre.pk
    assert entry.actor == operator
    assert entry.payload["model"] == "assessments.enrolment"
    assert entry.payload["change"] == "changed"
    assert entry.payload["fields"] == [
        {
            "field": "target_end_date",
            "old": enrolment.target_end_date.isoformat(),
            "new": new_end.isoformat(),
        }
    ]
    report = verify_centre(people.centre.pk)
    assert report.first_break is None
    assert report.head_hash == entry.entry_hash


def test_a_password_change_is_recorded_without_the_password(people, operator) -> None:
    response = _admin_client(people, operator).post(
        reverse("admin:auth_user_password_change", args=[people.learner.pk]),
        {
            "usable_password": "true",
            "password1": "N3w-pass-phrase!",
            "password2": "N3w-pass-phrase!",
        },
    )
    assert response.status_code == 302
    entry = RecordEntry.objects.get(action=RecordEntry.Action.ADMIN_CHANGE)
    assert entry.centre_id == people.centre.pk and entry.enrolment is None
    assert entry.payload["fields"] == [{"field": "password"}]
    people.learner.refresh_from_db()
    assert people.learner.password not in str(entry.payload)
    assert verify_centre(people.centre.pk).first_break is None


def test_a_grant_is_recorded_in_its_centre(people, operator) -> None:
    expires = timezone.localdate() + datetime.timedelta(days=90)
    response = _admin_client(people, operator).post(
        reverse("admin:centres_eqagrant_add"),
        {"user": people.eqa.pk, "centre": people.other_centre.pk, "expires_on": expires},
    )
    assert response.status_code == 302
    entry = RecordEntry.objects.get(action=RecordEntry.Action.ADMIN_CHANGE)
    assert entry.centre_id == people.other_centre.pk
    assert entry.payload["change"] == "added"
    assert EqaGrant.objects.filter(user=people.eqa, centre=people.other_centre).exists()


def test_deleting_a_grant_is_recorded(people, operator) -> None:
    grant = EqaGrant.objects.get(user=people.eqa)
    response = _admin_client(people, operator).post(
        reverse("admin:centres_eqagrant_delete", args=[grant.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    entry = RecordEntry.objects.get(action=RecordEntry.Action.ADMIN_CHANGE)
    assert (entry.centre_id, entry.payload["change"]) == (people.centre.pk, "deleted")


def test_people_with_no_centre_cannot_be_changed_unrecorded(people, operator) -> None:
    client = _admin_client(people, operator)
    for user in (people.eqa, operator):
        assert (
            client.post(reverse("admin:accounts_user_change", args=[user.pk]), {}).status_code
            == 403
        )
        url = reverse("admin:auth_user_password_change", args=[user.pk])
        assert client.post(url, {}).status_code == 403
    assert not RecordEntry.objects.exists()
