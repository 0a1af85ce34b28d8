"""Centre reports: learners by state and target date, assessors' caseloads and decisions,
on screen and as CSV. States agree with review.status; query counts do not grow."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Enrolment, UnitSignOff
from portal.reports import selectors
from review.status import EnrolmentState, state_of, with_state_code
from tests.factories import EnrolmentFactory, UserFactory
from tests.review.helpers import signed_off

pytestmark = pytest.mark.django_db


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def _states(people) -> dict[int, EnrolmentState]:
    """One enrolment in each state, built through the services."""
    made = {}
    in_progress = EnrolmentFactory(
        centre=people.centre, standard=people.enrolment.standard, assessor=people.assessor
    )
    made[in_progress.pk] = EnrolmentState.IN_PROGRESS
    signed_off(people.enrolment)
    made[people.enrolment.pk] = EnrolmentState.AWAITING_LEARNER
    countersigned = EnrolmentFactory(
        centre=people.centre, standard=people.enrolment.standard, assessor=people.assessor
    )
    sign_off = signed_off(countersigned)
    UnitSignOff.objects.filter(pk=sign_off.pk).update(countersigned_at=timezone.now())
    made[countersigned.pk] = EnrolmentState.AWAITING_IQA
    verified = EnrolmentFactory(
        centre=people.centre, standard=people.enrolment.standard, assessor=people.assessor
    )
    sign_off = signed_off(verified)
    UnitSignOff.objects.filter(pk=sign_off.pk).update(
        countersigned_at=timezone.now(), iqa_verified_at=timezone.now(), iqa_verified_by=people.iqa
    )
    made[verified.pk] = EnrolmentState.IQA_VERIFIED
    withdrawn = EnrolmentFactory(
        centre=people.centre,
        standard=people.enrolment.standard,
        status=Enrolment.Status.WITHDRAWN,
        ended_on=timezone.localdate(),
    )
    made[withdrawn.pk] = EnrolmentState.WITHDRAWN
    return made


def test_state_code_in_sql_agrees_with_state_of(people) -> None:
    made = _states(people)
    rows = with_state_code(Enrolment.objects.filter(pk__in=made))
    for enrolment in rows:
        assert enrolment.state_code == state_of(enrolment) == made[enrolment.pk]
    counts = selectors.state_counts(people.centre.pk)
    assert counts[EnrolmentState.IN_PROGRESS] == 1
    assert counts[EnrolmentState.AWAITING_LEARNER] == 1
    assert counts[EnrolmentState.IQA_VERIFIED] == 1


def test_learners_page_filters_by_state_and_lists_overdue(people) -> None:
    _states(people)
    late = EnrolmentFactory(
        centre=people.centre,
        standard=people.enrolment.standard,
        assessor=people.assessor,
        start_date=timezone.localdate() - datetime.timedelta(days=100),
        target_end_date=timezone.localdate() - datetime.timedelta(days=3),
    )
    client = people.client_for(people.admin)
    url = reverse("reports:learners", args=[people.centre.pk])
    page = client.get(url, {"overdue": "on"}).content.decode()
    assert late.learner.display_name in page
    assert "3 days past target" in page
    assert people.learner.display_name not in page
    page = client.get(url, {"state": "awaiting_learner"}).content.decode()
    assert people.learner.display_name in page
    assert client.get(url, {"state": "nonsense"}).status_code == 400


def test_learners_csv_is_safe_for_spreadsheets(people) -> None:
    people.learner.full_name = "=HYPERLINK(1)"
    people.learner.save()
    client = people.client_for(people.iqa)
    rows = _csv(client.get(reverse("reports:learners_csv", args=[people.centre.pk])))
    assert rows[0][:2] == ["Learner", "Standard"]
    assert any(row[0] == "'=HYPERLINK(1)" for row in rows[1:])


def test_caseloads_count_decisions_in_the_window(people) -> None:
    signed_off(people.enrolment)
    client = people.client_for(people.admin)
    url = reverse("reports:caseloads", args=[people.centre.pk])
    response = client.get(url)
    row = next(r for r in response.context["rows"] if r["person"] == people.assessor)
    assert row["decisions"]["signed_off"] == 1
    assert row["decisions"]["judgement"] == people.enrolment.standard.criteria.count()
    old = {"start": "2000-01-01", "end": "2000-12-31"}
    response = client.get(url, old)
    row = next(r for r in response.context["rows"] if r["person"] == people.assessor)
    assert row["decisions"]["signed_off"] == 0
    rows = _csv(client.get(reverse("reports:caseloads_csv", args=[people.centre.pk])))
    assert rows[0][:4] == ["Assessor", "Active caseload", "Past target", "Completed"]
    line = next(r for r in rows if r[0] == people.assessor.display_name)
    assert line[-1] == "1"


@pytest.mark.parametrize(
    "window",
    [{"start": "2026-05-01", "end": "2026-01-01"}, {"start": "2010-01-01", "end": "2026-01-01"}],
)
def test_a_bad_window_is_a_400_with_a_message(people, window) -> None:
    client = people.client_for(people.admin)
    response = client.get(reverse("reports:caseloads", args=[people.centre.pk]), window)
    assert response.status_code == 400
    assert b'role="alert"' in response.content


def _more(people, n: int) -> None:
    for _ in range(n):
        assessor = UserFactory(centre=people.centre, is_assessor=True)
        EnrolmentFactory(
            centre=people.centre, standard=people.enrolment.standard, assessor=assessor
        )


@pytest.mark.parametrize("name", ["reports:index", "reports:learners", "reports:caseloads"])
def test_query_counts_do_not_grow(people, name, django_assert_max_num_queries) -> None:
    client = people.client_for(people.admin)
    url = reverse(name, args=[people.centre.pk])
    _more(people, 2)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    _more(people, 12)
    with django_assert_max_num_queries(len(small)):
        client.get(url)
