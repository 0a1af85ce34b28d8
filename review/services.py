"""The assessor's decisions on evidence: accept, refer back, map, judge.
(Sign-off is in ``review.sign_off``; the IQA's sampling in ``review.sampling``.)

Each checks that the acting user is the enrolment's assessor and that the work is not
locked by a sign-off, then writes the change and appends it to the centre's record (with the
SHA-256 of the evidence files involved) in the same transaction.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from assessments import services as assessment_services
from assessments.errors import LockedError, WrongStateError
from assessments.models import CriterionJudgement, Enrolment, RecordEntry
from evidence.models import EvidenceFile, EvidenceItem, Mapping
from evidence.services import evidence_version_assessed, locked_unit_refusal, scan_refusal
from review.selectors import enrolment_grid, equivalent_targets, target_enrolment
from review.status import BACKING, CriterionStatus
from standards.models import Criterion

Action = RecordEntry.Action
Method = Mapping.Method
DEFAULT_METHOD = {
    EvidenceItem.Type.PRODUCT: Method.PRODUCT,
    EvidenceItem.Type.OBSERVATION: Method.OBSERVATION,
    EvidenceItem.Type.WITNESS: Method.WITNESS,
    EvidenceItem.Type.DISCUSSION: Method.DISCUSSION,
    EvidenceItem.Type.QA: Method.QUESTIONING,
    EvidenceItem.Type.REFLECTIVE: Method.REFLECTIVE,
    EvidenceItem.Type.PRIOR_LEARNING: Method.PRIOR_LEARNING,
}


def default_method(item: EvidenceItem) -> str:
    return DEFAULT_METHOD.get(item.evidence_type, "")


def _file_hashes(item: EvidenceItem) -> list[str]:
    return list(EvidenceFile.objects.filter(item=item).values_list("sha256", flat=True))


def _item_payload(item: EvidenceItem, *, assessed: bool = True, **extra: Any) -> dict[str, Any]:
    """What a decision's record entry says of the item, with the version it was about.
    With ``assessed`` that version is kept as assessed (``EvidenceItem.was_assessed``); a
    mapping change while the learner is reworking a referred item is not an assessment of
    their unfinished version."""
    version = evidence_version_assessed(item=item) if assessed else item.version
    return {
        "item": item.pk,
        "reference": item.reference,
        "title": item.title,
        "version": version,
        **extra,
    }


def _fresh_item(item: EvidenceItem, assessor: Any) -> EvidenceItem:
    fresh = (
        EvidenceItem.objects.select_for_update()
        .select_related("enrolment__standard", "enrolment__learner")
        .get(pk=item.pk)
    )
    assessment_services.require_assessor(fresh.enrolment, assessor)
    return fresh


def _ensure_not_frozen(item: EvidenceItem) -> None:
    """Refuse a decision on an item that a signed-off unit freezes (``locked_unit_refusal``:
    it backs, or would back, that unit's criteria), naming the unit."""
    if refusal := locked_unit_refusal(item):
        raise LockedError(refusal)


@transaction.atomic
def evidence_accept(*, item: EvidenceItem, assessor: Any, feedback: str = "") -> EvidenceItem:
    fresh = _fresh_item(item, assessor)
    if fresh.status != EvidenceItem.Status.SUBMITTED:
        raise WrongStateError(f"{fresh.reference} is not awaiting review.")
    _ensure_not_frozen(fresh)
    if refusal := scan_refusal(fresh):
        raise WrongStateError(refusal)
    fresh.status = EvidenceItem.Status.ACCEPTED
    fresh.full_clean()
    fresh.save()
    assessment_services.record_append(
        enrolment=fresh.enrolment,
        actor=assessor,
        action=Action.EVIDENCE_ACCEPTED,
        payload=_item_payload(fresh, feedback=feedback.strip()),
        file_hashes=_file_hashes(fresh),
    )
    return fresh


@transaction.atomic
def evidence_refer(*, item: EvidenceItem, assessor: Any, feedback: str) -> EvidenceItem:
    """Send the item back to the learner with feedback; it becomes editable to them again."""
    if not feedback.strip():
        raise WrongStateError({"feedback": "Tell the learner what to change."})
    fresh = _fresh_item(item, assessor)
    if fresh.status not in (EvidenceItem.Status.SUBMITTED, EvidenceItem.Status.ACCEPTED):
        raise WrongStateError(f"{fresh.reference} is not submitted or accepted.")
    _ensure_not_frozen(fresh)
    fresh.status = EvidenceItem.Status.REFERRED
    fresh.full_clean()
    fresh.save()
    assessment_services.record_append(
        enrolment=fresh.enrolment,
        actor=assessor,
        action=Action.EVIDENCE_REFERRED,
        payload=_item_payload(fresh, feedback=feedback.strip()),
        file_hashes=_file_hashes(fresh),
    )
    return fresh


def _target_for(item: EvidenceItem, criterion: Criterion, assessor: Any) -> Enrolment:
    """The unit whose criterion this is (the item's home unit, or the learner's other one),
    refused when it is signed off: a mapping into a locked unit is frozen."""
    if criterion.standard_id == item.enrolment.standard_id:
        target = item.enrolment
    else:
        target = target_enrolment(item.learner_id, criterion)
        if target is None:
            raise WrongStateError("The learner is not enrolled on that criterion's standard.")
        assessment_services.require_assessor(target, assessor)
    assessment_services.ensure_unlocked(target)
    return target


def _mapping_payload(mapping: Mapping, target: Enrolment, **extra: Any) -> dict[str, Any]:
    return _item_payload(
        mapping.item,
        assessed=mapping.item.status
        in (EvidenceItem.Status.SUBMITTED, EvidenceItem.Status.ACCEPTED),
        criterion=mapping.criterion.reference,
        criterion_id=mapping.criterion_id,
        standard=mapping.criterion.standard.code,
        method=mapping.method,
        item_enrolment=mapping.item.enrolment_id,
        **extra,
    )


@transaction.atomic
def mapping_add(
    *, item: EvidenceItem, criterion: Criterion, assessor: Any, method: str = ""
) -> Mapping:
    """Map (or confirm the learner's proposed mapping of) the item to the criterion."""
    fresh = _fresh_item(item, assessor)
    if fresh.status not in (EvidenceItem.Status.SUBMITTED, EvidenceItem.Status.ACCEPTED):
        raise WrongStateError(f"{fresh.reference} is not submitted, so it cannot be mapped yet.")
    target = _target_for(fresh, criterion, assessor)
    method = method or default_method(fresh)
    if method not in Method.values:
        raise WrongStateError({"method": "Choose an assessment method."})
    mapping = Mapping.objects.filter(item=fresh, criterion=criterion).first()
    if mapping and mapping.confirmed:
        return mapping
    action = Action.MAPPING_CONFIRMED if mapping else Action.MAPPING_ADDED
    mapping = mapping or Mapping(item=fresh, criterion=criterion)
    mapping.item = fresh
    mapping.confirmed = True
    mapping.method = method
    mapping.confirmed_by = assessor
    mapping.confirmed_at = timezone.now()
    mapping.full_clean()
    mapping.save()
    assessment_services.record_append(
        enrolment=target,
        actor=assessor,
        action=action,
        payload=_mapping_payload(mapping, target),
        file_hashes=_file_hashes(fresh),
    )
    return mapping


@transaction.atomic
def mapping_set_method(*, mapping: Mapping, assessor: Any, method: str) -> Mapping:
    fresh = _fresh_item(mapping.item, assessor)
    target = _target_for(fresh, mapping.criterion, assessor)
    if method not in Method.values:
        raise WrongStateError({"method": "Choose an assessment method."})
    mapping = Mapping.objects.select_for_update().get(pk=mapping.pk)
    if not mapping.confirmed:
        return mapping_add(
            item=fresh, criterion=mapping.criterion, assessor=assessor, method=method
        )
    mapping.item = fresh
    mapping.method = method
    mapping.full_clean()
    mapping.save()
    assessment_services.record_append(
        enrolment=target,
        actor=assessor,
        action=Action.MAPPING_CHANGED,
        payload=_mapping_payload(mapping, target),
        file_hashes=_file_hashes(fresh),
    )
    return mapping


@transaction.atomic
def mapping_remove(*, item: EvidenceItem, criterion: Criterion, assessor: Any) -> None:
    fresh = _fresh_item(item, assessor)
    target = _target_for(fresh, criterion, assessor)
    mapping = Mapping.objects.filter(item=fresh, criterion=criterion).first()
    if mapping is None:
        return
    mapping.item = fresh
    payload = _mapping_payload(mapping, target, was_confirmed=mapping.confirmed)
    mapping.delete()
    assessment_services.record_append(
        enrolment=target,
        actor=assessor,
        action=Action.MAPPING_REMOVED,
        payload=payload,
        file_hashes=_file_hashes(fresh),
    )


@transaction.atomic
def mapping_toggle(
    *, item: EvidenceItem, criterion: Criterion, assessor: Any, method: str = ""
) -> Mapping | None:
    """One click in the grid: map (or confirm a proposal), or unmap a confirmed mapping."""
    existing = Mapping.objects.filter(item=item, criterion=criterion).first()
    if existing and existing.confirmed:
        mapping_remove(item=item, criterion=criterion, assessor=assessor)
        return None
    return mapping_add(item=item, criterion=criterion, assessor=assessor, method=method)


@transaction.atomic
def mapping_add_equivalents(
    *, item: EvidenceItem, criterion: Criterion, assessor: Any, method: str = ""
) -> list[Mapping]:
    """Map the item to the equivalents of ``criterion`` in the learner's other standards."""
    if not Mapping.objects.filter(item=item, criterion=criterion, confirmed=True).exists():
        raise WrongStateError("Map the item to the criterion itself first.")
    return [
        mapping_add(item=item, criterion=other, assessor=assessor, method=method)
        for other in equivalent_targets(item, criterion)
    ]


@transaction.atomic
def criterion_judge(
    *, enrolment: Enrolment, criterion: Criterion, assessor: Any, met: bool, rationale: str
) -> CriterionJudgement:
    """Judge a criterion met (only with accepted, confirmed evidence behind it) or not."""
    assessment_services.require_assessor(enrolment, assessor)
    if met:
        backed = Mapping.objects.filter(
            BACKING, criterion=criterion, item__enrolment__learner_id=enrolment.learner_id
        ).exists()
        if not backed:
            raise WrongStateError(
                f"{criterion.reference} has no accepted evidence mapped to it yet, so it "
                "cannot be judged met."
            )
    elif not rationale.strip():
        raise WrongStateError({"rationale": "Say why the criterion is not met."})
    return assessment_services.judgement_record(
        enrolment=enrolment, criterion=criterion, assessor=assessor, met=met, rationale=rationale
    )


@transaction.atomic
def criteria_judge_backed(
    *, enrolment: Enrolment, assessor: Any, criteria: list[Criterion], rationale: str = ""
) -> list[CriterionJudgement]:
    """Judge met, at once, every given criterion whose status is "evidence accepted, awaiting
    judgement" (``review.status``): with ``rationale`` when given, else each criterion's own
    "Met by E… (method)". Criteria in any other status are left as they are."""
    assessment_services.require_assessor(enrolment, assessor)
    assessment_services.ensure_unlocked(enrolment)
    wanted = {c.pk for c in criteria}
    rows = [
        row
        for row in enrolment_grid(enrolment).rows
        if row.criterion.pk in wanted and row.status == CriterionStatus.BACKED
    ]
    return [
        criterion_judge(
            enrolment=enrolment,
            criterion=row.criterion,
            assessor=assessor,
            met=True,
            rationale=rationale.strip() or row.met_by,
        )
        for row in rows
    ]


@transaction.atomic
def mappings_confirm_proposed(
    *, item: EvidenceItem, assessor: Any, method: str = ""
) -> list[Mapping]:
    """Confirm every mapping the learner proposed for the item, in one step; proposals into a
    signed-off unit stay as they are (its mappings are frozen)."""
    proposals = list(Mapping.objects.filter(item=item, confirmed=False).select_related("criterion"))
    locked = {
        standard_id
        for standard_id, unit in assessment_services.learner_units(item.learner_id).items()
        if unit.is_locked
    }
    return [
        mapping_add(item=item, criterion=proposal.criterion, assessor=assessor, method=method)
        for proposal in proposals
        if proposal.criterion.standard_id not in locked
    ]


@transaction.atomic
def evidence_accept_and_confirm(
    *, item: EvidenceItem, assessor: Any, feedback: str = ""
) -> EvidenceItem:
    """Confirm the learner's proposed mappings and accept the item: one decision."""
    mappings_confirm_proposed(item=item, assessor=assessor)
    return evidence_accept(item=item, assessor=assessor, feedback=feedback)
