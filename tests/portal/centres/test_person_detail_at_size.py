"""The person page pages an assessor's enrolments: 25 a page, in a fixed order, with the same
number of queries for a handful or hundreds."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import EnrolmentFactory, UserFactory


def _enrol(people, n: int) -> None:
    for _ in range(n):
        EnrolmentFactory(
            learner=UserFactory(centre=people.centre, is_learner=True),
            assessor=people.assessor,
            centre=people.centre,
            standard=people.enrolment.standard,
        )


def _get(client, url: str, **params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return response, len(captured.captured_queries)


def test_enrolments_are_paged_and_queries_do_not_grow(people) -> None:
    client = people.client_for(people.admin)
    url = reverse("centres:person_detail", args=[people.assessor.pk])
    _enrol(people, 2)
    response, few = _get(client, url)
    assert len(response.context["page"]) == 3
    assert "Page 1 of" not in response.content.decode()
    _enrol(people, 30)
    response, many = _get(client, url)
    assert many == few
    assert len(response.context["page"]) == 25
    assert "Page 1 of 2" in response.content.decode()
    second, _ = _get(client, url, page=2)
    assert len(second.context["page"]) == 8
    shown = [e.pk for e in response.context["page"]] + [e.pk for e in second.context["page"]]
    assert len(set(shown)) == 33
    # A page number out of range or not a number shows a page, not an error.
    assert _get(client, url, page="x")[0].context["page"].number == 1
    assert _get(client, url, page=99)[0].context["page"].number == 2
