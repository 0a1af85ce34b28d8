"""Sign-off, countersignature, reopening and the IQA's sampling: the services and the state
walk of ``review.status``."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from assessments.errors import IncompleteError, NotPermittedError
from assessments.models import Enrolment, IqaSample, RecordEntry, ReopenRequest
from assessments.record import verify_centre
from assessments.services import LockedError, enrolment_is_locked, ensure_unlocked, record_append
from review import sampling
from review.selectors import iqa_referrals
from review.services import criterion_judge
from review.sign_off import unit_countersign, unit_reopen, unit_sign_off
from review.status import EnrolmentState, state_of
from tests.review.helpers import complete, signed_off


def _sign_off(people, **overrides):
    kwargs = {"enrolment": people.enrolment, "assessor": people.assessor, "password": "password"}
    return unit_sign_off(**{**kwargs, **overrides})


def _entry(action: str) -> RecordEntry:
    return RecordEntry.objects.filter(action=action).latest("sequence")


def test_sign_off_checks_completeness_itself(people) -> None:
    with pytest.raises(IncompleteError, match="P1"):
        _sign_off(people)
    complete(people.enrolment)
    with pytest.raises(ValidationError, match="not your password"):
        _sign_off(people, password="wrong")
    with pytest.raises(NotPermittedError):
        _sign_off(people, assessor=people.iqa)
    assert not enrolment_is_locked(people.enrolment)
    assert not RecordEntry.objects.filter(action="signed_off").exists()


def test_sign_off_locks_then_countersign_then_reopen_unlocks(people) -> None:
    sign_off = signed_off(people.enrolment)
    assert people.enrolment.learner.full_name in sign_off.assessor_declaration
    assert enrolment_is_locked(people.enrolment)
    with pytest.raises(LockedError):
        ensure_unlocked(people.enrolment)
    with pytest.raises(LockedError):
        _sign_off(people)
    with pytest.raises(NotPermittedError):
        unit_countersign(enrolment=people.enrolment, learner=people.other_learner)
    unit_countersign(enrolment=people.enrolment, learner=people.learner)
    people.enrolment.refresh_from_db()
    assert people.enrolment.status == Enrolment.Status.COMPLETED
    with pytest.raises(ValidationError, match="already"):
        unit_countersign(enrolment=people.enrolment, learner=people.learner)
    with pytest.raises(NotPermittedError):
        unit_reopen(enrolment=people.enrolment, admin=people.outsider_admin, reason="x")
    with pytest.raises(NotPermittedError):
        unit_reopen(enrolment=people.enrolment, admin=people.assessor, reason="x")
    with pytest.raises(ValidationError):
        unit_reopen(enrolment=people.enrolment, admin=people.admin, reason="  ")
    unit_reopen(enrolment=people.enrolment, admin=people.admin, reason="EQA found a gap in K3.")
    people.enrolment.refresh_from_db()
    assert people.enrolment.status == Enrolment.Status.ACTIVE
    assert not enrolment_is_locked(people.enrolment)
    actions = list(RecordEntry.objects.order_by("sequence").values_list("action", flat=True))
    assert actions[-3:] == ["signed_off", "countersigned", "reopened"]
    assert verify_centre(people.centre.pk).first_break is None


def test_countersign_needs_a_sign_off(people) -> None:
    with pytest.raises(ValidationError):
        unit_countersign(enrolment=people.enrolment, learner=people.learner)


def test_the_state_walk(people) -> None:
    enrolment = people.enrolment
    assert state_of(enrolment) == EnrolmentState.IN_PROGRESS
    signed_off(enrolment)
    assert state_of(enrolment) == EnrolmentState.AWAITING_LEARNER
    entry = _entry("signed_off")
    # The IQA may not verify before the learner countersigns, and is not offered it.
    assert sampling.sampling_refusal(entry, "agreed")
    with pytest.raises(ValidationError, match="countersigned"):
        sampling.iqa_sample_record(entry=entry, iqa=people.iqa, outcome="agreed", feedback="")
    unit_countersign(enrolment=enrolment, learner=people.learner)
    assert state_of(enrolment) == EnrolmentState.AWAITING_IQA
    sampling.iqa_sample_record(entry=entry, iqa=people.iqa, outcome="agreed", feedback="")
    assert state_of(enrolment) == EnrolmentState.IQA_VERIFIED
    enrolment.sign_offs.get().iqa_verified_by == people.iqa  # noqa: B015


def test_iqa_referral_of_a_signed_off_unit_asks_the_admin_to_reopen(people) -> None:
    enrolment = people.enrolment
    signed_off(enrolment)
    unit_countersign(enrolment=enrolment, learner=people.learner)
    judgement = _entry("judgement")
    sample = sampling.iqa_sample_record(
        entry=judgement, iqa=people.iqa, outcome="referred", feedback="Rationale too thin."
    )
    request = ReopenRequest.objects.get()
    assert request.sample == sample and request.criterion.reference == "P1"
    assert request.reason == "Rationale too thin."
    assert state_of(enrolment) == EnrolmentState.REOPEN_REQUESTED
    assert _entry("reopen_requested").payload["criterion"] == "P1"
    unit_reopen(enrolment=enrolment, admin=people.admin, reason="IQA referral on P1.")
    request.refresh_from_db()
    assert request.resolved_by == people.admin and request.resolved_at
    assert state_of(enrolment) == EnrolmentState.IN_PROGRESS
    # The referral shows against its criterion until the assessor judges it again.
    criterion = enrolment.standard.criteria.get()
    assert [s.pk for s in iqa_referrals(enrolment)[criterion.pk]] == [sample.pk]
    with pytest.raises(IncompleteError, match="referred P1 back"):
        _sign_off(people)
    criterion_judge(
        enrolment=enrolment,
        criterion=criterion,
        assessor=people.assessor,
        met=True,
        rationale="Observed twice, see E1.",
    )
    assert criterion.pk not in iqa_referrals(enrolment)
    _sign_off(people)
    assert state_of(enrolment) == EnrolmentState.AWAITING_LEARNER
    assert verify_centre(people.centre.pk).first_break is None


def test_iqa_agrees_or_refers(people) -> None:
    judgement_entry = record_append(
        enrolment=people.enrolment, actor=people.assessor, action="judgement", payload={}
    )
    with pytest.raises(NotPermittedError):
        sampling.iqa_sample_record(
            entry=judgement_entry, iqa=people.assessor, outcome="agreed", feedback=""
        )
    with pytest.raises(ValidationError):
        sampling.iqa_sample_record(
            entry=judgement_entry, iqa=people.iqa, outcome="referred", feedback=""
        )
    sample = sampling.iqa_sample_record(
        entry=judgement_entry, iqa=people.iqa, outcome="referred", feedback="Rationale thin."
    )
    assert sample.assessor == people.assessor
    assert not ReopenRequest.objects.exists()  # the unit is not locked: no reopening needed
    with pytest.raises(ValidationError, match="already"):
        sampling.iqa_sample_record(
            entry=judgement_entry, iqa=people.iqa, outcome="agreed", feedback=""
        )
    referred = _entry("iqa_referred")
    assert referred.payload["sampled_hash"] == judgement_entry.entry_hash
    assert IqaSample.objects.count() == 1
    with pytest.raises(ValidationError, match="Only assessment decisions"):
        sampling.iqa_sample_record(entry=referred, iqa=people.iqa, outcome="agreed", feedback="")
