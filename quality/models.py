"""Internal quality assurance: sampling plans, unit samples and the actions they raise.

A plan is written by an IQA for one assessor (and optionally one standard); its versions are
never changed, a change is a new version. A sample is of a learner's unit (an enrolment):
summative (its open sign-off with every judgement, item and mapping) or interim (a set of the
assessor's decisions on a unit still in progress). The verdict on each sampled decision is
kept where the rest of the workflow reads it (``assessments.IqaSample``, written through
``review.sampling``); a sample links them from here. Every QA decision is also a record entry.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from assessments.models import Enrolment, IqaSample, RecordEntry, UnitSignOff


class Risk(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


# The share of an assessor's units the IQA samples, by risk (percent). Awarding bodies' usual
# strategy: sample more of new or recently referred assessors' work.
RATES = {Risk.LOW: 10, Risk.MEDIUM: 25, Risk.HIGH: 50}


class RiskReason(models.TextChoices):
    NEW_ASSESSOR = "new_assessor", "New to the centre"
    NEWLY_QUALIFIED = "newly_qualified", "Newly qualified assessor"
    NEW_STANDARD = "new_standard", "New standard"
    PREVIOUS_REFERRALS = "previous_referrals", "Previous referrals"
    EXPERIENCED = "experienced", "Experienced, no recent referrals"


class SamplingPlan(models.Model):
    """One version of an IQA's sampling plan for one assessor, optionally for one standard."""

    centre = models.ForeignKey("centres.Centre", on_delete=models.PROTECT, related_name="+")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sampling_plans"
    )
    standard = models.ForeignKey(
        "standards.Standard",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Blank: the plan covers every standard the assessor assesses.",
    )
    version = models.PositiveIntegerField()
    risk = models.CharField(max_length=10, choices=Risk.choices)
    risk_reasons = models.JSONField(default=list, blank=True)
    rate = models.PositiveSmallIntegerField(help_text="Percent of units to sample.")
    interim_planned = models.PositiveSmallIntegerField(
        "interim samples planned", help_text="During units, in the plan's period."
    )
    summative_planned = models.PositiveSmallIntegerField(
        "summative samples planned", help_text="At sign-off, in the plan's period."
    )
    methods = models.JSONField(default=list, blank=True)
    evidence_types = models.JSONField(default=list, blank=True)
    locations = models.JSONField(default=list, blank=True)
    notes = models.TextField(blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField()

    class Meta:
        ordering = ["assessor_id", "standard_id", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessor", "standard", "version"],
                condition=Q(standard__isnull=False),
                name="sampling_plan_version_per_standard",
            ),
            models.UniqueConstraint(
                fields=["assessor", "version"],
                condition=Q(standard__isnull=True),
                name="sampling_plan_version_overall",
            ),
            models.CheckConstraint(
                condition=Q(rate__gte=1) & Q(rate__lte=100), name="sampling_plan_rate_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"Sampling plan v{self.version} for {self.assessor}"


class UnitSample(models.Model):
    """An IQA's sample of one learner's unit."""

    class Kind(models.TextChoices):
        INTERIM = "interim", "Interim (during the unit)"
        SUMMATIVE = "summative", "Summative (at sign-off)"

    class Outcome(models.TextChoices):
        AGREED = "agreed", "Agreed"
        REFERRED = "referred", "Referred back to the assessor"

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    sign_off = models.ForeignKey(
        UnitSignOff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    plan = models.ForeignKey(
        SamplingPlan, on_delete=models.PROTECT, null=True, blank=True, related_name="samples"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="unit_samples_received"
    )
    sampled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="unit_samples_made"
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    feedback = models.TextField("feedback to the assessor", blank=True)
    sampled_at = models.DateTimeField()
    decisions = models.ManyToManyField(RecordEntry, related_name="+")
    verdicts = models.ManyToManyField(IqaSample, related_name="unit_samples")

    class Meta:
        ordering = ["-sampled_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="agreed") | ~Q(feedback=""),
                name="unit_sample_referral_has_feedback",
            ),
            models.CheckConstraint(
                condition=Q(kind="interim") | Q(sign_off__isnull=False),
                name="unit_sample_summative_has_sign_off",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} sample of {self.enrolment}"


class CriterionReferral(models.Model):
    """One criterion an IQA referred back in a sample, with what to put right."""

    sample = models.ForeignKey(UnitSample, on_delete=models.PROTECT, related_name="referrals")
    criterion = models.ForeignKey("standards.Criterion", on_delete=models.PROTECT, related_name="+")
    feedback = models.TextField()

    class Meta:
        ordering = ["criterion__order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["sample", "criterion"], name="criterion_referral_once_per_sample"
            ),
            models.CheckConstraint(
                condition=~Q(feedback=""), name="criterion_referral_has_feedback"
            ),
        ]

    def __str__(self) -> str:
        return f"Referral of {self.criterion.reference}"


class QaAction(models.Model):
    """An action a sample asks of the assessor, with a due date: the assessor answers it and
    the IQA closes it or sends it back."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ANSWERED = "answered", "Answered, awaiting the IQA"
        CLOSED = "closed", "Closed"

    sample = models.ForeignKey(UnitSample, on_delete=models.PROTECT, related_name="actions")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="qa_actions"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="qa_actions_raised"
    )
    text = models.TextField("what the assessor should do")
    due_on = models.DateField("due by")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    response = models.TextField("assessor's response", blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    return_note = models.TextField("why the IQA sent it back", blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    raised_at = models.DateTimeField()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="qa_action_has_text"),
            models.CheckConstraint(
                condition=~Q(status="answered") | ~Q(response=""),
                name="qa_action_answer_has_response",
            ),
            models.CheckConstraint(
                condition=Q(status="closed") | Q(closed_at__isnull=True),
                name="qa_action_closed_at_only_when_closed",
            ),
        ]
        indexes = [models.Index(fields=["assessor", "status"], name="qa_action_assessor_status")]

    def __str__(self) -> str:
        return f"IQA action due {self.due_on}"
