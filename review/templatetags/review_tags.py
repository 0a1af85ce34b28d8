"""Template access to ``review.status``: pages show derived state, never re-derive it."""

from __future__ import annotations

from django import template

from assessments.models import Enrolment
from review.status import EnrolmentState, state_of

register = template.Library()


@register.filter
def enrolment_state(enrolment: Enrolment) -> EnrolmentState:
    """The enrolment's state; free for enrolments annotated by ``review.status.with_state``."""
    return state_of(enrolment)
