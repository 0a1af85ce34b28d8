"""External quality assurance visits: an EQA's plan of a visit to a granted centre, the sample
of learners' units it looks at, the report it issues and the actions the centre answers.

This is the one place an external quality assurer writes, and only to their own visits. An
issued report is final: its text never changes; a correction is a new version, and what
happens to its actions afterwards (the centre's responses, the EQA closing or asking again)
is kept as ``ActionReply`` rows, each with its author and time.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Visit(models.Model):
    class Kind(models.TextChoices):
        REMOTE = "remote", "Remote"
        ON_SITE = "on_site", "On site"

    centre = models.ForeignKey("centres.Centre", on_delete=models.PROTECT, related_name="visits")
    eqa = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="eqa_visits"
    )
    visit_on = models.DateField("date of the visit")
    kind = models.CharField("type of visit", max_length=10, choices=Kind.choices)
    standards = models.ManyToManyField(
        "standards.Standard",
        blank=True,
        related_name="+",
        verbose_name="standards in scope",
        help_text="Leave all unticked to look at every standard the centre assesses.",
    )
    purpose = models.TextField(max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-visit_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} visit to {self.centre} on {self.visit_on}"


class SampledEnrolment(models.Model):
    """One learner's unit in a visit's sample, with why it is there."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="sample")
    enrolment = models.ForeignKey(
        "assessments.Enrolment", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=500, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "enrolment"],
                name="visit_sample_unique",
                violation_error_message="This learner's unit is already in the sample.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment} in {self.visit}"


class VisitReport(models.Model):
    """One version of a visit's report: a draft until issued, then never changed."""

    class Outcome(models.TextChoices):
        NO_SANCTION = "none", "No sanctions"
        ADVISORY = "advisory", "Advisory: no sanction, advice given"
        ACTION_PLAN = "action_plan", "Sanction 1: action plan with improvement required"
        CERTIFICATION_BLOCKED = (
            "certification_blocked",
            "Sanction 2: certification rights withheld until actions are met",
        )
        REGISTRATION_SUSPENDED = (
            "registration_suspended",
            "Sanction 3: registration and certification suspended",
        )

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="reports")
    version = models.PositiveSmallIntegerField()
    findings = models.TextField(max_length=10000, blank=True)
    strengths = models.TextField(max_length=4000, blank=True)
    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    revision_reason = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["visit", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "version"],
                name="visit_report_version_unique",
                violation_error_message="This version of the report already exists.",
            ),
            models.UniqueConstraint(
                fields=["visit"],
                condition=models.Q(issued_at__isnull=True),
                name="visit_report_one_draft",
                violation_error_message="The visit already has a draft report.",
            ),
            models.CheckConstraint(
                condition=models.Q(issued_at__isnull=True) | models.Q(issued_by__isnull=False),
                name="visit_report_issued_by",
            ),
        ]

    def __str__(self) -> str:
        return f"Report version {self.version} of {self.visit}"

    @property
    def issued(self) -> bool:
        return self.issued_at is not None


class VisitAction(models.Model):
    """An action for the centre, raised in one version of the report. The centre admin
    responds; the EQA closes it or asks again (``ActionReply``)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open: awaiting the centre's response"
        RESPONDED = "responded", "Responded: awaiting the EQA"
        CLOSED = "closed", "Closed by the EQA"

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="actions")
    raised_in = models.ForeignKey(VisitReport, on_delete=models.PROTECT, related_name="actions")
    description = models.TextField(max_length=2000)
    due_on = models.DateField("due date")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(status="closed", closed_at__isnull=False, closed_by__isnull=False)
                    | (
                        ~models.Q(status="closed")
                        & models.Q(closed_at__isnull=True, closed_by__isnull=True)
                    )
                ),
                name="visit_action_closed_by",
            ),
        ]

    def __str__(self) -> str:
        return f"Action due {self.due_on}: {self.description[:60]}"


class ActionReply(models.Model):
    """What happened to an action after its report was issued: never changed or deleted."""

    class Kind(models.TextChoices):
        RESPONSE = "response", "Centre's response"
        ASKED_AGAIN = "asked_again", "EQA asked again"
        CLOSED = "closed", "EQA accepted and closed"

    action = models.ForeignKey(VisitAction, on_delete=models.CASCADE, related_name="replies")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    text = models.TextField(max_length=4000, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.action}"
