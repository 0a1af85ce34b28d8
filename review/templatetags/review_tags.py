"""Template access to ``review.status``: pages show derived state, never re-derive it."""

from __future__ import annotations

from django import template
from django.utils import timezone

from assessments.models import Enrolment
from review.status import EnrolmentState, overdue_days, state_of

register = template.Library()


@register.filter
def enrolment_state(enrolment: Enrolment) -> EnrolmentState:
    """The enrolment's state; free for enrolments annotated by ``review.status.with_state``."""
    return state_of(enrolment)


@register.filter
def days_overdue(enrolment: Enrolment) -> int:
    """Days past the target end date while the unit is in progress (``review.status``)."""
    return overdue_days(enrolment, timezone.localdate())
