"""Who may export whose portfolio, and who may see an export. Every view starts here.

A learner may export their own portfolio, an assessor the learners they assess, a centre
admin any learner of their centre and cohorts of it. A learner or export outside the user's
reach is a 404; a signed-in user who may export nothing asking for a cohort gets a 403.
An external quality assurer reads the exports of the centres granted to them (as the
centre's admins may) but starts or retries none: a 403.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from assessments.access import enrolments_visible_to
from portal.accounts.models import User
from portal.centres.models import Centre
from portal.portfolio.models import PortfolioExport
from portal.portfolio.selectors import exports_visible_to


def learners_exportable_by(user: Any) -> QuerySet[User]:
    if not user.is_authenticated or not user.is_active or not user.centre_id:
        return User.objects.none()
    rule = Q(pk=user.pk, is_learner=True)
    if user.is_assessor:
        rule |= Q(enrolments__assessor=user, enrolments__centre_id=user.centre_id)
    if user.is_centre_admin:
        rule |= Q(is_learner=True)
    return User.objects.filter(rule, centre_id=user.centre_id).distinct()


def get_learner_for_export(user: Any, pk: int) -> tuple[Centre, User]:
    learner = learners_exportable_by(user).filter(pk=pk).first()
    if learner is None:
        if user.is_authenticated and enrolments_visible_to(user).filter(learner_id=pk).exists():
            # Someone who may read the learner's work but not export it (an IQA, an EQA).
            raise PermissionDenied("You may read this learner's portfolio but not export it.")
        raise Http404("No such learner for you to export.")
    return user.centre, learner


def may_read_portfolio_of(user: Any, learner: User, centre: Centre) -> bool:
    """Whether the user may read the learner's work at the centre today: the learner, their
    assessor or IQA, the centre's admins, or an EQA granted the centre."""
    return enrolments_visible_to(user).filter(learner=learner, centre=centre).exists()


def require_cohort_exporter(user: Any) -> Centre:
    """Cohort exports are for centre admins; 403 for everyone else."""
    if not (user.is_authenticated and user.is_centre_admin and user.centre_id):
        raise PermissionDenied("Only centre admins may export cohorts.")
    return user.centre


def get_export_for(user: Any, pk: int, *, write: bool = False) -> PortfolioExport:
    """The export if the user may see it (else 404); with ``write``, 403 for an EQA."""
    export = exports_visible_to(user).select_related("centre", "requested_by").filter(pk=pk).first()
    if export is None:
        raise Http404("No such export.")
    if write and user.is_eqa:
        raise PermissionDenied("External quality assurers read exports but do not run them.")
    return export
