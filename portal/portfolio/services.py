"""Writes for portfolio exports: request, render one learner, finish, fail, retry, prune.

An export is rendered by one task per learner (``tasks.render_learner``). Each task stores
its learner's PDF and a ``PortfolioDocument``, then counts itself done; the task that
completes the count assembles the result (the PDF itself for one learner, a ZIP for a
cohort, or a learner's signed portable package with that PDF in it). Re-running a learner's
task is harmless: a learner already rendered is skipped (except for a package, whose PDF
and manifest must come from one reading: its PDF, never handed out alone, is rendered again).
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
import logging
import tempfile
import zipfile
from pathlib import PurePosixPath
from typing import IO

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import get_valid_filename

from assessments.record import RecordHead
from portal.accounts.models import User
from portal.centres.models import Centre
from portal.portfolio.models import PortfolioDocument, PortfolioExport
from portal.portfolio.render import attachment_name, render_portfolio
from portal.portfolio.selectors import PortfolioData, portfolio_data

logger = logging.getLogger(__name__)
EXPORT_FOLDER = "portfolio-exports"
Status = PortfolioExport.Status


PACKAGES_NOT_SET_UP = (
    "Portable packages are not set up on this portal yet: the key that signs them "
    "(TRANSFER_SIGNING_KEY_FILE) is missing. Please tell your centre's administrator."
)


def export_request(
    *,
    requested_by: User | None,
    centre: Centre,
    scope: str,
    scope_label: str,
    learners: list[User],
) -> PortfolioExport:
    if not learners:
        raise ValidationError("There are no learners to export.")
    if any(learner.centre_id != centre.pk for learner in learners):
        raise ValidationError("Every learner must belong to the export's centre.")
    if scope == PortfolioExport.Scope.PACKAGE:
        from portal.transfer import signing

        if not signing.is_configured():
            raise ValidationError(PACKAGES_NOT_SET_UP)
    with transaction.atomic():
        export = PortfolioExport(
            requested_by=requested_by,
            centre=centre,
            scope=scope,
            scope_label=scope_label[:300],
            progress_total=len(learners),
        )
        export.full_clean()
        export.save()
        export.learners.set(learners)
    _enqueue(export)
    export.refresh_from_db()
    return export


def _enqueue(export: PortfolioExport) -> None:
    from portal.portfolio.tasks import render_learner

    learner_ids = list(export.learners.order_by("full_name", "pk").values_list("pk", flat=True))
    for learner_id in learner_ids:
        result = render_learner.enqueue(export.pk, learner_id)
        PortfolioExport.objects.filter(pk=export.pk).update(task_result_id=result.id)


def export_render_learner(*, export_id: int, learner_id: int) -> PortfolioDocument | None:
    """Render one learner of an export; the last one to finish assembles the result."""
    export = PortfolioExport.objects.select_related("centre", "requested_by").get(pk=export_id)
    if export.status not in (Status.QUEUED, Status.RUNNING):
        return None  # failed, finished or expired meanwhile
    PortfolioExport.objects.filter(pk=export.pk, status=Status.QUEUED).update(
        status=Status.RUNNING, started_at=timezone.now()
    )
    learner = User.objects.get(pk=learner_id)
    document = export.documents.filter(learner=learner).first()
    data: PortfolioData | None = None
    # A package's manifest is built from the reading its PDF was rendered from, so a package
    # whose assembly failed renders its PDF again (never handed out on its own) rather than
    # pairing the old PDF with a new reading.
    if document is None or export.is_package:
        try:
            document, data = _render_document(export, learner, document)
        except Exception as error:
            export_fail(export_id=export.pk, error=f"{learner.display_name}: {error}")
            raise
    with transaction.atomic():
        locked = PortfolioExport.objects.select_for_update().get(pk=export.pk)
        if locked.status != Status.RUNNING:
            return document
        locked.progress_done = min(locked.progress_done + 1, locked.progress_total)
        locked.save(update_fields=["progress_done"])
        is_last = locked.progress_done == locked.progress_total
    if is_last:
        try:
            export_finish(export=locked, data=data)
        except Exception as error:
            export_fail(export_id=export.pk, error=f"Assembling the download: {error}")
            raise
    return document


def _render_document(
    export: PortfolioExport, learner: User, document: PortfolioDocument | None = None
) -> tuple[PortfolioDocument, PortfolioData]:
    """Render the learner's PDF from one ``portfolio_data`` reading and register it (or
    re-register ``document``, keeping its code); returns the document and that reading."""
    replaced = ""
    if document is None:
        document = PortfolioDocument(export=export, learner=learner)
        if export.scope in (PortfolioExport.Scope.LEARNER, PortfolioExport.Scope.PACKAGE):
            # One learner, one PDF: the page and the PDF show the same verification code.
            document.verification_code = export.verification_code
    else:
        replaced = document.file.name
    data = portfolio_data(
        learner,
        export.centre,
        requested_by=export.requested_by,
        embed_max_bytes=settings.PORTFOLIO_EMBED_MAX_BYTES,
    )
    rendered = render_portfolio(
        learner,
        export.centre,
        requested_by=export.requested_by,
        code=document.verification_code,
        export_code=export.verification_code,
        exported_at=export.created_at,  # the time the export page shows, not the render's
        data=data,
    )
    document.size = len(rendered.pdf)
    document.sha256 = rendered.sha256
    document.manifest = rendered.manifest
    document.pages = rendered.pages
    if rendered.head is not None:
        document.record_head_sequence = rendered.head.sequence
        document.record_head_hash = rendered.head.entry_hash
    document.file.save(
        f"{EXPORT_FOLDER}/{export.pk}/{document.verification_code}.pdf",
        ContentFile(rendered.pdf),
        save=False,
    )
    document.full_clean()
    document.save()
    if replaced and replaced != document.file.name:
        document.file.storage.delete(replaced)
    return document, data


def _pdf_name(learner: User, when: datetime.datetime) -> str:
    return get_valid_filename(f"portfolio-{learner.username}-{when:%Y-%m-%d}.pdf")


def export_finish(*, export: PortfolioExport, data: PortfolioData | None = None) -> PortfolioExport:
    """Assemble the download. ``data``: for a package, the reading its PDF was rendered from."""
    now = timezone.now()
    documents = list(export.documents.select_related("learner").order_by("learner__full_name"))
    if export.scope == PortfolioExport.Scope.LEARNER and len(documents) == 1:
        document = documents[0]
        export.result.name = document.file.name
        export.result_name = _pdf_name(document.learner, now)
        export.size = document.size
        export.sha256 = document.sha256
    elif export.scope == PortfolioExport.Scope.PACKAGE and len(documents) == 1:
        if data is None:
            raise ValueError("A package is assembled from the reading its PDF was rendered from.")
        _write_package(export, documents[0], data, now)
    else:
        _write_zip(export, documents, now)
    export.status = Status.DONE
    export.finished_at = now
    export.expires_at = now + datetime.timedelta(hours=settings.PORTFOLIO_EXPORT_TTL_HOURS)
    export.error = ""
    export.full_clean()
    export.save()
    _schedule_prune(export.expires_at)
    return export


def _schedule_prune(when: datetime.datetime) -> None:
    """Have the worker delete the file when it expires (backends that can defer tasks);
    ``manage.py prune_exports`` does the same from cron."""
    from portal.portfolio.tasks import prune_exports

    if prune_exports.get_backend().supports_defer:
        prune_exports.using(run_after=when).enqueue()


def _write_package(
    export: PortfolioExport,
    document: PortfolioDocument,
    data: PortfolioData,
    now: datetime.datetime,
) -> None:
    """The learner's signed portable package (``portal.transfer``): its portfolio.pdf is the
    document just rendered (streamed from storage, not rendered twice) and its manifest is
    built from the same reading."""
    from portal.transfer.services import PackagePdf, package_write  # transfer imports us

    head = None
    if document.record_head_sequence is not None:
        head = RecordHead(document.record_head_sequence, document.record_head_hash)
    pdf = PackagePdf(
        file=document.file,
        size=document.size,
        sha256=document.sha256,
        verification_code=document.verification_code,
        exported_at=export.created_at,
        head=head,
    )
    with tempfile.TemporaryFile() as spool:
        package_write(learner=document.learner, centre=export.centre, out=spool, pdf=pdf, data=data)
        name = f"portfolio-package-{document.learner.username}-{now:%Y-%m-%d}.zip"
        _save_result(export, spool, get_valid_filename(name))


def export_package_now(*, learner: User) -> PortfolioExport:
    """A learner's portable package made at once by this process (``manage.py
    export_portfolio_package``), through the same export as from the web, so its PDF is a
    registered ``PortfolioDocument`` that ``/portfolio/verify/`` knows. Raises
    ``ValidationError`` with the reason if it could not be made."""
    if learner.centre_id is None:
        raise ValidationError("The learner has no centre.")
    with transaction.atomic():
        export = PortfolioExport(
            requested_by=None,
            centre=learner.centre,
            scope=PortfolioExport.Scope.PACKAGE,
            scope_label=f"Portable package of {learner.display_name} (command line)"[:300],
            progress_total=1,
        )
        export.full_clean()
        export.save()
        export.learners.set([learner])
    # What went wrong is recorded as the export's error; anything else is a bug and is raised.
    with contextlib.suppress(ValidationError, ImproperlyConfigured, OSError):
        export_render_learner(export_id=export.pk, learner_id=learner.pk)
    export.refresh_from_db()
    if export.status != Status.DONE:
        raise ValidationError(f"The package was not made: {export.error}")
    return export


def _save_result(export: PortfolioExport, spool: IO[bytes], result_name: str) -> None:
    """Hash the finished ZIP in ``spool`` and store it as the export's download."""
    spool.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: spool.read(1024 * 1024), b""):
        digest.update(chunk)
    export.size = spool.tell()
    export.sha256 = digest.hexdigest()
    spool.seek(0)
    export.result_name = result_name
    export.result.save(f"{EXPORT_FOLDER}/{export.pk}/{result_name}", File(spool), save=False)


def _write_zip(
    export: PortfolioExport, documents: list[PortfolioDocument], now: datetime.datetime
) -> None:
    """One PDF per learner, the evidence files too large to embed, and a manifest."""
    from evidence.models import EvidenceFile

    entries: list[dict] = []
    with tempfile.TemporaryFile() as spool:
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_STORED) as archive:
            for document in documents:
                folder = PurePosixPath(get_valid_filename(document.learner.username))
                pdf_path = str(folder / _pdf_name(document.learner, now))
                with document.file.open("rb") as handle, archive.open(pdf_path, "w") as out:
                    _copy(handle, out)
                entries.append(
                    {
                        "path": pdf_path,
                        "sha256": document.sha256,
                        "size": document.size,
                        "verification_code": document.verification_code,
                    }
                )
                large = [f for f in document.manifest["files"] if not f["embedded"]]
                files = EvidenceFile.all_versions.select_related("item").in_bulk(
                    [f["id"] for f in large]
                )
                for listed in large:
                    evidence = files.get(listed["id"])
                    if evidence is None or evidence.item.is_disposed:
                        continue
                    row_name = attachment_name(listed["item"], _Row(evidence))
                    path = str(folder / "evidence" / get_valid_filename(row_name))
                    digest = hashlib.sha256()
                    with (
                        evidence.file.open("rb") as handle,
                        archive.open(path, "w", force_zip64=True) as out,
                    ):
                        _copy(handle, out, digest)
                    entries.append(
                        {"path": path, "sha256": digest.hexdigest(), "size": evidence.size}
                    )
            manifest = {
                "format": "competence-portfolio-export/1",
                "export": export.verification_code,
                "centre": export.centre.name,
                "scope": export.scope_label,
                "exported_at": export.created_at.astimezone(datetime.UTC).isoformat(),
                "files": entries,
            }
            archive.writestr(
                "manifest.json",
                json.dumps(manifest, indent=1),
                compress_type=zipfile.ZIP_DEFLATED,
            )
            archive.writestr(
                "SHA256SUMS",
                "".join(f"{e['sha256']}  {e['path']}\n" for e in entries),
                compress_type=zipfile.ZIP_DEFLATED,
            )
        _save_result(
            export,
            spool,
            get_valid_filename(f"portfolios-{export.verification_code}-{now:%Y-%m-%d}.zip"),
        )


class _Row:
    """Adapter so ``attachment_name`` names a large file as it would an embedded one."""

    def __init__(self, file: object) -> None:
        self.file = file


def _copy(source: object, target: object, digest: hashlib._Hash | None = None) -> None:
    for chunk in iter(lambda: source.read(1024 * 1024), b""):  # type: ignore[attr-defined]
        if digest is not None:
            digest.update(chunk)
        target.write(chunk)  # type: ignore[attr-defined]


def export_fail(*, export_id: int, error: str) -> None:
    logger.warning("Portfolio export %s failed: %s", export_id, error)
    PortfolioExport.objects.filter(pk=export_id).exclude(status=Status.EXPIRED).update(
        status=Status.FAILED, error=error[:2000], finished_at=timezone.now()
    )


def export_retry(*, export: PortfolioExport) -> PortfolioExport:
    if export.status != Status.FAILED:
        raise ValidationError("Only a failed export can be retried.")
    PortfolioExport.objects.filter(pk=export.pk).update(
        status=Status.QUEUED,
        error="",
        progress_done=0,
        finished_at=None,
        attempts=export.attempts + 1,
    )
    export.refresh_from_db()
    _enqueue(export)
    export.refresh_from_db()
    return export


def exports_prune(*, now: datetime.datetime | None = None) -> int:
    """Delete the files of exports past their expiry; keep the rows for verification."""
    now = now or timezone.now()
    ttl = datetime.timedelta(hours=settings.PORTFOLIO_EXPORT_TTL_HOURS)
    due = PortfolioExport.objects.filter(
        Q(status=Status.DONE, expires_at__lte=now)
        | Q(status=Status.FAILED, created_at__lte=now - ttl)
    )
    storage = storages["private"]
    count = 0
    for export in due:
        names = {export.result.name} | {d.file.name for d in export.documents.all()}
        for name in names - {""}:
            storage.delete(name)
        export.documents.update(file="")
        PortfolioExport.objects.filter(pk=export.pk).update(
            status=Status.EXPIRED, result="", expires_at=export.expires_at or now
        )
        count += 1
    return count
