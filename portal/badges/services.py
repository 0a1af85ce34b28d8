"""Claiming a badge: one credential per IQA-verified sign-off, signed once, kept as issued."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from assessments.errors import NotPermittedError, WrongStateError
from assessments.models import Enrolment, UnitSignOff
from portal.badges import credential, signing
from portal.badges.models import Badge
from review.status import EnrolmentState, state_of


def claim_refusal(enrolment: Enrolment, user: Any) -> str | None:
    """Why ``user`` may not claim a badge for ``enrolment`` now, or None. The page asks this
    before offering the Claim button; ``badge_claim`` raises with the same words."""
    if enrolment.learner_id != user.pk:
        return "Only the learner can claim the badge for their unit."
    state = state_of(enrolment)
    if state != EnrolmentState.IQA_VERIFIED:
        return (
            "A badge can be claimed once the internal quality assurer has verified the "
            f"unit's sign-off. This unit is: {state.label}."
        )
    if not enrolment.learner.email:
        return (
            "Your account has no email address, and the badge names you by it (hashed). "
            "Ask your centre to add your email address, then claim the badge."
        )
    try:
        signing.signing_key()
    except signing.NotConfiguredError:
        return signing.NOT_CONFIGURED
    return None


def badge_claim(*, learner: Any, enrolment: Enrolment) -> Badge:
    """The learner's badge for the unit's verified sign-off: issued and signed on the first
    claim, the same badge on every later one."""
    refusal = claim_refusal(enrolment, learner)
    if refusal is not None:
        if refusal == signing.NOT_CONFIGURED:
            raise signing.NotConfiguredError(refusal)
        if enrolment.learner_id != learner.pk:
            raise NotPermittedError(refusal)
        raise WrongStateError(refusal)
    with transaction.atomic():
        sign_off = (
            UnitSignOff.objects.select_for_update()
            .select_related("enrolment__standard", "enrolment__centre", "enrolment__learner")
            .get(enrolment=enrolment, reopened_at__isnull=True)
        )
        existing = Badge.objects.filter(sign_off=sign_off).first()
        if existing is not None:
            return existing
        identifier = uuid.uuid4()
        salt = secrets.token_hex(16)
        issued_at = timezone.now().replace(microsecond=0)
        payload = credential.build(
            sign_off=sign_off, identifier=str(identifier), salt=salt, issued_at=issued_at
        )
        token, kid = signing.sign(payload)
        badge = Badge(
            sign_off=sign_off,
            learner=learner,
            identifier=identifier,
            salt=salt,
            key_id=kid,
            token=token,
            issued_at=issued_at,
        )
        badge.full_clean()
        try:
            with transaction.atomic():
                badge.save()
        except IntegrityError:
            return Badge.objects.get(sign_off=sign_off)
    return badge
