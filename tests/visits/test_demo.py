from __future__ import annotations

from django.core.management import call_command

from portal.visits import services
from portal.visits.models import Visit, VisitAction


def test_demo_has_a_planned_visit_and_an_issued_report(db, settings) -> None:
    settings.DEBUG = True
    call_command("demo", verbosity=0)
    call_command("demo", verbosity=0)  # idempotent
    past, upcoming = Visit.objects.filter(eqa__username="eqa1").order_by("visit_on")
    report = services.latest_issued(past)
    assert report is not None and report.outcome == "advisory"
    assert list(past.actions.values_list("status", flat=True)) == [VisitAction.Status.OPEN]
    assert services.latest_issued(upcoming) is None
    assert upcoming.sample.exists()
    assert all(s.reason for s in upcoming.sample.all())
