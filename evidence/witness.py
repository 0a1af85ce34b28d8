"""Expert witness testimony through a single-use, expiring link.

The learner or their assessor names a witness (role, relationship, occupational competence,
email); the worker emails the witness a link to a public page where they write and sign
their statement without an account. The link's token is signed with the site's key
(``django.core.signing``) and names the request and its random ``nonce``; nothing in the
database alone can make a valid link. It works once (``used_at``), until ``expires_at``.
On use the statement becomes a submitted witness testimony of the learner, awaiting review.
"""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from assessments.errors import NotPermittedError, WrongStateError
from assessments.models import Enrolment
from assessments.services import enrolment_is_locked, ensure_unlocked
from evidence.models import EvidenceItem, WitnessRequest
from evidence.services import _next_sequence, _normalised

SALT = "evidence.witness-link"
# Open (unused, unexpired) requests a learner may have at once: bounds the emails sent.
OPEN_REQUESTS_LIMIT = 10
STATEMENT_MAX_CHARS = 10_000
REQUEST_FIELDS = (
    "witness_name",
    "witness_role",
    "witness_relationship",
    "competence",
    "email",
    "activity",
)


class LinkRefused(Exception):
    """The link names no request we know (``gone`` False: 404), or one that is used, expired
    or no longer usable (``gone`` True: 410). ``str`` says which, for the page."""

    def __init__(self, message: str, *, gone: bool) -> None:
        super().__init__(message)
        self.gone = gone


def witness_token(request: WitnessRequest) -> str:
    return signing.Signer(salt=SALT).sign_object({"r": request.pk, "n": request.nonce})


def witness_link(request: WitnessRequest) -> str:
    return settings.SITE_URL + reverse("evidence:witness_statement", args=[witness_token(request)])


def link_refusal(request: WitnessRequest, now: datetime.datetime | None = None) -> str:
    """Why the request's link can no longer be used, or "" while it can."""
    now = now or timezone.now()
    if request.used_at is not None:
        return "This link has already been used: the statement was sent. Each link works once."
    if request.expires_at <= now:
        return (
            "This link has expired. Ask the learner or their assessor to send you a new one "
            "if you still need to write your statement."
        )
    enrolment = request.enrolment
    if enrolment.status != Enrolment.Status.ACTIVE or enrolment_is_locked(enrolment):
        return "The learner's unit is closed, so this link can no longer be used."
    return ""


def request_for_token(token: str, *, lock: bool = False) -> WitnessRequest:
    """The request a link names, or ``LinkRefused``: unknown or tampered (not gone), used,
    expired or closed (gone). Nothing about any other request or item is revealed."""
    try:
        data = signing.Signer(salt=SALT).unsign_object(token)
        pk, nonce = int(data["r"]), str(data["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise LinkRefused("This link is not valid.", gone=False) from None
    requests = WitnessRequest.objects.select_related(
        "enrolment__learner", "enrolment__standard", "enrolment__centre"
    )
    if lock:
        requests = requests.select_for_update(of=("self",))
    request = requests.filter(pk=pk).first()
    if request is None or not constant_time_compare(request.nonce, nonce):
        raise LinkRefused("This link is not valid.", gone=False)
    if refusal := link_refusal(request):
        raise LinkRefused(refusal, gone=True)
    return request


@transaction.atomic
def witness_request_create(
    *, enrolment: Enrolment, requested_by: Any, now: datetime.datetime | None = None, **fields: str
) -> WitnessRequest:
    """Ask a named witness for a testimony; the worker emails them the link after commit."""
    unknown = set(fields) - set(REQUEST_FIELDS)
    if unknown:
        raise ValueError(f"Unknown witness request fields: {', '.join(sorted(unknown))}")
    if requested_by.pk not in (enrolment.learner_id, enrolment.assessor_id):
        raise NotPermittedError("Only the learner or their assessor may ask a witness.")
    if enrolment.status != Enrolment.Status.ACTIVE:
        raise WrongStateError("A witness can be asked only for an active enrolment.")
    ensure_unlocked(enrolment)
    now = now or timezone.now()
    open_requests = WitnessRequest.objects.filter(
        enrolment__learner_id=enrolment.learner_id, used_at__isnull=True, expires_at__gt=now
    ).count()
    if open_requests >= OPEN_REQUESTS_LIMIT:
        raise WrongStateError(
            f"There are already {open_requests} witness links waiting to be used; wait for "
            "some to be used or to expire before asking another witness."
        )
    request = WitnessRequest(
        enrolment=enrolment,
        requested_by=requested_by,
        nonce=secrets.token_urlsafe(32),
        expires_at=now + datetime.timedelta(days=settings.WITNESS_LINK_DAYS),
        **{field: " ".join(str(value).split()) for field, value in fields.items()},
    )
    request.competence = fields.get("competence", "").strip()
    request.full_clean()
    request.save()
    transaction.on_commit(lambda: _enqueue_email(request.pk))
    return request


def _enqueue_email(request_id: int) -> None:
    from evidence.tasks import send_witness_request

    send_witness_request.enqueue(request_id)


def witness_request_send(*, request_id: int) -> bool:
    """Email the witness their link (the worker's task). False if the link is no longer
    usable, so a late or repeated task sends nothing."""
    request = WitnessRequest.objects.select_related(
        "enrolment__learner", "enrolment__standard", "enrolment__centre", "requested_by"
    ).get(pk=request_id)
    if link_refusal(request):
        return False
    learner = request.enrolment.learner
    asker = request.requested_by
    expires = timezone.localtime(request.expires_at).strftime("%d %B %Y at %H:%M")
    send_mail(
        subject=f"{learner.display_name} asks you for a witness statement",
        message=(
            f"Dear {request.witness_name},\n\n"
            f"{asker.display_name} of {request.enrolment.centre.name} asks you for an expert "
            f"witness statement about {learner.display_name}'s work: {request.activity}.\n\n"
            f"The statement is evidence towards their qualification "
            f"({request.enrolment.standard.display_name}). Write and sign it here; you do not "
            f"need an account:\n\n{witness_link(request)}\n\n"
            f"The link works once and expires on {expires}. If you do not know "
            f"{learner.display_name}, ignore this email.\n"
        ),
        from_email=None,
        recipient_list=[request.email],
    )
    WitnessRequest.objects.filter(pk=request.pk).update(sent_at=timezone.now())
    return True


@transaction.atomic
def witness_statement_submit(
    *,
    token: str,
    statement: str,
    occurred_on: datetime.date,
    signed_name: str,
    now: datetime.datetime | None = None,
) -> EvidenceItem:
    """The witness's signed statement, as a submitted witness testimony of the learner. The
    request is re-read under a lock, so the link is spent exactly once."""
    request = request_for_token(token, lock=True)
    now = now or timezone.now()
    statement = statement.strip()
    errors: dict[str, str] = {}
    if not statement:
        errors["statement"] = "Write your statement."
    elif len(statement) > STATEMENT_MAX_CHARS:
        errors["statement"] = f"Keep the statement to {STATEMENT_MAX_CHARS:,} characters."
    if occurred_on > timezone.localdate(now):
        errors["occurred_on"] = "The date cannot be in the future."
    if _normalised(signed_name) != _normalised(request.witness_name):
        errors["signed_name"] = (
            f"Type your full name as the request gives it: {request.witness_name}."
        )
    if errors:
        raise ValidationError(errors)
    enrolment = request.enrolment
    sequence = _next_sequence(enrolment.learner_id)
    item = EvidenceItem(
        enrolment=enrolment,
        learner_id=enrolment.learner_id,
        sequence=sequence,
        reference=f"E{sequence}",
        title=f"Witness testimony: {request.activity}"[:200],
        occurred_on=occurred_on,
        evidence_type=EvidenceItem.Type.WITNESS,
        status=EvidenceItem.Status.SUBMITTED,
        submitted_at=now,
        witness_name=request.witness_name,
        witness_role=request.witness_role,
        witness_relationship=request.witness_relationship,
        witness_contact=request.email,
        witness_statement=statement,
    )
    item.full_clean()
    item.save()
    request.used_at = now
    request.item = item
    request.signed_name = " ".join(signed_name.split())
    request.full_clean()
    request.save()
    return item
