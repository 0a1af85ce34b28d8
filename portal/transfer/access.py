"""Who may import a transferred portfolio and who may read one. Every view starts here.

A centre admin imports packages for the learners of their centre; any other signed-in user
asking to import gets a 403 (an EQA too: they change nothing). The transferred history of a
learner is read by whoever may read that learner's work at the centre (the learner, their
assessor and IQA, the centre's admins, an EQA granted the centre); anyone else gets a 404.
Only an enrolment's assessor recognises prior learning on it; whoever else may read the
enrolment gets a 403, anyone else (another learner's assessor too) a 404.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from assessments.access import enrolments_visible_to
from assessments.models import Enrolment
from portal.accounts.models import User
from portal.centres.models import Centre


def require_importer(user: Any) -> Centre:
    if not (user.is_authenticated and user.is_centre_admin and user.centre_id) or user.is_eqa:
        raise PermissionDenied("Only centre admins may import transferred portfolios.")
    return user.centre


def get_learner_history_for(user: Any, pk: int) -> tuple[Centre, User]:
    enrolment = (
        enrolments_visible_to(user)
        .filter(learner_id=pk)
        .select_related("centre", "learner")
        .first()
    )
    if enrolment is None:
        raise Http404("No such learner.")
    return enrolment.centre, enrolment.learner


def enrolment_to_recognise(user: Any, pk: int, enrolment_pk: int) -> Enrolment:
    """The learner's enrolment, for its assessor to recognise prior learning on."""
    enrolment = (
        enrolments_visible_to(user)
        .filter(pk=enrolment_pk, learner_id=pk)
        .select_related("centre", "learner", "standard")
        .first()
    )
    if enrolment is None:
        raise Http404("No such enrolment.")
    if enrolment.assessor_id != user.pk:
        raise PermissionDenied("Only the learner's assessor recognises prior learning.")
    return enrolment
