"""Writes for staff competence and the centre's standardisation and observation records.

Each function validates (``full_clean``) and saves inside a transaction. Standardisation and
observations of practice are quality records an EQA checks later, so each of their steps also
appends a centre-wide entry to the record (``record_append``) in the same transaction: who,
which activity, people, dates and outcome, never the free-text outcomes, notes or feedback
(they stay in their own rows). Certificates are
checked by content like evidence uploads (``evidence.filetypes.detect``), stored in the
private storage under a generated name, re-read to check their hash, and removed again if
anything fails.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import re
import uuid
from collections.abc import Iterable
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from assessments.errors import NotPermittedError, WrongStateError
from assessments.models import Enrolment, RecordEntry
from assessments.services import record_append
from evidence import filetypes
from evidence.filetypes import Refused
from evidence.models import EvidenceItem
from portal.accounts.models import User
from portal.centres.models import Centre
from portal.staff.models import (
    CompetenceStatement,
    CpdEntry,
    ExpertWitness,
    Observation,
    Qualification,
    StandardisationAction,
    StandardisationActivity,
    private_storage,
)
from standards.models import Standard

logger = logging.getLogger(__name__)

CERTIFICATE_MAX_BYTES = 20 * 1024 * 1024
CERTIFICATE_TYPES = {"application/pdf"} | filetypes.IMAGE_TYPES
CERTIFICATE_SUMMARY = "a PDF or a photo (JPEG, PNG, WebP, HEIC)"
CHUNK_BYTES = 1024 * 1024


# -- Qualifications -----------------------------------------------------------------------


def _certificate_store(upload: IO[bytes], *, original_name: str, size: int) -> dict[str, str]:
    """Check and store a certificate; return the fields to set. Raises ``ValidationError``."""
    if size > CERTIFICATE_MAX_BYTES:
        raise ValidationError({"certificate": "A certificate may be at most 20 MB."})
    try:
        detected = filetypes.detect(upload, size=size)
    except Refused as error:
        raise ValidationError({"certificate": str(error)}) from error
    if detected.media_type not in CERTIFICATE_TYPES or detected.active_content:
        raise ValidationError(
            {"certificate": f"A certificate must be {CERTIFICATE_SUMMARY}; nothing was saved."}
        )
    upload.seek(0)
    digest = hashlib.sha256()
    while chunk := upload.read(CHUNK_BYTES):
        digest.update(chunk)
    upload.seek(0)
    storage = private_storage()
    stored = storage.save(f"staff/certificates/{uuid.uuid4().hex}", File(upload))
    check = hashlib.sha256()
    with storage.open(stored, "rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            check.update(chunk)
    if check.hexdigest() != digest.hexdigest():
        _remove_stored([stored])
        raise ValidationError({"certificate": "The stored copy did not match the upload."})
    return {
        "certificate": stored,
        "certificate_name": filetypes.name_for_type(original_name, detected.media_type),
        "certificate_type": detected.media_type,
        "certificate_sha256": digest.hexdigest(),
    }


def _remove_stored(names: Iterable[str]) -> None:
    storage = private_storage()
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.exception("Could not remove stored certificate %s", name)


def qualification_save(
    *,
    person: User,
    fields: dict[str, Any],
    certificate: Any = None,
    qualification: Qualification | None = None,
) -> Qualification:
    """Add a qualification, or change one (a renewal: new dates, a new certificate).

    ``fields``: kind, title, awarding_body, achieved_on, expires_on. A new expiry date opens
    a new reminder window. ``certificate`` is an uploaded file or None (keep the old one).
    """
    row = qualification or Qualification(person=person)
    old_file = row.certificate.name if row.certificate else ""
    for name, value in fields.items():
        setattr(row, name, value)
    if row.expires_on != row.reminded_for:
        row.reminded_for = None
    row.full_clean(exclude=["certificate"])
    stored: dict[str, str] = {}
    if certificate is not None:
        stored = _certificate_store(
            certificate, original_name=certificate.name, size=certificate.size
        )
        for name, value in stored.items():
            setattr(row, name, value)
    try:
        with transaction.atomic():
            row.save()
    except BaseException:
        if stored:
            _remove_stored([stored["certificate"]])
        raise
    if stored and old_file:
        transaction.on_commit(lambda: _remove_stored([old_file]))
    return row


def qualification_delete(*, qualification: Qualification) -> None:
    name = qualification.certificate.name if qualification.certificate else ""
    with transaction.atomic():
        qualification.delete()
        if name:
            transaction.on_commit(lambda: _remove_stored([name]))


def qualification_mark_reminded(*, qualification: Qualification) -> bool:
    """Claim the reminder for this qualification's current expiry date; False if already sent
    (or claimed by another run at the same time)."""
    updated = (
        Qualification.objects.filter(pk=qualification.pk, expires_on=qualification.expires_on)
        .exclude(reminded_for=qualification.expires_on)
        .update(reminded_for=qualification.expires_on)
    )
    return updated == 1


# -- Competence statements and CPD ----------------------------------------------------------


def competence_statement_save(
    *, person: User, standard: Standard, statement: str
) -> CompetenceStatement:
    with transaction.atomic():
        row = (
            CompetenceStatement.objects.select_for_update()
            .filter(person=person, standard=standard)
            .first()
        ) or CompetenceStatement(person=person, standard=standard)
        row.statement = statement
        row.full_clean()
        row.save()
    return row


def competence_statement_delete(*, statement: CompetenceStatement) -> None:
    statement.delete()


def cpd_entry_create(
    *,
    person: User,
    done_on: datetime.date,
    activity: str,
    hours: Any,
    reflection: str,
) -> CpdEntry:
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": "A CPD activity cannot be in the future."})
    row = CpdEntry(
        person=person, done_on=done_on, activity=activity, hours=hours, reflection=reflection
    )
    row.full_clean()
    with transaction.atomic():
        row.save()
    return row


def cpd_entry_delete(*, entry: CpdEntry) -> None:
    entry.delete()


# -- Expert witnesses ---------------------------------------------------------------------


def expert_witness_save(
    *, centre: Centre, fields: dict[str, Any], witness: ExpertWitness | None = None
) -> ExpertWitness:
    row = witness or ExpertWitness(centre=centre)
    for name, value in fields.items():
        setattr(row, name, value)
    row.email = row.email.strip().lower()
    row.full_clean()
    with transaction.atomic():
        row.save()
    return row


# -- Standardisation ----------------------------------------------------------------------

_EVIDENCE_LINK = re.compile(r"/evidence/(\d+)/")
_RECORD_NUMBER = re.compile(r"^#?\s*(\d+)$")


def discussed_find(
    *, centre: Centre, reference: str
) -> tuple[EvidenceItem | None, RecordEntry | None]:
    """The evidence item (from its link, ``…/evidence/123/``) or recorded decision (its
    number in the centre's record, ``#45``) a reference names; both None for "". Anything of
    another centre, or that does not exist, is refused in the same words."""
    reference = reference.strip()
    if not reference:
        return None, None
    if match := _EVIDENCE_LINK.search(reference):
        item = EvidenceItem.objects.filter(pk=int(match[1]), enrolment__centre=centre).first()
        if item is not None:
            return item, None
    elif match := _RECORD_NUMBER.match(reference):
        entry = RecordEntry.objects.filter(centre=centre, sequence=int(match[1])).first()
        if entry is not None:
            return None, entry
    raise ValidationError(
        {
            "discussed": (
                "No evidence item or decision of your centre has that reference. Paste an "
                "evidence item's link (…/evidence/123/) or a decision's number from a "
                "learner's record (#45)."
            )
        }
    )


def _check_participants(centre: Centre, participants: Iterable[User]) -> list[User]:
    people = list(participants)
    if not people:
        raise ValidationError({"participants": "Choose at least one participant."})
    for person in people:
        if person.centre_id != centre.pk or not (person.is_assessor or person.is_iqa):
            raise ValidationError(
                {"participants": f"{person} is not an assessor or IQA of this centre."}
            )
    return people


def standardisation_activity_create(
    *,
    centre: Centre,
    actor: User,
    held_on: datetime.date,
    title: str,
    participants: Iterable[User],
    discussed: str,
    outcomes: str,
) -> StandardisationActivity:
    if not (actor.centre_id == centre.pk and (actor.is_iqa or actor.is_centre_admin)):
        raise NotPermittedError("Only the centre's IQAs and admins record standardisation.")
    if held_on > timezone.localdate():
        raise ValidationError(
            {"held_on": "Record a standardisation activity once it has happened."}
        )
    people = _check_participants(centre, participants)
    item, entry = discussed_find(centre=centre, reference=discussed)
    row = StandardisationActivity(
        centre=centre,
        held_on=held_on,
        title=title,
        evidence_item=item,
        record_entry=entry,
        outcomes=outcomes,
        recorded_by=actor,
    )
    row.full_clean()
    with transaction.atomic():
        row.save()
        row.participants.set(people)
        record_append(
            enrolment=None,
            centre_id=centre.pk,
            actor=actor,
            action=RecordEntry.Action.STANDARDISATION_RECORDED,
            payload={
                "activity": row.pk,
                "title": row.title,
                "held_on": row.held_on.isoformat(),
                "participants": sorted(_name(person) for person in people),
                "participant_ids": sorted(person.pk for person in people),
                "evidence_item": item.pk if item else None,
                "discussed_entry": entry.sequence if entry else None,
            },
        )
    return row


def _name(person: User) -> str:
    return person.get_full_name() or person.get_username()


def _action_payload(row: StandardisationAction, owner: User) -> dict[str, Any]:
    return {
        "activity": row.activity_id,
        "standardisation_action": row.pk,
        "owner": _name(owner),
        "owner_id": owner.pk,
        "due_on": row.due_on.isoformat(),
    }


def standardisation_action_add(
    *,
    activity: StandardisationActivity,
    actor: User,
    text: str,
    owner: User,
    due_on: datetime.date,
) -> StandardisationAction:
    if owner.centre_id != activity.centre_id or not (
        owner.is_assessor or owner.is_iqa or owner.is_centre_admin
    ):
        raise ValidationError({"owner": "The owner must be a member of staff of this centre."})
    row = StandardisationAction(activity=activity, text=text, owner=owner, due_on=due_on)
    row.full_clean()
    with transaction.atomic():
        row.save()
        record_append(
            enrolment=None,
            centre_id=activity.centre_id,
            actor=actor,
            action=RecordEntry.Action.STANDARDISATION_ACTION_SET,
            payload=_action_payload(row, owner),
        )
    return row


def standardisation_action_close(
    *, action: StandardisationAction, actor: User, note: str
) -> StandardisationAction:
    with transaction.atomic():
        row = StandardisationAction.objects.select_for_update().get(pk=action.pk)
        if row.closed_at is not None:
            raise WrongStateError("This action is already closed.")
        row.closed_at = timezone.now()
        row.closed_by = actor
        row.closing_note = note
        row.full_clean()
        row.save()
        record_append(
            enrolment=None,
            centre_id=row.activity.centre_id,
            actor=actor,
            action=RecordEntry.Action.STANDARDISATION_ACTION_CLOSED,
            payload=_action_payload(row, row.owner),
        )
    return row


# -- Observation of practice --------------------------------------------------------------


def observation_create(
    *,
    centre: Centre,
    observer: User,
    assessor: User,
    enrolment: Enrolment,
    observed_on: datetime.date,
    setting: str,
    outcome: str,
    feedback: str,
) -> Observation:
    if not (observer.centre_id == centre.pk and observer.is_iqa):
        raise NotPermittedError("Only the centre's IQAs record observations of practice.")
    if observer.pk == assessor.pk:
        raise ValidationError({"assessor": "An IQA does not observe their own assessing."})
    if assessor.centre_id != centre.pk or not assessor.is_assessor:
        raise ValidationError({"assessor": "Choose an assessor of this centre."})
    if enrolment.centre_id != centre.pk or enrolment.assessor_id != assessor.pk:
        raise ValidationError({"enrolment": "Choose a learner this assessor assesses."})
    if observed_on > timezone.localdate():
        raise ValidationError({"observed_on": "Record an observation once it has happened."})
    row = Observation(
        centre=centre,
        observer=observer,
        assessor=assessor,
        enrolment=enrolment,
        observed_on=observed_on,
        setting=setting,
        outcome=outcome,
        feedback=feedback,
    )
    row.full_clean()
    with transaction.atomic():
        row.save()
        # Centre-wide, not on the learner's record: an observation judges the assessor, and
        # the staff pages show it only to the centre's IQAs, admins and the assessor.
        record_append(
            enrolment=None,
            centre_id=centre.pk,
            actor=observer,
            action=RecordEntry.Action.OBSERVATION_RECORDED,
            payload={
                **_observation_payload(row, assessor),
                "enrolment": enrolment.pk,
                "standard": enrolment.standard.code,
                "outcome": row.outcome,
            },
        )
    return row


def _observation_payload(row: Observation, assessor: User) -> dict[str, Any]:
    return {
        "observation": row.pk,
        "assessor": _name(assessor),
        "assessor_id": assessor.pk,
        "observed_on": row.observed_on.isoformat(),
    }


def observation_acknowledge_refusal(observation: Observation, user: User) -> str:
    if observation.assessor_id != user.pk:
        return "Only the observed assessor acknowledges an observation."
    if observation.acknowledged_at is not None:
        return "You have already acknowledged this observation."
    return ""


def observation_acknowledge(*, observation: Observation, assessor: User) -> Observation:
    with transaction.atomic():
        row = Observation.objects.select_for_update().get(pk=observation.pk)
        if refusal := observation_acknowledge_refusal(row, assessor):
            raise WrongStateError(refusal)
        row.acknowledged_at = timezone.now()
        row.save(update_fields=["acknowledged_at"])
        record_append(
            enrolment=None,
            centre_id=row.centre_id,
            actor=assessor,
            action=RecordEntry.Action.OBSERVATION_ACKNOWLEDGED,
            payload=_observation_payload(row, assessor),
        )
    return row


# -- Expiry reminders ---------------------------------------------------------------------


def qualification_reminders_send(*, today: datetime.date | None = None) -> int:
    """Email each active assessor or IQA whose qualification expires within the reminder
    window, with their centre's admins copied in: once per qualification and expiry date
    (a renewal with a new date opens a new window). Return how many were sent."""
    from portal.staff.status import expiry_words, reminder_horizon

    today = today or timezone.localdate()
    due = (
        Qualification.objects.filter(
            expires_on__gte=today,
            expires_on__lte=reminder_horizon(today),
            person__is_active=True,
        )
        .exclude(reminded_for=models.F("expires_on"))
        .select_related("person__centre")
        .order_by("expires_on", "pk")
    )
    sent = 0
    for qualification in due:
        person = qualification.person
        if not (person.is_assessor or person.is_iqa) or person.centre_id is None:
            continue
        if not qualification_mark_reminded(qualification=qualification):
            continue  # another run sent it
        admins = list(
            User.objects.filter(centre_id=person.centre_id, is_centre_admin=True, is_active=True)
            .exclude(email="")
            .exclude(pk=person.pk)
            .values_list("email", flat=True)
        )
        recipients = [person.email] if person.email else []
        if not recipients and not admins:
            continue
        context = {
            "person": person,
            "qualification": qualification,
            "when": (words := expiry_words(qualification, today))[:1].lower() + words[1:],
            "url": settings.SITE_URL.rstrip("/") + reverse("staff:person", args=[person.pk]),
        }
        EmailMessage(
            subject=f"Qualification expiring: {qualification.title}",
            body=render_to_string("staff/email/expiry_reminder.txt", context),
            to=recipients or admins,
            cc=admins if recipients else [],
        ).send()
        sent += 1
    return sent
