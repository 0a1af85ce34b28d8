"""Reads of internal quality assurance, each scoped by the caller's access rule.

Nothing here aggregates over the whole record: counts run over enrolments and samples (which
grow with learners, not with every decision), over a page's slice, or as one plain COUNT.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from assessments.models import Enrolment, IqaSample, RecordEntry, UnitSignOff
from evidence.models import EvidenceItem, Mapping
from quality.models import QaAction, SamplingPlan, UnitSample
from quality.services import governing_plan
from review.sampling import SAMPLEABLE_ACTIONS
from standards.models import Standard

Action = RecordEntry.Action
PROPOSALS_SHOWN = 5
NAMES_SHOWN = 10


# --- Actions ----------------------------------------------------------------------------------


def due_in_words(due_on: datetime.date, today: datetime.date | None = None) -> str:
    """ "Overdue by 3 days", "Due today", "Due in 5 days"."""
    days = (due_on - (today or timezone.localdate())).days
    if days < 0:
        return f"Overdue by {-days} day{'s' if days != -1 else ''}"
    if days == 0:
        return "Due today"
    return f"Due in {days} day{'s' if days != 1 else ''}"


def open_actions_for(user: Any, limit: int = 20) -> list[QaAction]:
    """The actions not yet closed that the user answers (as assessor) or closes (as the IQA
    who raised them), earliest due first, each with ``due_words``. One query."""
    actions = list(
        QaAction.objects.filter(Q(assessor=user) | Q(raised_by=user))
        .exclude(status=QaAction.Status.CLOSED)
        .select_related(
            "sample__enrolment__learner", "sample__enrolment__standard", "assessor", "raised_by"
        )
        .order_by("due_on", "pk")[:limit]
    )
    today = timezone.localdate()
    for action in actions:
        action.due_words = due_in_words(action.due_on, today)
        action.is_overdue = action.due_on < today
    return actions


def with_due_words(actions: list[QaAction]) -> list[QaAction]:
    today = timezone.localdate()
    for action in actions:
        action.due_words = due_in_words(action.due_on, today)
        action.is_overdue = action.due_on < today and action.status != QaAction.Status.CLOSED
    return actions


# --- Plans and coverage -----------------------------------------------------------------------


def assessors_of_iqa(iqa: Any) -> QuerySet[Any]:
    """The assessors of the IQA's own units, with per-row counts over enrolments and samples
    (subqueries, so one query per page; nothing over the record)."""
    units = Enrolment.objects.filter(iqa=iqa, assessor_id=OuterRef("pk")).exclude(
        status=Enrolment.Status.WITHDRAWN
    )
    sampled = UnitSample.objects.filter(assessor_id=OuterRef("pk"), enrolment__iqa=iqa)
    latest_plan = SamplingPlan.objects.filter(
        assessor_id=OuterRef("pk"), standard__isnull=True
    ).order_by("-version")

    def count(queryset: QuerySet[Any], counted: Count) -> Coalesce:
        per_assessor = queryset.order_by().values("assessor_id").annotate(n=counted)
        return Coalesce(
            Subquery(per_assessor.values("n")[:1], output_field=IntegerField()), Value(0)
        )

    return (
        get_user_model()
        .objects.filter(Exists(units))
        .annotate(
            unit_count=count(units, Count("pk")),
            sampled_units=count(sampled, Count("enrolment_id", distinct=True)),
            plan_risk=Subquery(latest_plan.values("risk")[:1]),
            plan_rate=Subquery(latest_plan.values("rate")[:1]),
            plan_version=Subquery(latest_plan.values("version")[:1]),
        )
        .order_by("full_name", "pk")
    )


def plan_versions(assessor: Any, plans: QuerySet[SamplingPlan]) -> list[SamplingPlan]:
    return list(
        plans.filter(assessor=assessor)
        .select_related("standard", "written_by")
        .order_by("standard_id", "-version")
    )


def current_plans(versions: list[SamplingPlan]) -> list[SamplingPlan]:
    """The newest version of each (assessor, standard) plan, from ``plan_versions``."""
    seen: set[int | None] = set()
    current = []
    for plan in versions:
        if plan.standard_id not in seen:
            seen.add(plan.standard_id)
            current.append(plan)
    return current


@dataclass
class Coverage:
    """What the samples have reached of the assessor's units one plan governs (the standard's
    plan, or the overall plan for every standard without one; ``services.governing_plan``)."""

    plan: SamplingPlan | None
    standard_ids: set[int] = field(default_factory=set)
    units: int = 0
    sampled_units: int = 0
    interim: int = 0
    summative: int = 0
    standards_missing: list[str] = field(default_factory=list)
    learners_missing: list[str] = field(default_factory=list)
    learners_missing_count: int = 0
    methods_missing: list[str] = field(default_factory=list)
    types_missing: list[str] = field(default_factory=list)
    locations_missing: list[str] = field(default_factory=list)

    @property
    def for_standard(self) -> bool:
        return self.plan is not None and self.plan.standard_id is not None

    @property
    def percent(self) -> int:
        return round(100 * self.sampled_units / self.units) if self.units else 0

    @property
    def behind(self) -> bool:
        return self.plan is not None and self.percent < self.plan.rate


def coverage_by_plan(assessor: Any, current: list[SamplingPlan]) -> list[Coverage]:
    """Coverage of the assessor's units (not withdrawn) by unit samples, one section per plan
    in force (``current``, from ``current_plans``): each standard's plan for its units, then
    the overall plan (or none) for the rest. Each unit is measured against the plan that
    governs it. Six queries whatever the number of units, samples, decisions or plans: the
    rows are grouped here."""
    standard_plans = sorted(
        (p for p in current if p.standard_id is not None), key=lambda p: p.standard.code
    )
    sections = {p.standard_id: Coverage(plan=p) for p in standard_plans}
    rest = Coverage(plan=governing_plan(current, None))

    def section(standard_id: int) -> Coverage:
        return sections.get(standard_id, rest)

    units = list(
        Enrolment.objects.filter(assessor=assessor)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .values_list("pk", "standard_id", "standard__code", "learner_id", "learner__full_name")
    )
    samples = UnitSample.objects.filter(assessor=assessor)
    sampled_ids = set(samples.values_list("enrolment_id", flat=True).distinct())
    for standard_id, kind, n in (
        samples.order_by().values_list("enrolment__standard_id", "kind").annotate(n=Count("pk"))
    ):
        if kind == UnitSample.Kind.INTERIM:
            section(standard_id).interim += n
        else:
            section(standard_id).summative += n
    codes: dict[tuple[int, int], str] = {}
    learners: dict[int, dict[int, str]] = {}
    sampled_standards: set[int] = set()
    sampled_learners: set[tuple[int, int]] = set()
    for pk, standard_id, code, learner_id, name in units:
        part = section(standard_id)
        key = id(part)
        part.units += 1
        part.standard_ids.add(standard_id)
        codes[(key, standard_id)] = code
        learners.setdefault(key, {})[learner_id] = name
        if pk in sampled_ids:
            part.sampled_units += 1
            sampled_standards.add(standard_id)
            sampled_learners.add((key, learner_id))
    parts = [*sections.values(), rest]
    for part in parts:
        key = id(part)
        part.standards_missing = sorted(
            code
            for (owner, standard_id), code in codes.items()
            if owner == key and standard_id not in sampled_standards
        )
        missing = sorted(
            name
            for learner_id, name in learners.get(key, {}).items()
            if (key, learner_id) not in sampled_learners
        )
        part.learners_missing_count = len(missing)
        part.learners_missing = missing[:NAMES_SHOWN]

    items = EvidenceItem.objects.filter(enrolment_id__in=sampled_ids).order_by()
    methods: dict[int, set[str]] = {}
    for standard_id, method in (
        Mapping.objects.filter(item__in=items, confirmed=True)
        .order_by()
        .values_list("item__enrolment__standard_id", "method")
        .distinct()
    ):
        methods.setdefault(id(section(standard_id)), set()).add(method)
    types: dict[int, set[str]] = {}
    places: dict[int, list[str]] = {}
    for standard_id, kind, place in items.values_list(
        "enrolment__standard_id", "evidence_type", "place"
    ).distinct():
        types.setdefault(id(section(standard_id)), set()).add(kind)
        if place:
            places.setdefault(id(section(standard_id)), []).append(place.casefold())
    method_labels = dict(Mapping.Method.choices)
    type_labels = dict(EvidenceItem.Type.choices)
    for part in parts:
        if part.plan is None:
            continue
        key = id(part)
        part.methods_missing = [
            method_labels[m] for m in part.plan.methods if m not in methods.get(key, set())
        ]
        part.types_missing = [
            type_labels[t] for t in part.plan.evidence_types if t not in types.get(key, set())
        ]
        part.locations_missing = [
            location
            for location in part.plan.locations
            if not any(location.casefold() in place for place in places.get(key, []))
        ]
    return [*sections.values(), *([rest] if rest.plan is not None or rest.units else [])]


@dataclass
class Proposal:
    enrolment: Enrolment
    kind: str
    reason: str
    plan: SamplingPlan | None = None


def proposals_for(iqa: Any, assessor: Any, coverage: list[Coverage]) -> list[Proposal]:
    """The next samples the plans suggest, for the IQA to take: units signed off and not yet
    sampled summatively (oldest sign-off first), then units in progress never sampled, those
    started first. Within each, units whose governing plan (``services.governing_plan``, the
    same sections as ``coverage_by_plan``) is behind its rate come first, and each proposal
    names its plan. Two queries."""
    plans = [part.plan for part in coverage if part.plan is not None]
    behind = [part for part in coverage if part.behind]
    own = [part.plan.standard_id for part in coverage if part.for_standard]
    behind_rule = Q(standard_id__in=[p.plan.standard_id for p in behind if p.for_standard])
    if any(not part.for_standard for part in behind):
        behind_rule |= ~Q(standard_id__in=own)
    units = (
        Enrolment.objects.filter(iqa=iqa, assessor=assessor)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .select_related("learner", "standard")
        .annotate(
            plan_order=Case(When(behind_rule, then=Value(0)), default=Value(1))
            if behind
            else Value(1)
        )
    )
    open_sign_off = UnitSignOff.objects.filter(
        enrolment_id=OuterRef("pk"), reopened_at__isnull=True
    )
    summatively_sampled = UnitSample.objects.filter(
        enrolment_id=OuterRef("pk"),
        kind=UnitSample.Kind.SUMMATIVE,
        sign_off__reopened_at__isnull=True,
    )
    signed = list(
        units.filter(Exists(open_sign_off))
        .exclude(Exists(summatively_sampled))
        .annotate(signed_at=Subquery(open_sign_off.values("signed_at")[:1]))
        .order_by("plan_order", "signed_at", "pk")[:PROPOSALS_SHOWN]
    )
    proposals = [
        Proposal(e, UnitSample.Kind.SUMMATIVE, "Signed off, not yet sampled summatively")
        for e in signed
    ]
    room = PROPOSALS_SHOWN - len(proposals)
    if room > 0:
        unsampled = RecordEntry.objects.filter(
            enrolment_id=OuterRef("pk"), action__in=SAMPLEABLE_ACTIONS, iqa_sample__isnull=True
        )
        in_progress = (
            units.exclude(Exists(open_sign_off))
            .exclude(Exists(UnitSample.objects.filter(enrolment_id=OuterRef("pk"))))
            .filter(Exists(unsampled))
            .order_by("plan_order", "start_date", "pk")[:room]
        )
        proposals += [
            Proposal(e, UnitSample.Kind.INTERIM, "In progress, never sampled") for e in in_progress
        ]
    for proposal in proposals:
        proposal.plan = governing_plan(plans, proposal.enrolment.standard_id)
        if proposal.enrolment.plan_order == 0:
            proposal.reason += f"; its plan is behind its {proposal.plan.rate}%"
    return proposals


# --- The decisions list -----------------------------------------------------------------------


def decisions_for_iqa(iqa: Any) -> QuerySet[RecordEntry]:
    """The assessors' decisions on the IQA's own units, newest first, each with
    ``is_sampled``. Conditions on the entry and its enrolment only: no DISTINCT."""
    return (
        RecordEntry.objects.filter(enrolment__iqa=iqa, action__in=SAMPLEABLE_ACTIONS)
        .select_related("enrolment__learner", "enrolment__standard")
        .annotate(is_sampled=Exists(IqaSample.objects.filter(entry_id=OuterRef("pk"))))
        # Newest first by ``id + 0``, not ``id``: ordered by the bare primary key, PostgreSQL
        # walked the whole record backwards (1.7 s at 1.4 M entries) looking for this IQA's
        # units; by the expression it reads the IQA's units' entries by their enrolment
        # index and sorts the page (27 ms). Same order. See docs/performance.md.
        .order_by((F("pk") + 0).desc())
    )


def filter_decisions(entries: QuerySet[RecordEntry], data: dict[str, Any]) -> QuerySet[RecordEntry]:
    if data.get("action"):
        entries = entries.filter(action=data["action"])
    if data.get("assessor"):
        entries = entries.filter(actor=data["assessor"])
    if data.get("learner"):
        entries = entries.filter(enrolment__learner__full_name__icontains=data["learner"])
    if data.get("standard"):
        entries = entries.filter(enrolment__standard=data["standard"])
    if data.get("date_from"):
        entries = entries.filter(recorded_at__date__gte=data["date_from"])
    if data.get("date_to"):
        entries = entries.filter(recorded_at__date__lte=data["date_to"])
    if data.get("method"):
        entries = entries.filter(
            Exists(
                Mapping.objects.filter(
                    item__enrolment_id=OuterRef("enrolment_id"),
                    method=data["method"],
                    confirmed=True,
                )
            )
        )
    if data.get("sampled") == "no":
        entries = entries.filter(is_sampled=False)
    elif data.get("sampled") == "yes":
        entries = entries.filter(is_sampled=True)
    return entries


def standards_of_iqa(iqa: Any) -> QuerySet[Standard]:
    """The standards of the IQA's units: an EXISTS over enrolments, no DISTINCT."""
    return Standard.objects.filter(
        Exists(Enrolment.objects.filter(iqa=iqa, standard_id=OuterRef("pk")))
    ).order_by("code", "pk")


def assessor_choices(iqa: Any) -> QuerySet[Any]:
    return (
        get_user_model()
        .objects.filter(Exists(Enrolment.objects.filter(iqa=iqa, assessor_id=OuterRef("pk"))))
        .order_by("full_name", "pk")
    )


# --- Samples ----------------------------------------------------------------------------------


def samples_list(samples: QuerySet[UnitSample]) -> QuerySet[UnitSample]:
    return samples.select_related(
        "enrolment__learner", "enrolment__standard", "assessor", "sampled_by"
    ).annotate(
        open_actions=Coalesce(
            Subquery(
                QaAction.objects.filter(sample_id=OuterRef("pk"))
                .exclude(status=QaAction.Status.CLOSED)
                .order_by()
                .values("sample_id")
                .annotate(n=Count("pk"))
                .values("n")[:1],
                output_field=IntegerField(),
            ),
            Value(0),
        )
    )
