"""The one module that renders portfolio PDFs.

``render_portfolio`` reads the learner's data (``selectors.portfolio_data``, or takes a
reading the caller holds), makes any
downscaled images it needs (once per image, kept in the private storage under the image's
SHA-256), renders ``templates/portfolio/pdf/portfolio.html`` and has WeasyPrint write an
archival PDF/A-3 with the evidence files and a JSON manifest embedded as attachments.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import logging
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.template.loader import render_to_string
from django.utils import timezone
from PIL import Image, ImageOps
from weasyprint import HTML, Attachment

from assessments.record import RecordHead, record_head
from portal.accounts.models import User
from portal.centres.models import Centre
from portal.portfolio.fetcher import PRIVATE_PREFIX, PortfolioURLFetcher
from portal.portfolio.selectors import FileRow, PortfolioData, portfolio_data
from standards.models import MISSING_TEXT_LABEL, UNKNOWN_CODE_LABEL

logger = logging.getLogger(__name__)
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # one line per page

MANIFEST_NAME = "portfolio-manifest.json"
MANIFEST_FORMAT = "competence-portfolio/1"
KEYWORD_PREFIX = "portfolio-verification:"
IMAGE_CACHE = "portfolio-cache"

try:  # HEIC photos from phones; optional.
    import pillow_heif

    pillow_heif.register_heif_opener()
except ImportError:  # pragma: no cover
    pass


@dataclass
class RenderedPortfolio:
    pdf: bytes
    sha256: str
    pages: int
    manifest: dict[str, Any]
    large_files: list[FileRow]
    html: str
    prepare_seconds: float  # queries, images, template
    weasyprint_seconds: float  # WeasyPrint alone: HTML to PDF bytes
    head: RecordHead | None = None  # the centre's record head at export, printed and kept


def cached_image(row: FileRow) -> str:
    """The private-storage name of a JPEG of at most PORTFOLIO_IMAGE_MAX_PX, made once."""
    storage = storages["private"]
    name = f"{IMAGE_CACHE}/{row.file.sha256}.jpg"
    if storage.exists(name):
        return name
    limit = settings.PORTFOLIO_IMAGE_MAX_PX
    try:
        with row.file.file.open("rb") as handle, Image.open(handle) as image:
            image.draft("RGB", (limit, limit))  # JPEG: decode at a reduced size
            picture = ImageOps.exif_transpose(image).convert("RGB")
            picture.thumbnail((limit, limit))
            buffer = io.BytesIO()
            picture.save(buffer, "JPEG", quality=80, optimize=True)
    except Exception:  # an unreadable image is listed, not shown
        logger.warning("Could not downscale evidence file %s", row.file.pk, exc_info=True)
        return ""
    storage.save(name, ContentFile(buffer.getvalue()))
    return name


def build_manifest(
    data: PortfolioData,
    *,
    code: str,
    export_code: str,
    exported_at: datetime.datetime,
    head: RecordHead | None = None,
) -> dict[str, Any]:
    """What the PDF claims to contain; embedded in it and kept with the export record."""
    manifest = {
        "format": MANIFEST_FORMAT,
        "verification_code": code,
        "export": export_code,
        "exported_at": exported_at.astimezone(datetime.UTC).isoformat(),
        "learner": {
            "id": data.learner.pk,
            "username": data.learner.username,
            "name": data.learner.display_name,
        },
        "centre": {"id": data.centre.pk, "name": data.centre.name},
        "enrolments": [
            {
                "id": b.enrolment.pk,
                "standard": b.enrolment.standard.slug,
                "code": b.enrolment.standard.code,
                "version": b.enrolment.standard.version,
                "status": b.enrolment.status,
                "state": b.state.value,
            }
            for b in data.blocks
        ],
        "record": [
            {"sequence": e.sequence, "action": e.action, "entry_hash": e.entry_hash}
            for e in data.record
        ],
        "files": [
            {
                "id": row.file.pk,
                "item": item.item.reference,
                "name": row.file.original_name,
                "size": row.file.size,
                "sha256": row.file.sha256,
                "embedded": row.embedded,
            }
            for item in data.items
            for row in item.files
        ],
    }
    if head is not None:
        manifest["record_head"] = {"sequence": head.sequence, "entry_hash": head.entry_hash}
    return manifest


def attachment_name(item_reference: str, row: FileRow) -> str:
    """E7-42-photo.jpg: the learner's reference for the item (unique per learner), the file's
    id and its name, so no two attachments of one portfolio share a name."""
    return f"{item_reference}-{row.file.pk}-{row.file.original_name}"


def render_html(
    data: PortfolioData,
    *,
    code: str,
    exported_at: datetime.datetime,
    head: RecordHead | None = None,
) -> str:
    # Times in the centre's time zone, as its pages show them (a worker has no request).
    with timezone.override(data.centre.time_zone):
        return render_to_string(
            "portfolio/pdf/portfolio.html",
            {
                "data": data,
                "code": code,
                "exported_at": exported_at,
                "head": head,
                "keyword": KEYWORD_PREFIX + code,
                "missing_text": MISSING_TEXT_LABEL,
                "unknown_code": UNKNOWN_CODE_LABEL,
                "private_prefix": PRIVATE_PREFIX,
                "embed_max_bytes": settings.PORTFOLIO_EMBED_MAX_BYTES,
            },
        )


def write_pdf(
    html: str,
    *,
    private_names: set[str],
    attachments: list[Attachment],
) -> tuple[bytes, int]:
    """HTML to PDF/A bytes and the page count: WeasyPrint alone."""
    options = {
        "pdf_variant": settings.PORTFOLIO_PDF_VARIANT,
        "pdf_tags": True,
        "attachments": attachments,
        "custom_metadata": True,
    }
    document = HTML(
        string=html, base_url="portfolio-static:", url_fetcher=PortfolioURLFetcher(private_names)
    ).render(**options)
    return document.write_pdf(**options), len(document.pages)


def render_portfolio(
    learner: User,
    centre: Centre,
    *,
    requested_by: User | None,
    code: str,
    export_code: str,
    exported_at: datetime.datetime | None = None,
    data: PortfolioData | None = None,
) -> RenderedPortfolio:
    """Render the learner's portfolio PDF. ``data``: a ``portfolio_data`` reading the caller
    already holds (a portable package builds its manifest from the same reading), else the
    portfolio is read here."""
    started = time.perf_counter()
    exported_at = exported_at or timezone.now()
    if data is None:
        data = portfolio_data(
            learner,
            centre,
            requested_by=requested_by,
            embed_max_bytes=settings.PORTFOLIO_EMBED_MAX_BYTES,
        )
    # Read after the learner's entries, so the head is at or after every entry shown.
    head = record_head(centre.pk)
    private_names: set[str] = set()
    for row in data.files:
        if row.file.kind == "image" and not row.disposed:
            row.image = cached_image(row)
            if row.image:
                private_names.add(row.image)
    manifest = build_manifest(
        data, code=code, export_code=export_code, exported_at=exported_at, head=head
    )
    html = render_html(data, code=code, exported_at=exported_at, head=head)
    manifest_bytes = json.dumps(manifest, indent=1, sort_keys=True).encode()
    attachments = [
        Attachment(
            string=manifest_bytes,
            name=MANIFEST_NAME,
            description="What this portfolio contains, for verification",
            relationship="Data",
        )
    ]
    handles = []
    large: list[FileRow] = []
    for item in data.items:  # each item once, however many units it counts towards
        for row in item.files:
            if not row.embedded:
                large.append(row)
                continue
            handle = row.file.file.open("rb")
            handles.append(handle)
            attachments.append(
                Attachment(
                    file_obj=handle,
                    name=attachment_name(item.item.reference, row),
                    description=f"{item.item.reference} {item.item.title}",
                    relationship="Source",
                )
            )
    prepared = time.perf_counter()
    try:
        pdf, pages = write_pdf(html, private_names=private_names, attachments=attachments)
    finally:
        for handle in handles:
            handle.close()
    finished = time.perf_counter()
    return RenderedPortfolio(
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        pages=pages,
        manifest=manifest,
        large_files=large,
        html=html,
        prepare_seconds=prepared - started,
        weasyprint_seconds=finished - prepared,
        head=head,
    )
