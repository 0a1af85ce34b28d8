from __future__ import annotations

import datetime
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone (e.g. Europe/London).")


class Centre(models.Model):
    """A training provider or employer running assessment."""

    name = models.CharField(max_length=200, unique=True)
    time_zone = models.CharField(
        max_length=64, default="Europe/London", validators=[validate_time_zone]
    )
    retention_years = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=(
            "Years a learner's portfolio is kept after their last enrolment ended (completed "
            "or withdrawn) before a centre admin may erase it."
        ),
    )
    require_staff_2fa = models.BooleanField(
        "require two-factor log-in for staff",
        default=False,
        help_text=(
            "Assessors, IQAs and centre admins of this centre must set up an authenticator "
            "app and give its code at every log-in."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EqaGrantQuerySet(models.QuerySet["EqaGrant"]):
    def current(self, today: datetime.date | None = None) -> EqaGrantQuerySet:
        """Grants that still give access: they expire at the end of ``expires_on``."""
        return self.filter(expires_on__gte=today or timezone.localdate())


class EqaGrant(models.Model):
    """Read-only access to one centre for an external quality assurer (``User.is_eqa``),
    up to and including ``expires_on``; an expired grant gives no access."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="eqa_grants"
    )
    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="eqa_grants")
    granted_at = models.DateTimeField(auto_now_add=True)
    expires_on = models.DateField(help_text="The last day the grant gives access.")

    objects = EqaGrantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "centre"], name="eqa_grant_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.centre}"
