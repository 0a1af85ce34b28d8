"""Standards are reference data: every signed-in user may read them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from standards.models import Standard


def standards_for(user: Any) -> QuerySet[Standard]:
    if not (user.is_authenticated and user.is_active):
        return Standard.objects.none()
    return Standard.objects.all()


def get_standard_for(user: Any, slug: str) -> Standard:
    standard = standards_for(user).filter(slug=slug).first()
    if standard is None:
        raise Http404("No such standard.")
    return standard


def require_standards_editor(user: Any) -> None:
    """Centre admins may import standards and supply corrections; others may only read."""
    if not (user.is_authenticated and user.is_active and user.is_centre_admin):
        raise PermissionDenied("Only centre admins may change standards.")
