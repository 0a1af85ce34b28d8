"""Reference data: National Occupational Standards and their criteria.

This app imports no other app of the project. Users are referred to only through
``settings.AUTH_USER_MODEL``.

Fixtures use natural keys throughout so that ``loaddata standards`` and
``import_standard`` can be run on a database that already holds other standards.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

MISSING_TEXT_LABEL = "text not available in the source document"
UNKNOWN_CODE_LABEL = "code not stated in the source document"


class StandardManager(models.Manager["Standard"]):
    def get_by_natural_key(self, slug: str) -> Standard:
        return self.get(slug=slug)


class Standard(models.Model):
    """One standard in one version. Versions are distinct standards."""

    slug = models.SlugField(
        max_length=100,
        unique=True,
        help_text="Stable identifier used by fixtures and imports, e.g. 'scdcpc306'.",
    )
    code = models.CharField(
        max_length=50,
        blank=True,
        help_text="The code the standard prints, e.g. SCDCPC306; blank when the source has none.",
    )
    title = models.CharField(max_length=300)
    version = models.CharField(max_length=20, blank=True, help_text="Blank when not stated.")
    status = models.CharField(max_length=50, blank=True, help_text="As printed, e.g. 'Original'.")
    suite = models.CharField(max_length=200, blank=True)
    developer = models.CharField(
        max_length=200, blank=True, help_text="Developer or originating organisation."
    )
    approved = models.CharField(
        max_length=50, blank=True, help_text="Approval date as printed; blank when not stated."
    )
    review = models.CharField(
        max_length=50, blank=True, help_text="Indicative review date as printed, if stated."
    )
    overview = models.TextField(blank=True)
    scope = models.TextField(blank=True, help_text="Scope/range statements.")
    values = models.TextField(blank=True)
    glossary = models.TextField(blank=True, help_text="Glossary or key words and concepts.")
    source_document = models.CharField(
        max_length=200, help_text="The file the standard was converted from."
    )
    notes = models.TextField(
        blank=True, help_text="Conversion notes: what the source lost or left unclear."
    )
    owner_centre = models.ForeignKey(
        "centres.Centre",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=(
            "The centre that imported it, which alone sees and may replace it; blank for an "
            "official standard, owned by the platform and read-only to every centre."
        ),
    )
    published = models.BooleanField(
        default=False,
        help_text="A centre's standard that a platform operator has published to every centre.",
    )
    simulation_allowed = models.BooleanField(
        default=False,
        help_text="Whether its assessment rules accept observation in a simulation. Off for "
        "the care standards: Skills for Care and Development's assessment principles require "
        "observation in real work.",
    )
    case_identifier = models.UUIDField(
        "CASE identifier",
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text="The CFDocument identifier a CASE package gave it; blank for a standard "
        "loaded in our own format, whose identifier is derived from its slug (standards.case).",
    )
    last_changed_at = models.DateTimeField(
        default=timezone.now,
        editable=False,
        help_text="When this version was loaded or, from a CASE package, its lastChangeDateTime.",
    )

    objects = StandardManager()

    class Meta:
        ordering = ["code", "title", "version"]

    def __str__(self) -> str:
        return self.display_name

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    @property
    def is_official(self) -> bool:
        return self.owner_centre_id is None

    @property
    def display_code(self) -> str:
        """What names the standard in a title or a link: its code, or its title when the
        source prints no code (codes are never invented)."""
        return self.code or self.title

    @property
    def display_name(self) -> str:
        """Code and title, or the title alone when there is no code."""
        return f"{self.code} {self.title}" if self.code else self.title


class GroupManager(models.Manager["CriterionGroup"]):
    def get_by_natural_key(self, standard_slug: str, kind: str, order: int) -> CriterionGroup:
        return self.get(standard__slug=standard_slug, kind=kind, order=order)


class Kind(models.TextChoices):
    PERFORMANCE = "performance", "Performance criteria"
    KNOWLEDGE = "knowledge", "Knowledge and understanding"


class CriterionGroup(models.Model):
    """An ordered heading: a NOS heading, an element (A, B, C) or a knowledge section."""

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="groups")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    order = models.PositiveIntegerField()
    reference = models.CharField(
        max_length=20, blank=True, help_text="Element reference where printed, e.g. 'A'."
    )
    title = models.CharField(max_length=300)
    case_identifier = models.UUIDField(
        "CASE identifier",
        null=True,
        blank=True,
        editable=False,
        help_text="The CFItem identifier a CASE package gave it; blank when derived.",
    )

    objects = GroupManager()

    class Meta:
        ordering = ["standard", "kind", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["standard", "kind", "order"], name="group_unique_order"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def natural_key(self) -> tuple[str, str, int]:
        return (*self.standard.natural_key(), self.kind, self.order)

    natural_key.dependencies = ["standards.standard"]  # type: ignore[attr-defined]


class CriterionManager(models.Manager["Criterion"]):
    def get_by_natural_key(self, standard_slug: str, reference: str) -> Criterion:
        return self.get(standard__slug=standard_slug, reference=reference)


class TextStatus(models.TextChoices):
    COMPLETE = "complete", "Complete"
    PARTIAL = "partial", "Partly lost in the source document"
    MISSING = "missing", "Not available in the source document"


class Criterion(models.Model):
    """A performance criterion (P1, A3) or a knowledge item (K12, 4a)."""

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="criteria")
    group = models.ForeignKey(CriterionGroup, on_delete=models.CASCADE, related_name="criteria")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reference = models.CharField(max_length=20, help_text="Exactly as the standard prints it.")
    order = models.PositiveIntegerField(help_text="Position within the standard and kind.")
    text = models.TextField(
        blank=True, help_text="Verbatim source text; what survives when the status is partial."
    )
    text_status = models.CharField(
        max_length=20, choices=TextStatus.choices, default=TextStatus.COMPLETE
    )
    case_identifier = models.UUIDField(
        "CASE identifier",
        null=True,
        blank=True,
        editable=False,
        help_text="The CFItem identifier a CASE package gave it; blank when derived.",
    )

    objects = CriterionManager()

    class Meta:
        ordering = ["standard", "kind", "order"]
        verbose_name_plural = "criteria"
        constraints = [
            models.UniqueConstraint(fields=["standard", "reference"], name="criterion_unique_ref"),
            models.UniqueConstraint(
                fields=["standard", "kind", "order"], name="criterion_unique_order"
            ),
            models.CheckConstraint(
                condition=~models.Q(text="", text_status="complete"),
                name="criterion_complete_has_text",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.text[:60]}"

    def natural_key(self) -> tuple[str, str]:
        return (*self.standard.natural_key(), self.reference)

    natural_key.dependencies = ["standards.standard", "standards.criteriongroup"]  # type: ignore[attr-defined]


class TextCorrection(models.Model):
    """Text supplied by a centre admin for a criterion the source lost.

    The official source text is never overwritten: a correction is shown beside
    it, with who supplied it and from which source, to the supplier's centre only.
    """

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="corrections")
    text = models.TextField()
    source = models.CharField(
        max_length=300, help_text="Where the text came from, e.g. the awarding body's PDF."
    )
    supplied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    supplied_at = models.DateTimeField(auto_now_add=True)
    supplier_name = models.CharField(
        max_length=300, blank=True, help_text="The supplier's name when the text was supplied."
    )
    supplier_centre = models.CharField(
        max_length=300, blank=True, help_text="The supplier's centre when the text was supplied."
    )
    centre = models.ForeignKey(
        "centres.Centre",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="The centre whose people alone see it; blank when the platform supplied it.",
    )

    class Meta:
        ordering = ["-supplied_at", "-pk"]

    def __str__(self) -> str:
        return f"Correction to {self.criterion.reference}"


class EquivalenceManager(models.Manager["EquivalenceGroup"]):
    def get_by_natural_key(self, key: str) -> EquivalenceGroup:
        return self.get(key=key)


class EquivalenceGroup(models.Model):
    """Criteria of different standards that say the same thing.

    ``kind`` is knowledge for equivalent knowledge items across the NOS, and
    performance for the correspondence between the old CPC 509 unit's criteria
    and SCDCPC509's.
    """

    class Match(models.TextChoices):
        EXACT = "exact", "Identical text"
        NEAR = "near", "Near-identical text"

    key = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    match = models.CharField(max_length=10, choices=Match.choices)
    similarity = models.FloatField(help_text="Lowest pairwise similarity in the group, 0..1.")
    criteria = models.ManyToManyField(Criterion, related_name="equivalence_groups")

    objects = EquivalenceManager()

    class Meta:
        ordering = ["kind", "key"]

    def __str__(self) -> str:
        return f"Equivalence {self.key}"

    def natural_key(self) -> tuple[str]:
        return (self.key,)

    natural_key.dependencies = ["standards.criterion"]  # type: ignore[attr-defined]
