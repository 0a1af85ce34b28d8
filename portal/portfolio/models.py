"""Portfolio exports: a request to render one or many learners' portfolios, and the PDFs made.

An export is rendered by background tasks, one task per learner, so that several workers can
share a cohort and each worker's memory stays that of one learner. The finished file (a PDF
for one learner, a ZIP for a cohort) lives in the private storage until ``expires_at``.

Each PDF made is a ``PortfolioDocument`` with its own verification code, the SHA-256 of its
bytes and the manifest embedded in it. Documents outlive the export's file: a PDF printed
years ago can still be checked against the portal's record.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.db.models import F, Q

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def private_storage() -> Storage:
    return storages["private"]


def new_verification_code() -> str:
    """Like ``PF-7KQ2-M9XD-4HTA``: 60 random bits, easy to read aloud."""
    chars = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"PF-{chars[:4]}-{chars[4:8]}-{chars[8:]}"


class PortfolioExport(models.Model):
    class Scope(models.TextChoices):
        LEARNER = "learner", "One learner"
        ASSESSOR = "assessor", "All learners of an assessor"
        SELECTION = "selection", "Selected learners"
        STANDARD = "standard", "All learners on a standard"
        COMPLETED = "completed", "All learners who completed"
        PACKAGE = "package", "Portable package (moving centre)"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired"

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="portfolio_exports",
        help_text="Blank when made by the export_portfolio command.",
    )
    centre = models.ForeignKey(
        "centres.Centre", on_delete=models.PROTECT, related_name="portfolio_exports"
    )
    scope = models.CharField(max_length=20, choices=Scope.choices)
    scope_label = models.CharField(max_length=300, help_text="What was asked for, in words.")
    learners = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    result = models.FileField(storage=private_storage, max_length=255, blank=True)
    result_name = models.CharField(max_length=200, blank=True, help_text="Download file name.")
    size = models.BigIntegerField(null=True, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    verification_code = models.CharField(
        max_length=20, unique=True, default=new_verification_code, editable=False
    )
    task_result_id = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress_done__lte=F("progress_total")),
                name="export_progress_within_total",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | (~Q(sha256="") & Q(expires_at__isnull=False)),
                name="export_done_has_file",
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_at"], name="export_status_expiry")]

    def __str__(self) -> str:
        return f"Export {self.verification_code}: {self.scope_label}"

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 0
        return round(100 * self.progress_done / self.progress_total)

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.EXPIRED)

    @property
    def is_zip(self) -> bool:
        return self.scope != self.Scope.LEARNER

    @property
    def is_package(self) -> bool:
        """A learner's signed portable package (``portal.transfer``), for another centre."""
        return self.scope == self.Scope.PACKAGE


class PortfolioDocument(models.Model):
    """One learner's PDF as exported: what verification compares an uploaded PDF with."""

    export = models.ForeignKey(PortfolioExport, on_delete=models.PROTECT, related_name="documents")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    verification_code = models.CharField(
        max_length=20, unique=True, default=new_verification_code, editable=False
    )
    file = models.FileField(storage=private_storage, max_length=255, blank=True)
    size = models.BigIntegerField()
    sha256 = models.CharField("SHA-256", max_length=64)
    manifest = models.JSONField(help_text="The manifest embedded in the PDF, as exported.")
    pages = models.PositiveIntegerField()
    record_head_sequence = models.PositiveIntegerField(
        null=True, blank=True, help_text="The centre's latest record entry at export."
    )
    record_head_hash = models.CharField(
        max_length=64, blank=True, help_text="That entry's hash, printed in the PDF."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["export", "learner__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["export", "learner"], name="document_one_per_learner"),
        ]

    def __str__(self) -> str:
        return f"Portfolio {self.verification_code}"
