"""A badge: the Open Badges 3.0 credential a learner claimed for one IQA-verified sign-off.

One per sign-off. Whether it is revoked is derived, never stored: a badge whose sign-off was
reopened (``UnitSignOff.reopened_at``) is revoked, and the centre's public revocation list
says so. The signed credential (a VC-JWT) is kept as issued, so the learner can download the
same one again; the signing key is not in the database.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from assessments.models import UnitSignOff


class Badge(models.Model):
    sign_off = models.OneToOneField(UnitSignOff, on_delete=models.PROTECT, related_name="badge")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="badges"
    )
    identifier = models.UUIDField(
        default=uuid.uuid4, unique=True, editable=False, help_text="The credential's urn:uuid."
    )
    salt = models.CharField(
        max_length=64, editable=False, help_text="Salt of the hashed email that names the learner."
    )
    key_id = models.CharField(max_length=64, editable=False, help_text="The signing key's kid.")
    token = models.TextField(editable=False, help_text="The signed credential (VC-JWT).")
    issued_at = models.DateTimeField()

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"Badge {self.identifier}"

    @property
    def credential_id(self) -> str:
        return f"urn:uuid:{self.identifier}"

    @property
    def revoked(self) -> bool:
        return self.sign_off.reopened_at is not None
