"""Writes for portable portfolios: build a signed package of a learner's portfolio.

A package is one ZIP: ``manifest.json`` (see ``manifest.py``; validated against
``schema/manifest.schema.json``), ``manifest.sig.json`` (an Ed25519 signature of the
manifest's exact bytes, ``signing.py``), ``portfolio.pdf`` (the archival PDF/A-3 that
``portal.portfolio.render`` makes, registered as a portfolio export's document: packages
are made by the export flow of ``portal.portfolio.services``, from the web and from the
command) and ``files/<sha256>``, each evidence file once, named by its SHA-256. The manifest
lists the PDF's and every file's SHA-256, so the signature covers the whole package.
"""

from __future__ import annotations

import datetime
import hashlib
import time
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.utils import timezone

from assessments.record import RecordHead
from portal.accounts.models import User
from portal.centres.models import Centre
from portal.portfolio.selectors import PortfolioData
from portal.transfer import manifest as manifest_module
from portal.transfer import signing
from portal.transfer.models import TransferredFile, TransferredPortfolio

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig.json"
PDF = "portfolio.pdf"
FILES = "files/"
CHUNK = 1024 * 1024


@dataclass
class BuiltPackage:
    manifest: dict[str, Any]
    key_id: str
    files: int
    size: int


@dataclass(frozen=True)
class PackagePdf:
    """The portfolio PDF a package carries: a portfolio export's registered document
    (``PortfolioDocument``), so that it is not rendered twice and ``/portfolio/verify/``
    knows its code. ``file`` is read from storage in chunks, never held whole; ``size`` and
    ``sha256`` are what was recorded when it was rendered, ``head`` the record head printed
    in it."""

    file: File
    size: int
    sha256: str
    verification_code: str
    exported_at: datetime.datetime
    head: RecordHead | None


def package_write(
    *,
    learner: User,
    centre: Centre,
    out: IO[bytes],
    pdf: PackagePdf,
    data: PortfolioData,
) -> BuiltPackage:
    """Write the learner's signed package to ``out`` (a binary file open for writing).

    ``data`` is the ``portfolio_data`` reading ``pdf`` was rendered from: the manifest is
    built from that same reading (and carries the PDF's record head), so the manifest and
    the PDF cannot disagree about what the portfolio held. The PDF and every evidence file
    are streamed in chunks and hashed on the way; a mismatch refuses the package (the caller
    discards ``out``)."""
    if learner.centre_id != centre.pk:
        raise ValidationError("The learner does not belong to this centre.")
    if data.learner.pk != learner.pk or data.centre.pk != centre.pk:
        raise ValueError("The portfolio reading is of another learner or centre.")
    manifest = manifest_module.build(data, exported_at=pdf.exported_at, head=pdf.head)
    manifest["pdf"] = {
        "name": PDF,
        "sha256": pdf.sha256,
        "size": pdf.size,
        "verification_code": pdf.verification_code,
    }
    problems = manifest_module.schema_problems(manifest)
    if problems:  # our own output: a bug, not bad input
        raise ValueError("The manifest does not match its schema: " + "; ".join(problems))
    body = manifest_module.dumps(manifest)
    block = signing.sign(body)
    written: set[str] = set()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, body)
        archive.writestr(SIGNATURE, manifest_module.dumps(block))
        member = zipfile.ZipInfo(PDF, date_time=time.localtime(time.time())[:6])
        member.compress_type = zipfile.ZIP_STORED
        member.file_size = pdf.size  # lets zipfile choose ZIP64 for a very large PDF
        digest = hashlib.sha256()
        size = 0
        with pdf.file.open("rb") as handle, archive.open(member, "w") as target:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                target.write(chunk)
        if digest.hexdigest() != pdf.sha256 or size != pdf.size:
            raise ValidationError(
                "The portfolio PDF no longer matches its SHA-256; the package was not made."
            )
        for row in data.files:
            sha = row.file.sha256
            if sha in written or row.disposed:
                continue
            digest = hashlib.sha256()
            with row.file.file.open("rb") as handle, archive.open(FILES + sha, "w") as target:
                while chunk := handle.read(CHUNK):
                    digest.update(chunk)
                    target.write(chunk)
            if digest.hexdigest() != sha:
                raise ValidationError(
                    f"Evidence file {row.file.original_name} no longer matches its SHA-256; "
                    "the package was not made."
                )
            written.add(sha)
    return BuiltPackage(
        manifest=manifest, key_id=block["key_id"], files=len(written), size=out.tell()
    )


IMPORT_FOLDER = "transfers"


def transfer_import(
    *, centre: Centre, learner: User, imported_by: User, upload: IO[bytes], size: int
) -> TransferredPortfolio:
    """Check a package and keep it as the learner's read-only transferred history.

    Everything is checked first (``verify.package_check``); the rows are written in one
    transaction and any stored file is deleted again if that fails, so nothing is partly
    imported."""
    from portal.transfer.verify import PackageError, package_check

    if learner.centre_id != centre.pk or not learner.is_learner:
        raise ValidationError("Choose a learner of this centre.")
    checked = package_check(upload, size=size)
    manifest = checked.manifest
    body = manifest_module.dumps(manifest)
    digest = hashlib.sha256(body).hexdigest()
    if TransferredPortfolio.objects.filter(learner=learner, manifest_sha256=digest).exists():
        raise PackageError("This package has already been imported for this learner.")
    stored: list[str] = []
    storage = TransferredPortfolio._meta.get_field("pdf").storage
    try:
        with transaction.atomic():
            transfer = TransferredPortfolio(
                centre=centre,
                learner=learner,
                imported_by=imported_by,
                imported_at=timezone.now(),
                manifest=manifest,
                manifest_sha256=digest,
                key_id=checked.key_id,
                trusted_key=checked.trusted,
                source_installation=manifest["installation"][:400],
                source_centre=manifest["centre"]["name"][:400],
                source_learner=manifest["learner"]["name"][:400],
            )
            with zipfile.ZipFile(upload) as archive:
                with archive.open(PDF) as handle:
                    transfer.pdf.save(
                        f"{IMPORT_FOLDER}/{digest[:16]}/portfolio.pdf", File(handle), save=False
                    )
                stored.append(transfer.pdf.name)
                transfer.full_clean()
                transfer.save()
                for sha, info in checked.files.items():
                    row = TransferredFile(transfer=transfer, sha256=sha, size=info.file_size)
                    with archive.open(info) as handle:
                        row.file.save(
                            f"{IMPORT_FOLDER}/{digest[:16]}/{sha}", File(handle), save=False
                        )
                    stored.append(row.file.name)
                    row.full_clean()
                    row.save()
    except (IntegrityError, ValidationError, OSError, zipfile.BadZipFile):
        for name in stored:
            storage.delete(name)
        raise
    return transfer
