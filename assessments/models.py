from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any

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
    ended_on = models.DateField(
        null=True,
        blank=True,
        help_text="When it was completed or withdrawn; starts the centre's retention period.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["learner__full_name", "standard__code", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_end_date__gte=F("start_date")),
                name="enrolment_end_after_start",
                violation_error_message="The target end date must not be before the start date.",
            ),
            models.UniqueConstraint(
                fields=["learner", "standard"],
                condition=Q(status="active"),
                name="enrolment_one_active_per_standard",
                violation_error_message=(
                    "This learner already has an active enrolment on this standard; complete "
                    "or withdraw that one first."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner} on {self.standard}"


class CriterionJudgement(models.Model):
    """The assessor's current word on one criterion of one enrolment.

    One row per enrolment and criterion, updated in place when the assessor changes their
    mind; every version is kept in the record (``RecordEntry``). A criterion counts as met
    only while the judgement says so *and* at least one accepted evidence item is mapped
    (confirmed) to it; the evidence app checks the second half.
    """

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="judgements")
    criterion = models.ForeignKey(
        "standards.Criterion", on_delete=models.PROTECT, related_name="judgements"
    )
    met = models.BooleanField()
    rationale = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "criterion"], name="judgement_one_per_criterion"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion.reference}: {'met' if self.met else 'not met'}"


class UnitSignOff(models.Model):
    """The assessor's sign-off of a complete unit, the learner's countersignature and any
    reopening by a centre admin. While a sign-off is not reopened, the enrolment is locked."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="sign_offs")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assessor_declaration = models.TextField()
    signed_at = models.DateTimeField()
    learner_declaration = models.TextField(blank=True)
    countersigned_at = models.DateTimeField(null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopen_reason = models.TextField(blank=True)
    iqa_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="IQA verified by",
    )
    iqa_verified_at = models.DateTimeField("IQA verified at", null=True, blank=True)

    class Meta:
        ordering = ["-signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment"],
                condition=Q(reopened_at__isnull=True),
                name="signoff_one_open_per_enrolment",
            ),
            models.CheckConstraint(
                condition=Q(reopened_at__isnull=True) | ~Q(reopen_reason=""),
                name="signoff_reopen_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(iqa_verified_at__isnull=True) | Q(countersigned_at__isnull=False),
                name="signoff_verified_after_countersign",
            ),
        ]

    def __str__(self) -> str:
        return f"Sign-off of {self.enrolment}"

    @property
    def is_countersigned(self) -> bool:
        return self.countersigned_at is not None


class RecordQuerySet(models.QuerySet["RecordEntry"]):
    """The record is append-only: bulk updates and deletes are refused."""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("The assessment record cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("The assessment record cannot be deleted from.")

    def bulk_create(self, *args: Any, **kwargs: Any) -> list[RecordEntry]:
        raise AppendOnlyError("Append through assessments.services.record_append only.")


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete a record entry."""


GENESIS_HASH = "0" * 64


class RecordEntry(models.Model):
    """One decision in a centre's tamper-evident, append-only record.

    ``entry_hash`` is the SHA-256 of a canonical (sorted-key, compact) JSON serialisation of
    every other field, including ``prev_hash``, the previous entry's hash for the same centre.
    Changing or deleting any earlier row breaks the chain; ``manage.py verify_record`` finds it.
    ``mac`` is an HMAC of ``entry_hash`` with a key that is not in the database, so someone
    who edits a row and recomputes every later hash still cannot make the chain verify.
    Write only through ``assessments.services.record_append``.
    """

    class Action(models.TextChoices):
        EVIDENCE_ACCEPTED = "evidence_accepted", "Evidence accepted"
        EVIDENCE_REFERRED = "evidence_referred", "Evidence referred back"
        MAPPING_ADDED = "mapping_added", "Evidence mapped"
        MAPPING_CONFIRMED = "mapping_confirmed", "Learner's mapping confirmed"
        MAPPING_CHANGED = "mapping_changed", "Mapping method changed"
        MAPPING_REMOVED = "mapping_removed", "Mapping removed"
        JUDGEMENT = "judgement", "Criterion judged"
        SIGNED_OFF = "signed_off", "Unit signed off"
        COUNTERSIGNED = "countersigned", "Learner countersigned"
        IQA_AGREED = "iqa_agreed", "IQA agreed"
        IQA_REFERRED = "iqa_referred", "IQA referred back"
        REOPEN_REQUESTED = "reopen_requested", "Reopening requested by the IQA"
        REOPENED = "reopened", "Unit reopened"
        ADMIN_CHANGE = "admin_change", "Changed in the admin site"
        LEARNER_ERASED = "learner_erased", "Learner's personal data erased"
        PLAN_DRAFTED = "plan_drafted", "Assessment plan drafted"
        PLAN_SIGNED = "plan_signed", "Assessment plan signed"
        EVIDENCE_RECORDED = "evidence_recorded", "Assessor's evidence recorded"
        EVIDENCE_ACKNOWLEDGED = "evidence_acknowledged", "Learner acknowledged assessor's evidence"
        QA_PLAN_SIGNED = "qa_plan_signed", "IQA sampling plan signed"
        QA_SAMPLED = "qa_sampled", "IQA sampled the unit"
        QA_ACTION_RAISED = "qa_action_raised", "IQA action raised"
        QA_ACTION_ANSWERED = "qa_action_answered", "IQA action answered"
        QA_ACTION_CLOSED = "qa_action_closed", "IQA action closed"
        QA_ACTION_RETURNED = "qa_action_returned", "IQA action sent back"
        STANDARDISATION_RECORDED = "standardisation_recorded", "Standardisation recorded"
        STANDARDISATION_ACTION_SET = "standardisation_action_set", "Standardisation action set"
        STANDARDISATION_ACTION_CLOSED = (
            "standardisation_action_closed",
            "Standardisation action closed",
        )
        OBSERVATION_RECORDED = "observation_recorded", "Observation of practice recorded"
        OBSERVATION_ACKNOWLEDGED = (
            "observation_acknowledged",
            "Observation of practice acknowledged",
        )
        EQA_VISIT_PLANNED = "eqa_visit_planned", "EQA visit planned"
        EQA_SAMPLE_ADDED = "eqa_sample_added", "Unit added to an EQA visit's sample"
        EQA_SAMPLE_REMOVED = "eqa_sample_removed", "Unit removed from an EQA visit's sample"
        EQA_REPORT_ISSUED = "eqa_report_issued", "EQA visit report issued"
        EQA_REPORT_REVISED = "eqa_report_revised", "EQA visit report revision started"
        EQA_ACTION_RESPONDED = "eqa_action_responded", "Centre responded to an EQA action"
        EQA_ACTION_CLOSED = "eqa_action_closed", "EQA action closed"
        EQA_ACTION_ASKED_AGAIN = "eqa_action_asked_again", "EQA asked again on an action"

    centre = models.ForeignKey(
        "centres.Centre", on_delete=models.PROTECT, related_name="record_entries"
    )
    sequence = models.PositiveIntegerField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(max_length=200)
    recorded_at = models.DateTimeField()
    action = models.CharField(max_length=30, choices=Action.choices)
    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.PROTECT,
        related_name="record_entries",
        null=True,
        blank=True,
        help_text="Blank only for changes to centre-wide data (people, grants) in the admin.",
    )
    payload = models.JSONField(default=dict, blank=True)
    file_hashes = models.JSONField(
        default=list, blank=True, help_text="SHA-256 of each evidence file involved, sorted."
    )
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)
    # HMAC-SHA256 of entry_hash with a key kept outside the database (assessments.signing):
    # blank only for entries written before signing began.
    mac_key_id = models.CharField(max_length=40, blank=True)
    mac = models.CharField(max_length=64, blank=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        ordering = ["centre", "sequence"]
        verbose_name_plural = "record entries"
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(fields=["centre", "sequence"], name="record_unique_sequence"),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.get_action_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("The assessment record cannot be changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("The assessment record cannot be deleted from.")

    # The columns ``canonical_of`` reads, in its order: a verifier can stream them with
    # ``values_list(*RecordEntry.HASHED_FIELDS)`` instead of building model instances.
    HASHED_FIELDS = (
        "centre_id",
        "sequence",
        "actor_id",
        "actor_name",
        "recorded_at",
        "action",
        "enrolment_id",
        "payload",
        "file_hashes",
        "prev_hash",
    )

    @staticmethod
    def canonical_of(
        centre_id: int,
        sequence: int,
        actor_id: int,
        actor_name: str,
        recorded_at: datetime.datetime,
        action: str,
        enrolment_id: int | None,
        payload: Any,
        file_hashes: Any,
        prev_hash: str,
    ) -> bytes:
        """The bytes that ``entry_hash`` covers, from the values of ``HASHED_FIELDS``."""
        document = {
            "centre": centre_id,
            "sequence": sequence,
            "actor": actor_id,
            "actor_name": actor_name,
            "recorded_at": recorded_at.astimezone(datetime.UTC).isoformat(),
            "action": action,
            "enrolment": enrolment_id,
            "payload": payload,
            "file_hashes": list(file_hashes),
            "prev_hash": prev_hash,
        }
        return json.dumps(
            document, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode()

    def canonical(self) -> bytes:
        """The bytes that ``entry_hash`` covers."""
        return self.canonical_of(*(getattr(self, name) for name in self.HASHED_FIELDS))

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()


class IqaSample(models.Model):
    """An internal quality assurer's check of one recorded decision or sign-off."""

    class Outcome(models.TextChoices):
        AGREED = "agreed", "Agreed (countersigned)"
        REFERRED = "referred", "Referred back to the assessor"

    entry = models.OneToOneField(RecordEntry, on_delete=models.PROTECT, related_name="iqa_sample")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="iqa_samples")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="iqa_samples_received"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    feedback = models.TextField(blank=True)
    sampled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="iqa_samples_made"
    )
    sampled_at = models.DateTimeField()

    class Meta:
        ordering = ["-sampled_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="agreed") | ~Q(feedback=""),
                name="iqa_referral_has_feedback",
            ),
        ]

    def __str__(self) -> str:
        return f"IQA {self.get_outcome_display()} on {self.entry}"


class ReopenRequest(models.Model):
    """An IQA's referral of a decision on a signed-off (locked) unit, waiting for a centre
    admin to reopen the unit. Reopening resolves every open request of the enrolment."""

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="reopen_requests"
    )
    sign_off = models.ForeignKey(
        UnitSignOff, on_delete=models.PROTECT, related_name="reopen_requests"
    )
    sample = models.OneToOneField(
        IqaSample, on_delete=models.PROTECT, related_name="reopen_request"
    )
    criterion = models.ForeignKey(
        "standards.Criterion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The criterion whose judgement the IQA referred, if it was one.",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    requested_at = models.DateTimeField()
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="reopen_request_has_reason"),
        ]

    def __str__(self) -> str:
        return f"Reopen request for {self.enrolment}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class RecordCheckpoint(models.Model):
    """How far ``manage.py verify_record`` last found a centre's chain intact, so the next
    run checks only what was appended since (plus a rolling window of the older record).

    The checkpoint is signed like an entry (an HMAC with a key outside the database), so no
    one holding the database alone can move it past a change; each run re-checks the
    checkpoint's own entry, and ``swept_to`` is how far the rolling re-check of the entries
    before it has reached (it starts again at #1 once it reaches the checkpoint), so a
    change behind the checkpoint is found within a bounded number of runs, and at once by
    ``verify_record --full``.
    """

    centre = models.OneToOneField(
        "centres.Centre", on_delete=models.PROTECT, related_name="record_checkpoint"
    )
    sequence = models.PositiveIntegerField()
    entry_hash = models.CharField(max_length=64)
    # Unsigned entries (written before signing began) up to ``sequence``, and the first
    # signed entry's sequence: an unsigned entry after it is forged.
    unsigned = models.PositiveIntegerField(default=0)
    signed_from = models.PositiveIntegerField(null=True, blank=True)
    swept_to = models.PositiveIntegerField(default=0)
    verified_at = models.DateTimeField()
    mac_key_id = models.CharField(max_length=40)
    mac = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"Checked up to #{self.sequence}"

    def signed_text(self) -> str:
        """What ``mac`` covers: every field that a forged checkpoint would change."""
        return json.dumps(
            {
                "centre": self.centre_id,
                "sequence": self.sequence,
                "entry_hash": self.entry_hash,
                "unsigned": self.unsigned,
                "signed_from": self.signed_from,
                "swept_to": self.swept_to,
            },
            sort_keys=True,
            separators=(",", ":"),
        )
