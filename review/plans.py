"""Assessment plans: the assessor drafts and revises, the assessor and then the learner sign.

Each write checks who acts, that the unit is not signed off (``ensure_unlocked``) and that the
enrolment is active, then saves inside a transaction and writes its record entry. A version's
content never changes: revising drafts the next version, which needs both signatures again.
The record entries carry the SHA-256 of the version's content, so each signature in the
record names exactly what was signed.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from assessments.errors import NotPermittedError, WrongStateError
from assessments.models import Enrolment, RecordEntry
from assessments.services import ensure_unlocked, record_append
from evidence.models import Mapping
from review.models import AssessmentPlan
from standards.models import Criterion, CriterionGroup

Action = RecordEntry.Action
METHOD_LABELS = dict(Mapping.Method.choices)
MAX_ACTIVITIES = 30


@dataclass
class PlannedActivity:
    """One activity as the assessor enters it (``review.plan_views.ActivityForm``)."""

    what: str
    methods: list[str]
    where: str
    by: datetime.date
    groups: list[CriterionGroup] = field(default_factory=list)
    criteria: list[Criterion] = field(default_factory=list)


def plan_versions(enrolment: Enrolment) -> QuerySet[AssessmentPlan]:
    """Every version of the enrolment's plan, newest first."""
    return AssessmentPlan.objects.filter(enrolment=enrolment).select_related("drafted_by")


def plan_current(enrolment: Enrolment) -> AssessmentPlan | None:
    """The newest version, the one in force (or waiting for signatures)."""
    return plan_versions(enrolment).first()


def plan_content_sha256(plan: AssessmentPlan) -> str:
    """SHA-256 of what a signature covers: the version, its activities and its reason."""
    document = {
        "enrolment": plan.enrolment_id,
        "version": plan.version,
        "activities": plan.activities,
        "revision_reason": plan.revision_reason,
    }
    return hashlib.sha256(
        json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    ).hexdigest()


def plan_activities(*, enrolment: Enrolment, activities: list[PlannedActivity]) -> list[dict]:
    """The activities as stored: checked against the enrolment's standard, references kept."""
    if not activities:
        raise WrongStateError("Plan at least one assessment activity.")
    if len(activities) > MAX_ACTIVITIES:
        raise WrongStateError(f"A plan holds at most {MAX_ACTIVITIES} activities.")
    stored = []
    for number, activity in enumerate(activities, start=1):
        what = " ".join(activity.what.split())
        where = " ".join(activity.where.split())
        if not what or not where:
            raise WrongStateError(f"Activity {number}: say what will be assessed and where.")
        if not activity.methods:
            raise WrongStateError(f"Activity {number}: choose at least one assessment method.")
        unknown = [m for m in activity.methods if m not in METHOD_LABELS]
        if unknown:
            raise WrongStateError(f"Activity {number}: unknown method {', '.join(unknown)}.")
        if not activity.groups and not activity.criteria:
            raise WrongStateError(
                f"Activity {number}: name the criteria or groups of criteria it covers."
            )
        foreign = [
            x
            for x in [*activity.groups, *activity.criteria]
            if x.standard_id != enrolment.standard_id
        ]
        if foreign:
            raise WrongStateError(
                f"Activity {number}: covers criteria of another standard than "
                f"{enrolment.standard.display_code}."
            )
        if activity.by < enrolment.start_date:
            raise WrongStateError(
                f"Activity {number}: the target date is before the enrolment starts "
                f"({enrolment.start_date:%d/%m/%Y})."
            )
        stored.append(
            {
                "what": what,
                "methods": [m for m in METHOD_LABELS if m in activity.methods],
                "where": where,
                "by": activity.by.isoformat(),
                "groups": [
                    {"id": g.pk, "reference": g.reference, "title": g.title}
                    for g in sorted(activity.groups, key=lambda g: (g.kind, g.order))
                ],
                "criteria": [
                    {"id": c.pk, "reference": c.reference}
                    for c in sorted(activity.criteria, key=lambda c: (c.kind, c.order))
                ],
            }
        )
    return stored


def _check_assessor(enrolment: Enrolment, assessor: Any) -> None:
    if enrolment.assessor_id is None or enrolment.assessor_id != assessor.pk:
        raise NotPermittedError("Only the learner's assessor drafts and revises their plan.")
    _check_open(enrolment)


def _check_open(enrolment: Enrolment) -> None:
    ensure_unlocked(enrolment)
    if enrolment.status != Enrolment.Status.ACTIVE:
        raise WrongStateError(
            f"This enrolment is {enrolment.get_status_display().lower()}, so its plan can no "
            "longer change."
        )


def _locked_enrolment(enrolment: Enrolment) -> Enrolment:
    """The enrolment row, locked: two drafts at once cannot take the same version number."""
    return Enrolment.objects.select_for_update().select_related("standard").get(pk=enrolment.pk)


def _draft(
    *, enrolment: Enrolment, assessor: Any, activities: list[PlannedActivity], reason: str
) -> AssessmentPlan:
    latest = AssessmentPlan.objects.filter(enrolment=enrolment).order_by("-version").first()
    plan = AssessmentPlan(
        enrolment=enrolment,
        version=(latest.version + 1) if latest else 1,
        activities=plan_activities(enrolment=enrolment, activities=activities),
        revision_reason=reason,
        drafted_by=assessor,
        drafted_at=timezone.now(),
    )
    plan.full_clean()
    plan.save()
    record_append(
        enrolment=enrolment,
        actor=assessor,
        action=Action.PLAN_DRAFTED,
        payload={
            "plan": plan.pk,
            "version": plan.version,
            "activities": len(plan.activities),
            "reason": reason,
            "content_sha256": plan_content_sha256(plan),
        },
    )
    return plan


@transaction.atomic
def plan_create(
    *, enrolment: Enrolment, assessor: Any, activities: list[PlannedActivity]
) -> AssessmentPlan:
    """Draft the first version of the enrolment's plan."""
    _check_assessor(enrolment, assessor)
    enrolment = _locked_enrolment(enrolment)
    if AssessmentPlan.objects.filter(enrolment=enrolment).exists():
        raise WrongStateError("This unit already has a plan: revise it instead.")
    return _draft(enrolment=enrolment, assessor=assessor, activities=activities, reason="")


@transaction.atomic
def plan_revise(
    *, plan: AssessmentPlan, assessor: Any, activities: list[PlannedActivity], reason: str
) -> AssessmentPlan:
    """Draft the next version of the plan; the one revised stays as it was, signatures and
    all. The new version needs both signatures again."""
    _check_assessor(plan.enrolment, assessor)
    enrolment = _locked_enrolment(plan.enrolment)
    current = AssessmentPlan.objects.filter(enrolment=enrolment).order_by("-version").first()
    if current is None or current.pk != plan.pk:
        raise WrongStateError("Only the current version of a plan can be revised.")
    reason = reason.strip()
    if not reason:
        raise WrongStateError({"reason": "Say why the plan is being revised."})
    return _draft(enrolment=enrolment, assessor=assessor, activities=activities, reason=reason)


def plan_signatory(plan: AssessmentPlan, user: Any) -> str:
    """``"assessor"`` or ``"learner"``: who the user signs as (or "" for neither)."""
    if user.pk == plan.enrolment.assessor_id:
        return "assessor"
    if user.pk == plan.enrolment.learner_id:
        return "learner"
    return ""


def _normalised(name: str) -> str:
    return " ".join(name.split()).casefold()


@transaction.atomic
def plan_sign(
    *, plan: AssessmentPlan, user: Any, signature: str, now: datetime.datetime | None = None
) -> AssessmentPlan:
    """Sign the plan with the user's typed full name: the assessor first, then the learner.
    Only the current version of an open unit's plan can be signed."""
    role = plan_signatory(plan, user)
    if not role:
        raise NotPermittedError("Only the learner and their assessor sign the plan.")
    _check_open(plan.enrolment)
    _locked_enrolment(plan.enrolment)
    plan = AssessmentPlan.objects.select_related("enrolment").get(pk=plan.pk)
    current = AssessmentPlan.objects.filter(enrolment_id=plan.enrolment_id).order_by("-version")
    if current.values_list("pk", flat=True).first() != plan.pk:
        raise WrongStateError("This version has been revised; sign the current one.")
    expected = user.full_name or user.username
    if not signature.strip() or _normalised(signature) != _normalised(expected):
        raise WrongStateError(
            {"signature": "Type your full name exactly as it appears on your account."}
        )
    now = now or timezone.now()
    name = " ".join(signature.split())
    if role == "assessor":
        if plan.assessor_signed_at is not None:
            raise WrongStateError("You have already signed this version of the plan.")
        plan.assessor_signature, plan.assessor_signed_at = name, now
        fields = ["assessor_signature", "assessor_signed_at"]
    else:
        if plan.assessor_signed_at is None:
            raise WrongStateError("Your assessor signs the plan first; then you can agree it.")
        if plan.learner_signed_at is not None:
            raise WrongStateError("You have already signed this version of the plan.")
        plan.learner_signature, plan.learner_signed_at = name, now
        fields = ["learner_signature", "learner_signed_at"]
    plan.full_clean()
    plan.save(update_fields=fields)
    record_append(
        enrolment=plan.enrolment,
        actor=user,
        action=Action.PLAN_SIGNED,
        payload={
            "plan": plan.pk,
            "version": plan.version,
            "signed_as": role,
            "signature": name,
            "content_sha256": plan_content_sha256(plan),
        },
    )
    return plan
