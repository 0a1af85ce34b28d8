"""Reads for the portfolio: everything one learner's PDF shows, in a fixed number of queries.

``portfolio_data`` runs the same dozen queries whether the learner has three evidence items
or three hundred: each table is read once for all the learner's enrolments and the rows are
grouped in Python.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from assessments.access import enrolments_visible_to
from assessments.models import (
    CriterionJudgement,
    Enrolment,
    IqaSample,
    RecordEntry,
    UnitSignOff,
)
from evidence.models import (
    EvidenceFile,
    EvidenceItem,
    EvidenceVersion,
    Mapping,
    QuestionAnswer,
    WitnessRequest,
)
from portal.accounts.models import User
from portal.centres.models import Centre, EqaGrant
from portal.portfolio.models import PortfolioExport
from review.models import AssessmentPlan
from review.status import (
    CriterionStatus,
    EnrolmentState,
    criterion_status,
    state_of,
    with_state,
)
from standards.models import Criterion, CriterionGroup, Kind, TextCorrection


@dataclass
class CriterionRow:
    criterion: Criterion
    correction: TextCorrection | None
    judgement: CriterionJudgement | None
    mappings: list[Mapping]

    @property
    def status(self) -> CriterionStatus:
        """From ``review.status``, as the grid and the dashboards have it."""
        return criterion_status(
            judged_met=self.judgement.met if self.judgement else None,
            mappings=[(m.confirmed, m.item.status) for m in self.mappings],
        )

    @property
    def status_class(self) -> str:
        return {CriterionStatus.MET: "met", CriterionStatus.NOT_MET: "notmet"}.get(
            self.status, "open"
        )


@dataclass
class GroupBlock:
    group: CriterionGroup
    rows: list[CriterionRow]


@dataclass
class FileRow:
    file: EvidenceFile
    embedded: bool
    image: str = ""  # private-storage name of the downscaled copy shown in the PDF
    disposed: bool = False  # its stored copy was disposed of after the retention period


@dataclass
class ItemRow:
    """One evidence item, listed once under the learner whatever units it counts towards."""

    item: EvidenceItem
    files: list[FileRow]
    criteria: list[str]  # "P3", or "SCDCPC509 K2" for a criterion outside its home unit
    feedback: list[RecordEntry]
    units: list[Enrolment] = field(default_factory=list)  # home first, then mapped-to units
    questions: list[QuestionAnswer] = field(default_factory=list)  # a questioning's Q&A pairs
    witness: WitnessRequest | None = None  # the signed link a testimony came through
    # The version an assessor last assessed, shown instead of later changes (None: the item
    # was never assessed, and is shown as it is now).
    version: EvidenceVersion | None = None

    @property
    def anchor(self) -> str:
        return f"evidence-{self.item.reference}"

    @property
    def content(self) -> EvidenceVersion | EvidenceItem:
        """What the PDF prints of the item: the assessed version, else the item itself."""
        return self.version or self.item

    @property
    def later_version(self) -> bool:
        """The learner has changed the item since the version shown."""
        return self.version is not None and self.item.version > self.version.number


@dataclass
class EnrolmentBlock:
    enrolment: Enrolment
    performance: list[GroupBlock]
    knowledge: list[GroupBlock]
    items: list[ItemRow]  # at home in the unit or mapped to its criteria (shared rows)
    sign_offs: list[UnitSignOff]
    iqa_samples: list[IqaSample]
    record: list[RecordEntry]
    plans: list[AssessmentPlan] = field(default_factory=list)  # every version, newest first

    @property
    def state(self) -> EnrolmentState:
        """Where the unit stands (``review.status``), from ``with_state``'s annotations."""
        return state_of(self.enrolment)

    @property
    def anchor(self) -> str:
        return f"enrolment-{self.enrolment.pk}"

    @property
    def met_count(self) -> int:
        return sum(
            row.status.is_met for block in self.performance + self.knowledge for row in block.rows
        )

    @property
    def criteria_count(self) -> int:
        return sum(len(block.rows) for block in self.performance + self.knowledge)


@dataclass
class PortfolioData:
    learner: User
    centre: Centre
    blocks: list[EnrolmentBlock] = field(default_factory=list)
    items: list[ItemRow] = field(default_factory=list)  # each of the learner's items once

    @property
    def files(self) -> list[FileRow]:
        return [f for item in self.items for f in item.files]

    @property
    def record(self) -> list[RecordEntry]:
        return sorted((e for block in self.blocks for e in block.record), key=lambda e: e.sequence)


def enrolments_for_export(
    learner: User, centre: Centre, requested_by: User | None
) -> QuerySet[Enrolment]:
    """The learner's enrolments at the centre that the requester may read (all, for commands)."""
    enrolments = Enrolment.objects.filter(learner=learner, centre=centre)
    if requested_by is not None:
        enrolments = enrolments.filter(pk__in=enrolments_visible_to(requested_by).values("pk"))
    return enrolments


def _group_by(rows: Any, key: str) -> dict[Any, list[Any]]:
    grouped: dict[Any, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[getattr(row, key)].append(row)
    return grouped


def portfolio_data(
    learner: User, centre: Centre, *, requested_by: User | None, embed_max_bytes: int
) -> PortfolioData:
    enrolments = list(
        with_state(enrolments_for_export(learner, centre, requested_by))
        .select_related("standard", "assessor", "iqa", "centre")
        .order_by("start_date", "standard__code", "pk")
    )
    data = PortfolioData(learner=learner, centre=centre)
    if not enrolments:
        return data
    standard_ids = {e.standard_id for e in enrolments}
    groups = _group_by(
        CriterionGroup.objects.filter(standard_id__in=standard_ids).order_by("kind", "order"),
        "standard_id",
    )
    criteria = _group_by(
        Criterion.objects.filter(standard_id__in=standard_ids).order_by("kind", "order"),
        "group_id",
    )
    corrections: dict[int, TextCorrection] = {}
    for correction in TextCorrection.objects.filter(
        Q(centre__isnull=True) | Q(centre=centre), criterion__standard_id__in=standard_ids
    ).order_by("supplied_at"):  # the learner's centre's texts only (and the platform's)
        corrections[correction.criterion_id] = correction  # the latest wins
    # Evidence belongs to the learner: each item once, at home in one of these units or
    # mapped to a criterion of one of them, numbered E1…En across the learner's evidence.
    enrolment_ids = [e.pk for e in enrolments]
    items = list(
        EvidenceItem.objects.filter(learner=learner)
        .select_related("enrolment__standard", "author", "witness_request")
        .filter(
            Q(enrolment_id__in=enrolment_ids)
            | Q(
                Exists(
                    Mapping.objects.filter(
                        item_id=OuterRef("pk"), criterion__standard_id__in=standard_ids
                    )
                )
            )
        )
        .order_by("sequence")
    )
    item_ids = [item.pk for item in items]
    # Every version's files: an assessed item shows the files of its assessed version.
    files = _group_by(
        EvidenceFile.all_versions.filter(item_id__in=item_ids).order_by("uploaded_at", "pk"),
        "item_id",
    )
    versions = {
        (v.item_id, v.number): v for v in EvidenceVersion.objects.filter(item_id__in=item_ids)
    }
    questions = _group_by(  # the one extra read for assessor-made records
        QuestionAnswer.objects.filter(item_id__in=item_ids).order_by("item_id", "order"),
        "item_id",
    )
    mappings = list(
        Mapping.objects.filter(item_id__in=item_ids, criterion__standard_id__in=standard_ids)
        .select_related("confirmed_by", "criterion__standard", "item")
        .order_by("item__sequence")
    )
    mappings_by_criterion = defaultdict(list)
    refs_by_item = defaultdict(list)
    for mapping in mappings:
        # Keyed by criterion alone: an item may count towards any of the learner's units.
        mappings_by_criterion[mapping.criterion_id].append(mapping)
    judgements = {
        (j.enrolment_id, j.criterion_id): j
        for j in CriterionJudgement.objects.filter(enrolment__in=enrolments).select_related(
            "decided_by"
        )
    }
    home_standard = {e.pk: e.standard_id for e in enrolments}
    unit_by_standard: dict[int, Enrolment] = {}
    for enrolment in sorted(enrolments, key=lambda e: e.status != Enrolment.Status.ACTIVE):
        if enrolment.status != Enrolment.Status.WITHDRAWN:
            unit_by_standard.setdefault(enrolment.standard_id, enrolment)
    units_by_item: dict[int, set[int]] = defaultdict(set)
    for mapping in mappings:
        criterion = mapping.criterion
        home = home_standard.get(mapping.item.enrolment_id)
        label = criterion.reference
        if criterion.standard_id != home:
            label = f"{criterion.standard.code or criterion.standard.title} {label}"
        refs_by_item[mapping.item_id].append(label)
        if criterion.standard_id in unit_by_standard:
            units_by_item[mapping.item_id].add(unit_by_standard[criterion.standard_id].pk)
    sign_offs = _group_by(
        UnitSignOff.objects.filter(enrolment__in=enrolments)
        .select_related("assessor", "reopened_by")
        .order_by("signed_at"),
        "enrolment_id",
    )
    samples = _group_by(
        IqaSample.objects.filter(enrolment__in=enrolments)
        .select_related("sampled_by", "assessor", "entry")
        .order_by("sampled_at"),
        "enrolment_id",
    )
    record = _group_by(
        RecordEntry.objects.filter(enrolment__in=enrolments).order_by("sequence"),
        "enrolment_id",
    )
    plans = _group_by(
        AssessmentPlan.objects.filter(enrolment__in=enrolments)
        .select_related("drafted_by")
        .order_by("-version"),
        "enrolment_id",
    )
    feedback_actions = {RecordEntry.Action.EVIDENCE_REFERRED, RecordEntry.Action.EVIDENCE_ACCEPTED}
    feedback_by_item = defaultdict(list)
    for entry in sorted((e for rows in record.values() for e in rows), key=lambda e: e.sequence):
        if entry.action in feedback_actions and isinstance(entry.payload, dict):
            feedback_by_item[entry.payload.get("item")].append(entry)
    enrolment_by_pk = {e.pk: e for e in enrolments}
    item_rows = {}
    for item in items:
        unit_ids = units_by_item.get(item.pk, set()) - {item.enrolment_id}
        home = [enrolment_by_pk[item.enrolment_id]] if item.enrolment_id in enrolment_by_pk else []
        number = item.assessed_version_number
        version = versions.get((item.pk, number)) if number is not None else None
        shown = [
            f
            for f in files.get(item.pk, [])
            if (f.in_version(number) if version else f.removed_in_version is None)
        ]
        item_rows[item.pk] = ItemRow(
            item=item,
            version=version,
            files=[
                FileRow(
                    file=f,
                    embedded=f.size <= embed_max_bytes and not item.is_disposed,
                    disposed=item.is_disposed,
                )
                for f in shown
            ],
            criteria=refs_by_item.get(item.pk, []),
            feedback=feedback_by_item.get(item.pk, []),
            units=home + [e for e in enrolments if e.pk in unit_ids],
            questions=questions.get(item.pk, []),
            witness=getattr(item, "witness_request", None),
        )
    data.items = list(item_rows.values())

    for enrolment in enrolments:
        entries = record.get(enrolment.pk, [])
        blocks: dict[str, list[GroupBlock]] = {Kind.PERFORMANCE: [], Kind.KNOWLEDGE: []}
        for group in groups.get(enrolment.standard_id, []):
            rows = [
                CriterionRow(
                    criterion=c,
                    correction=corrections.get(c.pk),
                    judgement=judgements.get((enrolment.pk, c.pk)),
                    mappings=mappings_by_criterion.get(c.pk, []),
                )
                for c in criteria.get(group.pk, [])
            ]
            blocks[group.kind].append(GroupBlock(group=group, rows=rows))
        data.blocks.append(
            EnrolmentBlock(
                enrolment=enrolment,
                performance=blocks[Kind.PERFORMANCE],
                knowledge=blocks[Kind.KNOWLEDGE],
                items=[row for row in data.items if enrolment in row.units],
                sign_offs=sign_offs.get(enrolment.pk, []),
                iqa_samples=samples.get(enrolment.pk, []),
                record=entries,
                plans=plans.get(enrolment.pk, []),
            )
        )
    return data


def exports_visible_to(user: Any) -> QuerySet[PortfolioExport]:
    """Exports the user asked for, every export of their centre for centre admins, and every
    export of a centre granted to an external quality assurer (to read, while the grant runs)."""
    if not user.is_authenticated or not user.is_active:
        return PortfolioExport.objects.none()
    rule = Q(requested_by=user)
    if user.is_centre_admin and user.centre_id:
        rule |= Q(centre_id=user.centre_id)
    if user.is_eqa:
        rule |= Q(centre_id__in=EqaGrant.objects.current().filter(user=user).values("centre_id"))
    return PortfolioExport.objects.filter(rule)


def learners_of_centre(centre: Centre) -> QuerySet[User]:
    return User.objects.filter(centre=centre, is_learner=True).order_by("full_name", "username")
