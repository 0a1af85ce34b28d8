"""Who may reach which enrolment. Every view that touches an enrolment starts here.

An enrolment outside the user's reach is a 404, never a 403, so that its existence is not
revealed. A user who may read it but not change it gets a 403 when asking to write.
An external quality assurer (``is_eqa``) reads every enrolment of the centres granted to them
until the grant expires, and writes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from assessments.models import Enrolment


def enrolments_visible_to(user: Any) -> QuerySet[Enrolment]:
    """Every enrolment the user may read, by any of their roles."""
    if not user.is_authenticated or not user.is_active:
        return Enrolment.objects.none()
    rule = Q(learner=user) | Q(assessor=user) | Q(iqa=user)
    if user.is_centre_admin and user.centre_id:
        rule |= Q(centre_id=user.centre_id)
    if user.is_eqa:
        # A subquery rather than a join, so every condition is on the enrolment's own row,
        # no row repeats and no DISTINCT is needed (a DISTINCT made each annotation run for
        # the whole list before the page was sliced, and again for the paginator's count).
        # Only unexpired grants count.
        granted = user.eqa_grants.filter(expires_on__gte=timezone.localdate())
        rule |= Q(centre_id__in=granted.values("centre_id"))
    return Enrolment.objects.filter(rule)


def can_manage_enrolment(user: Any, enrolment: Enrolment) -> bool:
    """Centre admins of the enrolment's own centre may change it."""
    return bool(user.is_centre_admin and user.centre_id == enrolment.centre_id)


def get_enrolment_for(user: Any, pk: int, *, manage: bool = False) -> Enrolment:
    """The enrolment if the user may see it (else 404); with ``manage``, 403 if read-only."""
    enrolment = (
        enrolments_visible_to(user)
        .select_related("learner", "assessor", "iqa", "standard", "centre")
        .filter(pk=pk)
        .first()
    )
    if enrolment is None:
        raise Http404("No such enrolment.")
    if manage and not can_manage_enrolment(user, enrolment):
        raise PermissionDenied("You may view this enrolment but not change it.")
    return enrolment
