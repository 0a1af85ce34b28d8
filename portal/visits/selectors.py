"""Reads of the visit pages, each in a fixed number of queries."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Max, Prefetch, Q, QuerySet

from assessments.models import Enrolment
from portal.visits.access import visits_visible_to
from portal.visits.models import ActionReply, SampledEnrolment, Visit, VisitAction, VisitReport
from quality.models import UnitSample
from review.status import with_state

SEARCH_RESULTS = 20


def visit_list(user: Any) -> QuerySet[Visit]:
    return (
        visits_visible_to(user)
        .select_related("centre", "eqa")
        .annotate(
            sample_size=Count("sample", distinct=True),
            issued_version=Max("reports__version", filter=Q(reports__issued_at__isnull=False)),
            open_actions=Count(
                "actions",
                filter=Q(actions__raised_in__issued_at__isnull=False)
                & ~Q(actions__status=VisitAction.Status.CLOSED),
                distinct=True,
            ),
        )
        .order_by("-visit_on", "-pk")
    )


def sample_rows(visit: Visit) -> list[SampledEnrolment]:
    """The sample, each row's enrolment annotated with its state and given its IQA unit
    samples (``iqa_samples``, newest first): three queries."""
    enrolments = with_state(Enrolment.objects.select_related("learner", "standard", "assessor"))
    rows = list(
        visit.sample.select_related(None).prefetch_related(
            Prefetch("enrolment", queryset=enrolments)
        )
    )
    by_enrolment: dict[int, list[UnitSample]] = {}
    for unit_sample in UnitSample.objects.filter(
        enrolment_id__in=[row.enrolment_id for row in rows]
    ).order_by("-sampled_at", "-pk"):
        by_enrolment.setdefault(unit_sample.enrolment_id, []).append(unit_sample)
    for row in rows:
        row.iqa_samples = by_enrolment.get(row.enrolment_id, [])
    return rows


def report_actions(report: VisitReport | None, *, issued_only: bool = True) -> list[VisitAction]:
    """The actions of the visit up to this version, with their replies (two queries)."""
    if report is None:
        return []
    actions = VisitAction.objects.filter(
        visit_id=report.visit_id, raised_in__version__lte=report.version
    )
    if issued_only:
        actions = actions.filter(raised_in__issued_at__isnull=False)
    return list(
        actions.select_related("raised_in", "closed_by").prefetch_related(
            Prefetch("replies", queryset=ActionReply.objects.select_related("author"))
        )
    )


def enrolment_search(visit: Visit, query: str) -> list[Enrolment]:
    """The visited centre's units whose learner or standard matches, at most 20 (one query)."""
    matches = (
        Q(learner__full_name__icontains=query)
        | Q(learner__username__icontains=query)
        | Q(standard__code__icontains=query)
    )
    return list(
        with_state(
            Enrolment.objects.filter(centre_id=visit.centre_id)
            .filter(matches)
            .exclude(pk__in=visit.sample.values("enrolment_id"))
            .select_related("learner", "standard", "assessor")
            .order_by("learner__full_name", "pk")
        )[:SEARCH_RESULTS]
    )
