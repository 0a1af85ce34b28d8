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
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import QuerySet
from django.utils import timezone

from assessments.models import Enrolment
from evidence.models import EvidenceItem, Mapping
from evidence.services import evidence_retention_flag
from portal.centres.models import Centre
from portal.privacy.erasure import add_years
from review.status import with_certification


def retention_ends(items: QuerySet[EvidenceItem]) -> dict[int, datetime.date | None]:
    """Each item's end of retention (None while a unit it serves is not certified), in three
    queries whatever the number of items."""
    rows = list(items.values_list("pk", "enrolment_id", "learner_id"))
    ids = [pk for pk, _e, _l in rows]
    learners = {learner for _p, _e, learner in rows}
    units: dict[int, set[tuple[int, int]]] = defaultdict(set)  # item -> {(learner, standard)}
    for item_id, learner_id, standard_id in Mapping.objects.filter(
        item_id__in=ids, confirmed=True
    ).values_list("item_id", "item__learner_id", "criterion__standard_id"):
        units[item_id].add((learner_id, standard_id))
    ends_by_pk: dict[int, datetime.date | None] = {}
    ends_by_unit: dict[tuple[int, int], datetime.date | None] = {}
    enrolments = with_certification(Enrolment.objects.filter(learner_id__in=learners)).values_list(
        "pk", "learner_id", "standard_id", "certified_at", "centre__retention_years", "start_date"
    )
    for pk, learner_id, standard_id, certified_at, years, _start in sorted(
        enrolments, key=lambda row: row[5]
    ):
        end = add_years(timezone.localdate(certified_at), years) if certified_at else None
        ends_by_pk[pk] = end
        ends_by_unit[(learner_id, standard_id)] = end  # the latest enrolment on a standard
    result: dict[int, datetime.date | None] = {}
    for pk, enrolment_id, _learner in rows:
        served = [ends_by_pk.get(enrolment_id)] + [ends_by_unit.get(u) for u in units[pk]]
        result[pk] = None if any(end is None for end in served) else max(served)  # type: ignore[type-var]
    return result


def retention_flag_due(*, today: datetime.date | None = None, centre: Centre | None = None) -> int:
    """Flag every item past its retention period (of one centre, or all); returns how many
    were newly flagged. Run daily by ``manage.py flag_retention``."""
    today = today or timezone.localdate()
    items = EvidenceItem.objects.filter(
        retention_flagged_on__isnull=True, disposed_at__isnull=True
    ).exclude(retain_until__gt=today)
    if centre is not None:
        items = items.filter(enrolment__centre=centre)
    due = [pk for pk, end in retention_ends(items).items() if end is not None and end <= today]
    return evidence_retention_flag(item_ids=due, today=today)


def flagged_items(centre: Centre) -> QuerySet[EvidenceItem]:
    """The centre's items awaiting a retention decision, oldest flag first."""
    return (
        EvidenceItem.objects.filter(
            enrolment__centre=centre, retention_flagged_on__isnull=False, disposed_at__isnull=True
        )
        .select_related("enrolment__standard", "learner")
        .order_by("retention_flagged_on", "learner__full_name", "sequence")
    )
