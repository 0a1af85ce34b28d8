"""Who may reach which evidence: exactly the people who may see its enrolment.

That is the learner, their assessor and IQA, their centre's admins and an external quality
assurer granted the centre (``assessments.access.enrolments_visible_to``). Evidence out of
reach is a 404 whatever the URL; someone who may see it but is not its learner gets a 403
when asking to change it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from assessments.access import enrolments_visible_to, get_enrolment_for
from assessments.models import Enrolment
from evidence.models import EvidenceFile, EvidenceItem, WitnessRequest
from evidence.uploads import StagedUpload, staged_upload_get
from evidence.witness import LinkRefused, request_for_token


def items_visible_to(user: Any) -> QuerySet[EvidenceItem]:
    return EvidenceItem.objects.filter(enrolment__in=enrolments_visible_to(user))


def enrolments_for_new_evidence(user: Any) -> QuerySet[Enrolment]:
    """The learner's own active enrolments: where they may add evidence."""
    return (
        enrolments_visible_to(user)
        .filter(learner=user, status=Enrolment.Status.ACTIVE)
        .select_related("standard")
    )


def require_learner(user: Any) -> None:
    if not (user.is_authenticated and user.is_learner):
        raise PermissionDenied("Only learners add evidence.")


def get_item_for(user: Any, pk: int, *, write: bool = False) -> EvidenceItem:
    """The item if the user may see it (else 404); with ``write``, 403 unless their own."""
    item = (
        items_visible_to(user)
        .select_related("enrolment__learner", "enrolment__standard", "enrolment__centre")
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise Http404("No such evidence.")
    if write and item.enrolment.learner_id != user.pk:
        raise PermissionDenied("Only the learner may change their evidence.")
    return item


def get_file_for(user: Any, pk: int, *, write: bool = False) -> EvidenceFile:
    """The file if the user may see its item (else 404); with ``write``, 403 unless theirs.
    A file of an earlier version (removed from the current one) is reached the same way."""
    evidence_file = (
        EvidenceFile.all_versions.filter(item__in=items_visible_to(user))
        .select_related("item__enrolment")
        .filter(pk=pk)
        .first()
    )
    if evidence_file is None:
        raise Http404("No such file.")
    if write and evidence_file.item.enrolment.learner_id != user.pk:
        raise PermissionDenied("Only the learner may change their evidence.")
    return evidence_file


def enrolment_for_witness_request(user: Any, pk: int) -> Enrolment:
    """The enrolment, to ask an expert witness for a testimony: its learner or its assessor
    (403 for others who may see it; 404 for everyone else)."""
    enrolment = get_enrolment_for(user, pk)
    if user.pk not in (enrolment.learner_id, enrolment.assessor_id):
        raise PermissionDenied("Only the learner or their assessor may ask a witness.")
    return enrolment


def witness_request_for_link(token: str) -> WitnessRequest:
    """The witness link's own rule: no account; the signed token alone names one request.
    An unknown or tampered token is a 404; a used, expired or closed one raises
    ``LinkRefused`` (the page answers 410). Either way it reaches nothing else."""
    try:
        return request_for_token(token)
    except LinkRefused as refused:
        if not refused.gone:
            raise Http404(str(refused)) from None
        raise


def get_upload_for(user: Any, upload_id: str) -> tuple[StagedUpload, EvidenceItem]:
    """A resumable upload in progress and its item, for the learner who started it: the
    item's rule first (404 out of reach, 403 for others who may see it), then 404 for an
    unknown upload or one the user did not start."""
    staged = staged_upload_get(upload_id)
    if staged is None:
        raise Http404("No such upload.")
    item = get_item_for(user, staged.item_id, write=True)
    if staged.user_id != user.pk:
        raise Http404("No such upload.")
    return staged, item
