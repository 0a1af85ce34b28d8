"""The demo's staff records: made once, shown where the brief says."""

from __future__ import annotations

from django.utils import timezone

from portal.accounts.models import User
from portal.staff import status
from portal.staff.demo import add_demo_staff
from portal.staff.models import (
    CpdEntry,
    ExpertWitness,
    Observation,
    Qualification,
    StandardisationActivity,
)


def test_demo_staff_records_once(db, settings) -> None:
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("demo", verbosity=0)
    add_demo_staff(timezone.localdate())  # a second run adds nothing
    today = timezone.localdate()
    assessor = User.objects.get(username="assessor1")
    assert [
        q.title
        for q in Qualification.objects.filter(person=assessor)
        if status.is_expiring(q, today)
    ] == ["Level 3 Certificate in Assessing Vocational Achievement"]
    assert CpdEntry.objects.filter(person=assessor).count() == 2
    assert StandardisationActivity.objects.count() == 1
    observation = Observation.objects.get()
    assert observation.assessor == assessor and observation.acknowledged_at is None
    assert ExpertWitness.objects.count() == 1
