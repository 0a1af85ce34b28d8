"""The one home of derived assessment state: what a criterion's status is, when it is met,
and where an enrolment stands in the sign-off walk.

Every page, count, service and PDF asks this module; nothing else decides "met".

A criterion is **backed** while at least one evidence item of the learner is *accepted* and
mapped to it with the assessor's *confirmation* (``BACKING``). It is **met** while the
assessor's judgement says met *and* it is backed. ``backed_exists`` is the same rule as a
SQL ``EXISTS`` for annotations; ``mapping_backs`` is the same rule in Python for rows already
read. A learner's draft never counts: until it is submitted, it is no evidence at all.

The enrolment's walk: in progress → signed off (awaiting the learner) → countersigned
(awaiting the IQA) → IQA verified; an IQA referral of a signed-off unit waits for a centre
admin to reopen it (reopen requested), which returns it to the assessor (in progress).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Case, CharField, Exists, OuterRef, Q, QuerySet, Subquery, Value, When

from assessments.models import Enrolment, ReopenRequest, UnitSignOff
from evidence.models import EvidenceItem, Mapping

ItemStatus = EvidenceItem.Status

# The one condition, on a Mapping, for "this mapping backs its criterion".
BACKING = Q(confirmed=True, item__status=ItemStatus.ACCEPTED)
# Items that count as evidence at all: a draft is not yet anyone's evidence.
COUNTED_ITEM_STATUSES = (ItemStatus.SUBMITTED, ItemStatus.ACCEPTED, ItemStatus.REFERRED)


class CriterionStatus(models.TextChoices):
    """A criterion's status in one enrolment, most decided first."""

    MET = "met", "Met"
    UNBACKED = "unbacked", "Judged met, but no accepted evidence now"
    NOT_MET = "not_met", "Not met"
    BACKED = "backed", "Evidence accepted, awaiting judgement"
    UNDER_REVIEW = "under_review", "Evidence under review"
    PROPOSED = "proposed", "Evidence proposed by the learner"
    REFERRED = "referred", "Evidence referred back to the learner"
    NO_EVIDENCE = "no_evidence", "No evidence yet"

    @property
    def symbol(self) -> str:
        """Shown before the label, so the status never rests on colour alone."""
        return _CRITERION_SYMBOLS[self.value]

    @property
    def tone(self) -> str:
        """A Bootstrap colour name for badges and the PDF's class."""
        return _CRITERION_TONES.get(self.value, "light")

    @property
    def is_met(self) -> bool:
        return self.value == "met"


_CRITERION_SYMBOLS = {
    "met": "✓",
    "unbacked": "⚠",
    "not_met": "✗",
    "backed": "◆",
    "under_review": "…",
    "proposed": "?",
    "referred": "↩",
    "no_evidence": "⚠",
}
_CRITERION_TONES = {
    "met": "success",
    "unbacked": "warning",
    "not_met": "danger",
    "backed": "info",
    "no_evidence": "warning",
}


def mapping_backs(*, confirmed: bool, item_status: str) -> bool:
    """``BACKING`` for a mapping already read into Python."""
    return confirmed and item_status == ItemStatus.ACCEPTED


def criterion_status(
    *, judged_met: bool | None, mappings: Iterable[tuple[bool, str]]
) -> CriterionStatus:
    """The status from the judgement (None when not judged) and the criterion's mappings as
    ``(confirmed, item_status)`` pairs, over the learner's items of any status."""
    counted = [(c, s) for c, s in mappings if s in COUNTED_ITEM_STATUSES]
    backed = any(mapping_backs(confirmed=c, item_status=s) for c, s in counted)
    if judged_met is True:
        return CriterionStatus.MET if backed else CriterionStatus.UNBACKED
    if judged_met is False:
        return CriterionStatus.NOT_MET
    if backed:
        return CriterionStatus.BACKED
    live = [(c, s) for c, s in counted if s != ItemStatus.REFERRED]
    if any(c for c, _s in live):
        return CriterionStatus.UNDER_REVIEW
    if live:
        return CriterionStatus.PROPOSED
    if counted:
        return CriterionStatus.REFERRED
    return CriterionStatus.NO_EVIDENCE


def backed_exists(*, criterion: Any, learner: Any) -> Exists:
    """SQL: a backing mapping exists for the criterion and learner (both may be ``OuterRef``)."""
    return Exists(
        Mapping.objects.filter(BACKING, criterion_id=criterion, item__enrolment__learner_id=learner)
    )


def met_judgements_q() -> Q:
    """On ``CriterionJudgement``: the judgement makes its criterion met."""
    return Q(met=True) & Q(
        backed_exists(criterion=OuterRef("criterion_id"), learner=OuterRef("enrolment__learner_id"))
    )


class EnrolmentState(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress with the assessor"
    AWAITING_LEARNER = "awaiting_learner", "Signed off: awaiting the learner's countersignature"
    AWAITING_IQA = "awaiting_iqa", "Countersigned: awaiting IQA verification"
    IQA_VERIFIED = "iqa_verified", "Complete: verified by the IQA"
    REOPEN_REQUESTED = (
        "reopen_requested",
        "Referred back by the IQA: awaiting reopening by the centre admin",
    )
    WITHDRAWN = "withdrawn", "Withdrawn"

    @property
    def symbol(self) -> str:
        return _STATE_SYMBOLS[self.value]

    @property
    def tone(self) -> str:
        return _STATE_TONES[self.value]


_STATE_SYMBOLS = {
    "in_progress": "●",
    "awaiting_learner": "✎",
    "awaiting_iqa": "◆",
    "iqa_verified": "✓",
    "reopen_requested": "↩",
    "withdrawn": "–",
}
_STATE_TONES = {
    "in_progress": "primary",
    "awaiting_learner": "info",
    "awaiting_iqa": "info",
    "iqa_verified": "success",
    "reopen_requested": "warning",
    "withdrawn": "secondary",
}


@dataclass(frozen=True)
class StateFacts:
    """What the state is derived from: read by ``with_state`` or ``state_facts``."""

    withdrawn: bool
    signed_off: bool
    countersigned: bool
    iqa_verified: bool
    reopen_requested: bool

    @property
    def state(self) -> EnrolmentState:
        if self.withdrawn:
            return EnrolmentState.WITHDRAWN
        if not self.signed_off:
            return EnrolmentState.IN_PROGRESS
        if self.reopen_requested:
            return EnrolmentState.REOPEN_REQUESTED
        if self.iqa_verified:
            return EnrolmentState.IQA_VERIFIED
        if self.countersigned:
            return EnrolmentState.AWAITING_IQA
        return EnrolmentState.AWAITING_LEARNER

    @property
    def locked(self) -> bool:
        """Signed off and not reopened: nothing of the unit's work may change."""
        return self.signed_off


def with_state(enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    """Annotate what ``state_of`` needs, as subqueries: one query for a page of enrolments."""
    open_sign_offs = UnitSignOff.objects.filter(
        enrolment_id=OuterRef("pk"), reopened_at__isnull=True
    )
    return enrolments.annotate(
        signed_off=Exists(open_sign_offs),
        countersigned=Exists(open_sign_offs.filter(countersigned_at__isnull=False)),
        iqa_verified=Exists(open_sign_offs.filter(iqa_verified_at__isnull=False)),
        reopen_requested=Exists(
            ReopenRequest.objects.filter(enrolment_id=OuterRef("pk"), resolved_at__isnull=True)
        ),
    )


def with_state_code(enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    """``with_state`` plus ``state_code``: the rule of ``StateFacts.state`` in SQL, so that
    reports count and filter by state in the database (a test proves the two agree)."""
    return with_state(enrolments).annotate(
        state_code=Case(
            When(status=Enrolment.Status.WITHDRAWN, then=Value(EnrolmentState.WITHDRAWN)),
            When(signed_off=False, then=Value(EnrolmentState.IN_PROGRESS)),
            When(reopen_requested=True, then=Value(EnrolmentState.REOPEN_REQUESTED)),
            When(iqa_verified=True, then=Value(EnrolmentState.IQA_VERIFIED)),
            When(countersigned=True, then=Value(EnrolmentState.AWAITING_IQA)),
            default=Value(EnrolmentState.AWAITING_LEARNER),
            output_field=CharField(),
        )
    )


def with_certification(enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    """Annotate ``certified_at``: when the unit was certified, i.e. its sign-off (not
    reopened) was verified by the IQA after the learner's countersignature; None while it
    is not. The centre's retention period of its evidence runs from then."""
    return enrolments.annotate(
        certified_at=Subquery(
            UnitSignOff.objects.filter(
                enrolment_id=OuterRef("pk"),
                reopened_at__isnull=True,
                iqa_verified_at__isnull=False,
            ).values("iqa_verified_at")[:1]
        )
    )


def state_facts(enrolment: Enrolment) -> StateFacts:
    """The facts for one enrolment: from ``with_state``'s annotations when present, else read
    (two queries)."""
    if not hasattr(enrolment, "iqa_verified"):
        sign_off = enrolment.sign_offs.filter(reopened_at__isnull=True).first()
        return StateFacts(
            withdrawn=enrolment.status == Enrolment.Status.WITHDRAWN,
            signed_off=sign_off is not None,
            countersigned=bool(sign_off and sign_off.countersigned_at),
            iqa_verified=bool(sign_off and sign_off.iqa_verified_at),
            reopen_requested=enrolment.reopen_requests.filter(resolved_at__isnull=True).exists(),
        )
    return StateFacts(
        withdrawn=enrolment.status == Enrolment.Status.WITHDRAWN,
        signed_off=enrolment.signed_off,
        countersigned=enrolment.countersigned,
        iqa_verified=enrolment.iqa_verified,
        reopen_requested=enrolment.reopen_requested,
    )


def state_of(enrolment: Enrolment) -> EnrolmentState:
    return state_facts(enrolment).state


def ready_for_sign_off(enrolment: Enrolment) -> bool:
    """Every criterion met and not yet signed off, for an enrolment annotated by
    ``review.selectors.with_progress`` (whose counts come from ``met_judgements_q``)."""
    total = enrolment.performance_total + enrolment.knowledge_total
    met = enrolment.performance_met + enrolment.knowledge_met
    return bool(total) and met == total and state_of(enrolment) == EnrolmentState.IN_PROGRESS


def overdue_days(enrolment: Enrolment, today: datetime.date) -> int:
    """Days past the target end date while the unit is still with the assessor (0 if not)."""
    if state_of(enrolment) != EnrolmentState.IN_PROGRESS:
        return 0
    return max(0, (today - enrolment.target_end_date).days)
