from __future__ import annotations

from django.urls import reverse

from assessments import services
from assessments.models import RecordEntry


def _decisions(people, n: int = 1) -> list[RecordEntry]:
    return [
        services.record_append(
            enrolment=people.enrolment,
            actor=people.assessor,
            action=RecordEntry.Action.EVIDENCE_ACCEPTED,
            payload={"item": i, "reference": f"E{i}", "title": "t", "feedback": ""},
        )
        for i in range(n)
    ]


def test_record_page_lists_decisions(people, django_assert_max_num_queries) -> None:
    _decisions(people, n=40)
    client = people.client_for(people.learner)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("assessments:record", args=[people.enrolment.pk]))
    assert "#40" in response.content.decode()
    assert len(response.context["page"]) == 25
