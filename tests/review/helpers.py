"""Bring an enrolment to a state through the real services, for review tests."""

from __future__ import annotations

from assessments.models import Enrolment, UnitSignOff
from evidence.models import EvidenceItem
from review import services
from review.sign_off import unit_sign_off
from tests.assessments.helpers import make_item


def complete(enrolment: Enrolment) -> EvidenceItem:
    """One accepted item mapped to every criterion, each judged met: the unit is complete."""
    item = make_item(enrolment)
    assessor = enrolment.assessor
    for criterion in enrolment.standard.criteria.all():
        services.mapping_add(item=item, criterion=criterion, assessor=assessor)
    services.evidence_accept(item=item, assessor=assessor)
    for criterion in enrolment.standard.criteria.all():
        services.criterion_judge(
            enrolment=enrolment, criterion=criterion, assessor=assessor, met=True, rationale=""
        )
    return item


def signed_off(enrolment: Enrolment) -> UnitSignOff:
    """The unit completed and signed off by its assessor (whose password is "password")."""
    complete(enrolment)
    return unit_sign_off(enrolment=enrolment, assessor=enrolment.assessor, password="password")
