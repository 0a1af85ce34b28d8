"""Standards are reference data: every signed-in user may read them, corrections included.

Only centre admins write: they import standards and supply text the source lost. Anyone
else asking to write gets a 403, even for the form (GET). A criterion that is not in the
standard named by the URL is a 404, as is asking to supply text for a complete criterion.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from standards.models import Criterion, Standard, TextStatus


def standards_for(user: Any) -> QuerySet[Standard]:
    if not (user.is_authenticated and user.is_active):
        return Standard.objects.none()
    return Standard.objects.all()


def get_standard_for(user: Any, slug: str) -> Standard:
    standard = standards_for(user).filter(slug=slug).first()
    if standard is None:
        raise Http404("No such standard.")
    return standard


def get_criterion_for(user: Any, slug: str, pk: int) -> Criterion:
    criterion = (
        Criterion.objects.filter(standard__in=standards_for(user), standard__slug=slug, pk=pk)
        .select_related("standard", "group")
        .first()
    )
    if criterion is None:
        raise Http404("No such criterion in this standard.")
    return criterion


def require_standards_editor(user: Any) -> None:
    """Centre admins may import standards and supply corrections; others may only read."""
    if not (user.is_authenticated and user.is_active and user.is_centre_admin):
        raise PermissionDenied("Only centre admins may change standards.")


def get_correctable_criterion(user: Any, slug: str, pk: int) -> Criterion:
    """A criterion whose text was lost, for a centre admin to supply; 403 for anyone else."""
    require_standards_editor(user)
    criterion = get_criterion_for(user, slug, pk)
    if criterion.text_status == TextStatus.COMPLETE:
        raise Http404("This criterion's text is complete; there is nothing to supply.")
    return criterion
