from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from standards.models import Standard


class Enrolment(models.Model):
    """A learner enrolled on one standard, with their assessor and IQA.

    The centre is referred to lazily ("centres.Centre"), as the user model is: this app
    never imports the portal.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        WITHDRAWN = "withdrawn", "Withdrawn"
        COMPLETED = "completed", "Completed"

    centre = models.ForeignKey(
        "centres.Centre", on_delete=models.PROTECT, related_name="enrolments"
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrolments"
    )
    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="enrolments")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessed_enrolments",
    )
    iqa = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="iqa_enrolments",
        verbose_name="IQA",
    )
    start_date = models.DateField()
    target_end_date = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["learner__full_name", "standard__code", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_end_date__gte=F("start_date")),
                name="enrolment_end_after_start",
            ),
            models.UniqueConstraint(
                fields=["learner", "standard"],
                condition=Q(status="active"),
                name="enrolment_one_active_per_standard",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner} on {self.standard}"
