"""Reads for badges: a learner's verified units with their badges, and a centre's revoked
badges. The enrolment state comes from ``review.status`` (never re-derived here)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from assessments.models import Enrolment, UnitSignOff
from portal.badges.models import Badge
from review.status import with_state


def learner_units(learner: Any) -> QuerySet[Enrolment]:
    """The learner's enrolments with their state, open sign-off and that sign-off's badge:
    three queries, however many."""
    return with_state(
        Enrolment.objects.filter(learner=learner).select_related("standard", "centre", "learner")
    ).prefetch_related(
        Prefetch(
            "sign_offs",
            queryset=UnitSignOff.objects.filter(reopened_at__isnull=True).select_related("badge"),
            to_attr="open_sign_offs",
        )
    )


def learner_badges(learner: Any) -> QuerySet[Badge]:
    """Every badge the learner claimed, revoked ones too (with what the page shows)."""
    return Badge.objects.filter(learner=learner).select_related(
        "sign_off__enrolment__standard", "sign_off__enrolment__centre"
    )


def revoked_badges(centre_id: int) -> QuerySet[Badge]:
    """The centre's revoked badges: those whose sign-off was reopened."""
    return (
        Badge.objects.filter(
            sign_off__enrolment__centre_id=centre_id, sign_off__reopened_at__isnull=False
        )
        .select_related("sign_off")
        .order_by("sign_off__reopened_at", "pk")
    )
