from __future__ import annotations

from django.core.management import call_command

from assessments.models import Enrolment, IqaSample, RecordEntry
from assessments.record import verify_centre
from evidence.models import EvidenceItem
from review.selectors import enrolment_grid


def test_demo_leaves_a_signed_off_unit_and_part_way_ones(db, settings) -> None:
    settings.DEBUG = True
    call_command("demo", verbosity=0)
    unit = Enrolment.objects.get(learner__username="learner1", standard__slug="scdcpc306")
    assert unit.status == Enrolment.Status.COMPLETED
    assert not enrolment_grid(unit).unmet
    sign_off = unit.sign_offs.get()
    assert sign_off.is_countersigned
    assert IqaSample.objects.filter(entry__enrolment=unit, outcome="agreed").exists()
    other = Enrolment.objects.get(learner__username="learner1", standard__slug="scdcpc509-v2")
    assert other.evidence_items.filter(status=EvidenceItem.Status.REFERRED).exists()
    assert enrolment_grid(other).unmet
    assert IqaSample.objects.filter(outcome="referred").exists()
    entries = RecordEntry.objects.count()

    call_command("demo", verbosity=0)
    assert RecordEntry.objects.count() == entries
    unit.refresh_from_db()
    assert unit.status == Enrolment.Status.COMPLETED
    assert verify_centre(unit.centre_id).first_break is None
