"""Assessment plans brought to a state through the real services (``review.plans``)."""

from __future__ import annotations

import datetime

from assessments.models import Enrolment
from evidence.models import Mapping
from review import plans
from review.models import AssessmentPlan


def activity(enrolment: Enrolment, **changes: object) -> plans.PlannedActivity:
    """An observation of the whole first group of the enrolment's standard."""
    values: dict = {
        "what": "Supporting a resident at mealtimes",
        "methods": [Mapping.Method.OBSERVATION, Mapping.Method.QUESTIONING],
        "where": "Oak Ward, Riverside Care Home: real work",
        "by": datetime.date(2026, 12, 15),
        "groups": [enrolment.standard.groups.order_by("kind", "order").first()],
        "criteria": [],
    }
    return plans.PlannedActivity(**(values | changes))


def draft_plan(enrolment: Enrolment) -> AssessmentPlan:
    return plans.plan_create(
        enrolment=enrolment, assessor=enrolment.assessor, activities=[activity(enrolment)]
    )


def awaiting_learner(enrolment: Enrolment) -> AssessmentPlan:
    plan = draft_plan(enrolment)
    assessor = enrolment.assessor
    return plans.plan_sign(plan=plan, user=assessor, signature=assessor.full_name)


def agreed_plan(enrolment: Enrolment) -> AssessmentPlan:
    plan = awaiting_learner(enrolment)
    learner = enrolment.learner
    return plans.plan_sign(plan=plan, user=learner, signature=learner.full_name)
