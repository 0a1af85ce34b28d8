"""Who may reach the quality pages. Every view in ``quality.views`` starts here.

Reading: an IQA reads the plans and samples of their own centre; an assessor reads their own
plans, samples and actions; a centre admin reads their centre's; an EQA reads a granted
centre's until the grant expires. Anything else is a 404. Writing is narrower and a reader who
may not write gets a 403: plans and samples are written by an IQA of the centre (a unit only
by its own IQA); an action is answered by its assessor and closed or sent back by the IQA who
raised it. The EQA writes nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from assessments.access import get_enrolment_for
from assessments.models import Enrolment
from quality.models import QaAction, SamplingPlan, UnitSample


def require_iqa(user: Any) -> None:
    if not (user.is_authenticated and user.is_iqa and user.centre_id):
        raise PermissionDenied("This page is for internal quality assurers.")


def _granted(user: Any) -> QuerySet[Any]:
    """The ids of the centres an EQA may read today (a subquery, not a join)."""
    return user.eqa_grants.filter(expires_on__gte=timezone.localdate()).values("centre_id")


def _centre_reader(user: Any) -> bool:
    return bool(user.centre_id and (user.is_iqa or user.is_centre_admin))


def plans_visible_to(user: Any) -> QuerySet[SamplingPlan]:
    if not user.is_authenticated or not user.is_active:
        return SamplingPlan.objects.none()
    rule = Q(assessor=user)
    if _centre_reader(user):
        rule |= Q(centre_id=user.centre_id)
    if user.is_eqa:
        rule |= Q(centre_id__in=_granted(user))
    return SamplingPlan.objects.filter(rule)


def samples_visible_to(user: Any) -> QuerySet[UnitSample]:
    if not user.is_authenticated or not user.is_active:
        return UnitSample.objects.none()
    rule = Q(assessor=user) | Q(sampled_by=user)
    if _centre_reader(user):
        rule |= Q(enrolment__centre_id=user.centre_id)
    if user.is_eqa:
        rule |= Q(enrolment__centre_id__in=_granted(user))
    return UnitSample.objects.filter(rule)


def plan_for(user: Any, pk: int) -> SamplingPlan:
    plan = (
        plans_visible_to(user)
        .select_related("assessor", "standard", "written_by")
        .filter(pk=pk)
        .first()
    )
    if plan is None:
        raise Http404("No such sampling plan.")
    return plan


def assessor_for_plan(user: Any, pk: int) -> Any:
    """An assessor of the IQA's own centre, to write a plan for."""
    require_iqa(user)
    assessor = (
        get_user_model()
        .objects.filter(pk=pk, centre_id=user.centre_id, is_assessor=True, is_active=True)
        .first()
    )
    if assessor is None:
        raise Http404("No such assessor at your centre.")
    return assessor


def assessor_for_reading(user: Any, pk: int) -> Any:
    """An assessor whose plan, coverage and samples the user may read: an IQA or admin of the
    assessor's centre, a granted EQA, or the assessor themselves."""
    if not user.is_authenticated:
        raise Http404
    assessor = get_user_model().objects.filter(pk=pk, is_assessor=True).first()
    if assessor is None or assessor.centre_id is None:
        raise Http404("No such assessor.")
    if assessor.pk == user.pk or (_centre_reader(user) and user.centre_id == assessor.centre_id):
        return assessor
    if (
        user.is_eqa
        and user.eqa_grants.filter(
            centre_id=assessor.centre_id, expires_on__gte=timezone.localdate()
        ).exists()
    ):
        return assessor
    if user.centre_id == assessor.centre_id:
        raise PermissionDenied("Sampling plans are for the centre's staff and the EQA.")
    raise Http404("No such assessor.")


def enrolment_for_sampling(user: Any, pk: int, *, write: bool) -> Enrolment:
    """A learner's unit on the sampling page: 404 unless visible; read by the centre's
    quality readers and a granted EQA; sampled (and with ``write``) only by its IQA."""
    enrolment = get_enrolment_for(user, pk)
    if enrolment.iqa_id == user.pk:
        return enrolment
    if write:
        raise PermissionDenied("Only the unit's IQA samples it.")
    reader = (_centre_reader(user) and user.centre_id == enrolment.centre_id) or user.is_eqa
    if not reader:
        raise PermissionDenied("The sampling page is for the IQA and the EQA.")
    return enrolment


def sample_for(user: Any, pk: int) -> UnitSample:
    sample = (
        samples_visible_to(user)
        .select_related(
            "enrolment__learner",
            "enrolment__standard",
            "assessor",
            "sampled_by",
            "plan",
            "sign_off",
        )
        .filter(pk=pk)
        .first()
    )
    if sample is None:
        raise Http404("No such sample.")
    return sample


def action_for(user: Any, pk: int, *, step: str) -> QaAction:
    """An action to answer (its assessor) or to close or send back (the IQA who raised it):
    404 unless its sample is visible, 403 for anyone else who may read it."""
    action = (
        QaAction.objects.filter(sample__in=samples_visible_to(user), pk=pk)
        .select_related("sample__enrolment", "assessor", "raised_by")
        .first()
    )
    if action is None:
        raise Http404("No such action.")
    if step == "answer" and user.pk != action.assessor_id:
        raise PermissionDenied("Only the assessor answers this action.")
    if step != "answer" and user.pk != action.raised_by_id:
        raise PermissionDenied("Only the IQA who raised this action closes it or sends it back.")
    return action
