"""Scoped reads for staff competence, the reports and the dashboards' staff sections.

Every list here runs a fixed number of queries whatever the number of rows.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Func, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from assessments.models import Enrolment
from portal.accounts.models import User
from portal.staff import status
from portal.staff.access import staff_of
from portal.staff.models import (
    CompetenceStatement,
    Observation,
    Qualification,
    StandardisationAction,
    StandardisationActivity,
)
from standards.models import Standard


def standards_run_by(centre_id: int) -> QuerySet[Standard]:
    """The standards the centre has learners actively enrolled on."""
    return Standard.objects.filter(
        pk__in=Enrolment.objects.filter(centre_id=centre_id, status=Enrolment.Status.ACTIVE).values(
            "standard_id"
        )
    ).order_by("code", "title")


def standards_for_statements(centre_id: int) -> QuerySet[Standard]:
    """Any standard may be stated; the centre's own come first."""
    return Standard.objects.order_by("code", "title")


def staff_for_report(centre_id: int) -> QuerySet[User]:
    return staff_of(centre_id).order_by("full_name", "username")


@dataclass(frozen=True)
class QualifiedRow:
    person: User
    cells: list[tuple[Standard, status.StandardState]]


def qualified_rows(
    people: list[User], standards: list[Standard], today: datetime.date
) -> list[QualifiedRow]:
    """Who is qualified for which standard, for one page of people: two queries."""
    ids = [person.pk for person in people]
    held: dict[int, list[Qualification]] = defaultdict(list)
    for qualification in Qualification.objects.filter(person_id__in=ids):
        held[qualification.person_id].append(qualification)
    stated = set(
        CompetenceStatement.objects.filter(person_id__in=ids).values_list(
            "person_id", "standard_id"
        )
    )
    return [
        QualifiedRow(
            person,
            [
                (
                    standard,
                    status.standard_state(
                        person=person,
                        qualifications=held[person.pk],
                        has_statement=(person.pk, standard.pk) in stated,
                        today=today,
                    ),
                )
                for standard in standards
            ],
        )
        for person in people
    ]


def expiring_qualifications(centre_id: int, today: datetime.date) -> QuerySet[Qualification]:
    """Qualifications of the centre's active assessors and IQAs expiring within the reminder
    window, or already expired, soonest first."""
    return (
        Qualification.objects.filter(
            person__in=staff_of(centre_id),
            expires_on__isnull=False,
            expires_on__lte=status.reminder_horizon(today),
        )
        .select_related("person")
        .order_by("expires_on", "person__full_name", "pk")
    )


def person_records(person: User) -> dict[str, Any]:
    """A staff member's competence page: qualifications, statements, CPD (with total hours)."""
    cpd = person.cpd_entries.all()
    return {
        "qualifications": list(person.qualifications.order_by("-achieved_on", "pk")),
        "statements": list(person.competence_statements.select_related("standard")),
        "cpd": cpd,
        "cpd_hours": cpd.aggregate(total=Sum("hours"))["total"] or 0,
    }


def open_actions_for(user: User) -> QuerySet[StandardisationAction]:
    return (
        StandardisationAction.objects.filter(owner=user, closed_at__isnull=True)
        .select_related("activity")
        .order_by("due_on", "pk")
    )


def staff_dashboard_section(user: Any, today: datetime.date) -> dict[str, Any]:
    """The staff section of an assessor's, IQA's or admin's dashboard, in one query: their own
    qualifications expiring within the window (or expired), their open standardisation
    actions, observations waiting for their acknowledgement and, for an admin, the centre's
    staff qualifications expiring or expired."""
    horizon = status.reminder_horizon(today)

    def counted(queryset: QuerySet[Any]) -> Any:
        return Coalesce(
            Subquery(
                queryset.order_by()
                .values(one=Value(1))
                .annotate(n=Func(F("pk"), function="COUNT"))
                .values("n")[:1]
            ),
            0,
        )

    mine = Qualification.objects.filter(person=OuterRef("pk"), expires_on__isnull=False)
    actions = StandardisationAction.objects.filter(owner=OuterRef("pk"), closed_at__isnull=True)
    centre_quals = Qualification.objects.filter(
        person__centre_id=OuterRef("centre_id"),
        person__is_active=True,
        expires_on__isnull=False,
    ).filter(Q(person__is_assessor=True) | Q(person__is_iqa=True))
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(
            own_soon=counted(mine.filter(expires_on__gte=today, expires_on__lte=horizon)),
            own_expired=counted(mine.filter(expires_on__lt=today)),
            open_actions=counted(actions),
            overdue_actions=counted(actions.filter(due_on__lt=today)),
            unacknowledged=counted(
                Observation.objects.filter(assessor=OuterRef("pk"), acknowledged_at__isnull=True)
            ),
            centre_soon=counted(
                centre_quals.filter(expires_on__gte=today, expires_on__lte=horizon)
            ),
            centre_expired=counted(centre_quals.filter(expires_on__lt=today)),
        )
        .values(
            "own_soon",
            "own_expired",
            "open_actions",
            "overdue_actions",
            "unacknowledged",
            "centre_soon",
            "centre_expired",
        )
        .first()
    )
    section: dict[str, Any] = {**(row or {}), "centre_id": user.centre_id}
    section["person_id"] = user.pk if (user.is_assessor or user.is_iqa) else None
    section["is_admin"] = user.is_centre_admin
    return section


def activities_with_counts(centre_id: int) -> QuerySet[Any]:
    return (
        StandardisationActivity.objects.filter(centre_id=centre_id)
        .annotate(
            participant_count=Count("participants", distinct=True),
            open_action_count=Count(
                "actions", filter=Q(actions__closed_at__isnull=True), distinct=True
            ),
        )
        .order_by("-held_on", "-pk")
    )


def activity_detail(activity_id: int) -> Any:
    return (
        StandardisationActivity.objects.select_related(
            "recorded_by",
            "evidence_item__enrolment__learner",
            "evidence_item__enrolment__standard",
            "record_entry__enrolment__learner",
        )
        .prefetch_related(
            "participants",
            Prefetch(
                "actions",
                queryset=StandardisationAction.objects.select_related("owner", "closed_by"),
            ),
        )
        .get(pk=activity_id)
    )
