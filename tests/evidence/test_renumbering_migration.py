"""Migration 0003 renumbers evidence per learner without loss, and leaves the decision
record as it was (it names items by pk and by their old references)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from assessments.models import RecordEntry
from assessments.record import verify_centre
from assessments.services import record_append
from evidence.models import EvidenceItem
from tests.factories import EnrolmentFactory, StandardFactory

BEFORE = [("evidence", "0002_file_safety")]


def _migrate(target: list[tuple[str, str]] | None):
    """Migrate to ``target``, or back to the latest migrations when it is None."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    target = target or executor.loader.graph.leaf_nodes()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_renumbering_is_per_learner_stable_and_reversible(people) -> None:
    other = EnrolmentFactory(
        learner=people.learner,
        centre=people.centre,
        standard=StandardFactory(code="SCDCPC509", slug="cpc509"),
        assessor=people.assessor,
    )
    theirs = EnrolmentFactory(
        learner=people.other_learner, centre=people.centre, standard=people.enrolment.standard
    )
    old = _migrate(BEFORE).get_model("evidence", "EvidenceItem")
    start = timezone.now() - datetime.timedelta(days=30)
    made = {}
    # Per-enrolment numbers, created in this order: A E1, B E1, A E2, B E2; and another
    # learner's A E1.
    for n, (enrolment, sequence) in enumerate(
        [(people.enrolment, 1), (other, 1), (people.enrolment, 2), (other, 2), (theirs, 1)]
    ):
        item = old.objects.create(
            enrolment_id=enrolment.pk,
            sequence=sequence,
            reference=f"E{sequence}",
            title=f"Item {n}",
            occurred_on=datetime.date(2026, 10, 1),
            evidence_type="product",
            status="accepted",
            submitted_at=start,
        )
        old.objects.filter(pk=item.pk).update(created_at=start + datetime.timedelta(days=n))
        made[n] = item.pk
        record_append(
            enrolment=enrolment,
            actor=people.assessor,
            action=RecordEntry.Action.EVIDENCE_ACCEPTED,
            payload={"item": item.pk, "reference": f"E{sequence}", "title": f"Item {n}"},
        )
    record_before = list(RecordEntry.objects.order_by("sequence").values())
    report = verify_centre(people.centre.pk)
    assert report.first_break is None and report.entries == 5

    _migrate(None)
    items = {pk: EvidenceItem.objects.get(pk=pk) for pk in made.values()}
    got = [(items[made[n]].reference, items[made[n]].former_reference) for n in range(5)]
    assert got == [
        ("E1", "E1 of TEST001"),
        ("E2", "E1 of SCDCPC509"),
        ("E3", "E2 of TEST001"),
        ("E4", "E2 of SCDCPC509"),
        ("E1", "E1 of TEST001"),
    ]
    assert [items[made[n]].sequence for n in range(5)] == [1, 2, 3, 4, 1]
    assert items[made[2]].reference_label == "E3 (was E2 of TEST001)"
    assert items[made[0]].reference_label == "E1"
    assert items[made[4]].learner_id == people.other_learner.pk
    # The record is untouched and still verifies.
    assert list(RecordEntry.objects.order_by("sequence").values()) == record_before
    report = verify_centre(people.centre.pk)
    assert report.first_break is None and report.entries == 5

    old = _migrate(BEFORE).get_model("evidence", "EvidenceItem")
    back = {row.pk: row.reference for row in old.objects.all()}
    assert [back[made[n]] for n in range(5)] == ["E1", "E1", "E2", "E2", "E1"]
    _migrate(None)
