"""What an external quality assurer's visit keeps from disposal: the retention hold.

A visit is *closed* once its report is issued with no revision in draft and every action it
raised is closed by the EQA; it closed on the later of the last issue and the last action's
closing. Until then (planned, sample being taken, report in draft or being revised, an action
open or awaiting the EQA) it is *open*.

A learner's unit (enrolment) in the sample of a visit is held:

- while any such visit is open, however old the unit's certification;
- after that, for the centre's ``retention_years`` from the day the last of those visits
  closed: the EQA sampled it, so the retention period runs again from the end of their review.

Retention asks this before flagging or disposing of evidence and before erasing a learner
(``portal.privacy``); nothing here deletes anything.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, Max, OuterRef, Subquery
from django.utils import timezone

from portal.visits.models import SampledEnrolment, VisitAction, VisitReport


@dataclass(frozen=True)
class EqaHold:
    """Why a unit is kept for the EQA; ``until`` is None while a visit is open."""

    until: datetime.date | None
    reason: str

    def holds_on(self, today: datetime.date) -> bool:
        return self.until is None or today < self.until


def _long(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def eqa_holds(enrolment_ids: Iterable[int]) -> dict[int, EqaHold]:
    """The hold on each of these enrolments that is in a visit's sample (the longest, an open
    visit first), with its reason in words. One query whatever the number of enrolments."""
    last_issued = (
        VisitReport.objects.filter(visit_id=OuterRef("visit_id"), issued_at__isnull=False)
        .order_by()
        .values("visit_id")
        .annotate(at=Max("issued_at"))
        .values("at")[:1]
    )
    last_closed = (
        VisitAction.objects.filter(visit_id=OuterRef("visit_id"), closed_at__isnull=False)
        .order_by()
        .values("visit_id")
        .annotate(at=Max("closed_at"))
        .values("at")[:1]
    )
    rows = (
        SampledEnrolment.objects.filter(enrolment_id__in=list(enrolment_ids))
        .annotate(
            drafting=Exists(
                VisitReport.objects.filter(visit_id=OuterRef("visit_id"), issued_at__isnull=True)
            ),
            open_actions=Exists(
                VisitAction.objects.filter(visit_id=OuterRef("visit_id")).exclude(
                    status=VisitAction.Status.CLOSED
                )
            ),
            issued_at=Subquery(last_issued),
            actions_closed_at=Subquery(last_closed),
        )
        .values_list(
            "enrolment_id",
            "visit__visit_on",
            "visit__centre__retention_years",
            "drafting",
            "open_actions",
            "issued_at",
            "actions_closed_at",
        )
        .order_by("visit__visit_on", "visit_id")
    )
    holds: dict[int, EqaHold] = {}
    for enrolment_id, visit_on, years, drafting, open_actions, issued_at, closed_at in rows:
        held = holds.get(enrolment_id)
        if held is not None and held.until is None:
            continue  # an open visit holds it already
        visit = f"the EQA visit of {_long(visit_on)}"
        if issued_at is None or drafting or open_actions:
            why = (
                "its report is not issued yet"
                if issued_at is None
                else "a revision of its report is in draft"
                if drafting
                else "an action it raised is not closed yet"
            )
            holds[enrolment_id] = EqaHold(
                until=None, reason=f"In the sample of {visit}, which is still open: {why}."
            )
            continue
        closed_on = timezone.localdate(max(filter(None, [issued_at, closed_at])))
        until = _add_years(closed_on, years)
        if held is None or until > held.until:  # type: ignore[operator]
            holds[enrolment_id] = EqaHold(
                until=until,
                reason=(
                    f"Sampled in {visit}, which closed on {_long(closed_on)}: kept "
                    f"{years} year{'s' if years != 1 else ''} from then, until {_long(until)}."
                ),
            )
    return holds
