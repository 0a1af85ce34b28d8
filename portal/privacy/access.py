"""Who may use the data-protection pages. Every view starts here.

Subject access exports, the retention report and erasure are for a centre's own admins,
about their own centre's people: anyone else signed in gets a 403 (an external quality
assurer too: they read decisions, not people's files), and another centre's person or
export is a 404. The privacy notice and the accessibility statement are public.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from evidence.models import EvidenceItem
from portal.accounts.models import User
from portal.centres.access import get_person_for_admin, require_centre_admin
from portal.centres.models import Centre
from portal.privacy.models import SubjectAccessExport

__all__ = [
    "get_flagged_item_for",
    "get_person_for_admin",
    "get_subject_export_for",
    "require_centre_admin",
]


def get_subject_export_for(user: Any, pk: int) -> SubjectAccessExport:
    """The export if it was made for the admin's own centre; 404 otherwise."""
    centre: Centre = require_centre_admin(user)
    export = (
        SubjectAccessExport.objects.select_related("subject", "requested_by")
        .filter(centre=centre, pk=pk)
        .first()
    )
    if export is None:
        raise Http404("No such subject access export in your centre.")
    return export


def people_for_subject_access(centre: Centre) -> Any:
    return User.objects.filter(centre=centre).order_by("full_name", "username")


def get_flagged_item_for(user: Any, pk: int) -> EvidenceItem:
    """An evidence item of the admin's own centre, for a retention decision; 404 otherwise
    (another centre's, or no such item). Whether a decision may be taken on it now is the
    service's rule (``evidence.services.retention_refusal``)."""
    centre: Centre = require_centre_admin(user)
    item = (
        EvidenceItem.objects.select_related("learner", "enrolment")
        .filter(enrolment__centre=centre, pk=pk)
        .first()
    )
    if item is None:
        raise Http404("No such evidence in your centre.")
    return item
