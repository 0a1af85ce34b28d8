"""Staff competence (qualifications, occupational competence, CPD, the expert-witness
register) and the centre's quality records of standardisation and observation of practice.

Certificates live in the private evidence storage under generated names and are served only
by ``staff:certificate`` after its access check. Writes go through ``portal.staff.services``;
what a qualification's dates mean in words is decided in ``portal.staff.status`` alone.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.db.models import F, Q

from standards.models import Standard


def private_storage() -> Storage:
    """The private evidence storage, looked up when used so tests can swap it."""
    return storages["private"]


class Qualification(models.Model):
    """A qualification held by an assessor or IQA: an assessing or quality-assurance award,
    or one that shows their occupational competence."""

    class Kind(models.TextChoices):
        ASSESSING = "assessing", "Assessor qualification"
        IQA = "iqa", "Internal quality assurance qualification"
        OCCUPATIONAL = "occupational", "Occupational qualification"
        OTHER = "other", "Other"

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="qualifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    awarding_body = models.CharField(max_length=200)
    achieved_on = models.DateField("date achieved")
    expires_on = models.DateField(
        "expiry date", null=True, blank=True, help_text="Leave empty if it does not expire."
    )
    certificate = models.FileField(storage=private_storage, blank=True, max_length=200)
    certificate_name = models.CharField(max_length=200, blank=True)
    certificate_type = models.CharField(max_length=100, blank=True)
    certificate_sha256 = models.CharField(max_length=64, blank=True)
    # The expiry date the reminder email went out for: one reminder per qualification and
    # expiry; a renewal (a new expiry date) opens a new window.
    reminded_for = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["person__full_name", "-achieved_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=F("achieved_on")),
                name="qualification_expires_after_achieved",
                violation_error_message="The expiry date must not be before the date achieved.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.person})"


class CompetenceStatement(models.Model):
    """A staff member's occupational competence for one standard, in their own words."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="competence_statements"
    )
    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="+")
    statement = models.TextField(max_length=5000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["standard__code", "standard__title"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "standard"],
                name="competence_statement_one_per_standard",
                violation_error_message="There is already a statement for this standard.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} for {self.standard}"


class CpdEntry(models.Model):
    """One continuing professional development activity."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cpd_entries"
    )
    done_on = models.DateField("date")
    activity = models.CharField(max_length=200)
    hours = models.DecimalField(max_digits=5, decimal_places=1)
    reflection = models.TextField(max_length=5000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-done_on", "-pk"]
        verbose_name_plural = "CPD entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=1000),
                name="cpd_hours_positive",
                violation_error_message="Hours must be more than 0 and at most 1,000.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity} ({self.person})"


class ExpertWitness(models.Model):
    """An expert witness the centre relies on. Not a user: the centre admin keeps the entry."""

    centre = models.ForeignKey(
        "centres.Centre", on_delete=models.CASCADE, related_name="expert_witnesses"
    )
    name = models.CharField(max_length=200)
    email = models.EmailField()
    role = models.CharField("job title or role", max_length=200)
    occupational_competence = models.TextField(max_length=5000)
    relationship_rules = models.TextField(
        "relationship rules",
        max_length=2000,
        blank=True,
        help_text="Who they may not witness, e.g. relatives or people they line-manage.",
    )
    is_active = models.BooleanField("may act as a witness", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name_plural = "expert witnesses"
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "email"],
                name="expert_witness_email_unique",
                violation_error_message="A witness with this email is already in the register.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class StandardisationActivity(models.Model):
    """A standardisation meeting or exercise: who took part, what was discussed, what came of it."""

    centre = models.ForeignKey(
        "centres.Centre", on_delete=models.PROTECT, related_name="standardisation_activities"
    )
    held_on = models.DateField("date")
    title = models.CharField(max_length=200)
    participants = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    evidence_item = models.ForeignKey(
        "evidence.EvidenceItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The piece of evidence discussed, if any.",
    )
    record_entry = models.ForeignKey(
        "assessments.RecordEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The assessment decision discussed, if any.",
    )
    outcomes = models.TextField(max_length=10000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name_plural = "standardisation activities"

    def __str__(self) -> str:
        return self.title


class StandardisationAction(models.Model):
    """Something a standardisation activity asked someone to do by a date."""

    activity = models.ForeignKey(
        StandardisationActivity, on_delete=models.CASCADE, related_name="actions"
    )
    text = models.CharField("action", max_length=500)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField("due date")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closing_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["closed_at", "due_on", "pk"]

    def __str__(self) -> str:
        return self.text


class Observation(models.Model):
    """An IQA observing an assessor assessing a learner; the assessor acknowledges it."""

    class Outcome(models.TextChoices):
        MEETS = "meets", "Meets the standard"
        DEVELOPMENT = "development", "Meets the standard, with development points"
        NOT_MET = "not_met", "Does not meet the standard yet"

    centre = models.ForeignKey("centres.Centre", on_delete=models.PROTECT, related_name="+")
    observed_on = models.DateField("date observed")
    observer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="observations"
    )
    enrolment = models.ForeignKey(
        "assessments.Enrolment", on_delete=models.PROTECT, related_name="+"
    )
    setting = models.CharField(
        max_length=200, help_text="Where and how, e.g. a care home, workplace observation."
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    feedback = models.TextField(max_length=10000)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-observed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.assessor} observed on {self.observed_on}"
