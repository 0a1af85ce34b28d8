"""Evidence the assessor makes: observation records, professional discussions and
questioning, on the learner's portfolio.

The record is the assessor's own (``EvidenceItem.author``), mapped in the same step with
confirmed mappings (method observation, discussion or questioning). It is numbered with the
learner's evidence (E1…En) and is created *awaiting the learner's acknowledgement*: it is
not yet evidence (the grid, counts and PDF leave it out, as ``review.status`` counts only
submitted, accepted or referred items). The learner acknowledges it with their typed name
(``evidence.services.evidence_acknowledge``), and it is then accepted evidence like any
other. The record gets one entry for the record made (with its files' SHA-256), one per
mapping, and one for the acknowledgement.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction
from django.utils import timezone

from assessments import services as assessment_services
from assessments.errors import WrongStateError
from assessments.models import Enrolment, RecordEntry
from assessments.services import require_assessor
from evidence import services as evidence_services
from evidence.models import EvidenceFile, EvidenceItem, Mapping, QuestionAnswer
from standards.models import Criterion

Type = EvidenceItem.Type
METHODS = {
    Type.OBSERVATION: Mapping.Method.OBSERVATION,
    Type.DISCUSSION: Mapping.Method.DISCUSSION,
    Type.QA: Mapping.Method.QUESTIONING,
    # Made only from a transferred portfolio (``portal.transfer.recognition``), never here.
    Type.PRIOR_LEARNING: Mapping.Method.PRIOR_LEARNING,
}


@dataclass(frozen=True)
class Upload:
    """A photo or recording that goes with the record: any readable, seekable binary file."""

    file: IO[bytes]
    name: str
    size: int


@dataclass(frozen=True)
class Question:
    """One question asked, the answer given, and the criteria that answer covers."""

    question: str
    answer: str
    criteria: Sequence[Criterion] = field(default_factory=tuple)


def _check(
    *,
    enrolment: Enrolment,
    evidence_type: str,
    description: str,
    criteria: Sequence[Criterion],
    questions: Sequence[Question],
    occurred_on: datetime.date,
    occurred_at_time: datetime.time | None,
    place: str,
    work_setting: str,
) -> None:
    errors: dict[str, str] = {}
    if evidence_type not in METHODS or evidence_type == Type.PRIOR_LEARNING:
        raise WrongStateError("An assessor records observations, discussions or questioning.")
    if occurred_on > timezone.localdate():
        errors["occurred_on"] = "The date cannot be in the future."
    if evidence_type == Type.OBSERVATION:
        if occurred_at_time is None:
            errors["occurred_at_time"] = "Give the time of the observation."
        if not place.strip():
            errors["place"] = "Say where the observation took place."
        if work_setting not in EvidenceItem.Setting.values:
            errors["work_setting"] = "Say whether it was real work or a simulation."
        elif (
            work_setting == EvidenceItem.Setting.SIMULATION
            and not enrolment.standard.simulation_allowed
        ):
            errors["work_setting"] = (
                f"The assessment rules of {enrolment.standard.display_code} require "
                "observation in real work: a simulation cannot be recorded as evidence for it."
            )
        if not description.strip():
            errors["description"] = "Describe what you observed."
    if evidence_type == Type.DISCUSSION and not description.strip():
        errors["description"] = "Summarise the discussion."
    if evidence_type == Type.QA:
        if not questions:
            errors["questions"] = "Give at least one question with its answer."
        for number, pair in enumerate(questions, start=1):
            if not pair.question.strip() or not pair.answer.strip():
                errors["questions"] = f"Question {number} needs both the question and the answer."
    if any(c.standard_id != enrolment.standard_id for c in criteria):
        errors["criteria"] = "Choose only criteria of this unit."
    elif not criteria:
        errors["criteria"] = (
            "Map the questions to at least one criterion."
            if evidence_type == Type.QA
            else "Choose at least one criterion this evidence covers."
        )
    if errors:
        raise WrongStateError(errors)


def assessor_evidence_create(
    *,
    enrolment: Enrolment,
    assessor: Any,
    evidence_type: str,
    title: str,
    occurred_on: datetime.date,
    description: str = "",
    criteria: Iterable[Criterion] = (),
    questions: Sequence[Question] = (),
    occurred_at_time: datetime.time | None = None,
    place: str = "",
    work_setting: str = "",
    witness_name: str = "",
    witness_role: str = "",
    uploads: Sequence[Upload] = (),
) -> EvidenceItem:
    """Record an observation, discussion or questioning, mapped and awaiting the learner's
    acknowledgement. Files go through the evidence upload path (type, size and content
    checks, hashing, malware scan); if any is refused, nothing is kept and ``Refused``
    says why. For questioning, the item's criteria are those of its questions."""
    require_assessor(enrolment, assessor)
    if enrolment.status != Enrolment.Status.ACTIVE:
        raise WrongStateError("Evidence can be recorded only for an active enrolment.")
    assessment_services.ensure_unlocked(enrolment)
    if evidence_type == Type.QA:
        criteria = list({c.pk: c for pair in questions for c in pair.criteria}.values())
    else:
        criteria = list({c.pk: c for c in criteria}.values())
    _check(
        enrolment=enrolment,
        evidence_type=evidence_type,
        description=description,
        criteria=criteria,
        questions=questions,
        occurred_on=occurred_on,
        occurred_at_time=occurred_at_time,
        place=place,
        work_setting=work_setting,
    )
    stored: list[EvidenceFile] = []
    try:
        with transaction.atomic():
            item = assessor_record_create(
                enrolment=enrolment,
                assessor=assessor,
                evidence_type=evidence_type,
                title=title,
                occurred_on=occurred_on,
                description=description,
                occurred_at_time=occurred_at_time if evidence_type == Type.OBSERVATION else None,
                place=place,
                work_setting=work_setting if evidence_type == Type.OBSERVATION else "",
                witness_name=witness_name,
                witness_role=witness_role,
            )
            for upload in uploads:
                # The item is still an uncommitted draft here, so the learner's upload path
                # (and its checks) takes the files; it awaits acknowledgement below.
                stored.append(
                    evidence_services.evidence_file_add(
                        item=item, upload=upload.file, original_name=upload.name, size=upload.size
                    )
                )
            assessor_record_finish(
                item=item, assessor=assessor, criteria=criteria, questions=questions
            )
    except BaseException:
        evidence_services.evidence_files_discard(stored)
        raise
    return item


def assessor_record_create(*, enrolment: Enrolment, assessor: Any, **fields: Any) -> EvidenceItem:
    """The assessor's record as a draft, numbered with the learner's evidence (E1…En); files
    are added to it (``evidence_file_add``) before ``assessor_record_finish``. Call inside the
    caller's transaction, after its checks."""
    sequence = evidence_services._next_sequence(enrolment.learner_id)
    item = EvidenceItem(
        enrolment=enrolment,
        learner_id=enrolment.learner_id,
        sequence=sequence,
        reference=f"E{sequence}",
        author=assessor,
        **{
            name: value.strip() if isinstance(value, str) else value
            for name, value in fields.items()
        },
    )
    item.full_clean()
    item.save()
    return item


def assessor_record_finish(
    *,
    item: EvidenceItem,
    assessor: Any,
    criteria: Sequence[Criterion],
    questions: Sequence[Question] = (),
    status: str = EvidenceItem.Status.AWAITING_ACK,
    record: dict[str, Any] | None = None,
) -> None:
    """Put the record forward with confirmed mappings to ``criteria`` and write its record
    entries (made, with ``record`` added to that entry's payload; one per mapping). It awaits
    the learner's acknowledgement, or with ``status`` SUBMITTED it is up for the assessor's
    acceptance (``review.services.evidence_accept``): a recognition of prior learning."""
    now = timezone.now()
    method = METHODS[item.evidence_type]
    item.status = status
    if status == EvidenceItem.Status.SUBMITTED:
        item.submitted_at = now
    item.full_clean()
    item.save()
    for order, pair in enumerate(questions if item.evidence_type == Type.QA else (), start=1):
        row = QuestionAnswer(
            item=item, order=order, question=pair.question.strip(), answer=pair.answer.strip()
        )
        row.full_clean()
        row.save()
        row.criteria.set(pair.criteria)
    hashes = list(item.files.values_list("sha256", flat=True))
    enrolment = item.enrolment
    assessment_services.record_append(
        enrolment=enrolment,
        actor=assessor,
        action=RecordEntry.Action.EVIDENCE_RECORDED,
        payload={
            "item": item.pk,
            "reference": item.reference,
            "title": item.title,
            "kind": item.evidence_type,
            "occurred_on": item.occurred_on.isoformat(),
            "criteria": [c.reference for c in criteria],
            **(record or {}),
        },
        file_hashes=hashes,
    )
    for criterion in sorted(criteria, key=lambda c: (c.kind, c.order)):
        mapping = Mapping(
            item=item,
            criterion=criterion,
            confirmed=True,
            method=method,
            confirmed_by=assessor,
            confirmed_at=now,
        )
        mapping.full_clean()
        mapping.save()
        assessment_services.record_append(
            enrolment=enrolment,
            actor=assessor,
            action=RecordEntry.Action.MAPPING_ADDED,
            payload={
                "item": item.pk,
                "reference": item.reference,
                "title": item.title,
                "criterion": criterion.reference,
                "criterion_id": criterion.pk,
                "standard": enrolment.standard.code,
                "method": method,
                "item_enrolment": enrolment.pk,
            },
            file_hashes=hashes,
        )
