"""Bring a unit to a sampled state through the real services, for quality tests."""

from __future__ import annotations

import datetime

from django.utils import timezone

from assessments.models import Enrolment
from quality import services
from quality.models import SamplingPlan, UnitSample
from review.sign_off import unit_countersign
from tests.review.helpers import signed_off


def write_plan(people, **overrides) -> SamplingPlan:
    values = {
        "iqa": people.iqa,
        "assessor": people.assessor,
        "standard": None,
        "risk": "high",
        "risk_reasons": ["newly_qualified"],
        "interim_planned": 2,
        "summative_planned": 2,
        "methods": ["observation", "product"],
        "evidence_types": ["product", "witness"],
        "locations": ["Oak Ward"],
        "notes": "First year in post.",
    }
    values.update(overrides)
    return services.sampling_plan_write(**values)


def countersigned(enrolment: Enrolment) -> None:
    signed_off(enrolment)
    unit_countersign(enrolment=enrolment, learner=enrolment.learner)


def sample_with_action(people, *, due_in: int = 7) -> UnitSample:
    """An agreed summative sample of the countersigned unit, with one open action."""
    countersigned(people.enrolment)
    return services.unit_sample_record(
        enrolment=people.enrolment,
        iqa=people.iqa,
        kind="summative",
        outcome="agreed",
        feedback="Sound judgements.",
        actions=[
            ("Write fuller rationales", timezone.localdate() + datetime.timedelta(days=due_in))
        ],
    )
