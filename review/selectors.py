"""Reads for assessment: the mapping grid and what is met, in a constant number of queries.

Evidence belongs to the learner: an item is numbered E1…En across the learner's evidence and
has a home unit (the enrolment it was added to), but it may be mapped, by the learner or the
assessor, to criteria of any of the learner's enrolments. Such a mapping is an ordinary
``Mapping`` whose criterion is of the other standard; each unit's grid shows as columns the
items at home in it or mapped to its criteria, and they count as its evidence like any other.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Greatest

from assessments.models import CriterionJudgement, Enrolment, IqaSample, RecordEntry
from evidence.models import EvidenceItem, Mapping
from review.status import (
    COUNTED_ITEM_STATUSES,
    CriterionStatus,
    criterion_status,
    mapping_backs,
    met_judgements_q,
    with_state,
)
from standards.models import Criterion, CriterionGroup, Kind

METHOD_ABBREVIATIONS = {
    "observation": "OBS",
    "product": "PROD",
    "witness": "WT",
    "discussion": "PD",
    "questioning": "Q",
    "reflective": "RA",
    "prior_learning": "RPL",
}
REVIEWABLE = COUNTED_ITEM_STATUSES


@dataclass
class Cell:
    """One evidence item against one criterion."""

    item_id: int
    reference: str
    standard_code: str
    item_status: str
    confirmed: bool
    proposed_by_learner: bool
    method: str
    method_label: str
    confirmed_at: Any
    own: bool  # the item belongs to this enrolment (not to the learner's other enrolment)

    @property
    def method_abbr(self) -> str:
        return METHOD_ABBREVIATIONS.get(self.method, "")

    @property
    def backs(self) -> bool:
        return mapping_backs(confirmed=self.confirmed, item_status=self.item_status)


@dataclass
class Row:
    criterion: Criterion
    cells: dict[int, Cell] = field(default_factory=dict)
    judgement: CriterionJudgement | None = None
    columns: list[tuple[EvidenceItem, Cell | None]] = field(default_factory=list)
    iqa_referrals: list[IqaSample] = field(default_factory=list)

    @property
    def mapped(self) -> list[Cell]:
        return sorted(self.cells.values(), key=lambda c: (not c.own, c.standard_code, c.item_id))

    @property
    def met_by(self) -> str:
        """The default rationale for judging the row met: its backing evidence and methods,
        e.g. "Met by E1 (observation), E4 (product)."."""
        backing = [
            cell.reference + (f" ({cell.method_label.lower()})" if cell.method_label else "")
            for cell in self.mapped
            if cell.backs
        ]
        return f"Met by {', '.join(backing)}." if backing else ""

    @property
    def status(self) -> CriterionStatus:
        return criterion_status(
            judged_met=self.judgement.met if self.judgement else None,
            mappings=[(cell.confirmed, cell.item_status) for cell in self.cells.values()],
        )

    @property
    def met(self) -> bool:
        return self.status.is_met


@dataclass
class Grid:
    enrolment: Enrolment
    groups: list[tuple[CriterionGroup, list[Row]]]
    items: list[EvidenceItem]

    @property
    def rows(self) -> list[Row]:
        return [row for _group, rows in self.groups for row in rows]

    def counts(self) -> dict[str, dict[str, int]]:
        counts = {kind: {"met": 0, "total": 0} for kind in Kind.values}
        for row in self.rows:
            counts[row.criterion.kind]["total"] += 1
            counts[row.criterion.kind]["met"] += row.met
        return counts

    @property
    def unmet(self) -> list[str]:
        return [row.criterion.reference for row in self.rows if not row.met]

    @property
    def missing(self) -> list[Row]:
        return [row for row in self.rows if row.status == CriterionStatus.NO_EVIDENCE]


def enrolment_grid(enrolment: Enrolment) -> Grid:
    """Criteria, items, mappings and judgements of one enrolment: four queries, into dicts."""
    criteria = list(
        Criterion.objects.filter(standard_id=enrolment.standard_id)
        .select_related("group")
        .order_by("kind", "order")
    )
    # The columns: the learner's reviewable items at home in this unit or mapped to any of
    # its criteria (evidence belongs to the learner and may count towards several units).
    items = list(
        EvidenceItem.objects.filter(learner_id=enrolment.learner_id, status__in=REVIEWABLE)
        .filter(
            Q(enrolment_id=enrolment.pk)
            | Q(
                Exists(
                    Mapping.objects.filter(
                        item_id=OuterRef("pk"), criterion__standard_id=enrolment.standard_id
                    )
                )
            )
        )
        .order_by("sequence")
    )
    mappings = (
        Mapping.objects.filter(
            criterion__standard_id=enrolment.standard_id,
            item__learner_id=enrolment.learner_id,
            item__status__in=REVIEWABLE,
        )
        .values(
            "criterion_id",
            "item_id",
            "item__reference",
            "item__status",
            "item__enrolment_id",
            "item__enrolment__standard__code",
            "confirmed",
            "proposed_by_learner",
            "method",
            "confirmed_at",
        )
        .order_by("item__sequence")
    )
    judgements = {j.criterion_id: j for j in CriterionJudgement.objects.filter(enrolment=enrolment)}
    methods = dict(Mapping.Method.choices)
    rows = {c.pk: Row(criterion=c, judgement=judgements.get(c.pk)) for c in criteria}
    for m in mappings:
        rows[m["criterion_id"]].cells[m["item_id"]] = Cell(
            item_id=m["item_id"],
            reference=m["item__reference"],
            standard_code=m["item__enrolment__standard__code"],
            item_status=m["item__status"],
            confirmed=m["confirmed"],
            proposed_by_learner=m["proposed_by_learner"],
            method=m["method"],
            method_label=methods.get(m["method"], ""),
            confirmed_at=m["confirmed_at"],
            own=m["item__enrolment_id"] == enrolment.pk,
        )
    grouped: dict[int, list[Row]] = defaultdict(list)
    group_objects: dict[int, CriterionGroup] = {}
    for criterion in criteria:
        grouped[criterion.group_id].append(rows[criterion.pk])
        group_objects[criterion.group_id] = criterion.group
    ordered = sorted(group_objects.values(), key=lambda g: (g.kind != Kind.PERFORMANCE, g.order))
    return Grid(
        enrolment=enrolment,
        groups=[(group, grouped[group.pk]) for group in ordered],
        items=items,
    )


def grid_row(enrolment: Enrolment, criterion: Criterion) -> Row:
    """One row of the grid, for an htmx response after a change."""
    row = Row(
        criterion=criterion,
        judgement=CriterionJudgement.objects.filter(
            enrolment=enrolment, criterion=criterion
        ).first(),
    )
    methods = dict(Mapping.Method.choices)
    for mapping in Mapping.objects.filter(
        criterion=criterion,
        item__learner_id=enrolment.learner_id,
        item__status__in=REVIEWABLE,
    ).select_related("item__enrolment__standard"):
        row.cells[mapping.item_id] = Cell(
            item_id=mapping.item_id,
            reference=mapping.item.reference,
            standard_code=mapping.item.enrolment.standard.code,
            item_status=mapping.item.status,
            confirmed=mapping.confirmed,
            proposed_by_learner=mapping.proposed_by_learner,
            method=mapping.method,
            method_label=methods.get(mapping.method, ""),
            confirmed_at=mapping.confirmed_at,
            own=mapping.item.enrolment_id == enrolment.pk,
        )
    return row


def item_feedback(enrolment: Enrolment) -> dict[int, RecordEntry]:
    """The latest acceptance or referral of each of the learner's items, with its feedback,
    from the record (an item's decisions are recorded on its home unit, which may be another
    of the learner's enrolments)."""
    latest: dict[int, RecordEntry] = {}
    for entry in RecordEntry.objects.filter(
        enrolment__learner_id=enrolment.learner_id,
        action__in=[RecordEntry.Action.EVIDENCE_ACCEPTED, RecordEntry.Action.EVIDENCE_REFERRED],
    ).order_by("sequence"):
        latest[entry.payload.get("item")] = entry
    return latest


def target_enrolment(learner_id: int, criterion: Criterion) -> Enrolment | None:
    """The learner's enrolment on the criterion's standard (the active one first)."""
    return (
        Enrolment.objects.filter(learner_id=learner_id, standard_id=criterion.standard_id)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .order_by("status", "-start_date")  # "active" sorts before "completed"
        .select_related("centre")
        .first()
    )


def equivalent_targets(item: EvidenceItem, criterion: Criterion) -> list[Criterion]:
    """Equivalent criteria in the learner's other (non-withdrawn) enrolments' standards."""
    if criterion.kind != Kind.KNOWLEDGE:
        return []
    other_standards = (
        Enrolment.objects.filter(learner_id=item.enrolment.learner_id)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .exclude(standard_id=criterion.standard_id)
        .values("standard_id")
    )
    return list(
        Criterion.objects.filter(
            equivalence_groups__criteria=criterion, standard_id__in=other_standards
        )
        .exclude(pk=criterion.pk)
        .exclude(evidence_mappings__item=item)
        .select_related("standard")
        .distinct()
        .order_by("standard__code", "order")
    )


def with_progress(enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    """Annotate criteria met / total (performance and knowledge), referred items and the
    state's facts (``review.status.with_state``), so a page of enrolments costs one query
    however much evidence there is."""
    annotations: dict[str, Any] = {}
    for kind in Kind.values:
        annotations[f"{kind}_total"] = Coalesce(
            Subquery(
                Criterion.objects.filter(standard_id=OuterRef("standard_id"), kind=kind)
                .values("standard_id")
                .annotate(n=Count("pk"))
                .values("n")[:1],
                output_field=IntegerField(),
            ),
            0,
        )
        annotations[f"{kind}_met"] = Coalesce(
            Subquery(
                CriterionJudgement.objects.filter(enrolment_id=OuterRef("pk"), criterion__kind=kind)
                .filter(met_judgements_q())
                .values("enrolment_id")
                .annotate(n=Count("pk"))
                .values("n")[:1],
                output_field=IntegerField(),
            ),
            0,
        )
    return with_state(enrolments).annotate(
        **annotations,
        referred_count=Coalesce(
            Subquery(
                EvidenceItem.objects.filter(
                    enrolment_id=OuterRef("pk"), status=EvidenceItem.Status.REFERRED
                )
                .values("enrolment_id")
                .annotate(n=Count("pk"))
                .values("n")[:1],
                output_field=IntegerField(),
            ),
            0,
        ),
    )


def referred_for(assessor: Any) -> QuerySet[EvidenceItem]:
    """Items the assessor referred back, still waiting for the learner."""
    return (
        EvidenceItem.objects.filter(
            enrolment__assessor=assessor,
            enrolment__status=Enrolment.Status.ACTIVE,
            status=EvidenceItem.Status.REFERRED,
        )
        .select_related("enrolment__learner", "enrolment__standard")
        .order_by("updated_at", "pk")
    )


def iqa_actions_for(assessor: Any) -> QuerySet[IqaSample]:
    """The IQA's samples of the assessor's decisions, newest first, referrals first."""
    return (
        IqaSample.objects.filter(assessor=assessor)
        .select_related("entry", "enrolment__learner", "enrolment__standard", "sampled_by")
        .order_by("-outcome", "-sampled_at")  # "referred" sorts after "agreed": reverse it
    )


def iqa_referrals(enrolment: Enrolment) -> dict[int | None, list[IqaSample]]:
    """The IQA's referrals the assessor still has to act on, by criterion (``None`` for the
    unit as a whole: sign-offs and evidence decisions).

    A referral of a judgement stands until the assessor judges that criterion again; any
    other referral stands until the unit is signed off again.
    """
    samples = list(
        IqaSample.objects.filter(enrolment=enrolment, outcome=IqaSample.Outcome.REFERRED)
        .select_related("entry", "sampled_by")
        .order_by("sampled_at", "pk")
    )
    if not samples:
        return {}
    judged_at = dict(
        CriterionJudgement.objects.filter(enrolment=enrolment).values_list(
            "criterion_id", "decided_at"
        )
    )
    last_signed = (
        enrolment.sign_offs.order_by("-signed_at").values_list("signed_at", flat=True).first()
    )
    referrals: dict[int | None, list[IqaSample]] = defaultdict(list)
    for sample in samples:
        criterion_id = sample.entry.payload.get("criterion_id")
        if sample.entry.action == RecordEntry.Action.JUDGEMENT and criterion_id:
            decided = judged_at.get(criterion_id)
            if decided is None or decided <= sample.sampled_at:
                referrals[criterion_id].append(sample)
        elif last_signed is None or last_signed <= sample.sampled_at:
            referrals[None].append(sample)
    return dict(referrals)


_NEVER = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
CASELOAD_SORTS: dict[str, tuple[str, list[Any]]] = {
    "learner": ("Learner", ["learner__full_name", "standard__code", "pk"]),
    "target": ("Target end", ["target_end_date", "learner__full_name", "pk"]),
    "activity": ("Last activity", [F("last_activity").desc(), "pk"]),
    "waiting": ("Evidence waiting", [F("oldest_waiting").asc(nulls_last=True), "pk"]),
}


def with_caseload(enrolments: QuerySet[Enrolment], sort: str) -> QuerySet[Enrolment]:
    """``with_progress`` plus what an assessor steers by: the last activity (a decision or a
    change to evidence), evidence awaiting review and since when; ordered by ``sort`` (one
    of ``CASELOAD_SORTS``, else by learner). Subqueries: one query per page of the caseload."""
    latest_decision = Subquery(
        RecordEntry.objects.filter(enrolment_id=OuterRef("pk"))
        .order_by("-sequence")
        .values("recorded_at")[:1]
    )
    latest_evidence = Subquery(
        EvidenceItem.objects.filter(enrolment_id=OuterRef("pk"))
        .order_by("-updated_at")
        .values("updated_at")[:1]
    )
    submitted = EvidenceItem.objects.filter(
        enrolment_id=OuterRef("pk"), status=EvidenceItem.Status.SUBMITTED
    )
    never = Value(_NEVER, output_field=DateTimeField())
    annotated = with_progress(enrolments).annotate(
        last_activity=Greatest(Coalesce(latest_decision, never), Coalesce(latest_evidence, never)),
        awaiting_count=Coalesce(
            Subquery(
                submitted.values("enrolment_id").annotate(n=Count("pk")).values("n")[:1],
                output_field=IntegerField(),
            ),
            0,
        ),
        oldest_waiting=Subquery(submitted.order_by("submitted_at").values("submitted_at")[:1]),
    )
    _label, order = CASELOAD_SORTS.get(sort, CASELOAD_SORTS["learner"])
    return annotated.order_by(*order)
