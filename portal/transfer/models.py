"""A portfolio transferred in from another centre or installation: read-only history.

The manifest is kept exactly as signed (``manifest_bytes``), so the history can be checked
again at any time; the PDF and each evidence file are kept in the private storage under
generated names. Nothing here is written after the import, and nothing in it counts towards
the learner's new enrolments until an assessor recognises it as prior learning.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from evidence.models import private_storage


class ReadOnlyError(Exception):
    """Raised on any attempt to change a transferred row after the import."""


class TransferredPortfolio(models.Model):
    centre = models.ForeignKey(
        "centres.Centre", on_delete=models.PROTECT, related_name="transferred_portfolios"
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="transferred_portfolios"
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField()
    manifest = models.JSONField()
    manifest_sha256 = models.CharField("manifest SHA-256", max_length=64)
    key_id = models.CharField(max_length=64, help_text="SHA-256 of the signer's public key.")
    trusted_key = models.BooleanField(
        help_text="Signed with this installation's key or one in TRANSFER_TRUSTED_KEY_IDS."
    )
    source_installation = models.CharField(max_length=400)
    source_centre = models.CharField(max_length=400)
    source_learner = models.CharField(max_length=400)
    pdf = models.FileField(storage=private_storage, max_length=255)

    class Meta:
        ordering = ["-imported_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "manifest_sha256"], name="transfer_once_per_learner"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_learner} from {self.source_centre}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ReadOnlyError("Transferred history cannot be changed.")
        super().save(*args, **kwargs)


class TransferredFile(models.Model):
    transfer = models.ForeignKey(
        TransferredPortfolio, on_delete=models.CASCADE, related_name="files"
    )
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.BigIntegerField()
    file = models.FileField(storage=private_storage, max_length=255)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["transfer", "sha256"], name="transfer_file_once")
        ]

    def __str__(self) -> str:
        return self.sha256

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ReadOnlyError("Transferred history cannot be changed.")
        super().save(*args, **kwargs)


class Recognition(models.Model):
    """An assessor's recognition of transferred achievements as prior learning: the
    evidence item it made (type "prior learning", its mappings the recognised criteria)
    from which transferred portfolio, for which unit. Written once by
    ``portal.transfer.recognition.prior_learning_recognise``; never changed."""

    transfer = models.ForeignKey(
        TransferredPortfolio, on_delete=models.PROTECT, related_name="recognitions"
    )
    item = models.OneToOneField(
        "evidence.EvidenceItem", on_delete=models.PROTECT, related_name="recognition"
    )
    enrolment = models.ForeignKey(
        "assessments.Enrolment", on_delete=models.PROTECT, related_name="recognitions"
    )
    recognised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recognised_at = models.DateTimeField()
    rationale = models.TextField(help_text="Why the earlier decisions are accepted here.")
    key_confirmed = models.BooleanField(
        default=False,
        help_text="The package's key was not trusted here, and the assessor confirmed its key "
        "id with the sending centre.",
    )

    class Meta:
        ordering = ["recognised_at", "pk"]

    def __str__(self) -> str:
        return f"Prior learning {self.item_id} from {self.transfer_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ReadOnlyError("A recognition of prior learning cannot be changed.")
        super().save(*args, **kwargs)
