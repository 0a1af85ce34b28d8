"""Assessment plans: what the assessor and learner agree to assess in a unit, how, where and
by when, signed by both.

A plan is kept as versions. Each version is a complete, self-contained document (its
activities are stored as written, with the references of the criteria and groups they cover)
that is never changed once drafted; only its two signatures are added to it. Revising a plan
drafts the next version, which both sign again; older versions stay readable with their
signatures. Write only through ``review.plans``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from assessments.models import Enrolment
from evidence.models import Mapping

SIGNATURE_FIELDS = frozenset(
    {"assessor_signature", "assessor_signed_at", "learner_signature", "learner_signed_at"}
)


class PlanChangeError(Exception):
    """Raised on any attempt to change a drafted plan version other than by signing it."""


class AssessmentPlan(models.Model):
    """One version of the assessment plan of one enrolment (one unit).

    ``activities`` is a list of planned assessment activities, each a dict with ``what``
    (the activity in words), ``methods`` (``evidence.Mapping.Method`` values), ``where`` (the
    place and work setting), ``by`` (target date, ISO 8601), ``groups`` and ``criteria``
    (``{"id", "reference"}`` of what it covers; groups also carry their ``title``).
    ``review.plans.plan_activities`` builds and checks it.
    """

    class State(models.TextChoices):
        DRAFT = "draft", "Draft: the assessor has not signed it yet"
        AWAITING_LEARNER = "awaiting_learner", "Awaiting the learner's signature"
        AGREED = "agreed", "Agreed: signed by the assessor and the learner"

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="assessment_plans"
    )
    version = models.PositiveIntegerField()
    activities = models.JSONField(default=list)
    revision_reason = models.TextField(
        blank=True, help_text="Why this version replaces the one before; blank for the first."
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    drafted_at = models.DateTimeField()
    assessor_signature = models.CharField(
        max_length=200, blank=True, help_text="The assessor's full name, typed as a signature."
    )
    assessor_signed_at = models.DateTimeField(null=True, blank=True)
    learner_signature = models.CharField(
        max_length=200, blank=True, help_text="The learner's full name, typed as a signature."
    )
    learner_signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["enrolment", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "version"],
                name="plan_unique_version",
                violation_error_message="This version of the plan already exists.",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="plan_version_positive"),
            models.CheckConstraint(
                condition=Q(version=1) | ~Q(revision_reason=""),
                name="plan_revision_has_reason",
                violation_error_message="Say why the plan is being revised.",
            ),
            models.CheckConstraint(
                condition=Q(assessor_signed_at__isnull=True, assessor_signature="")
                | (Q(assessor_signed_at__isnull=False) & ~Q(assessor_signature="")),
                name="plan_assessor_signature_complete",
            ),
            models.CheckConstraint(
                condition=Q(learner_signed_at__isnull=True, learner_signature="")
                | (Q(learner_signed_at__isnull=False) & ~Q(learner_signature="")),
                name="plan_learner_signature_complete",
            ),
            models.CheckConstraint(
                condition=Q(learner_signed_at__isnull=True) | Q(assessor_signed_at__isnull=False),
                name="plan_assessor_signs_first",
                violation_error_message="The assessor signs the plan before the learner.",
            ),
        ]

    def __str__(self) -> str:
        return f"Assessment plan v{self.version} for {self.enrolment}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A drafted version only ever gains signatures: its content is what was signed."""
        if not self._state.adding:
            fields = kwargs.get("update_fields")
            if fields is None or not set(fields) <= SIGNATURE_FIELDS:
                raise PlanChangeError(
                    "A plan version cannot be changed once drafted; revise it instead."
                )
        super().save(*args, **kwargs)

    @property
    def state(self) -> str:
        if self.learner_signed_at is not None:
            return self.State.AGREED
        if self.assessor_signed_at is not None:
            return self.State.AWAITING_LEARNER
        return self.State.DRAFT

    @property
    def state_label(self) -> str:
        return self.State(self.state).label

    @property
    def is_agreed(self) -> bool:
        return self.state == self.State.AGREED

    @property
    def activity_list(self) -> list[dict[str, Any]]:
        """The activities for a page or the PDF: the target date as a date (``by_date``) and
        the methods in words (``method_labels``)."""
        labels = dict(Mapping.Method.choices)
        return [
            activity
            | {
                "by_date": datetime.date.fromisoformat(activity["by"])
                if activity.get("by")
                else None,
                "method_labels": [labels.get(m, m) for m in activity.get("methods", [])],
            }
            for activity in self.activities
        ]
