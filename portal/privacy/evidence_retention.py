"""Retention of assessed evidence, item by item: when an item's files may go.

An item serves its home unit and every unit it is confirmed-mapped into. Its retention
period ends ``Centre.retention_years`` after the last of those units was certified (its
sign-off verified by the IQA: ``review.status.with_certification``); while any of them is
not certified, it runs on. A centre admin may have decided to keep it longer
(``EvidenceItem.retain_until``).

``manage.py flag_retention`` (daily) flags the items past their period for the admin's
review (``evidence_retention_flag``); it never deletes anything. The admin then keeps an
item some more years or disposes of its files with a reason (``evidence.services``):
disposal removes the stored files only; the item, its versions, the file names, sizes and
SHA-256 fingerprints and the decision record stay. Erasing a learner who has left is a
separate step (``portal.privacy.erasure``).

External quality assurance holds an item past its period (``retention_holds``, by the rule in
``portal.visits.holds``): while a unit it serves is in the sample of an EQA visit that is not
closed (report not issued, a revision in draft, or an action not closed), and then for
``retention_years`` from the day that visit closed. The daily check does not flag a held item
and reports it as held with the reason; an item flagged before an EQA sampled it is refused
disposal while the hold lasts (``evidence_dispose_unless_held``); it may still be kept longer.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from assessments.errors import WrongStateError
from assessments.models import Enrolment
from evidence.models import EvidenceItem, Mapping
from evidence.services import evidence_dispose, evidence_retention_flag
from portal.centres.models import Centre
from portal.privacy.erasure import add_years
from portal.visits.holds import eqa_holds
from review.status import with_certification


def _served(items: QuerySet[EvidenceItem]) -> dict[int, list[int | None]]:
    """The units each item serves: its home enrolment and, for each standard it is
    confirmed-mapped into, the learner's latest enrolment on it (None if they have none).
    Two queries whatever the number of items."""
    rows = list(items.values_list("pk", "enrolment_id", "learner_id"))
    ids = [pk for pk, _e, _l in rows]
    learners = {learner for _p, _e, learner in rows}
    units: dict[int, set[tuple[int, int]]] = defaultdict(set)  # item -> {(learner, standard)}
    for item_id, learner_id, standard_id in Mapping.objects.filter(
        item_id__in=ids, confirmed=True
    ).values_list("item_id", "item__learner_id", "criterion__standard_id"):
        units[item_id].add((learner_id, standard_id))
    latest: dict[tuple[int, int], int] = {}
    for pk, learner_id, standard_id, _start in sorted(
        Enrolment.objects.filter(learner_id__in=learners).values_list(
            "pk", "learner_id", "standard_id", "start_date"
        ),
        key=lambda row: row[3],
    ):
        latest[(learner_id, standard_id)] = pk  # the latest enrolment on a standard
    return {
        pk: [enrolment_id] + [latest.get(u) for u in units[pk]] for pk, enrolment_id, _l in rows
    }


def retention_ends(items: QuerySet[EvidenceItem]) -> dict[int, datetime.date | None]:
    """Each item's end of retention by certification (None while a unit it serves is not
    certified), in four queries whatever the number of items. EQA holds are separate
    (``retention_holds``)."""
    served = _served(items)
    enrolment_ids = {pk for units in served.values() for pk in units if pk is not None}
    ends: dict[int, datetime.date | None] = {
        pk: add_years(timezone.localdate(certified_at), years) if certified_at else None
        for pk, certified_at, years in with_certification(
            Enrolment.objects.filter(pk__in=enrolment_ids)
        ).values_list("pk", "certified_at", "centre__retention_years")
    }
    result: dict[int, datetime.date | None] = {}
    for pk, units in served.items():
        dates = [ends.get(unit) if unit is not None else None for unit in units]
        result[pk] = None if any(end is None for end in dates) else max(dates)  # type: ignore[type-var]
    return result


def retention_holds(
    items: QuerySet[EvidenceItem], *, today: datetime.date | None = None
) -> dict[int, str]:
    """Why each of these items is held for an external quality assurer on ``today``: a unit it
    serves is in the sample of an EQA visit still open, or of one closed less than the centre's
    ``retention_years`` ago (the rule: ``portal.visits.holds``). Items not held are left out.
    Four queries whatever the number of items."""
    today = today or timezone.localdate()
    served = _served(items)
    holds = eqa_holds({pk for units in served.values() for pk in units if pk is not None})
    result: dict[int, str] = {}
    for pk, units in served.items():
        found = [holds[unit] for unit in units if unit in holds and holds[unit].holds_on(today)]
        if found:  # the longest: an open visit first, else the latest end
            result[pk] = max(found, key=lambda hold: hold.until or datetime.date.max).reason
    return result


@dataclass
class RetentionRun:
    """What one retention check did: how many items it newly flagged, and which items past
    their period it left alone because an EQA's review still holds them (with why)."""

    flagged: int = 0
    held: list[tuple[EvidenceItem, str]] = field(default_factory=list)


def retention_check(
    *, today: datetime.date | None = None, centre: Centre | None = None
) -> RetentionRun:
    """Flag every item past its retention period (of one centre, or all) that no EQA visit
    holds (``retention_holds``); report the held ones with the reason. Run daily by
    ``manage.py flag_retention``; it deletes nothing."""
    today = today or timezone.localdate()
    items = EvidenceItem.objects.filter(
        retention_flagged_on__isnull=True, disposed_at__isnull=True
    ).exclude(retain_until__gt=today)
    if centre is not None:
        items = items.filter(enrolment__centre=centre)
    past = [pk for pk, end in retention_ends(items).items() if end is not None and end <= today]
    holds = retention_holds(EvidenceItem.objects.filter(pk__in=past), today=today)
    run = RetentionRun(
        flagged=evidence_retention_flag(
            item_ids=[pk for pk in past if pk not in holds], today=today
        )
    )
    held = EvidenceItem.objects.filter(pk__in=list(holds)).select_related("learner")
    run.held = [(item, holds[item.pk]) for item in held.order_by("learner_id", "sequence")]
    return run


def retention_flag_due(*, today: datetime.date | None = None, centre: Centre | None = None) -> int:
    """How many items ``retention_check`` newly flagged."""
    return retention_check(today=today, centre=centre).flagged


def evidence_dispose_unless_held(
    *, item: EvidenceItem, admin: Any, reason: str, today: datetime.date | None = None
) -> EvidenceItem:
    """Dispose of a flagged item's files (``evidence.services.evidence_dispose``) unless an EQA
    visit holds it now (it may have been sampled since it was flagged): then refuse, saying
    why."""
    holds = retention_holds(EvidenceItem.objects.filter(pk=item.pk), today=today)
    if item.pk in holds:
        raise WrongStateError(
            f"{item.reference} is held for the external quality assurer. {holds[item.pk]}"
        )
    return evidence_dispose(item=item, admin=admin, reason=reason)


def flagged_items(centre: Centre) -> QuerySet[EvidenceItem]:
    """The centre's items awaiting a retention decision, oldest flag first."""
    return (
        EvidenceItem.objects.filter(
            enrolment__centre=centre, retention_flagged_on__isnull=False, disposed_at__isnull=True
        )
        .select_related("enrolment__standard", "learner")
        .order_by("retention_flagged_on", "learner__full_name", "sequence")
    )
