"""The record page says each decision in words, with the entry's full hash beside it."""

from __future__ import annotations

from django.urls import reverse

from assessments import services
from assessments.models import RecordEntry
from standards.models import Criterion


def test_record_page_reads_as_a_record(people) -> None:
    criterion = Criterion.objects.get(standard=people.enrolment.standard, reference="P1")
    services.judgement_record(
        enrolment=people.enrolment,
        criterion=criterion,
        assessor=people.assessor,
        met=False,
        rationale="Only <b>one</b> observation & no witness.",
    )
    entry = RecordEntry.objects.get(enrolment=people.enrolment)
    client = people.client_for(people.learner)
    response = client.get(reverse("assessments:record", args=[people.enrolment.pk]))
    html = response.content.decode()
    assert (
        "Bob Assessor judged P1 not met: “Only &lt;b&gt;one&lt;/b&gt; observation &amp; no" in html
    )
    assert "<b>one</b>" not in html
    assert entry.entry_hash in html


def test_record_page_describes_an_odd_old_entry(people) -> None:
    services.record_append(
        enrolment=people.enrolment,
        actor=people.admin,
        action=RecordEntry.Action.REOPENED,
        payload={"note": "written before reasons were recorded"},
    )
    client = people.client_for(people.admin)
    response = client.get(reverse("assessments:record", args=[people.enrolment.pk]))
    assert response.status_code == 200
    assert "Dave Admin reopened the unit" in response.content.decode()
