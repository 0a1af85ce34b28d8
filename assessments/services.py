"""The record and the lock: appending to the centre's hash-chained record, and refusing
changes to a signed-off unit.

The workflow over evidence (review, judgement, sign-off, IQA sampling) lives in the review
app; it and the evidence app call ``ensure_unlocked`` before changing anything and
``record_append`` to write each decision, so that one chain holds everything.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from assessments import signing
from assessments.errors import LockedError, NotPermittedError, WrongStateError
from assessments.models import (
    GENESIS_HASH,
    CriterionJudgement,
    Enrolment,
    RecordEntry,
    UnitSignOff,
)
from standards.models import Criterion

Action = RecordEntry.Action

__all__ = ["LockedError", "ensure_unlocked", "judgement_record", "record_append"]


def open_sign_off(enrolment: Enrolment) -> UnitSignOff | None:
    return enrolment.sign_offs.filter(reopened_at__isnull=True).first()


def enrolment_is_locked(enrolment: Enrolment) -> bool:
    return enrolment.sign_offs.filter(reopened_at__isnull=True).exists()


def learner_units(learner_id: int) -> dict[int, Enrolment]:
    """The learner's units their evidence may count towards, by standard id: on each standard
    the enrolment that is not withdrawn, the active one first, else the latest. Each carries
    ``is_locked`` (signed off and not reopened), read in the same single query. Locks are per
    unit: an item mapped into several units is frozen only where a unit is locked."""
    units: dict[int, Enrolment] = {}
    rows = (
        Enrolment.objects.filter(learner_id=learner_id)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .annotate(
            is_locked=Exists(
                UnitSignOff.objects.filter(enrolment_id=OuterRef("pk"), reopened_at__isnull=True)
            )
        )
        .select_related("standard")
        .order_by("status", "-start_date", "-pk")  # "active" sorts before "completed"
    )
    for enrolment in rows:
        units.setdefault(enrolment.standard_id, enrolment)
    return units


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
    enrolment: Enrolment | None,
    actor: Any,
    action: str,
    payload: dict[str, Any],
    file_hashes: Iterable[str] = (),
    centre_id: int | None = None,
) -> RecordEntry:
    """Append one entry to the enrolment's centre record, under a lock on the centre row.

    ``enrolment`` is None only for changes to centre-wide data (people, grants), which name
    the centre by ``centre_id`` instead.

    The lock serialises appends per centre, so two assessors acting at once each get the
    next sequence number and the right ``prev_hash``; the unique (centre, sequence)
    constraint is the backstop.
    """
    if enrolment is not None:
        centre_id = enrolment.centre_id
    if centre_id is None:
        raise ValueError("A record entry needs an enrolment or a centre.")
    with transaction.atomic():
        _centre_model().objects.select_for_update().only("pk").get(pk=centre_id)
        last = (
            RecordEntry.objects.filter(centre_id=centre_id)
            .order_by("-sequence")
            .values("sequence", "entry_hash")
            .first()
        )
        entry = RecordEntry(
            centre_id=centre_id,
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
        entry.mac_key_id = signing.current_key_id()
        entry.mac = signing.mac_for(entry.entry_hash, entry.mac_key_id)
        entry.full_clean()
        entry.save()
    return entry


def require_assessor(enrolment: Enrolment, user: Any) -> None:
    """Backstop of the views' access check: only the enrolment's assessor decides."""
    if enrolment.assessor_id is None or enrolment.assessor_id != user.pk:
        raise NotPermittedError("Only the learner's assessor may make this decision.")


@transaction.atomic
def judgement_record(
    *, enrolment: Enrolment, criterion: Criterion, assessor: Any, met: bool, rationale: str
) -> CriterionJudgement:
    """Record (or change) the assessor's judgement on one criterion.

    Whether accepted evidence backs a "met" judgement is checked by its one caller,
    ``review.services.criterion_judge``, with ``review.status``.
    """
    require_assessor(enrolment, assessor)
    ensure_unlocked(enrolment)
    if criterion.standard_id != enrolment.standard_id:
        raise WrongStateError("That criterion belongs to another standard.")
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
