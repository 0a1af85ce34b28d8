"""Assessor-made evidence and witness links, made through the services, for tests."""

from __future__ import annotations

import datetime
import io

from evidence import witness
from evidence.models import EvidenceItem, WitnessRequest
from review.assessor_evidence import Question, Upload, assessor_evidence_create
from standards.models import Criterion
from tests.evidence.helpers import png_bytes


def record_observation(enrolment, *, criteria=None, photo: bool = True, **fields) -> EvidenceItem:
    if criteria is None:
        criteria = Criterion.objects.filter(standard_id=enrolment.standard_id)
    criteria = list(criteria)
    content = png_bytes()
    values = {
        "title": "Morning medication round",
        "occurred_on": datetime.date(2026, 11, 2),
        "occurred_at_time": datetime.time(9, 30),
        "place": "Rose Ward",
        "work_setting": EvidenceItem.Setting.REAL_WORK,
        "description": "Checked each chart before giving medicines.",
        "uploads": [Upload(io.BytesIO(content), "round.png", len(content))] if photo else [],
        **fields,
    }
    return assessor_evidence_create(
        enrolment=enrolment,
        assessor=enrolment.assessor,
        evidence_type=EvidenceItem.Type.OBSERVATION,
        criteria=criteria,
        **values,
    )


def record_questioning(enrolment, pairs: list[tuple[str, str, list]]) -> EvidenceItem:
    return assessor_evidence_create(
        enrolment=enrolment,
        assessor=enrolment.assessor,
        evidence_type=EvidenceItem.Type.QA,
        title="Questions on safeguarding",
        occurred_on=datetime.date(2026, 11, 3),
        questions=[Question(q, a, c) for q, a, c in pairs],
    )


def request_witness(enrolment, by=None, **fields) -> WitnessRequest:
    values = {
        "witness_name": "Wendy Witness",
        "witness_role": "Registered manager",
        "witness_relationship": "Line manager",
        "competence": "Twenty years managing care services; Level 5 diploma.",
        "email": "wendy@example.org",
        "activity": "Supporting a service review",
        **fields,
    }
    return witness.witness_request_create(
        enrolment=enrolment, requested_by=by or enrolment.learner, **values
    )


def witness_url(request: WitnessRequest) -> str:
    from django.urls import reverse

    return reverse("evidence:witness_statement", args=[witness.witness_token(request)])
