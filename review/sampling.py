"""The IQA's sampling of an assessor's decisions.

Agreeing the sign-off of a countersigned unit verifies it (the last step of the walk in
``review.status``). Referring back any decision of a signed-off unit cannot reach the
assessor while the unit is locked, so it becomes a ``ReopenRequest`` for the centre admin,
with the IQA's reason; reopening returns the unit to the assessor with the referral shown
against its criterion.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from assessments.errors import NotPermittedError, WrongStateError
from assessments.models import IqaSample, RecordEntry, ReopenRequest
from assessments.services import open_sign_off, record_append
from standards.models import Criterion

Action = RecordEntry.Action
Outcome = IqaSample.Outcome

# Decisions an IQA may sample: the assessor's own judgements on evidence and criteria.
SAMPLEABLE_ACTIONS = (
    Action.EVIDENCE_ACCEPTED,
    Action.EVIDENCE_REFERRED,
    Action.JUDGEMENT,
    Action.SIGNED_OFF,
)


def sampling_refusal(entry: RecordEntry, outcome: str) -> str:
    """Why this outcome cannot be recorded on the entry now, or "" if it can. The sampling
    page asks this before offering an outcome, and the service refuses with the same words."""
    if entry.action not in SAMPLEABLE_ACTIONS:
        return "Only assessment decisions and sign-offs can be sampled."
    if _sampled(entry):
        return "This decision has already been sampled."
    if outcome == Outcome.AGREED and entry.action == Action.SIGNED_OFF:
        sign_off = open_sign_off(entry.enrolment)
        is_open = sign_off is not None and sign_off.pk == entry.payload.get("sign_off")
        if is_open and not sign_off.is_countersigned:
            return "The learner has not countersigned this sign-off yet: verify it once they have."
    return ""


def _sampled(entry: RecordEntry) -> bool:
    return IqaSample.objects.filter(entry=entry).exists()


@transaction.atomic
def iqa_sample_record(*, entry: RecordEntry, iqa: Any, outcome: str, feedback: str) -> IqaSample:
    """The IQA agrees with (countersigns) or refers back one assessor decision."""
    enrolment = entry.enrolment
    if enrolment is None or enrolment.iqa_id is None or enrolment.iqa_id != iqa.pk:
        raise NotPermittedError("Only the enrolment's IQA may sample its decisions.")
    if outcome not in Outcome.values:
        raise WrongStateError({"outcome": "Choose agree or refer back."})
    refusal = sampling_refusal(entry, outcome)
    if refusal:
        raise WrongStateError(refusal)
    sample = IqaSample(
        entry=entry,
        enrolment=enrolment,
        assessor_id=entry.actor_id,
        outcome=outcome,
        feedback=feedback.strip(),
        sampled_by=iqa,
        sampled_at=timezone.now(),
    )
    if outcome == Outcome.REFERRED and not sample.feedback:
        raise WrongStateError({"feedback": "Say what the assessor needs to put right."})
    sample.full_clean()
    sample.save()
    record_append(
        enrolment=enrolment,
        actor=iqa,
        action=Action.IQA_AGREED if outcome == Outcome.AGREED else Action.IQA_REFERRED,
        payload={
            "sampled_entry": entry.sequence,
            "sampled_hash": entry.entry_hash,
            "sampled_action": entry.action,
            "criterion": entry.payload.get("criterion", ""),
            "reference": entry.payload.get("reference", ""),
            "feedback": sample.feedback,
        },
        file_hashes=entry.file_hashes,
    )
    sign_off = open_sign_off(enrolment)
    if sign_off is None:
        return sample
    if outcome == Outcome.AGREED and sign_off.pk == entry.payload.get("sign_off"):
        sign_off.iqa_verified_by = iqa
        sign_off.iqa_verified_at = sample.sampled_at
        sign_off.full_clean()
        sign_off.save(update_fields=["iqa_verified_by", "iqa_verified_at"])
    elif outcome == Outcome.REFERRED:
        _reopen_request(sample=sample, sign_off=sign_off, entry=entry, iqa=iqa)
    return sample


def _reopen_request(*, sample: IqaSample, sign_off: Any, entry: RecordEntry, iqa: Any) -> None:
    criterion_id = entry.payload.get("criterion_id") if entry.action == Action.JUDGEMENT else None
    criterion = Criterion.objects.filter(pk=criterion_id).first() if criterion_id else None
    request = ReopenRequest(
        enrolment=sample.enrolment,
        sign_off=sign_off,
        sample=sample,
        criterion=criterion,
        requested_by=iqa,
        reason=sample.feedback,
        requested_at=sample.sampled_at,
    )
    request.full_clean()
    request.save()
    record_append(
        enrolment=sample.enrolment,
        actor=iqa,
        action=Action.REOPEN_REQUESTED,
        payload={
            "reopen_request": request.pk,
            "sign_off": sign_off.pk,
            "criterion": criterion.reference if criterion else "",
            "reason": request.reason,
        },
    )
