"""Writes for evidence. Each validates with full_clean() and saves inside a transaction.

Stored files and their rows go together: a file is copied to storage (hashed on the way),
re-read and verified before its row is written, and removed again if anything fails; rows
are deleted first and their stored files removed once the deletion has committed.
"""

from __future__ import annotations

import datetime
import errno
import hashlib
import io
import logging
import os
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from PIL import Image, ImageOps

from assessments.errors import LockedError, NotPermittedError, WrongStateError
from assessments.models import Enrolment, RecordEntry
from assessments.services import (
    enrolment_is_locked,
    ensure_unlocked,
    learner_units,
    record_append,
)
from evidence import filetypes, previews, scanning
from evidence.filetypes import Refused
from evidence.models import (
    EvidenceFile,
    EvidenceItem,
    EvidenceVersion,
    Mapping,
    private_storage,
)
from evidence.uploads import too_large_message
from standards.models import Criterion

logger = logging.getLogger(__name__)

CHUNK_BYTES = 1024 * 1024
THUMBNAIL_PIXELS = 320
ITEM_FIELDS = (
    "title",
    "occurred_on",
    "evidence_type",
    "description",
    "witness_name",
    "witness_role",
    "witness_relationship",
    "witness_contact",
    "witness_statement",
)


class EvidenceLocked(WrongStateError):
    """The item is submitted or accepted: read-only to its learner."""

    def __init__(self, item: EvidenceItem) -> None:
        status = item.get_status_display().lower()
        super().__init__(
            f"{item.reference} is {status}, so it cannot be changed. It becomes editable "
            "again only if your assessor refers it back."
        )

    def __str__(self) -> str:
        return " ".join(self.messages)


def edit_refusal(item: EvidenceItem) -> str:
    """Why the learner may not change the item now, or "" if they may. The one rule for
    every edit, upload, mapping and submission: pages ask it before offering a control, and
    the services refuse with the same words. A signed-off unit freezes it first
    (``locked_unit_refusal``); otherwise it may change only while a draft or referred back."""
    if refusal := locked_unit_refusal(item):
        return refusal
    if not item.is_editable:
        return str(EvidenceLocked(item))
    return ""


def locked_unit_refusal(item: EvidenceItem) -> str:
    """Why a signed-off unit freezes the item, or "" if none does. Locks are per unit, and a
    locked unit's evidence never changes, so the item is frozen while

    - any unit it is *confirmed*-mapped into is signed off (changing or re-judging it would
      change that unit's evidence), or
    - its home unit is signed off and it is mapped to no other unit (it serves only that
      unit).

    An item whose home unit is signed off stays usable for the learner's other units. The
    learner's edits and the assessor's accepting or referring back ask this same rule; a
    mapping's own lock is its criterion's unit's (``ensure_unlocked``).
    """
    units = learner_units(item.learner_id)
    mapped = list(item.mappings.values_list("confirmed", "criterion__standard_id"))
    for confirmed, standard_id in mapped:
        unit = units.get(standard_id)
        if confirmed and unit is not None and unit.is_locked:
            return (
                f"{item.reference} is evidence for {unit.standard.display_name}, which is "
                "signed off, so it cannot be changed (the unit's evidence is locked). Only a "
                "centre admin can reopen the unit."
            )
    elsewhere = any(standard_id != item.enrolment.standard_id for _c, standard_id in mapped)
    if not elsewhere and enrolment_is_locked(item.enrolment):
        return (
            f"{item.reference} belongs to a unit that is signed off, so it cannot be changed "
            "(the unit's evidence is locked). Only a centre admin can reopen the unit."
        )
    return ""


def delete_refusal(item: EvidenceItem) -> str:
    """Why the learner may not delete the item, or "" if they may. An item an assessor has
    assessed (``EvidenceItem.was_assessed``) is kept with its files, whatever happens next;
    a draft was never assessed, so it may go even from a signed-off unit."""
    if item.was_assessed:
        hint = (
            " You may withdraw it instead: it then stops counting."
            if not withdraw_refusal(item)
            else ""
        )
        return (
            f"{item.reference} has been assessed, so it is kept with its files as part of "
            f"your assessment record and cannot be deleted.{hint}"
        )
    if item.status != EvidenceItem.Status.DRAFT:
        return str(EvidenceLocked(item))
    if item.mappings.filter(confirmed=True).exists():
        return "An assessor has confirmed mappings for this evidence."
    return ""


def withdraw_refusal(item: EvidenceItem) -> str:
    """Why the learner may not withdraw the item, or "" if they may: only an assessed item
    referred back to them (a draft is deleted instead), and not one a signed-off unit
    freezes. A withdrawn item no longer counts towards any criterion; it is kept."""
    if item.status == EvidenceItem.Status.WITHDRAWN:
        return f"{item.reference} is already withdrawn."
    if item.status != EvidenceItem.Status.REFERRED:
        if item.status == EvidenceItem.Status.DRAFT:
            return f"{item.reference} is a draft: delete it instead."
        return (
            f"{item.reference} is {item.get_status_display().lower()}; it can be withdrawn "
            "only after your assessor refers it back."
        )
    return locked_unit_refusal(item)


def move_targets(item: EvidenceItem) -> QuerySet[Enrolment]:
    """The learner's other active, open enrolments a draft may move to."""
    if item.status != EvidenceItem.Status.DRAFT:
        return Enrolment.objects.none()
    return (
        Enrolment.objects.filter(
            learner_id=item.enrolment.learner_id, status=Enrolment.Status.ACTIVE
        )
        .exclude(pk=item.enrolment_id)
        .exclude(sign_offs__reopened_at__isnull=True, sign_offs__isnull=False)
        .select_related("standard")
        .order_by("standard__title")
    )


def _locked_item(item: EvidenceItem) -> EvidenceItem:
    """Re-read the item under a row lock and check the learner may still change it."""
    fresh = EvidenceItem.objects.select_for_update().select_related("enrolment").get(pk=item.pk)
    if not fresh.is_editable:
        raise EvidenceLocked(fresh)
    refusal = edit_refusal(fresh)
    if refusal:
        raise LockedError(refusal)
    return fresh


def _next_sequence(learner_id: int) -> int:
    """The learner's next evidence number, under a row lock on the learner so that two items
    created at once cannot take the same one (the unique constraint is the backstop)."""
    learner_model = EvidenceItem._meta.get_field("learner").related_model
    learner_model.objects.select_for_update().filter(pk=learner_id).first()
    last = EvidenceItem.objects.filter(learner_id=learner_id).aggregate(last=Max("sequence"))
    return (last["last"] or 0) + 1


@transaction.atomic
def evidence_create(*, enrolment: Enrolment, **fields: Any) -> EvidenceItem:
    """A draft item at home in the enrolment, numbered E1, E2… across the learner's evidence."""
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise ValueError(f"Unknown evidence fields: {', '.join(sorted(unknown))}")
    if enrolment.status != Enrolment.Status.ACTIVE:
        raise ValidationError("Evidence can be added only to an active enrolment.")
    ensure_unlocked(enrolment)
    sequence = _next_sequence(enrolment.learner_id)
    item = EvidenceItem(
        enrolment=enrolment,
        learner_id=enrolment.learner_id,
        sequence=sequence,
        reference=f"E{sequence}",
    )
    for field, value in fields.items():
        setattr(item, field, value)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def evidence_update(*, item: EvidenceItem, **fields: Any) -> EvidenceItem:
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise ValueError(f"Unknown evidence fields: {', '.join(sorted(unknown))}")
    fresh = _locked_item(item)
    if any(getattr(fresh, field) != value for field, value in fields.items()):
        _new_version_if_assessed(fresh)
    for field, value in fields.items():
        setattr(fresh, field, value)
    if fresh.evidence_type != EvidenceItem.Type.WITNESS:
        fresh.files.filter(is_witness_statement=True).update(is_witness_statement=False)
    fresh.full_clean()
    fresh.save()
    return fresh


def evidence_delete(*, item: EvidenceItem) -> None:
    """Delete a draft with its files and self-mapping (``delete_refusal``)."""
    with transaction.atomic():
        fresh = EvidenceItem.objects.select_for_update().get(pk=item.pk)
        refusal = delete_refusal(fresh)
        if refusal:
            raise WrongStateError(refusal)
        names = _stored_names(fresh.files.all())
        fresh.files.all().delete()
        fresh.mappings.all().delete()
        fresh.delete()
        transaction.on_commit(lambda: _remove_stored(names))


@transaction.atomic
def evidence_move(*, item: EvidenceItem, enrolment: Enrolment) -> EvidenceItem:
    """Make another of the learner's open enrolments a draft's home unit. It keeps its
    reference (numbered per learner) and its proposed criteria: an item may count towards
    any of the learner's units."""
    fresh = EvidenceItem.objects.select_for_update().select_related("enrolment").get(pk=item.pk)
    if fresh.status != EvidenceItem.Status.DRAFT:
        raise EvidenceLocked(fresh)
    if not move_targets(fresh).filter(pk=enrolment.pk).exists():
        raise WrongStateError(
            "A draft can move only to another of your active enrolments that is not signed off."
        )
    fresh.enrolment = enrolment
    fresh.full_clean()
    fresh.save()
    return fresh


def _normalised(name: str) -> str:
    return " ".join(name.split()).casefold()


@transaction.atomic
def evidence_submit(
    *, item: EvidenceItem, learner: Any, declaration_name: str, now: datetime.datetime | None = None
) -> EvidenceItem:
    """Submit for assessment with the learner's named, time-stamped declaration."""
    fresh = _locked_item(item)
    if fresh.enrolment.learner_id != learner.pk:
        raise ValidationError("Only the learner can submit their own evidence.")
    expected = learner.full_name or learner.username
    if not declaration_name.strip() or _normalised(declaration_name) != _normalised(expected):
        raise ValidationError(
            {"declaration_name": "Type your full name exactly as it appears on your account."}
        )
    has_content = (
        fresh.files.exists() or fresh.description.strip() or fresh.witness_statement.strip()
    )
    if not has_content:
        raise ValidationError("Add a file or write a description before submitting.")
    now = now or timezone.now()
    fresh.status = EvidenceItem.Status.SUBMITTED
    fresh.submitted_at = now
    fresh.declared_at = now
    fresh.declaration_name = " ".join(declaration_name.split())
    fresh.full_clean()
    fresh.save()
    return fresh


@transaction.atomic
def evidence_acknowledge(
    *,
    item: EvidenceItem,
    learner: Any,
    acknowledgement_name: str,
    now: datetime.datetime | None = None,
) -> EvidenceItem:
    """The learner acknowledges their assessor's record (observation, discussion,
    questioning) with their typed name; from then on it is accepted evidence, and the record
    says so with the SHA-256 of its files."""
    fresh = EvidenceItem.objects.select_for_update().select_related("enrolment").get(pk=item.pk)
    if fresh.learner_id != learner.pk:
        raise NotPermittedError("Only the learner acknowledges their assessor's record.")
    if fresh.status != EvidenceItem.Status.AWAITING_ACK:
        raise WrongStateError(f"{fresh.reference} is not awaiting your acknowledgement.")
    if refusal := locked_unit_refusal(fresh):
        raise LockedError(refusal)
    if refusal := scan_refusal(fresh):
        raise WrongStateError(refusal)
    expected = learner.full_name or learner.username
    if not acknowledgement_name.strip() or _normalised(acknowledgement_name) != _normalised(
        expected
    ):
        raise ValidationError(
            {"acknowledgement_name": "Type your full name exactly as it appears on your account."}
        )
    now = now or timezone.now()
    fresh.status = EvidenceItem.Status.ACCEPTED
    fresh.submitted_at = now
    fresh.acknowledged_at = now
    fresh.acknowledgement_name = " ".join(acknowledgement_name.split())
    fresh.full_clean()
    fresh.save()
    record_append(
        enrolment=fresh.enrolment,
        actor=learner,
        action=RecordEntry.Action.EVIDENCE_ACKNOWLEDGED,
        payload={
            "item": fresh.pk,
            "reference": fresh.reference,
            "title": fresh.title,
            "version": evidence_version_assessed(item=fresh, now=now),
            "kind": fresh.evidence_type,
            "acknowledgement_name": fresh.acknowledgement_name,
            "criteria": sorted(
                fresh.mappings.filter(confirmed=True).values_list("criterion__reference", flat=True)
            ),
        },
        file_hashes=fresh.files.values_list("sha256", flat=True),
    )
    return fresh


class _HashingFile(File):
    """Hashes what is read through it; reading from the start again starts a new hash."""

    DEFAULT_CHUNK_SIZE = CHUNK_BYTES

    def __init__(self, file: IO[bytes], name: str) -> None:
        super().__init__(file, name=name)
        self.digest = hashlib.sha256()
        self.bytes_read = 0

    def seek(self, offset: int, whence: int = 0) -> int:
        if offset == 0 and whence == 0:
            self.digest = hashlib.sha256()
            self.bytes_read = 0
        return self.file.seek(offset, whence)

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(size)
        self.digest.update(data)
        self.bytes_read += len(data)
        return data


def _stored_sha256(name: str) -> str:
    digest = hashlib.sha256()
    with private_storage().open(name, "rb") as stored:
        while chunk := stored.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def _thumbnail(source: IO[bytes]) -> bytes | None:
    """A JPEG at most 320 px on its longer side, upright as the camera meant it."""
    try:
        source.seek(0)
        with Image.open(source) as image:
            image.draft("RGB", (THUMBNAIL_PIXELS * 2, THUMBNAIL_PIXELS * 2))
            upright = ImageOps.exif_transpose(image)
            upright.thumbnail((THUMBNAIL_PIXELS, THUMBNAIL_PIXELS))
            out = io.BytesIO()
            upright.convert("RGB").save(out, "JPEG", quality=82, optimize=True)
            return out.getvalue()
    except (OSError, ValueError):
        logger.warning("Could not make a thumbnail", exc_info=True)
        return None
    finally:
        source.seek(0)


def evidence_file_add(
    *,
    item: EvidenceItem,
    upload: IO[bytes],
    original_name: str,
    size: int,
    is_witness_statement: bool = False,
) -> EvidenceFile:
    """Check, store, verify and record one file. Raises ``Refused`` or ``EvidenceLocked``.

    ``upload`` is any readable, seekable binary file (an ``UploadedFile`` in a request);
    nothing of it is held in memory beyond one chunk.
    """
    if not item.is_editable:
        raise EvidenceLocked(item)
    limit = settings.EVIDENCE_MAX_UPLOAD_BYTES
    if size > limit:
        raise Refused(too_large_message(limit))
    detected = filetypes.detect(upload, size=size)
    if detected.active_content and settings.EVIDENCE_ACTIVE_CONTENT == "refuse":
        raise Refused(active_content_message(detected.active_content))
    storage = private_storage()
    created: list[str] = []
    try:
        source = _HashingFile(upload, name=original_name)
        source.size = size
        stored_name = storage.save(f"evidence/{uuid.uuid4().hex}", source)
        created.append(stored_name)
        sha256 = source.digest.hexdigest()
        if storage.size(stored_name) != size or source.bytes_read != size:
            raise Refused("The file did not arrive complete; nothing was saved. Try again.")
        if _stored_sha256(stored_name) != sha256:
            raise Refused("The stored copy did not match the upload; nothing was saved.")
        return _file_row_save(
            item=item,
            source=upload,
            stored_name=stored_name,
            created=created,
            detected=detected,
            original_name=original_name,
            size=size,
            sha256=sha256,
            is_witness_statement=is_witness_statement,
        )
    except BaseException:
        _remove_stored(created)
        raise


def evidence_file_add_staged(
    *,
    item: EvidenceItem,
    staged_path: Path,
    original_name: str,
    size: int,
    sha256: str,
    is_witness_statement: bool = False,
) -> EvidenceFile:
    """Check and record a file a resumable upload has finished in the staging folder
    (``evidence.uploads``), hashed as it arrived. The same checks as ``evidence_file_add``
    (size, type sniffed from the content, active content, malware scan queued); then the
    file is moved into the storage by a rename on the same disk, not copied or read again,
    or, for a store elsewhere, sent once. The staged file is gone afterwards either way.
    Raises ``Refused`` or ``EvidenceLocked``."""
    storage = private_storage()
    created: list[str] = []
    try:
        if not item.is_editable:
            raise EvidenceLocked(item)
        limit = settings.EVIDENCE_MAX_UPLOAD_BYTES
        if size > limit:
            raise Refused(too_large_message(limit))
        if staged_path.stat().st_size != size:
            raise Refused("The file did not arrive complete; nothing was saved. Try again.")
        with open(staged_path, "rb") as staged:
            detected = filetypes.detect(staged, size=size)
            if detected.active_content and settings.EVIDENCE_ACTIVE_CONTENT == "refuse":
                raise Refused(active_content_message(detected.active_content))
            stored_name = _move_into_storage(staged_path, staged)
            created.append(stored_name)
            if storage.size(stored_name) != size:
                raise Refused("The file did not arrive complete; nothing was saved. Try again.")
            return _file_row_save(
                item=item,
                source=staged,
                stored_name=stored_name,
                created=created,
                detected=detected,
                original_name=original_name,
                size=size,
                sha256=sha256,
                is_witness_statement=is_witness_statement,
            )
    except BaseException:
        _remove_stored(created)
        raise
    finally:
        staged_path.unlink(missing_ok=True)


def _move_into_storage(staged_path: Path, staged: IO[bytes]) -> str:
    """Put the staged file into the private storage under a new generated name: a rename
    when the storage is the local folder the staging folder sits in, else one upload."""
    storage = private_storage()
    name = f"evidence/{uuid.uuid4().hex}"
    try:
        target = Path(storage.path(name))
    except NotImplementedError:
        staged.seek(0)
        return storage.save(name, File(staged, name=name))
    target.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(staged_path, 0o600)
    try:
        os.rename(staged_path, target)  # the same disk: a rename, never a copy
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise
        staged.seek(0)  # a storage folder on another disk than PRIVATE_STORAGE_ROOT
        return storage.save(name, File(staged, name=name))
    return name


def _file_row_save(
    *,
    item: EvidenceItem,
    source: IO[bytes],
    stored_name: str,
    created: list[str],
    detected: filetypes.Detected,
    original_name: str,
    size: int,
    sha256: str,
    is_witness_statement: bool,
) -> EvidenceFile:
    """The stored file's thumbnail (images) and row, under the item's lock; the malware
    scan or preview queued once it commits. Stored names go into ``created`` for the
    caller's clean-up."""
    storage = private_storage()
    scanned = scanning.scanner_configured()
    thumbnail_name = None
    if detected.kind == EvidenceFile.Kind.IMAGE and (thumb := _thumbnail(source)):
        thumbnail_name = storage.save(
            f"evidence/thumbnails/{uuid.uuid4().hex}.jpg", ContentFile(thumb)
        )
        created.append(thumbnail_name)
    with transaction.atomic():
        fresh = _locked_item(item)
        _new_version_if_assessed(fresh)
        row = EvidenceFile(
            item=fresh,
            added_in_version=fresh.version,
            file=stored_name,
            thumbnail=thumbnail_name,
            original_name=filetypes.name_for_type(original_name, detected.media_type),
            media_type=detected.media_type,
            kind=detected.kind,
            size=size,
            sha256=sha256,
            active_content=detected.active_content[:200],
            scan_status=(
                EvidenceFile.ScanStatus.PENDING if scanned else EvidenceFile.ScanStatus.NOT_SCANNED
            ),
            is_witness_statement=bool(
                is_witness_statement and fresh.evidence_type == EvidenceItem.Type.WITNESS
            ),
        )
        row.full_clean()
        row.save()
        if scanned:
            transaction.on_commit(lambda: _enqueue_scan(row.pk))
        elif previews.is_document(row):
            transaction.on_commit(lambda: previews.evidence_preview_request(evidence_file=row))
    return row


def active_content_message(found: str) -> str:
    return (
        f"This file contains {found}, which could run code on your assessor's computer, so "
        "it was not accepted. Save a copy without it (for example as PDF, or as .docx rather "
        "than .docm) and upload that."
    )


def _enqueue_scan(file_id: int) -> None:
    from evidence.tasks import scan_evidence_file

    scan_evidence_file.enqueue(file_id)


def scan_refusal(item: EvidenceItem) -> str:
    """Why the item may not be accepted yet because of its files' malware check, or ""."""
    pending = item.files.filter(scan_status=EvidenceFile.ScanStatus.PENDING).count()
    infected = item.files.filter(scan_status=EvidenceFile.ScanStatus.INFECTED).count()
    if infected:
        files = f"{infected} quarantined file{'s' if infected != 1 else ''}"
        if not item.is_assessor_record:
            return (
                f"{item.reference} has {files} in which malware was found; it cannot be "
                "accepted until the learner removes it."
            )
        step = "acknowledged" if item.status == EvidenceItem.Status.AWAITING_ACK else "accepted"
        return (
            f"{item.reference} has {files} in which malware was found, so it cannot be "
            f"{step}. Its files cannot be changed: the assessor who made it has been "
            "told, and there is nothing for the learner to do."
        )
    if pending:
        return (
            f"{item.reference} has {pending} file{'s' if pending != 1 else ''} still being "
            "checked for malware; it can be accepted once the check is finished."
        )
    return ""


def evidence_file_scan(*, file_id: int) -> str:
    """Run the malware scanner over one stored file and record the verdict (the worker's task).

    An infected file is quarantined: it stays stored for the centre to inspect but is never
    served, and the item's maker (``quarantine_maker``) is told by e-mail; the item's page
    says so to everyone who sees it. A scanner that cannot
    answer raises ``ScannerUnavailable``; the file stays "being checked".
    """
    row = EvidenceFile.objects.select_related(
        "item__enrolment__learner", "item__enrolment__standard", "item__author"
    ).get(pk=file_id)
    if row.scan_status != EvidenceFile.ScanStatus.PENDING:
        return row.scan_status
    with private_storage().open(row.file.name, "rb") as stored:
        verdict = scanning.scan(stored)
    status = EvidenceFile.ScanStatus.CLEAN if verdict.clean else EvidenceFile.ScanStatus.INFECTED
    EvidenceFile.objects.filter(pk=row.pk, scan_status=EvidenceFile.ScanStatus.PENDING).update(
        scan_status=status, scan_result=verdict.found[:200], scanned_at=timezone.now()
    )
    if verdict.clean:
        row.scan_status = status
        previews.evidence_preview_request(evidence_file=row)
    else:
        logger.warning("Malware %s found in evidence file %s", verdict.found, row.pk)
        _quarantine_tell(row, verdict.found)
    return status


def quarantine_maker(item: EvidenceItem) -> Any:
    """Who is told of a quarantined file of the item and may act on it: the item's maker.
    An assessor's own item (``EvidenceItem.is_assessor_record``: an observation, discussion
    or questioning record, or a recognition of prior learning) is the assessor's who made it;
    its learner cannot change it. Any other item is the learner's."""
    return item.author if item.is_assessor_record else item.enrolment.learner


def quarantine_remedy(item: EvidenceItem) -> str:
    """What the maker of an assessor's item can do about a quarantined file, in the services'
    terms: neither they nor the learner can remove or replace a file of it
    (``evidence_file_delete`` and ``evidence_file_add`` take only a draft or referred item),
    the learner cannot acknowledge it (``evidence_acknowledge``) and no one can accept it
    (``evidence_accept``) while the file is quarantined. A learner's own item is "remove it
    and upload a clean copy", said where it is shown."""
    if item.evidence_type == EvidenceItem.Type.PRIOR_LEARNING:
        return (
            "Its file is the transferred portfolio's own PDF and cannot be removed or "
            "replaced. Judge the criteria it recognises from other evidence, and ask the "
            "centre that sent the package about the file."
        )
    kind = {
        EvidenceItem.Type.OBSERVATION: "observation",
        EvidenceItem.Type.DISCUSSION: "professional discussion",
        EvidenceItem.Type.QA: "questioning",
    }.get(item.evidence_type, "record")
    who = (
        "Record"
        if item.enrolment.assessor_id == item.author_id
        else "The unit's assessor now is someone else: only they can record"
    )
    return (
        "A file of a record awaiting acknowledgement cannot be removed or replaced. "
        f"{who} the {kind} again with a clean copy of the file (from the unit's mapping grid)."
    )


def _quarantine_tell(row: EvidenceFile, found: str) -> None:
    """E-mail the item's maker (``quarantine_maker``) that a file of it was quarantined."""
    item = row.item
    maker = quarantine_maker(item)
    if maker is None or not maker.email:
        return
    if item.is_assessor_record:
        learner = item.enrolment.learner
        subject = f"A file of {item.reference}, which you recorded, was quarantined"
        message = (
            f"The file {row.original_name} of {item.reference} {item.title} "
            f"({item.get_evidence_type_display().lower()} you recorded for "
            f"{learner.display_name}, {item.enrolment.standard.display_code}) was found to "
            f"contain malware ({found}). It has been quarantined: no one can download it. "
            f"{quarantine_remedy(item)} {learner.display_name} sees on the item that the file "
            "was quarantined, and is not asked to do anything about it. Ask your centre if "
            "you are unsure where the file came from."
        )
    else:
        subject = f"A file of your evidence {item.reference} was quarantined"
        message = (
            f"The file {row.original_name} of {item.reference} {item.title} "
            f"was found to contain malware ({found}). It has been quarantined: "
            "no one can download it. Remove it from the item and upload a clean copy; "
            "ask your centre if you are unsure where it came from."
        )
    send_mail(
        subject=subject,
        message=message,
        from_email=None,
        recipient_list=[maker.email],
        fail_silently=True,
    )


def evidence_file_delete(*, evidence_file: EvidenceFile) -> None:
    """Remove a file from the item's current version. A file of a version an assessor
    assessed stays stored and readable in that version; only one added since is deleted."""
    with transaction.atomic():
        fresh = _locked_item(evidence_file.item)
        row = EvidenceFile.all_versions.select_for_update().get(pk=evidence_file.pk)
        if row.removed_in_version is not None:
            raise WrongStateError(f"{row.original_name} is no longer in {fresh.reference}.")
        if row.added_in_version <= (fresh.assessed_version_number or 0):
            _new_version_if_assessed(fresh)
            EvidenceFile.all_versions.filter(pk=row.pk).update(removed_in_version=fresh.version)
            return
        names = _stored_names([row])
        row.delete()
        transaction.on_commit(lambda: _remove_stored(names))


def _stored_names(files: Iterable[EvidenceFile]) -> list[str]:
    names: list[str] = []
    for row in files:
        names.append(row.file.name)
        if row.thumbnail:
            names.append(row.thumbnail.name)
    return names


def evidence_files_discard(files: Iterable[EvidenceFile]) -> None:
    """Delete the stored copies (and thumbnails) of files whose rows a failed transaction
    is rolling back, so nothing is left behind in the storage."""
    _remove_stored(_stored_names(files))


def _remove_stored(names: Iterable[str]) -> None:
    storage = private_storage()
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.exception("Could not remove stored evidence file %s", name)


def mappable_units(item: EvidenceItem) -> list[Enrolment]:
    """The units the learner may map the item to: each of their active enrolments, ordered by
    standard, with ``is_locked`` (a signed-off unit's criteria are shown but frozen)."""
    units = learner_units(item.learner_id).values()
    return sorted(
        (unit for unit in units if unit.status == Enrolment.Status.ACTIVE),
        key=lambda unit: (unit.standard_id != item.enrolment.standard_id, unit.standard.title),
    )


@transaction.atomic
def mapping_set_by_learner(*, item: EvidenceItem, criteria: Iterable[Criterion]) -> None:
    """Make the learner's proposed, unconfirmed mappings exactly ``criteria``, which may be of
    any of their active, not signed-off units (``mappable_units``).

    Confirmed rows, and rows the assessor added, are never touched from the learner side;
    nor are proposals into a signed-off unit (its evidence is frozen).
    """
    fresh = _locked_item(item)
    units = mappable_units(fresh)
    open_standards = {unit.standard_id for unit in units if not unit.is_locked}
    locked_standards = {unit.standard_id for unit in units if unit.is_locked}
    wanted = {criterion.pk for criterion in criteria}
    rows = dict(Criterion.objects.filter(pk__in=wanted).values_list("pk", "standard_id"))
    if set(rows) != wanted or not set(rows.values()) <= open_standards | locked_standards:
        raise ValidationError("Choose only criteria of your active units.")
    existing = set(fresh.mappings.values_list("criterion_id", flat=True))
    proposed = set(
        fresh.mappings.filter(proposed_by_learner=True, confirmed=False)
        .exclude(criterion__standard_id__in=locked_standards)
        .values_list("criterion_id", flat=True)
    )
    if {pk for pk, standard in rows.items() if standard in locked_standards} - existing:
        raise LockedError(
            "One of the units you chose criteria of is signed off, so its mappings cannot "
            "change. Only a centre admin can reopen the unit."
        )
    if (proposed - wanted) or (wanted - existing):
        _new_version_if_assessed(fresh)
    fresh.mappings.filter(proposed_by_learner=True, confirmed=False).exclude(
        criterion_id__in=wanted
    ).exclude(criterion__standard_id__in=locked_standards).delete()
    Mapping.objects.bulk_create(
        [
            Mapping(item=fresh, criterion_id=pk, proposed_by_learner=True)
            for pk in sorted(wanted - existing)
        ]
    )


# Versions: what an assessor assessed is kept (``EvidenceItem.was_assessed``).

VERSION_FIELDS = (*ITEM_FIELDS, "declaration_name", "declared_at")


def _version_values(item: EvidenceItem) -> dict[str, Any]:
    criteria = [
        {"id": pk, "reference": reference, "confirmed": confirmed}
        for pk, reference, confirmed in item.mappings.order_by(
            "criterion__standard_id", "criterion__kind", "criterion__order"
        ).values_list("criterion_id", "criterion__reference", "confirmed")
    ]
    return {**{field: getattr(item, field) for field in VERSION_FIELDS}, "criteria": criteria}


def evidence_version_assessed(*, item: EvidenceItem, now: datetime.datetime | None = None) -> int:
    """Keep the item's current version as the one an assessor has just assessed (accepted,
    referred back, mapped, or acknowledged as their own record) and return its number, for
    the decision's record entry. Called inside the decision's transaction with the item's
    row locked; while the learner cannot change the item, calling it again refreshes the
    same version (a later mapping of it, say)."""
    number = item.version
    EvidenceVersion.objects.update_or_create(
        item=item,
        number=number,
        defaults={**_version_values(item), "assessed_at": now or timezone.now()},
    )
    if item.assessed_version != number:
        EvidenceItem.objects.filter(pk=item.pk).update(assessed_version=number)
        item.assessed_version = number
    return number


def _new_version_if_assessed(fresh: EvidenceItem) -> None:
    """Before the learner's first change after an assessment: the assessed version is kept
    (made now from the unchanged item if it was assessed before versions were kept) and the
    change goes into the next one."""
    assessed = fresh.assessed_version_number
    if assessed is None or assessed != fresh.version:
        return
    if not EvidenceVersion.objects.filter(item=fresh, number=assessed).exists():
        EvidenceVersion.objects.create(
            item=fresh, number=assessed, assessed_at=fresh.updated_at, **_version_values(fresh)
        )
    fresh.assessed_version = assessed
    fresh.version = assessed + 1
    EvidenceItem.objects.filter(pk=fresh.pk).update(
        version=fresh.version, assessed_version=assessed
    )


@transaction.atomic
def evidence_withdraw(
    *, item: EvidenceItem, learner: Any, now: datetime.datetime | None = None
) -> EvidenceItem:
    """The learner takes back an assessed item referred to them (``withdraw_refusal``): it
    stops counting towards any criterion and is kept, with every version and file."""
    fresh = EvidenceItem.objects.select_for_update().select_related("enrolment").get(pk=item.pk)
    if fresh.learner_id != learner.pk:
        raise NotPermittedError("Only the learner withdraws their evidence.")
    if refusal := withdraw_refusal(fresh):
        raise WrongStateError(refusal)
    fresh.status = EvidenceItem.Status.WITHDRAWN
    fresh.withdrawn_at = now or timezone.now()
    fresh.full_clean()
    fresh.save()
    return fresh


# Retention: a centre admin's decision on an item flagged past its retention period.


def retention_refusal(item: EvidenceItem) -> str:
    """Why no retention decision can be taken on the item now, or ""."""
    if item.is_disposed:
        return f"The files of {item.reference} were disposed of already."
    if item.retention_flagged_on is None:
        return f"{item.reference} is not flagged for retention review."
    return ""


@transaction.atomic
def evidence_retain(
    *, item: EvidenceItem, admin: Any, years: int, today: datetime.date | None = None
) -> EvidenceItem:
    """Keep a flagged item ``years`` more years: the flag clears until then."""
    fresh = EvidenceItem.objects.select_for_update().get(pk=item.pk)
    if refusal := retention_refusal(fresh):
        raise WrongStateError(refusal)
    if not 1 <= years <= 50:
        raise ValidationError({"years": "Keep it for 1 to 50 more years."})
    today = today or timezone.localdate()
    try:
        fresh.retain_until = today.replace(year=today.year + years)
    except ValueError:  # 29 February
        fresh.retain_until = today.replace(year=today.year + years, day=28)
    fresh.retention_flagged_on = None
    fresh.full_clean()
    fresh.save()
    return fresh


def evidence_dispose(
    *, item: EvidenceItem, admin: Any, reason: str, now: datetime.datetime | None = None
) -> EvidenceItem:
    """Dispose of a flagged item's stored files (every version's, with their thumbnails) for
    the admin's stated reason. The item, its versions, its file rows (names, sizes, SHA-256)
    and the record stay; the reason, the admin and the time are kept on the item. Copies
    kept by hash (previews, the portfolio's image cache) go with ``manage.py purge_derived``
    once no stored file has that hash."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the files are disposed of."})
    with transaction.atomic():
        fresh = EvidenceItem.objects.select_for_update().get(pk=item.pk)
        if refusal := retention_refusal(fresh):
            raise WrongStateError(refusal)
        names = _stored_names(EvidenceFile.all_versions.filter(item=fresh))
        fresh.disposed_at = now or timezone.now()
        fresh.disposed_by = admin
        fresh.disposal_reason = reason.strip()
        fresh.retention_flagged_on = None
        fresh.full_clean()
        fresh.save()
        EvidenceFile.all_versions.filter(item=fresh).update(thumbnail=None)
        transaction.on_commit(lambda: _remove_stored(names))
    return fresh


def evidence_retention_flag(*, item_ids: Iterable[int], today: datetime.date | None = None) -> int:
    """Flag these items for a centre admin's retention review, dated today; returns how many
    were newly flagged. Idempotent: an item already flagged keeps its date, one disposed of
    or kept by an admin's decision until later is left alone. Nothing is deleted."""
    today = today or timezone.localdate()
    return (
        EvidenceItem.objects.filter(
            pk__in=list(item_ids), retention_flagged_on__isnull=True, disposed_at__isnull=True
        )
        .filter(Q(retain_until__isnull=True) | Q(retain_until__lte=today))
        .update(retention_flagged_on=today)
    )
