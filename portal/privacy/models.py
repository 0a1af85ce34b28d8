"""Data protection: subject access exports.

A centre admin asks for everything held about one person of their centre; a background task
writes it as one ZIP (the data as JSON, the person's evidence files, checksums) into the
private storage, where it stays until ``expires_at`` and is then deleted (``purge_derived``,
or the worker when its backend can defer tasks). The row stays, as a log of the request.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.db.models import F, Q


def private_storage() -> Storage:
    return storages["private"]


class SubjectAccessExport(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired"

    centre = models.ForeignKey(
        "centres.Centre", on_delete=models.PROTECT, related_name="subject_access_exports"
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="subject_access_exports",
        help_text="The person the export is about.",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    result = models.FileField(storage=private_storage, max_length=255, blank=True)
    result_name = models.CharField(max_length=200, blank=True, help_text="Download file name.")
    size = models.BigIntegerField(null=True, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress_done__lte=F("progress_total")),
                name="subject_export_progress_within_total",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | (~Q(sha256="") & Q(expires_at__isnull=False)),
                name="subject_export_done_has_file",
            ),
        ]

    def __str__(self) -> str:
        return f"Subject access export #{self.pk} about {self.subject}"

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 0
        return round(100 * self.progress_done / self.progress_total)

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.EXPIRED)
