"""Evidence: what a learner puts forward, the files behind it, and what it is mapped to.

Files live in the private storage under generated names; the learner's own file name is
kept as data only. Writes go through ``evidence.services``, which also removes stored files
when their rows go (rows refer to their item with PROTECT so nothing else can orphan them).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage, storages
from django.db import models

from assessments.models import Enrolment
from standards.models import Criterion


def private_storage() -> Storage:
    """The private evidence storage, looked up when used so tests can swap it."""
    return storages["private"]


class EvidenceItem(models.Model):
    """One piece of evidence of a learner's, numbered E1, E2… across all their enrolments.

    ``enrolment`` is the item's home unit (where it was added); its mappings may reach the
    criteria of any of the learner's enrolments. ``learner`` is always ``enrolment.learner``
    (set on save, checked by ``clean``): it carries the per-learner numbering constraints.
    """

    class Type(models.TextChoices):
        PRODUCT = "product", "Product or work document"
        OBSERVATION = "observation", "Observation record"
        WITNESS = "witness", "Witness testimony"
        DISCUSSION = "discussion", "Professional discussion record"
        QA = "qa", "Question and answer"
        REFLECTIVE = "reflective", "Reflective account"
        PRIOR_LEARNING = "prior_learning", "Recognition of prior learning"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        ACCEPTED = "accepted", "Accepted"
        REFERRED = "referred", "Referred back"
        # The assessor's own record (observation, discussion, questioning): it counts as
        # evidence once the learner acknowledges it, and is then accepted.
        AWAITING_ACK = "awaiting_ack", "Awaiting the learner's acknowledgement"
        # An assessed item its learner took back: it no longer counts, and is kept.
        WITHDRAWN = "withdrawn", "Withdrawn by the learner"

    class Setting(models.TextChoices):
        REAL_WORK = "real_work", "Real work"
        SIMULATION = "simulation", "Simulation"

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="evidence_items"
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="evidence_items",
        editable=False,
        help_text="The home enrolment's learner: references are numbered per learner.",
    )
    sequence = models.PositiveIntegerField(
        editable=False, help_text="Numbering across the learner's evidence: 1 for E1, 2 for E2."
    )
    reference = models.CharField(
        max_length=12, editable=False, help_text="Short reference printed in the portfolio."
    )
    former_reference = models.CharField(
        max_length=255,
        blank=True,
        editable=False,
        help_text="The reference it had when evidence was numbered per unit, e.g. "
        "'E3 of SCDCPC509': decisions recorded before renumbering name it so.",
    )
    title = models.CharField(max_length=200)
    occurred_on = models.DateField("date", help_text="When the work or activity took place.")
    evidence_type = models.CharField(max_length=20, choices=Type.choices)
    description = models.TextField(
        blank=True, help_text="Plain text; blank lines start new paragraphs."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    witness_name = models.CharField(max_length=200, blank=True)
    witness_role = models.CharField(max_length=200, blank=True, help_text="Their job title.")
    witness_relationship = models.CharField(
        max_length=200, blank=True, help_text="How they know your work, e.g. line manager."
    )
    witness_contact = models.CharField(
        max_length=200, blank=True, help_text="Email or phone, so the assessor can check."
    )
    witness_statement = models.TextField(
        blank=True, help_text="The witness's own words, if not attached as a signed file."
    )
    declaration_name = models.CharField(max_length=200, blank=True)
    declared_at = models.DateTimeField(null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="authored_evidence",
        help_text="The assessor who made this record; blank for the learner's own evidence.",
    )
    occurred_at_time = models.TimeField("time", null=True, blank=True)
    place = models.CharField(max_length=200, blank=True, help_text="Where it took place.")
    work_setting = models.CharField(
        max_length=20, choices=Setting.choices, blank=True, help_text="For an observation."
    )
    acknowledgement_name = models.CharField(
        max_length=200, blank=True, help_text="The name the learner typed to acknowledge it."
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="The current version: 1, then one more for each "
        "change the learner starts after an assessment (``evidence.versions``).",
    )
    assessed_version = models.PositiveIntegerField(
        null=True,
        blank=True,
        editable=False,
        help_text="The latest version an assessor accepted, referred or mapped; blank if none.",
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    retention_flagged_on = models.DateField(
        null=True,
        blank=True,
        help_text="When the daily retention check found it past the centre's retention period.",
    )
    retain_until = models.DateField(
        null=True, blank=True, help_text="A centre admin decided to keep it until this date."
    )
    disposed_at = models.DateTimeField(null=True, blank=True)
    disposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    disposal_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-occurred_on", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "sequence"], name="evidence_unique_learner_sequence"
            ),
            models.UniqueConstraint(
                fields=["learner", "reference"], name="evidence_unique_learner_reference"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "awaiting_ack"])
                | models.Q(submitted_at__isnull=False),
                name="evidence_submitted_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="awaiting_ack") | models.Q(author__isnull=False),
                name="evidence_awaiting_ack_has_author",
                violation_error_message="Only an assessor's own record awaits acknowledgement.",
            ),
            models.CheckConstraint(
                condition=models.Q(acknowledged_at__isnull=True)
                | ~models.Q(acknowledgement_name=""),
                name="evidence_acknowledgement_named",
                violation_error_message="An acknowledgement carries the learner's typed name.",
            ),
            models.CheckConstraint(
                condition=models.Q(disposed_at__isnull=True) | ~models.Q(disposal_reason=""),
                name="evidence_disposal_has_reason",
                violation_error_message="A disposal of files records its reason.",
            ),
            models.CheckConstraint(
                condition=models.Q(assessed_version__isnull=True)
                | models.Q(assessed_version__lte=models.F("version")),
                name="evidence_assessed_version_exists",
            ),
        ]
        indexes = [models.Index(fields=["enrolment", "status"], name="evidence_enrol_status")]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.learner_id is None and self.enrolment_id is not None:
            self.learner_id = self.enrolment.learner_id
        super().save(*args, **kwargs)

    @property
    def reference_label(self) -> str:
        """The reference with the one it had before per-learner numbering, e.g.
        "E7 (was E3 of SCDCPC509)"."""
        if self.former_reference and self.former_reference.split()[0] != self.reference:
            return f"{self.reference} (was {self.former_reference})"
        return self.reference

    @property
    def is_assessor_record(self) -> bool:
        """Made by the assessor (observation, discussion, questioning), not the learner."""
        return self.author_id is not None

    @property
    def awaits_acknowledgement(self) -> bool:
        return self.status == self.Status.AWAITING_ACK

    @property
    def was_assessed(self) -> bool:
        """The one rule for "an assessor has assessed this item": they accepted or referred
        it, or confirmed a mapping of it (which any judgement of a criterion on it needs, as
        does backing a signed-off unit). Its files and text are then kept: the learner's
        changes make a new version, and it may be withdrawn but never deleted. Services,
        templates and the portfolio PDF all ask this."""
        return self.assessed_version is not None or self.status in (
            self.Status.ACCEPTED,
            self.Status.REFERRED,
        )

    @property
    def assessed_version_number(self) -> int | None:
        """The version the latest assessment was of (an item assessed before versions were
        kept, or made by a factory, is at its only version)."""
        if self.assessed_version is not None:
            return self.assessed_version
        return self.version if self.was_assessed else None

    @property
    def is_disposed(self) -> bool:
        return self.disposed_at is not None

    @property
    def is_editable(self) -> bool:
        """The learner may change it: not yet submitted, or referred back."""
        return self.status in (self.Status.DRAFT, self.Status.REFERRED)

    def clean(self) -> None:
        if self.enrolment_id is not None and self.learner_id not in (
            None,
            self.enrolment.learner_id,
        ):
            raise ValidationError("Evidence belongs to the learner of its enrolment.")
        if self.evidence_type != self.Type.WITNESS:
            return
        errors: dict[str, str] = {}
        for field in ("witness_name", "witness_role", "witness_relationship"):
            if not getattr(self, field).strip():
                label = self._meta.get_field(field).verbose_name
                errors[field] = f"Give the {label} for witness testimony."
        if self.status != self.Status.DRAFT and not self.witness_statement.strip():
            has_file = self.pk is not None and self.files.filter(is_witness_statement=True).exists()
            if not has_file:
                errors["witness_statement"] = (
                    "Type the witness's statement or attach their signed statement as a file "
                    "marked as the witness statement."
                )
        if errors:
            raise ValidationError(errors)


class ScanStatus(models.TextChoices):
    """Where a file stands with the malware scanner (``EVIDENCE_MALWARE_SCANNER``)."""

    NOT_SCANNED = "none", "Not scanned (no scanner configured)"
    PENDING = "pending", "Being checked"
    CLEAN = "clean", "Checked"
    INFECTED = "infected", "Quarantined: malware found"


class CurrentFiles(models.Manager["EvidenceFile"]):
    """Files of the items' current versions: ``item.files`` and ``EvidenceFile.objects``.
    A file removed from an assessed item stays (``removed_in_version``) for the earlier
    versions; ``EvidenceFile.all_versions`` reads those too."""

    def get_queryset(self) -> models.QuerySet[EvidenceFile]:
        return super().get_queryset().filter(removed_in_version__isnull=True)


class EvidenceFile(models.Model):
    """A file of an item, stored privately under a generated name.

    It belongs to the item's versions ``added_in_version`` up to (not including)
    ``removed_in_version``; blank means it is in the current version."""

    ScanStatus = ScanStatus

    class Kind(models.TextChoices):
        DOCUMENT = "document", "Document"
        IMAGE = "image", "Image"
        AUDIO = "audio", "Audio"
        VIDEO = "video", "Video"

    item = models.ForeignKey(EvidenceItem, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(storage=private_storage, max_length=255)
    original_name = models.CharField(
        max_length=255, help_text="The learner's file name, cleaned; shown and used on download."
    )
    media_type = models.CharField(max_length=150, help_text="Detected from the content.")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    size = models.BigIntegerField(help_text="Bytes.")
    sha256 = models.CharField("SHA-256", max_length=64)
    is_witness_statement = models.BooleanField(
        "witness statement", default=False, help_text="The witness's signed statement."
    )
    thumbnail = models.FileField(storage=private_storage, max_length=255, null=True, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    active_content = models.CharField(
        max_length=200,
        blank=True,
        help_text="Macros, embedded programs or PDF JavaScript found in the file and accepted "
        "under EVIDENCE_ACTIVE_CONTENT=flag; shown to the assessor.",
    )
    scan_status = models.CharField(
        "malware check",
        max_length=10,
        choices=ScanStatus.choices,
        default=ScanStatus.NOT_SCANNED,
    )
    scan_result = models.CharField(
        max_length=200, blank=True, help_text="What the scanner found, for an infected file."
    )
    scanned_at = models.DateTimeField(null=True, blank=True)
    added_in_version = models.PositiveIntegerField(default=1, editable=False)
    removed_in_version = models.PositiveIntegerField(null=True, blank=True, editable=False)

    all_versions = models.Manager()
    objects = CurrentFiles()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        default_manager_name = "objects"
        base_manager_name = "all_versions"
        constraints = [
            models.CheckConstraint(condition=models.Q(size__gt=0), name="evidence_file_not_empty"),
            models.CheckConstraint(
                condition=models.Q(removed_in_version__isnull=True)
                | models.Q(removed_in_version__gt=models.F("added_in_version")),
                name="evidence_file_removed_after_added",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name

    def in_version(self, number: int) -> bool:
        return self.added_in_version <= number and (
            self.removed_in_version is None or number < self.removed_in_version
        )

    @property
    def plays_inline(self) -> bool:
        return self.kind in (self.Kind.IMAGE, self.Kind.AUDIO, self.Kind.VIDEO)

    @property
    def is_quarantined(self) -> bool:
        return self.scan_status == ScanStatus.INFECTED

    @property
    def awaits_scan(self) -> bool:
        return self.scan_status == ScanStatus.PENDING


class EvidenceVersion(models.Model):
    """What an item said when an assessor assessed it: its text, dates and criteria, frozen.
    Its files are the item's files ``in_version(number)``. Written only by
    ``evidence.services.evidence_version_assessed``."""

    item = models.ForeignKey(EvidenceItem, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    occurred_on = models.DateField()
    evidence_type = models.CharField(max_length=20, choices=EvidenceItem.Type.choices)
    description = models.TextField(blank=True)
    witness_name = models.CharField(max_length=200, blank=True)
    witness_role = models.CharField(max_length=200, blank=True)
    witness_relationship = models.CharField(max_length=200, blank=True)
    witness_contact = models.CharField(max_length=200, blank=True)
    witness_statement = models.TextField(blank=True)
    declaration_name = models.CharField(max_length=200, blank=True)
    declared_at = models.DateTimeField(null=True, blank=True)
    criteria = models.JSONField(
        default=list,
        blank=True,
        help_text='Its mappings then: [{"id": 1, "reference": "1.1", "confirmed": true}, ...].',
    )
    assessed_at = models.DateTimeField()

    class Meta:
        ordering = ["item", "number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="evidence_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.item.reference} version {self.number}"


class Mapping(models.Model):
    """A claim that an item covers a criterion: proposed by the learner, confirmed by the
    assessor. The learner's self-mapping never touches confirmed rows."""

    class Method(models.TextChoices):
        OBSERVATION = "observation", "Observation"
        PRODUCT = "product", "Examination of product"
        WITNESS = "witness", "Witness testimony"
        DISCUSSION = "discussion", "Professional discussion"
        QUESTIONING = "questioning", "Questioning"
        REFLECTIVE = "reflective", "Reflective account"
        PRIOR_LEARNING = "prior_learning", "Recognition of prior learning"

    item = models.ForeignKey(EvidenceItem, on_delete=models.CASCADE, related_name="mappings")
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="evidence_mappings"
    )
    proposed_by_learner = models.BooleanField(default=False)
    confirmed = models.BooleanField(default=False)
    method = models.CharField(max_length=20, choices=Method.choices, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="confirmed_mappings",
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["criterion__kind", "criterion__order"]
        constraints = [
            models.UniqueConstraint(fields=["item", "criterion"], name="mapping_unique_criterion"),
        ]

    def __str__(self) -> str:
        return f"{self.item.reference} → {self.criterion.reference}"

    def clean(self) -> None:
        # One item may count towards any of its learner's units: the criterion must be of
        # a standard the learner is enrolled on (active or completed, not withdrawn).
        if (
            self.item_id
            and self.criterion_id
            and not Enrolment.objects.filter(
                learner_id=self.item.learner_id,
                standard_id=self.criterion.standard_id,
                status__in=[Enrolment.Status.ACTIVE, Enrolment.Status.COMPLETED],
            ).exists()
        ):
            raise ValidationError(
                {"criterion": "The criterion must belong to a standard the learner is enrolled on."}
            )


class QuestionAnswer(models.Model):
    """One question the assessor asked and the learner's answer, in a questioning record.

    Each pair names the criteria (typically knowledge items) its answer covers; the item's
    confirmed mappings are the union of its pairs' criteria."""

    item = models.ForeignKey(EvidenceItem, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField()
    question = models.TextField()
    answer = models.TextField()
    criteria = models.ManyToManyField(Criterion, related_name="+", blank=True)

    class Meta:
        ordering = ["item", "order"]
        constraints = [
            models.UniqueConstraint(fields=["item", "order"], name="question_unique_order"),
        ]

    def __str__(self) -> str:
        return f"{self.item.reference} Q{self.order}"


class WitnessRequest(models.Model):
    """A request to a named expert witness to write a testimony through a link.

    The link carries a token signed with the site's key naming this request and its
    ``nonce`` (``evidence.witness``); it works once, until ``expires_at``. On use, the
    statement becomes ``item``, a submitted witness testimony of the learner."""

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="witness_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    witness_name = models.CharField("witness's name", max_length=200)
    witness_role = models.CharField("witness's role", max_length=200)
    witness_relationship = models.CharField("relationship to the learner", max_length=200)
    competence = models.TextField(
        "occupational competence",
        max_length=2000,
        help_text="Why the witness is competent to judge this work: their experience and "
        "qualifications in the occupation.",
    )
    email = models.EmailField("witness's email")
    activity = models.CharField(
        "what the witness is asked about",
        max_length=300,
        help_text="The work or activity the witness saw, e.g. 'Supporting a service review'.",
    )
    nonce = models.CharField(max_length=64, editable=False)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    signed_name = models.CharField(max_length=200, blank=True)
    item = models.OneToOneField(
        EvidenceItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="witness_request",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(used_at__isnull=True) & models.Q(item__isnull=True))
                | (models.Q(used_at__isnull=False) & models.Q(item__isnull=False)),
                name="witness_request_used_with_item",
                violation_error_message="A used witness link has made exactly one item.",
            ),
        ]

    def __str__(self) -> str:
        return f"Witness request to {self.witness_name}"

    @property
    def is_used(self) -> bool:
        return self.used_at is not None
