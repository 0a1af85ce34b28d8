"""Centre reports: reads only. Learners by state and target date, assessors' caseloads and
their decisions in a date window. States come from ``review.status`` (``with_state_code``),
never worked out here; every report costs a fixed number of queries per page."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from assessments.models import Enrolment, RecordCheckpoint, RecordEntry
from assessments.record import (
    STAFF_ACTIONS,
    VISIT_ACTIONS,
    ChainBreak,
    record_head,
    verify_centre_since_checkpoint,
)
from portal.accounts.models import User
from review.status import EnrolmentState, with_state_code

Action = RecordEntry.Action

#: The assessor's decisions a caseload report counts, with their column headings.
DECISIONS: dict[str, str] = {
    Action.EVIDENCE_ACCEPTED: "Evidence accepted",
    Action.EVIDENCE_REFERRED: "Evidence referred",
    Action.JUDGEMENT: "Criteria judged",
    Action.SIGNED_OFF: "Units signed off",
}


def learners(
    centre_id: int, *, state: str = "", overdue_on: datetime.date | None = None
) -> QuerySet[Enrolment]:
    """The centre's enrolments with their state, soonest target date first; ``state`` keeps
    one state; ``overdue_on`` keeps units still with the assessor past their target date."""
    enrolments = with_state_code(
        Enrolment.objects.filter(centre_id=centre_id).select_related(
            "learner", "assessor", "standard"
        )
    )
    if state:
        enrolments = enrolments.filter(state_code=state)
    if overdue_on is not None:
        enrolments = enrolments.filter(
            state_code=EnrolmentState.IN_PROGRESS, target_end_date__lt=overdue_on
        )
    return enrolments.order_by("target_end_date", "learner__full_name", "pk")


def state_counts(centre_id: int) -> dict[str, int]:
    """How many of the centre's enrolments are in each state (one query)."""
    rows = (
        with_state_code(Enrolment.objects.filter(centre_id=centre_id))
        .order_by()
        .values("state_code")
        .annotate(count=Count("pk"))
    )
    counts = dict.fromkeys(EnrolmentState.values, 0)
    counts.update({row["state_code"]: row["count"] for row in rows})
    return counts


def assessors(centre_id: int) -> QuerySet[User]:
    """The centre's assessors with their caseload counts (one query per page)."""
    active = Q(assessed_enrolments__status=Enrolment.Status.ACTIVE)
    return (
        User.objects.filter(centre_id=centre_id, is_assessor=True)
        .annotate(
            caseload=Count("assessed_enrolments", filter=active),
            completed=Count(
                "assessed_enrolments",
                filter=Q(assessed_enrolments__status=Enrolment.Status.COMPLETED),
            ),
        )
        .order_by("full_name", "pk")
    )


def decision_counts(
    centre_id: int, actor_ids: list[int], start: datetime.date, end: datetime.date
) -> dict[int, dict[str, int]]:
    """Decisions each of these assessors recorded from ``start`` to ``end`` inclusive (one
    query over the centre's record in that window, whatever its length)."""
    counts: dict[int, dict[str, int]] = {pk: dict.fromkeys(DECISIONS, 0) for pk in actor_ids}
    rows = (
        RecordEntry.objects.filter(
            centre_id=centre_id,
            actor_id__in=actor_ids,
            action__in=list(DECISIONS),
            recorded_at__date__gte=start,
            recorded_at__date__lte=end,
        )
        .order_by()
        .values("actor_id", "action")
        .annotate(count=Count("pk"))
    )
    for row in rows:
        counts[row["actor_id"]][row["action"]] = row["count"]
    return counts


def past_target_counts(
    centre_id: int, actor_ids: list[int], today: datetime.date
) -> dict[int, int]:
    """Units still with each assessor past their target date (``review.status``'s rule of
    overdue: in progress, not signed off), one query."""
    rows = (
        learners(centre_id, overdue_on=today)
        .filter(assessor_id__in=actor_ids)
        .order_by()
        .values("assessor_id")
        .annotate(count=Count("pk"))
    )
    counts = dict.fromkeys(actor_ids, 0)
    counts.update({row["assessor_id"]: row["count"] for row in rows})
    return counts


def assessor_rows(
    people: list[User],
    centre_id: int,
    start: datetime.date,
    end: datetime.date,
    today: datetime.date,
) -> list[dict[str, Any]]:
    """One row per assessor: caseload, past target, completed, decisions in the window
    (three queries for any number of assessors)."""
    ids = [p.pk for p in people]
    counts = decision_counts(centre_id, ids, start, end)
    late = past_target_counts(centre_id, ids, today)
    return [{"person": p, "past_target": late[p.pk], "decisions": counts[p.pk]} for p in people]


# --- The centre's whole record ----------------------------------------------------------------

#: The record page's kinds of entry: each action in exactly one group, with its label.
RECORD_KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "evidence": (
        "Evidence, mapping and assessment plans",
        (
            Action.EVIDENCE_ACCEPTED,
            Action.EVIDENCE_REFERRED,
            Action.EVIDENCE_RECORDED,
            Action.EVIDENCE_ACKNOWLEDGED,
            Action.MAPPING_ADDED,
            Action.MAPPING_CONFIRMED,
            Action.MAPPING_CHANGED,
            Action.MAPPING_REMOVED,
            Action.PLAN_DRAFTED,
            Action.PLAN_SIGNED,
        ),
    ),
    "judgements": (
        "Judgements and sign-off",
        (Action.JUDGEMENT, Action.SIGNED_OFF, Action.COUNTERSIGNED, Action.REOPENED),
    ),
    "iqa": (
        "Internal quality assurance",
        (
            Action.IQA_AGREED,
            Action.IQA_REFERRED,
            Action.REOPEN_REQUESTED,
            Action.QA_PLAN_SIGNED,
            Action.QA_SAMPLED,
            Action.QA_ACTION_RAISED,
            Action.QA_ACTION_ANSWERED,
            Action.QA_ACTION_CLOSED,
            Action.QA_ACTION_RETURNED,
        ),
    ),
    "standardisation": ("Standardisation and observations of practice", STAFF_ACTIONS),
    "eqa": ("External quality assurance visits", VISIT_ACTIONS),
    "admin": ("Administration", (Action.ADMIN_CHANGE, Action.LEARNER_ERASED)),
}


def record_entries(
    centre_id: int,
    *,
    kind: str = "",
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> QuerySet[RecordEntry]:
    """The centre's record, newest first, with each entry's learner and standard (one query
    per page); ``kind`` keeps one group of ``RECORD_KINDS``, ``start``/``end`` a date range."""
    entries = RecordEntry.objects.filter(centre_id=centre_id).select_related(
        "enrolment__learner", "enrolment__standard"
    )
    if kind:
        entries = entries.filter(action__in=list(RECORD_KINDS[kind][1]))
    if start:
        entries = entries.filter(recorded_at__date__gte=start)
    if end:
        entries = entries.filter(recorded_at__date__lte=end)
    return entries.order_by("-sequence")


#: Entries a page request will check since the last verification; beyond it the page says
#: the record awaits ``manage.py verify_record`` rather than walk it on a request.
CHECK_ON_REQUEST = 5000


@dataclass(frozen=True)
class ChainStatus:
    """The record's check as the page shows it."""

    entries: int
    intact_to: int = 0
    intact_at: datetime.datetime | None = None
    checkpoint_at: datetime.datetime | None = None
    first_break: ChainBreak | None = None
    unchecked: int = 0


def chain_status(centre_id: int) -> ChainStatus:
    """The centre's chain checked from its signed checkpoint (``verify_centre_since_checkpoint``):
    only the entries since the last ``verify_record`` run are walked, and at most
    ``CHECK_ON_REQUEST`` of them; never the full walk of a large record. A fixed number of
    queries whatever the record's length."""
    head = record_head(centre_id)
    checkpoint = RecordCheckpoint.objects.filter(centre_id=centre_id).first()
    since = head.sequence - (checkpoint.sequence if checkpoint else 0)
    checkpoint_at = checkpoint.verified_at if checkpoint else None
    if since > CHECK_ON_REQUEST:
        return ChainStatus(head.sequence, checkpoint_at=checkpoint_at, unchecked=since)
    report = verify_centre_since_checkpoint(centre_id)
    if report.first_break is not None:
        return ChainStatus(head.sequence, first_break=report.first_break)
    intact_at = (
        RecordEntry.objects.filter(centre_id=centre_id, sequence=report.entries)
        .values_list("recorded_at", flat=True)
        .first()
    )
    return ChainStatus(
        head.sequence,
        intact_to=report.entries,
        intact_at=intact_at,
        checkpoint_at=checkpoint_at,
    )
