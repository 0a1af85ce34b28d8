"""Writes for assessment decisions. Every decision is appended to the centre's record.

Callers in the evidence app use ``ensure_unlocked`` before changing evidence or mappings
and ``record_append`` to write their own decisions (acceptance, referral, mapping), so that
one chain holds everything.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from assessments.models import (
    GENESIS_HASH,
    CriterionJudgement,
    Enrolment,
    IqaSample,
    RecordEntry,
    UnitSignOff,
)
from standards.models import Criterion

Action = RecordEntry.Action

# Decisions an IQA may sample: the assessor's own judgements on evidence and criteria.
SAMPLEABLE_ACTIONS = (
    Action.EVIDENCE_ACCEPTED,
    Action.EVIDENCE_REFERRED,
    Action.JUDGEMENT,
    Action.SIGNED_OFF,
)


class LockedError(ValidationError):
    """The enrolment's unit is signed off: its work can no longer change."""


def open_sign_off(enrolment: Enrolment) -> UnitSignOff | None:
    return enrolment.sign_offs.filter(reopened_at__isnull=True).first()


def enrolment_is_locked(enrolment: Enrolment) -> bool:
    return enrolment.sign_offs.filter(reopened_at__isnull=True).exists()


def ensure_unlocked(enrolment: Enrolment) -> None:
    """Raise ``LockedError`` when the enrolment is signed off (and not reopened)."""
    if enrolment_is_locked(enrolment):
        raise LockedError(
            "This unit is signed off, so its evidence, mappings and decisions are locked. "
            "Only a centre admin can reopen it."
        )


def _centre_model() -> Any:
    # Reached through the enrolment's FK so that this app never imports the portal.
    return Enrolment._meta.get_field("centre").related_model


def record_append(
    *,
    enrolment: Enrolment,
    actor: Any,
    action: str,
    payload: dict[str, Any],
    file_hashes: Iterable[str] = (),
) -> RecordEntry:
    """Append one entry to the enrolment's centre record, under a lock on the centre row.

    The lock serialises appends per centre, so two assessors acting at once each get the
    next sequence number and the right ``prev_hash``; the unique (centre, sequence)
    constraint is the backstop.
    """
    with transaction.atomic():
        _centre_model().objects.select_for_update().only("pk").get(pk=enrolment.centre_id)
        last = (
            RecordEntry.objects.filter(centre_id=enrolment.centre_id)
            .order_by("-sequence")
            .values("sequence", "entry_hash")
            .first()
        )
        entry = RecordEntry(
            centre_id=enrolment.centre_id,
            sequence=(last["sequence"] + 1) if last else 1,
            actor=actor,
            actor_name=actor.get_full_name() or actor.get_username(),
            recorded_at=timezone.now(),
            action=action,
            enrolment=enrolment,
            payload=payload,
            file_hashes=sorted(set(file_hashes)),
            prev_hash=last["entry_hash"] if last else GENESIS_HASH,
        )
        entry.entry_hash = entry.compute_hash()
        entry.full_clean()
        entry.save()
    return entry


def _require_assessor(enrolment: Enrolment, user: Any) -> None:
    if enrolment.assessor_id is None or enrolment.assessor_id != user.pk:
        raise PermissionDenied("Only the learner's assessor may make this decision.")


@transaction.atomic
def judgement_record(
    *, enrolment: Enrolment, criterion: Criterion, assessor: Any, met: bool, rationale: str
) -> CriterionJudgement:
    """Record (or change) the assessor's judgement on one criterion.

    Whether accepted evidence backs a "met" judgement is checked by the evidence app's
    service that calls this one.
    """
    _require_assessor(enrolment, assessor)
    ensure_unlocked(enrolment)
    if criterion.standard_id != enrolment.standard_id:
        raise ValidationError("That criterion belongs to another standard.")
    judgement = CriterionJudgement.objects.filter(enrolment=enrolment, criterion=criterion).first()
    judgement = judgement or CriterionJudgement(enrolment=enrolment, criterion=criterion)
    judgement.met = met
    judgement.rationale = rationale.strip()
    judgement.decided_by = assessor
    judgement.decided_at = timezone.now()
    judgement.full_clean()
    judgement.save()
    record_append(
        enrolment=enrolment,
        actor=assessor,
        action=Action.JUDGEMENT,
        payload={
            "criterion": criterion.reference,
            "criterion_id": criterion.pk,
            "met": met,
            "rationale": judgement.rationale,
        },
    )
    return judgement


def sign_off_declaration(enrolment: Enrolment, assessor: Any) -> str:
    return (
        f"I, {assessor.get_full_name() or assessor.get_username()}, declare that I have assessed "
        f"{enrolment.learner.get_full_name() or enrolment.learner.get_username()} against every "
        f"criterion and knowledge item of {enrolment.standard}, that the evidence is valid, "
        "authentic, current and sufficient, and that the unit is complete."
    )


def countersign_declaration(enrolment: Enrolment) -> str:
    return (
        f"I, {enrolment.learner.get_full_name() or enrolment.learner.get_username()}, declare "
        f"that the evidence in my portfolio for {enrolment.standard} is my own work and that I "
        "agree with my assessor's decision."
    )


@transaction.atomic
def unit_sign_off(
    *,
    enrolment: Enrolment,
    assessor: Any,
    password: str,
    unmet: list[str],
    file_hashes: Iterable[str] = (),
) -> UnitSignOff:
    """Sign a complete unit off. ``unmet`` lists the references not yet met (the evidence
    app computes it, as it needs the evidence); any at all refuses the sign-off."""
    _require_assessor(enrolment, assessor)
    if not assessor.check_password(password):
        raise ValidationError({"password": "That is not your password."})
    ensure_unlocked(enrolment)
    if enrolment.status != Enrolment.Status.ACTIVE:
        raise ValidationError("Only an active enrolment can be signed off.")
    if unmet:
        raise ValidationError(
            f"The unit is not complete: {', '.join(unmet[:10])}"
            f"{' and more' if len(unmet) > 10 else ''} not yet met."
        )
    declaration = sign_off_declaration(enrolment, assessor)
    sign_off = UnitSignOff(
        enrolment=enrolment,
        assessor=assessor,
        assessor_declaration=declaration,
        signed_at=timezone.now(),
    )
    sign_off.full_clean()
    sign_off.save()
    record_append(
        enrolment=enrolment,
        actor=assessor,
        action=Action.SIGNED_OFF,
        payload={"sign_off": sign_off.pk, "declaration": declaration},
        file_hashes=file_hashes,
    )
    return sign_off


@transaction.atomic
def unit_countersign(*, enrolment: Enrolment, learner: Any) -> UnitSignOff:
    """The learner's own declaration; the enrolment is then complete, pending IQA."""
    if enrolment.learner_id != learner.pk:
        raise PermissionDenied("Only the learner may countersign their unit.")
    sign_off = open_sign_off(enrolment)
    if sign_off is None:
        raise ValidationError("There is no sign-off to countersign.")
    if sign_off.is_countersigned:
        raise ValidationError("You have already countersigned this unit.")
    sign_off.learner_declaration = countersign_declaration(enrolment)
    sign_off.countersigned_at = timezone.now()
    sign_off.full_clean()
    sign_off.save()
    enrolment.status = Enrolment.Status.COMPLETED
    enrolment.full_clean()
    enrolment.save(update_fields=["status"])
    record_append(
        enrolment=enrolment,
        actor=learner,
        action=Action.COUNTERSIGNED,
        payload={"sign_off": sign_off.pk, "declaration": sign_off.learner_declaration},
    )
    return sign_off


@transaction.atomic
def unit_reopen(*, enrolment: Enrolment, admin: Any, reason: str) -> UnitSignOff:
    """A centre admin of the enrolment's centre unlocks a signed-off unit, with a reason."""
    if not (admin.is_centre_admin and admin.centre_id == enrolment.centre_id):
        raise PermissionDenied("Only a centre admin of this centre can reopen a unit.")
    sign_off = open_sign_off(enrolment)
    if sign_off is None:
        raise ValidationError("This unit is not signed off.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the unit is being reopened."})
    sign_off.reopened_by = admin
    sign_off.reopened_at = timezone.now()
    sign_off.reopen_reason = reason.strip()
    sign_off.full_clean()
    sign_off.save()
    if enrolment.status == Enrolment.Status.COMPLETED:
        enrolment.status = Enrolment.Status.ACTIVE
        enrolment.full_clean()
        enrolment.save(update_fields=["status"])
    record_append(
        enrolment=enrolment,
        actor=admin,
        action=Action.REOPENED,
        payload={"sign_off": sign_off.pk, "reason": sign_off.reopen_reason},
    )
    return sign_off


@transaction.atomic
def iqa_sample_record(*, entry: RecordEntry, iqa: Any, outcome: str, feedback: str) -> IqaSample:
    """The IQA agrees with (countersigns) or refers back one assessor decision."""
    enrolment = entry.enrolment
    if enrolment.iqa_id is None or enrolment.iqa_id != iqa.pk:
        raise PermissionDenied("Only the enrolment's IQA may sample its decisions.")
    if entry.action not in SAMPLEABLE_ACTIONS:
        raise ValidationError("Only assessment decisions and sign-offs can be sampled.")
    if IqaSample.objects.filter(entry=entry).exists():
        raise ValidationError("This decision has already been sampled.")
    sample = IqaSample(
        entry=entry,
        enrolment=enrolment,
        assessor_id=entry.actor_id,
        outcome=outcome,
        feedback=feedback.strip(),
        sampled_by=iqa,
        sampled_at=timezone.now(),
    )
    if outcome == IqaSample.Outcome.REFERRED and not sample.feedback:
        raise ValidationError({"feedback": "Say what the assessor needs to put right."})
    sample.full_clean()
    sample.save()
    record_append(
        enrolment=enrolment,
        actor=iqa,
        action=Action.IQA_AGREED if outcome == IqaSample.Outcome.AGREED else Action.IQA_REFERRED,
        payload={
            "sampled_entry": entry.sequence,
            "sampled_hash": entry.entry_hash,
            "feedback": sample.feedback,
        },
        file_hashes=entry.file_hashes,
    )
    return sample
