from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessments import services
from assessments.models import Enrolment, IqaSample, RecordEntry
from assessments.record import verify_centre

P1 = "P1"


def _criterion(people):
    return people.enrolment.standard.criteria.get(reference=P1)


def _sign_off(people, **overrides):
    kwargs = {
        "enrolment": people.enrolment,
        "assessor": people.assessor,
        "password": "password",
        "unmet": [],
    }
    return services.unit_sign_off(**{**kwargs, **overrides})


def test_judgement_is_recorded_and_updated_in_place(people) -> None:
    criterion = _criterion(people)
    services.judgement_record(
        enrolment=people.enrolment,
        criterion=criterion,
        assessor=people.assessor,
        met=True,
        rationale="Met holistically across E1 and E2.",
    )
    judgement = services.judgement_record(
        enrolment=people.enrolment,
        criterion=criterion,
        assessor=people.assessor,
        met=False,
        rationale="On reflection, E2 is not the learner's own.",
    )
    assert people.enrolment.judgements.count() == 1
    assert judgement.met is False
    entries = RecordEntry.objects.filter(action="judgement").order_by("sequence")
    assert [e.payload["met"] for e in entries] == [True, False]


@pytest.mark.parametrize("who", ["iqa", "admin", "learner", "other_learner"])
def test_only_the_assessor_judges(people, who) -> None:
    with pytest.raises(PermissionDenied):
        services.judgement_record(
            enrolment=people.enrolment,
            criterion=_criterion(people),
            assessor=getattr(people, who),
            met=True,
            rationale="",
        )
    assert not RecordEntry.objects.exists()


def test_sign_off_refusals(people) -> None:
    with pytest.raises(ValidationError, match="not your password"):
        _sign_off(people, password="wrong")
    with pytest.raises(ValidationError, match="P1"):
        _sign_off(people, unmet=["P1"])
    with pytest.raises(PermissionDenied):
        _sign_off(people, assessor=people.iqa)
    assert not services.enrolment_is_locked(people.enrolment)
    assert not RecordEntry.objects.exists()


def test_sign_off_locks_then_countersign_completes_then_reopen_unlocks(people) -> None:
    sign_off = _sign_off(people, file_hashes=["c" * 64])
    assert people.enrolment.learner.full_name in sign_off.assessor_declaration
    assert services.enrolment_is_locked(people.enrolment)
    with pytest.raises(services.LockedError):
        services.ensure_unlocked(people.enrolment)
    with pytest.raises(services.LockedError):
        services.judgement_record(
            enrolment=people.enrolment,
            criterion=_criterion(people),
            assessor=people.assessor,
            met=False,
            rationale="",
        )
    with pytest.raises(services.LockedError):
        _sign_off(people)
    with pytest.raises(PermissionDenied):
        services.unit_countersign(enrolment=people.enrolment, learner=people.other_learner)
    services.unit_countersign(enrolment=people.enrolment, learner=people.learner)
    people.enrolment.refresh_from_db()
    assert people.enrolment.status == Enrolment.Status.COMPLETED
    with pytest.raises(ValidationError, match="already"):
        services.unit_countersign(enrolment=people.enrolment, learner=people.learner)
    with pytest.raises(PermissionDenied):
        services.unit_reopen(enrolment=people.enrolment, admin=people.outsider_admin, reason="x")
    with pytest.raises(PermissionDenied):
        services.unit_reopen(enrolment=people.enrolment, admin=people.assessor, reason="x")
    with pytest.raises(ValidationError):
        services.unit_reopen(enrolment=people.enrolment, admin=people.admin, reason="  ")
    services.unit_reopen(
        enrolment=people.enrolment, admin=people.admin, reason="EQA found a gap in K3."
    )
    people.enrolment.refresh_from_db()
    assert people.enrolment.status == Enrolment.Status.ACTIVE
    assert not services.enrolment_is_locked(people.enrolment)
    actions = list(RecordEntry.objects.order_by("sequence").values_list("action", flat=True))
    assert actions == ["signed_off", "countersigned", "reopened"]
    assert RecordEntry.objects.get(action="signed_off").file_hashes == ["c" * 64]
    assert verify_centre(people.centre.pk).first_break is None


def test_countersign_needs_a_sign_off(people) -> None:
    with pytest.raises(ValidationError):
        services.unit_countersign(enrolment=people.enrolment, learner=people.learner)


def test_iqa_agrees_or_refers(people) -> None:
    judgement_entry = services.record_append(
        enrolment=people.enrolment, actor=people.assessor, action="judgement", payload={}
    )
    sign_off_entry = RecordEntry.objects.get(
        pk=_sign_off(people) and RecordEntry.objects.get(action="signed_off").pk
    )
    with pytest.raises(PermissionDenied):
        services.iqa_sample_record(
            entry=judgement_entry, iqa=people.assessor, outcome="agreed", feedback=""
        )
    with pytest.raises(ValidationError):
        services.iqa_sample_record(
            entry=sign_off_entry, iqa=people.iqa, outcome="referred", feedback=""
        )
    sample = services.iqa_sample_record(
        entry=sign_off_entry, iqa=people.iqa, outcome="agreed", feedback=""
    )
    assert sample.assessor == people.assessor
    services.iqa_sample_record(
        entry=judgement_entry, iqa=people.iqa, outcome="referred", feedback="Rationale thin."
    )
    with pytest.raises(ValidationError, match="already"):
        services.iqa_sample_record(
            entry=judgement_entry, iqa=people.iqa, outcome="agreed", feedback=""
        )
    agreed = RecordEntry.objects.get(action="iqa_agreed")
    assert agreed.payload["sampled_hash"] == sign_off_entry.entry_hash
    assert IqaSample.objects.count() == 2
    reopened = RecordEntry.objects.filter(action="iqa_agreed").get()
    with pytest.raises(ValidationError, match="Only assessment decisions"):
        services.iqa_sample_record(entry=reopened, iqa=people.iqa, outcome="agreed", feedback="")
