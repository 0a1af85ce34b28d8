"""Signing a unit off, the learner's countersignature, and reopening.

``unit_sign_off`` checks completeness itself with ``review.status`` (through the grid), so
no caller can sign off an incomplete unit. An IQA's referral of a signed-off unit becomes a
``ReopenRequest`` (``review.sampling``); ``unit_reopen`` resolves every open request of the
enrolment and returns the unit to the assessor.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from assessments.errors import IncompleteError, NotPermittedError, WrongStateError
from assessments.models import Enrolment, RecordEntry, UnitSignOff
from assessments.reauth import password_confirms
from assessments.services import ensure_unlocked, open_sign_off, record_append
from evidence.models import EvidenceFile
from review.selectors import enrolment_grid, iqa_referrals

Action = RecordEntry.Action
UNMET_NAMED = 10


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


def referred_criteria(enrolment: Enrolment) -> list[str]:
    """Criteria whose judgement the IQA referred and the assessor has not judged again."""
    referrals = iqa_referrals(enrolment)
    return sorted(
        {
            s.entry.payload.get("criterion", "")
            for key, samples in referrals.items()
            if key
            for s in samples
        }
    )


def referral_message(referred: list[str]) -> str:
    return (
        f"The IQA referred {', '.join(referred)} back: judge "
        f"{'it' if len(referred) == 1 else 'them'} again before signing the unit off."
    )


def unmet_message(unmet: list[str]) -> str:
    """What still stands between the unit and its sign-off, in words."""
    named = ", ".join(unmet[:UNMET_NAMED])
    more = f" and {len(unmet) - UNMET_NAMED} more" if len(unmet) > UNMET_NAMED else ""
    return f"The unit is not complete: {named}{more} not yet met."


def unit_sign_off(
    *, enrolment: Enrolment, assessor: Any, password: str, request: HttpRequest | None = None
) -> UnitSignOff:
    """Sign the unit off when every criterion and knowledge item is met (``review.status``),
    with the assessor's password as their signature. Through a request, a wrong password
    counts towards the log-in lock-out (``assessments.reauth``); it is checked before the
    transaction so that the count survives the refusal."""
    if enrolment.assessor_id is None or enrolment.assessor_id != assessor.pk:
        raise NotPermittedError("Only the learner's assessor may sign the unit off.")
    if not password_confirms(request=request, user=assessor, password=password):
        raise WrongStateError({"password": "That is not your password."})
    return _sign_off(enrolment=enrolment, assessor=assessor)


@transaction.atomic
def _sign_off(*, enrolment: Enrolment, assessor: Any) -> UnitSignOff:
    ensure_unlocked(enrolment)
    if enrolment.status != Enrolment.Status.ACTIVE:
        raise WrongStateError("Only an active enrolment can be signed off.")
    grid = enrolment_grid(enrolment)
    if not grid.rows:
        raise IncompleteError("This standard has no criteria to sign off.")
    if grid.unmet:
        raise IncompleteError(unmet_message(grid.unmet))
    referred = referred_criteria(enrolment)
    if referred:
        raise IncompleteError(referral_message(referred))
    backing = {cell.item_id for row in grid.rows for cell in row.cells.values() if cell.backs}
    hashes = EvidenceFile.objects.filter(item_id__in=backing).values_list("sha256", flat=True)
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
        file_hashes=hashes,
    )
    return sign_off


@transaction.atomic
def unit_countersign(*, enrolment: Enrolment, learner: Any) -> UnitSignOff:
    """The learner's own declaration; the unit then waits for the IQA."""
    if enrolment.learner_id != learner.pk:
        raise NotPermittedError("Only the learner may countersign their unit.")
    sign_off = open_sign_off(enrolment)
    if sign_off is None:
        raise WrongStateError("There is no sign-off to countersign.")
    if sign_off.is_countersigned:
        raise WrongStateError("You have already countersigned this unit.")
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
    """A centre admin of the enrolment's centre unlocks a signed-off unit, with a reason;
    every open reopen request of the enrolment is resolved by it."""
    if not (admin.is_centre_admin and admin.centre_id == enrolment.centre_id):
        raise NotPermittedError("Only a centre admin of this centre can reopen a unit.")
    sign_off = open_sign_off(enrolment)
    if sign_off is None:
        raise WrongStateError("This unit is not signed off.")
    if not reason.strip():
        raise WrongStateError({"reason": "Say why the unit is being reopened."})
    now = timezone.now()
    sign_off.reopened_by = admin
    sign_off.reopened_at = now
    sign_off.reopen_reason = reason.strip()
    sign_off.full_clean()
    sign_off.save()
    resolved = list(
        enrolment.reopen_requests.filter(resolved_at__isnull=True).values_list("pk", flat=True)
    )
    enrolment.reopen_requests.filter(pk__in=resolved).update(resolved_by=admin, resolved_at=now)
    if enrolment.status == Enrolment.Status.COMPLETED:
        enrolment.status = Enrolment.Status.ACTIVE
        enrolment.full_clean()
        enrolment.save(update_fields=["status"])
    record_append(
        enrolment=enrolment,
        actor=admin,
        action=Action.REOPENED,
        payload={
            "sign_off": sign_off.pk,
            "reason": sign_off.reopen_reason,
            "reopen_requests": resolved,
        },
    )
    return sign_off
