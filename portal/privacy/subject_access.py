"""Subject access: everything the portal holds about one person, as one ZIP.

``subject_export_request`` queues the work; the task calls ``subject_export_build``, which
collects the person's data (``subject_data``) as JSON and streams their evidence files and
the stored PDFs of their portfolio exports into a ZIP spooled on disk, a megabyte at a time,
so memory stays flat whatever the files weigh. The ZIP holds ``data.json``, the files under
``files/``, and ``SHA256SUMS``. It lives in the private storage until ``expires_at``.

What "about them" means: their account; for a learner, their enrolments and everything in
them (evidence with files, mappings, judgements, sign-offs, IQA samples, reopen requests,
record entries of those enrolments, portfolio exports); for anyone, the decisions they made
(judgements, sign-offs, countersignatures, IQA samples, reopen requests and record entries
where they are the actor), the texts they supplied and the exports they asked for. Other
learners appear in a member of staff's export by enrolment id only, not by name: their data
is not the subject's to receive.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import tempfile
import zipfile
from collections.abc import Iterable
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.text import get_valid_filename

from assessments.errors import WrongStateError
from assessments.models import (
    CriterionJudgement,
    Enrolment,
    IqaSample,
    RecordEntry,
    ReopenRequest,
    UnitSignOff,
)
from evidence.models import EvidenceFile, EvidenceItem, Mapping
from portal.accounts.models import User
from portal.centres.models import Centre
from portal.portfolio.models import PortfolioDocument, PortfolioExport
from portal.privacy.models import SubjectAccessExport
from standards.models import TextCorrection

logger = logging.getLogger(__name__)
FORMAT = "competence-portfolio-subject-access/1"
FOLDER = "subject-access"
CHUNK_BYTES = 1024 * 1024
Status = SubjectAccessExport.Status


def subject_export_request(
    *, requested_by: User, centre: Centre, subject: User
) -> SubjectAccessExport:
    if subject.centre_id != centre.pk or requested_by.centre_id != centre.pk:
        raise WrongStateError("The person must belong to your centre.")
    export = SubjectAccessExport(centre=centre, subject=subject, requested_by=requested_by)
    export.full_clean()
    export.save()
    from portal.privacy.tasks import build_subject_export

    build_subject_export.enqueue(export.pk)
    export.refresh_from_db()
    return export


def _iso(value: datetime.datetime | datetime.date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    return value.isoformat()


def _name(user: User | None) -> str | None:
    return None if user is None else user.display_name


def _account(user: User) -> dict[str, Any]:
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": user.full_name,
        "email": user.email,
        "centre": user.centre.name if user.centre else None,
        "roles": [role.label for role in user.roles],
        "is_active": user.is_active,
        "date_joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
        "has_password": user.has_usable_password(),
    }


def _enrolment(enrolment: Enrolment, *, own: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": enrolment.pk,
        "standard": enrolment.standard.code,
        "standard_title": enrolment.standard.title,
        "status": enrolment.status,
        "start_date": _iso(enrolment.start_date),
        "target_end_date": _iso(enrolment.target_end_date),
        "ended_on": _iso(enrolment.ended_on),
        "created_at": _iso(enrolment.created_at),
    }
    if own:
        data["assessor"] = _name(enrolment.assessor)
        data["iqa"] = _name(enrolment.iqa)
    return data


def _item(item: EvidenceItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "enrolment": item.enrolment_id,
        "reference": item.reference,
        "former_reference": item.former_reference,
        "title": item.title,
        "date": _iso(item.occurred_on),
        "type": item.evidence_type,
        "description": item.description,
        "status": item.status,
        "witness_name": item.witness_name,
        "witness_role": item.witness_role,
        "witness_relationship": item.witness_relationship,
        "witness_contact": item.witness_contact,
        "witness_statement": item.witness_statement,
        "declaration_name": item.declaration_name,
        "declared_at": _iso(item.declared_at),
        "submitted_at": _iso(item.submitted_at),
        "created_at": _iso(item.created_at),
        "updated_at": _iso(item.updated_at),
    }


def _file_path(row: EvidenceFile) -> str:
    name = get_valid_filename(row.original_name) or "file"
    return f"files/evidence/{row.item.reference}-{row.pk}-{name}"[:240]


def _document_path(document: PortfolioDocument) -> str:
    return f"files/portfolios/{get_valid_filename(document.verification_code)}.pdf"


def _mapping(mapping: Mapping) -> dict[str, Any]:
    return {
        "item": mapping.item_id,
        "criterion": mapping.criterion.reference,
        "standard": mapping.criterion.standard.code,
        "proposed_by_learner": mapping.proposed_by_learner,
        "confirmed": mapping.confirmed,
        "method": mapping.method,
        "confirmed_by": _name(mapping.confirmed_by),
        "confirmed_at": _iso(mapping.confirmed_at),
    }


def _judgement(judgement: CriterionJudgement) -> dict[str, Any]:
    return {
        "enrolment": judgement.enrolment_id,
        "criterion": judgement.criterion.reference,
        "met": judgement.met,
        "rationale": judgement.rationale,
        "decided_by": _name(judgement.decided_by),
        "decided_at": _iso(judgement.decided_at),
    }


def _sign_off(sign_off: UnitSignOff) -> dict[str, Any]:
    return {
        "id": sign_off.pk,
        "enrolment": sign_off.enrolment_id,
        "assessor": _name(sign_off.assessor),
        "assessor_declaration": sign_off.assessor_declaration,
        "signed_at": _iso(sign_off.signed_at),
        "learner_declaration": sign_off.learner_declaration,
        "countersigned_at": _iso(sign_off.countersigned_at),
        "reopened_by": _name(sign_off.reopened_by),
        "reopened_at": _iso(sign_off.reopened_at),
        "reopen_reason": sign_off.reopen_reason,
        "iqa_verified_by": _name(sign_off.iqa_verified_by),
        "iqa_verified_at": _iso(sign_off.iqa_verified_at),
    }


def _sample(sample: IqaSample) -> dict[str, Any]:
    return {
        "id": sample.pk,
        "enrolment": sample.enrolment_id,
        "record_entry": sample.entry.sequence,
        "assessor": _name(sample.assessor),
        "outcome": sample.outcome,
        "feedback": sample.feedback,
        "sampled_by": _name(sample.sampled_by),
        "sampled_at": _iso(sample.sampled_at),
    }


def _reopen_request(request: ReopenRequest) -> dict[str, Any]:
    return {
        "id": request.pk,
        "enrolment": request.enrolment_id,
        "criterion": request.criterion.reference if request.criterion else None,
        "requested_by": _name(request.requested_by),
        "reason": request.reason,
        "requested_at": _iso(request.requested_at),
        "resolved_by": _name(request.resolved_by),
        "resolved_at": _iso(request.resolved_at),
    }


def _entry(entry: RecordEntry) -> dict[str, Any]:
    return {
        "sequence": entry.sequence,
        "recorded_at": _iso(entry.recorded_at),
        "action": entry.action,
        "actor_name": entry.actor_name,
        "enrolment": entry.enrolment_id,
        "payload": entry.payload,
        "file_hashes": entry.file_hashes,
        "prev_hash": entry.prev_hash,
        "entry_hash": entry.entry_hash,
    }


def _correction(correction: TextCorrection) -> dict[str, Any]:
    return {
        "criterion": correction.criterion.reference,
        "standard": correction.criterion.standard.code,
        "text": correction.text,
        "source": correction.source,
        "supplier_name": correction.supplier_name,
        "supplier_centre": correction.supplier_centre,
        "supplied_at": _iso(correction.supplied_at),
    }


def _export(export: PortfolioExport) -> dict[str, Any]:
    return {
        "verification_code": export.verification_code,
        "scope": export.scope_label,
        "status": export.status,
        "requested_by": _name(export.requested_by),
        "created_at": _iso(export.created_at),
        "expires_at": _iso(export.expires_at),
    }


def _document(document: PortfolioDocument, path: str | None) -> dict[str, Any]:
    return {
        "verification_code": document.verification_code,
        "export": document.export.verification_code,
        "sha256": document.sha256,
        "size": document.size,
        "pages": document.pages,
        "created_at": _iso(document.created_at),
        "manifest": document.manifest,
        "path": path,
    }


def _rows(queryset: Iterable[Model], serialise: Any) -> list[dict[str, Any]]:
    return [serialise(row) for row in queryset]


def subject_data(subject: User) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
    """The JSON document about ``subject``, and the rows (evidence files, portfolio PDFs)
    whose stored ``file`` goes beside it, each with its path in the ZIP."""
    own = Enrolment.objects.filter(learner=subject)
    staffed = Enrolment.objects.filter(Q(assessor=subject) | Q(iqa=subject)).exclude(
        learner=subject
    )
    items = (
        EvidenceItem.objects.filter(enrolment__learner=subject)
        .select_related("enrolment")
        .order_by("enrolment_id", "sequence")
    )
    files = list(
        # Every version's files (a file the learner removed after an assessment is kept),
        # but none whose stored copy was disposed of after the retention period.
        EvidenceFile.all_versions.filter(
            item__enrolment__learner=subject, item__disposed_at__isnull=True
        )
        .select_related("item")
        .order_by("item__enrolment_id", "item__sequence", "pk")
    )
    concerns = Q(enrolment__learner=subject)
    judgements = CriterionJudgement.objects.filter(concerns | Q(decided_by=subject))
    sign_offs = UnitSignOff.objects.filter(
        concerns | Q(assessor=subject) | Q(reopened_by=subject) | Q(iqa_verified_by=subject)
    )
    samples = IqaSample.objects.filter(concerns | Q(assessor=subject) | Q(sampled_by=subject))
    reopen_requests = ReopenRequest.objects.filter(
        concerns | Q(requested_by=subject) | Q(resolved_by=subject)
    )
    entries = RecordEntry.objects.filter(concerns | Q(actor=subject)).order_by(
        "centre_id", "sequence"
    )
    documents = PortfolioDocument.objects.filter(learner=subject).select_related("export")
    exports = PortfolioExport.objects.filter(
        Q(requested_by=subject) | Q(learners=subject)
    ).distinct()
    files_out = [(_file_path(row), row) for row in files]
    document_paths = {
        d.pk: _document_path(d) for d in documents if d.file and d.file.storage.exists(d.file.name)
    }
    data = {
        "format": FORMAT,
        "subject": _account(subject),
        "enrolments": _rows(
            own.select_related("standard", "assessor", "iqa"), lambda e: _enrolment(e, own=True)
        ),
        "enrolments_as_staff": [
            {
                **_enrolment(e, own=False),
                "role": "assessor" if e.assessor_id == subject.pk else "IQA",
            }
            for e in staffed.select_related("standard")
        ],
        "evidence": [
            {
                **_item(item),
                "files": [
                    {
                        "original_name": row.original_name,
                        "media_type": row.media_type,
                        "size": row.size,
                        "sha256": row.sha256,
                        "witness_statement": row.is_witness_statement,
                        "uploaded_at": _iso(row.uploaded_at),
                        "path": path,
                    }
                    for path, row in files_out
                    if row.item_id == item.pk
                ],
            }
            for item in items
        ],
        "mappings": _rows(
            Mapping.objects.filter(item__enrolment__learner=subject)
            .select_related("criterion__standard", "confirmed_by")
            .order_by("item_id", "criterion__order"),
            _mapping,
        ),
        "judgements": _rows(
            judgements.select_related("criterion", "decided_by").order_by("decided_at", "pk"),
            _judgement,
        ),
        "sign_offs": _rows(
            sign_offs.select_related("assessor", "reopened_by", "iqa_verified_by").order_by(
                "signed_at", "pk"
            ),
            _sign_off,
        ),
        "iqa_samples": _rows(
            samples.select_related("entry", "assessor", "sampled_by").order_by("sampled_at", "pk"),
            _sample,
        ),
        "reopen_requests": _rows(
            reopen_requests.select_related("criterion", "requested_by", "resolved_by"),
            _reopen_request,
        ),
        "record_entries": _rows(entries.iterator(), _entry),
        "portfolio_documents": [_document(d, document_paths.get(d.pk)) for d in documents],
        "portfolio_exports": _rows(exports.select_related("requested_by"), _export),
        "texts_supplied": _rows(
            TextCorrection.objects.filter(supplied_by=subject).select_related(
                "criterion__standard"
            ),
            _correction,
        ),
    }
    extra = [(document_paths[d.pk], d) for d in documents if d.pk in document_paths]
    return data, [*files_out, *extra]


def _copy(source: IO[bytes], target: IO[bytes], digest: Any) -> int:
    size = 0
    for chunk in iter(lambda: source.read(CHUNK_BYTES), b""):
        digest.update(chunk)
        target.write(chunk)
        size += len(chunk)
    return size


def subject_export_build(*, export_id: int) -> SubjectAccessExport | None:
    """Write the ZIP; the task's body. A finished or expired export is left alone."""
    started = SubjectAccessExport.objects.filter(
        pk=export_id, status__in=[Status.QUEUED, Status.RUNNING]
    ).update(status=Status.RUNNING, started_at=timezone.now())
    if not started:
        return None
    export = SubjectAccessExport.objects.select_related("centre", "subject__centre").get(
        pk=export_id
    )
    try:
        _build(export)
    except Exception as error:
        logger.exception("Subject access export %s failed", export_id)
        SubjectAccessExport.objects.filter(pk=export_id).update(
            status=Status.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        raise
    return export


def _build(export: SubjectAccessExport) -> None:
    data, files = subject_data(export.subject)
    SubjectAccessExport.objects.filter(pk=export.pk).update(progress_total=len(files) + 1)
    now = timezone.now()
    data["export"] = {
        "id": export.pk,
        "centre": export.centre.name,
        "requested_by": export.requested_by.display_name,
        "requested_at": _iso(export.created_at),
        "generated_at": _iso(now),
    }
    sums: list[tuple[str, str]] = []
    missing: list[str] = []
    with tempfile.TemporaryFile() as spool:
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_STORED) as archive:
            for done, (path, row) in enumerate(files, start=1):
                digest = hashlib.sha256()
                try:
                    with (
                        row.file.open("rb") as handle,
                        archive.open(path, "w", force_zip64=True) as out,
                    ):
                        _copy(handle, out, digest)
                except FileNotFoundError:
                    missing.append(path)
                else:
                    sums.append((digest.hexdigest(), path))
                SubjectAccessExport.objects.filter(pk=export.pk).update(progress_done=done)
            data["files_missing_from_storage"] = missing
            document = json.dumps(data, indent=1, ensure_ascii=False).encode()
            archive.writestr("data.json", document, compress_type=zipfile.ZIP_DEFLATED)
            sums.append((hashlib.sha256(document).hexdigest(), "data.json"))
            archive.writestr(
                "SHA256SUMS",
                "".join(f"{digest}  {path}\n" for digest, path in sums),
                compress_type=zipfile.ZIP_DEFLATED,
            )
        size = spool.tell()
        spool.seek(0)
        digest = hashlib.sha256()
        for chunk in iter(lambda: spool.read(CHUNK_BYTES), b""):
            digest.update(chunk)
        spool.seek(0)
        export.result_name = get_valid_filename(
            f"subject-access-{export.subject.pk}-{now:%Y-%m-%d}.zip"
        )
        export.result.save(f"{FOLDER}/{export.pk}/{export.result_name}", File(spool), save=False)
    export.size = size
    export.sha256 = digest.hexdigest()
    export.status = Status.DONE
    export.progress_total = len(files) + 1
    export.progress_done = export.progress_total
    export.finished_at = now
    export.expires_at = now + datetime.timedelta(hours=settings.SUBJECT_ACCESS_EXPORT_TTL_HOURS)
    export.error = ""
    export.full_clean()
    export.save()
    _schedule_prune(export.expires_at)


def _schedule_prune(when: datetime.datetime) -> None:
    from portal.privacy.tasks import prune_subject_exports

    if prune_subject_exports.get_backend().supports_defer:
        prune_subject_exports.using(run_after=when).enqueue()


def subject_exports_prune(
    *, now: datetime.datetime | None = None, subject: User | None = None
) -> int:
    """Delete the ZIPs of exports past their expiry (or all of ``subject``'s); keep the rows."""
    now = now or timezone.now()
    due = SubjectAccessExport.objects.exclude(result="")
    due = due.filter(subject=subject) if subject is not None else due.filter(expires_at__lte=now)
    count = 0
    for export in due:
        export.result.storage.delete(export.result.name)
        SubjectAccessExport.objects.filter(pk=export.pk).update(
            status=Status.EXPIRED, result="", expires_at=min(export.expires_at or now, now)
        )
        count += 1
    return count


def download_refusal(export: SubjectAccessExport) -> str:
    """Why the export cannot be downloaded now, or "" if it can."""
    if export.status != Status.DONE or not export.result:
        return "This export has no file to download."
    if export.expires_at is not None and export.expires_at <= timezone.now():
        return "This export has expired."
    return ""
