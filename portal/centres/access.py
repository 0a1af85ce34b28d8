"""Centre administration: only a centre's own admins, and only their centre's people.

Another centre's person is a 404. A signed-in user who is not a centre admin gets a 403,
except an external quality assurer, who may read the centres granted to them while the
grant has not expired (a centre not granted, or whose grant expired, is a 404).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from portal.accounts.models import User
from portal.centres.models import Centre, EqaGrant


def require_centre_admin(user: Any) -> Centre:
    """The admin's own centre; 403 for anyone who is not a centre admin."""
    if not (user.is_authenticated and user.is_centre_admin and user.centre_id):
        raise PermissionDenied("Only centre admins may manage a centre.")
    return user.centre


def people_of(centre: Centre) -> QuerySet[User]:
    return User.objects.filter(centre=centre)


def get_person_for_admin(user: Any, pk: int) -> tuple[Centre, User]:
    centre = require_centre_admin(user)
    person = people_of(centre).filter(pk=pk).first()
    if person is None:
        raise Http404("No such person in your centre.")
    return centre, person


def require_eqa(user: Any) -> None:
    if not (user.is_authenticated and user.is_active and user.is_eqa):
        raise PermissionDenied("This page is for external quality assurers.")


def centres_for_eqa(user: Any) -> QuerySet[Centre]:
    """The centres of the EQA's unexpired grants; none for anyone else."""
    if not (user.is_authenticated and user.is_active and user.is_eqa):
        return Centre.objects.none()
    return Centre.objects.filter(
        pk__in=EqaGrant.objects.current().filter(user=user).values("centre_id")
    )


def get_centre_for_eqa(user: Any, pk: int) -> Centre:
    require_eqa(user)
    centre = centres_for_eqa(user).filter(pk=pk).first()
    if centre is None:
        raise Http404("No such centre granted to you.")
    return centre
