"""Evidence rows made directly, for assessment tests (the evidence app's own services
are tested in tests/evidence)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from assessments.models import Enrolment
from evidence.models import EvidenceFile, EvidenceItem, Mapping


def make_items(
    enrolment: Enrolment,
    count: int = 1,
    *,
    status: str = EvidenceItem.Status.SUBMITTED,
    evidence_type: str = EvidenceItem.Type.PRODUCT,
) -> list[EvidenceItem]:
    start = EvidenceItem.objects.filter(learner_id=enrolment.learner_id).count()
    now = timezone.now()
    items = [
        EvidenceItem(
            enrolment=enrolment,
            learner_id=enrolment.learner_id,
            sequence=start + n,
            reference=f"E{start + n}",
            title=f"Care plan review {start + n}",
            occurred_on=datetime.date(2026, 10, 1),
            evidence_type=evidence_type,
            description="I reviewed the care plan with the individual and their family.",
            status=status,
            submitted_at=None if status == EvidenceItem.Status.DRAFT else now,
            declared_at=None if status == EvidenceItem.Status.DRAFT else now,
            declaration_name=enrolment.learner.full_name,
        )
        for n in range(1, count + 1)
    ]
    return EvidenceItem.objects.bulk_create(items)


def make_item(enrolment: Enrolment, **kwargs: str) -> EvidenceItem:
    (item,) = make_items(enrolment, 1, **kwargs)
    EvidenceFile.objects.create(
        item=item,
        file=f"evidence/{item.pk}.pdf",
        original_name="care-plan.pdf",
        media_type="application/pdf",
        kind=EvidenceFile.Kind.DOCUMENT,
        size=1234,
        sha256=f"{item.pk:064x}",
    )
    return item


def propose(item: EvidenceItem, criterion) -> Mapping:
    return Mapping.objects.create(item=item, criterion=criterion, proposed_by_learner=True)
