"""Who may reach the assessment workflow's pages. Every view in ``review.views`` starts here.

Reading follows the enrolment (``assessments.access.get_enrolment_for``): anyone who may see
the enrolment may read its grid and record; anyone else gets a 404. Acting is narrower, and
someone who may read but not act gets a 403: only the enrolment's assessor reviews, maps,
judges and signs off; only its learner countersigns; only its IQA samples; only a centre
admin of its centre reopens. An assessment plan is drafted by the assessor and signed by the
assessor and the learner; everyone who may see the enrolment reads every version of it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from assessments.access import enrolments_visible_to, get_enrolment_for
from assessments.models import Enrolment, RecordEntry
from evidence.access import get_item_for
from evidence.models import EvidenceItem
from review.models import AssessmentPlan
from review.sampling import SAMPLEABLE_ACTIONS


def enrolment_for_assessor(user: Any, pk: int) -> Enrolment:
    """The enrolment, to act on as its assessor."""
    enrolment = get_enrolment_for(user, pk)
    if enrolment.assessor_id != user.pk:
        raise PermissionDenied("Only the learner's assessor may do this.")
    return enrolment


def enrolment_for_learner(user: Any, pk: int) -> Enrolment:
    """The enrolment, to countersign as its learner."""
    enrolment = get_enrolment_for(user, pk)
    if enrolment.learner_id != user.pk:
        raise PermissionDenied("Only the learner countersigns their unit.")
    return enrolment


def enrolment_for_admin(user: Any, pk: int) -> Enrolment:
    """The enrolment, to reopen as a centre admin of its centre."""
    return get_enrolment_for(user, pk, manage=True)


def item_for_review(user: Any, pk: int, *, act: bool) -> EvidenceItem:
    """A submitted item on the review page: readable by staff who may see it, actionable by
    the assessor; the learner has their own evidence page."""
    item = get_item_for(user, pk)
    is_assessor = item.enrolment.assessor_id == user.pk
    if act and not is_assessor:
        raise PermissionDenied("Only the learner's assessor may review this evidence.")
    if not is_assessor and item.enrolment.learner_id == user.pk:
        raise PermissionDenied("This is your assessor's page; see your evidence instead.")
    if item.status == EvidenceItem.Status.DRAFT:
        raise PermissionDenied("The learner has not submitted this evidence yet.")
    return item


def require_iqa(user: Any) -> None:
    if not (user.is_authenticated and user.is_iqa):
        raise PermissionDenied("This page is for internal quality assurers.")


def iqa_enrolments(user: Any) -> QuerySet[Enrolment]:
    return enrolments_visible_to(user).filter(iqa=user)


def sampleable_entries(user: Any) -> QuerySet[RecordEntry]:
    """Decisions on the IQA's own enrolments that may be sampled."""
    return RecordEntry.objects.filter(
        enrolment__in=iqa_enrolments(user), action__in=SAMPLEABLE_ACTIONS
    )


def assessor_for_iqa(user: Any, pk: int) -> Any:
    """An assessor whose decisions the IQA samples; 404 for anyone else."""
    require_iqa(user)
    has_work = (
        sampleable_entries(user).filter(actor_id=pk).exists()
        or iqa_enrolments(user).filter(assessor_id=pk).exists()
    )
    assessor = get_user_model().objects.filter(pk=pk).first()
    if assessor is None or not has_work:
        raise Http404("No decisions of that assessor for you to sample.")
    return assessor


def entry_for_iqa(user: Any, pk: int) -> RecordEntry:
    """A decision to sample: 404 unless its enrolment is visible, 403 unless the user is its
    IQA."""
    entry = (
        RecordEntry.objects.filter(enrolment__in=enrolments_visible_to(user), pk=pk)
        .select_related("enrolment__learner", "enrolment__standard", "enrolment__iqa")
        .first()
    )
    if entry is None:
        raise Http404("No such decision.")
    if entry.enrolment.iqa_id != user.pk:
        raise PermissionDenied("Only the enrolment's IQA samples its decisions.")
    return entry


def enrolment_for_reading(user: Any, pk: int) -> Enrolment:
    """The enrolment, to read (its grid): anyone who may see it."""
    return get_enrolment_for(user, pk)


def enrolment_for_plan_signing(user: Any, pk: int) -> Enrolment:
    """The enrolment, to sign its assessment plan: its assessor or its learner."""
    enrolment = get_enrolment_for(user, pk)
    if user.pk not in (enrolment.assessor_id, enrolment.learner_id):
        raise PermissionDenied("Only the learner and their assessor sign the plan.")
    return enrolment


def plan_version_for(user: Any, pk: int, version: int) -> tuple[Enrolment, AssessmentPlan]:
    """One version of an enrolment's plan, for anyone who may see the enrolment; 404 if the
    enrolment is out of reach or has no such version."""
    enrolment = get_enrolment_for(user, pk)
    plan = (
        AssessmentPlan.objects.filter(enrolment=enrolment, version=version)
        .select_related("drafted_by")
        .first()
    )
    if plan is None:
        raise Http404("No such version of the plan.")
    return enrolment, plan
