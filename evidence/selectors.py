"""Scoped reads for evidence pages. Each list is built from ``items_visible_to``."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from assessments.models import Enrolment
from evidence import previews
from evidence.access import items_visible_to
from evidence.models import EvidenceFile, EvidenceItem, Mapping, QuestionAnswer
from standards.models import Criterion, CriterionGroup, Kind, Standard


def _count_of(model: type[EvidenceFile] | type[Mapping]) -> Coalesce:
    """How many of the item's files or mappings: a subquery per row, so a list's counts are
    computed for the page shown, not grouped over every visible item before the slice."""
    rows = model.objects.filter(item_id=OuterRef("pk")).order_by()
    return Coalesce(
        Subquery(rows.values("item_id").annotate(n=Count("pk")).values("n")[:1]),
        0,
        output_field=IntegerField(),
    )


def evidence_list(
    user: Any,
    *,
    enrolment_id: int | None = None,
    evidence_type: str = "",
    status: str = "",
    query: str = "",
) -> QuerySet[EvidenceItem]:
    """Items the user may see, filtered, with what the list prints in a fixed few queries."""
    items = items_visible_to(user).select_related("enrolment__learner", "enrolment__standard")
    if enrolment_id:
        items = items.filter(enrolment_id=enrolment_id)
    if evidence_type:
        items = items.filter(evidence_type=evidence_type)
    if status:
        items = items.filter(status=status)
    if query:
        # EXISTS rather than a join to the files, so no item repeats and no DISTINCT is needed.
        named = EvidenceFile.objects.filter(item_id=OuterRef("pk"), original_name__icontains=query)
        items = items.filter(
            Q(title__icontains=query)
            | Q(description__icontains=query)
            | Q(reference__iexact=query)
            | Exists(named)
        )
    return (
        items.annotate(
            file_count=_count_of(EvidenceFile),
            mapping_count=_count_of(Mapping),
        )
        .prefetch_related(
            Prefetch(
                "files",
                queryset=EvidenceFile.objects.filter(kind=EvidenceFile.Kind.IMAGE).exclude(
                    thumbnail=""
                ),
                to_attr="images",
            )
        )
        .order_by("-occurred_on", "-created_at", "-pk")
    )


def awaiting_review_for(assessor: Any) -> QuerySet[EvidenceItem]:
    """Submitted evidence of the assessor's active caseload, oldest first."""
    return (
        items_visible_to(assessor)
        .filter(
            enrolment__assessor=assessor,
            enrolment__status=Enrolment.Status.ACTIVE,
            status=EvidenceItem.Status.SUBMITTED,
        )
        .select_related("enrolment__learner", "enrolment__standard")
        .annotate(file_count=_count_of(EvidenceFile))
        .order_by("submitted_at", "pk")
    )


def item_files(item: EvidenceItem) -> list[EvidenceFile]:
    """The item's files, each with ``preview`` (``evidence.previews.preview_for``)."""
    files = list(item.files.order_by("uploaded_at", "pk"))
    for evidence_file in files:
        evidence_file.preview = previews.preview_for(evidence_file)
    return files


def item_mappings(item: EvidenceItem) -> list[Mapping]:
    """The item's mappings, its home unit's criteria first, then each other unit's."""
    rows = list(
        item.mappings.select_related("criterion__group", "criterion__standard", "confirmed_by")
    )
    home = item.enrolment.standard_id
    return sorted(
        rows,
        key=lambda m: (
            m.criterion.standard_id != home,
            m.criterion.standard.title,
            m.criterion.kind,
            m.criterion.order,
        ),
    )


def item_questions(item: EvidenceItem) -> list[QuestionAnswer]:
    """A questioning record's questions and answers in order, each with its criteria."""
    if item.evidence_type != EvidenceItem.Type.QA:
        return []
    return list(
        item.questions.prefetch_related(
            Prefetch("criteria", queryset=Criterion.objects.order_by("kind", "order"))
        )
    )


def criteria_by_group(standard: Standard) -> list[tuple[CriterionGroup, list[Criterion]]]:
    """The standard's criteria under their group headings, in the standard's order."""
    criteria = Criterion.objects.filter(standard=standard).order_by("kind", "order")
    by_group: dict[int, list[Criterion]] = {}
    for criterion in criteria:
        by_group.setdefault(criterion.group_id, []).append(criterion)
    groups = sorted(
        CriterionGroup.objects.filter(standard=standard),
        key=lambda group: (group.kind != Kind.PERFORMANCE, group.order),
    )
    return [(group, by_group[group.pk]) for group in groups if group.pk in by_group]
