"""Make the events notifications are about, through the real services."""

from __future__ import annotations

from typing import Any

from assessments.models import Enrolment
from evidence.models import EvidenceItem
from evidence.services import evidence_submit
from tests.assessments.helpers import make_item


def submitted_item(enrolment: Enrolment, title: str = "") -> EvidenceItem:
    """A draft item the learner submits with their declaration."""
    item = make_item(enrolment, status=EvidenceItem.Status.DRAFT)
    if title:
        EvidenceItem.objects.filter(pk=item.pk).update(title=title)
        item.refresh_from_db()
    learner: Any = enrolment.learner
    return evidence_submit(item=item, learner=learner, declaration_name=learner.full_name)
