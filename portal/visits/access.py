"""Who may reach which visit.

An external quality assurer reaches only their own visits, and only to a centre they hold an
unexpired grant for; there, and nowhere else, they write. The visited centre's admins,
assessors and IQAs read its visits (never a draft report); its admins respond to actions.
A visit out of reach is a 404 (another centre's, another EQA's, an expired grant); a role
that may read but not write gets a 403; learners and anyone without a role get a 403.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from portal.centres.access import centres_for_eqa, require_eqa
from portal.centres.models import Centre
from portal.visits.models import Visit, VisitAction


def _is_centre_staff(user: Any) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.centre_id
        and (user.is_centre_admin or user.is_assessor or user.is_iqa)
    )


def require_visit_reader(user: Any) -> None:
    """EQA or a centre's staff: the only people visits are for (403 for everyone else)."""
    if not (user.is_authenticated and user.is_active and (user.is_eqa or _is_centre_staff(user))):
        raise PermissionDenied("Visits are for external quality assurers and centre staff.")


def visits_visible_to(user: Any) -> QuerySet[Visit]:
    """The EQA's own visits to centres still granted; the centre's visits for its staff."""
    if user.is_authenticated and user.is_active and user.is_eqa:
        return Visit.objects.filter(eqa=user, centre__in=centres_for_eqa(user))
    if _is_centre_staff(user):
        return Visit.objects.filter(centre_id=user.centre_id)
    return Visit.objects.none()


def get_visit_for(user: Any, pk: int, *, write: bool = False) -> Visit:
    """The visit if the user may read it (else 404); with ``write``, 403 unless it is the
    EQA's own."""
    require_visit_reader(user)
    visit = visits_visible_to(user).select_related("centre", "eqa").filter(pk=pk).first()
    if visit is None:
        raise Http404("No such visit.")
    if write and visit.eqa_id != user.pk:
        raise PermissionDenied("Only the external quality assurer who planned it changes a visit.")
    return visit


def get_centre_for_planning(user: Any, pk: int) -> Centre:
    """A centre the EQA may plan a visit to: granted and unexpired (else 404); 403 for
    anyone who is not an EQA."""
    require_eqa(user)
    centre = centres_for_eqa(user).filter(pk=pk).first()
    if centre is None:
        raise Http404("No such centre granted to you.")
    return centre


def get_action_for(user: Any, pk: int, *, responder: bool = False) -> VisitAction:
    """An action of an issued report the user may read (else 404). ``responder``: only the
    visited centre's admins answer it; otherwise only the visit's EQA decides on it (403 for
    other readers)."""
    require_visit_reader(user)
    action = (
        VisitAction.objects.filter(
            visit__in=visits_visible_to(user), raised_in__issued_at__isnull=False
        )
        .select_related("visit__centre", "raised_in")
        .filter(pk=pk)
        .first()
    )
    if action is None:
        raise Http404("No such action.")
    if responder and not (user.is_centre_admin and user.centre_id == action.visit.centre_id):
        raise PermissionDenied("Only the centre's admins respond to an EQA's action.")
    if not responder and action.visit.eqa_id != user.pk:
        raise PermissionDenied("Only the external quality assurer who raised it decides on it.")
    return action
