"""Who reads which standard and which supplied text.

Official standards (no ``owner_centre``: the seeded ones and those a platform operator loads
with ``manage.py import_standard``) belong to the platform: every signed-in user reads them
and no centre changes them. A standard a centre admin imports on the import page belongs to
that centre: its people (and the EQAs it has granted) alone see it, in lists, search, detail
pages and enrolment choices, until a platform operator publishes it to every centre; only
that centre's admins may replace it. Anyone else's standard is a 404, as if it did not exist.

Supplied texts (``TextCorrection``) belong to the supplier's centre and are shown only to
its people (and its EQAs); texts the platform supplied (no centre) are shown to everyone.

Only centre admins write: they import standards and supply text the source lost. Anyone
else asking to write gets a 403, even for the form (GET). A criterion that is not in the
standard named by the URL is a 404, as is asking to supply text for a complete criterion.
Superusers (platform operators) read everything.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from standards.models import Criterion, Standard, TextCorrection, TextStatus


def _centre_ids(user: Any) -> list[int]:
    """The centres whose own standards and texts the user reads: their centre, or for an
    EQA the centres of their current grants (``centres.EqaGrant``, reached by its relation
    so that this app imports no other)."""
    if user.centre_id is not None:
        return [user.centre_id]
    if user.is_eqa:
        return list(user.eqa_grants.current().values_list("centre_id", flat=True))
    return []


def standards_visible_to_centre(centre_id: int | None) -> QuerySet[Standard]:
    """Official and published standards, and those the centre owns."""
    visible = Q(owner_centre__isnull=True) | Q(published=True)
    if centre_id is not None:
        visible |= Q(owner_centre_id=centre_id)
    return Standard.objects.filter(visible)


def standards_for(user: Any) -> QuerySet[Standard]:
    if not (user.is_authenticated and user.is_active):
        return Standard.objects.none()
    if user.is_superuser:
        return Standard.objects.all()
    visible = Q(owner_centre__isnull=True) | Q(published=True)
    return Standard.objects.filter(visible | Q(owner_centre_id__in=_centre_ids(user)))


def case_readable(user: Any) -> QuerySet[Standard]:
    """What the CASE endpoints serve: official and published standards to anyone, as the NOS
    are public documents; a centre's own standard only to those who read it."""
    if user.is_authenticated:
        return standards_for(user)
    return standards_visible_to_centre(None)


def correction_filter(user: Any, prefix: str = "") -> Q:
    """A ``Q`` for the supplied texts the user may see, through ``prefix`` (for example
    ``"corrections__"`` from a criterion)."""
    if user.is_superuser:
        return Q()
    return Q(**{f"{prefix}centre__isnull": True}) | Q(
        **{f"{prefix}centre_id__in": _centre_ids(user)}
    )


def corrections_for(user: Any) -> QuerySet[TextCorrection]:
    """Supplied texts of readable standards that the user's centre (or the platform) gave."""
    if not (user.is_authenticated and user.is_active):
        return TextCorrection.objects.none()
    return TextCorrection.objects.filter(
        correction_filter(user), criterion__standard__in=standards_for(user)
    )


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


def may_replace(user: Any, standard: Standard) -> bool:
    """Only the owning centre's admins replace a centre's standard; official standards are
    replaced only by the platform (``manage.py import_standard --replace``)."""
    return bool(
        user.is_centre_admin
        and standard.owner_centre_id is not None
        and standard.owner_centre_id == user.centre_id
    )


def get_correctable_criterion(user: Any, slug: str, pk: int) -> Criterion:
    """A criterion whose text was lost, for a centre admin to supply; 403 for anyone else."""
    require_standards_editor(user)
    criterion = get_criterion_for(user, slug, pk)
    if criterion.text_status == TextStatus.COMPLETE:
        raise Http404("This criterion's text is complete; there is nothing to supply.")
    return criterion
