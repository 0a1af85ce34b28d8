"""The centre record page: the centre's whole record newest first, filtered by kind and date,
each row in words with its learner (linked only for who may open the grid) and short hash; the
chain's check from its checkpoint at the top; IQAs, admins and the granted EQA only."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import RecordEntry
from assessments.services import record_append
from portal.reports import selectors
from tests.factories import EnrolmentFactory

pytestmark = pytest.mark.django_db

Action = RecordEntry.Action


def _url(people) -> str:
    return reverse("reports:record", args=[people.centre.pk])


def _append(people, n: int, *, enrolment=None, action=Action.JUDGEMENT) -> list[RecordEntry]:
    return [
        record_append(
            enrolment=enrolment or people.enrolment,
            actor=people.assessor,
            action=action,
            payload={"criterion": f"P{i + 1}", "met": True},
        )
        for i in range(n)
    ]


def test_every_action_is_in_exactly_one_kind() -> None:
    grouped = [a for _label, actions in selectors.RECORD_KINDS.values() for a in actions]
    assert sorted(grouped) == sorted(Action.values)


def test_lists_the_record_newest_first_in_words_with_short_hashes(people) -> None:
    entries = _append(people, 3)
    response = people.client_for(people.iqa).get(_url(people))
    assert response.status_code == 200
    page = list(response.context["page"])
    assert [e.sequence for e in page] == [3, 2, 1]
    text = response.content.decode()
    assert f"{people.assessor.display_name} judged P3 met" in text
    assert entries[-1].entry_hash[:12] in text
    assert "Intact" in text
    assert "up to entry #3" in text


def test_learner_links_to_the_grid_only_for_who_may_open_it(people) -> None:
    elsewhere = EnrolmentFactory(centre=people.centre, standard=people.enrolment.standard)
    _append(people, 1, enrolment=elsewhere)
    grid = reverse("review:grid", args=[elsewhere.pk])
    admin = people.client_for(people.admin).get(_url(people)).content.decode()
    assert f'href="{grid}"' in admin
    # The IQA reads the centre's record but opens only the grids of their own learners.
    iqa = people.client_for(people.iqa).get(_url(people)).content.decode()
    assert f'href="{grid}"' not in iqa
    assert elsewhere.learner.display_name in iqa


def test_filters_by_kind_and_date(people) -> None:
    _append(people, 2)
    _append(people, 1, action=Action.SIGNED_OFF)
    client = people.client_for(people.admin)
    response = client.get(_url(people), {"kind": "iqa"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    assert "No entries match the filter." in response.content.decode()
    response = client.get(_url(people), {"kind": "judgements"})
    assert response.context["page"].paginator.count == 3
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    assert client.get(_url(people), {"start": tomorrow}).context["page"].paginator.count == 0
    response = client.get(_url(people), {"start": today, "end": today})
    assert response.context["page"].paginator.count == 3


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "2026-13-45"}, "Enter the start date as a real date"),
        ({"end": "soon"}, "Enter the end date as a real date"),
        ({"start": "2026-05-01", "end": "2026-01-01"}, "on or before the end date"),
        ({"kind": "nonsense"}, "Select a valid choice"),
    ],
)
def test_bad_filters_are_a_400_in_words(people, query, message) -> None:
    _append(people, 1)
    response = people.client_for(people.admin).get(_url(people), query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_paginates_fifty_to_a_page(people) -> None:
    _append(people, 51)
    client = people.client_for(people.admin)
    first = client.get(_url(people))
    assert len(first.context["page"]) == 50
    second = client.get(_url(people), {"page": 2})
    assert [e.sequence for e in second.context["page"]] == [1]


def test_chain_check_resumes_from_the_checkpoint(people) -> None:
    _append(people, 3)
    call_command("verify_record", sweep=0)
    _append(people, 2)
    status = selectors.chain_status(people.centre.pk)
    assert (status.intact_to, status.first_break, status.checkpoint_at is not None) == (
        5,
        None,
        True,
    )


def test_too_many_unchecked_entries_are_not_walked_on_request(people, monkeypatch) -> None:
    _append(people, 4)
    monkeypatch.setattr(selectors, "CHECK_ON_REQUEST", 3)
    walked = []
    monkeypatch.setattr(selectors, "verify_centre_since_checkpoint", walked.append)
    status = selectors.chain_status(people.centre.pk)
    assert (status.unchecked, walked) == (4, [])
    response = people.client_for(people.admin).get(_url(people))
    assert "too many to check on this page" in response.content.decode()


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the trigger blocks the raw UPDATE")
def test_a_broken_chain_says_where(people) -> None:
    entries = _append(people, 3)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE assessments_recordentry SET payload = %s WHERE id = %s",
            ['{"criterion": "P9", "met": false}', entries[1].pk],
        )
    text = people.client_for(people.eqa).get(_url(people)).content.decode()
    assert "The record is broken at entry #2" in text
    assert "edited after it was written" in text


def test_read_only_roles_are_kept_to_reading_and_others_out(people) -> None:
    assert people.client_for(people.learner).get(_url(people)).status_code == 403
    assert people.client_for(people.assessor).get(_url(people)).status_code == 403
    assert people.client_for(people.eqa).post(_url(people)).status_code == 405
    other = reverse("reports:record", args=[people.other_centre.pk])
    assert people.client_for(people.eqa).get(other).status_code == 404


def test_linked_from_my_centre_and_the_eqa_centre_page(people) -> None:
    url = _url(people)
    assert url in people.client_for(people.admin).get(reverse("centre_dashboard")).content.decode()
    eqa_page = reverse("eqa_centre", args=[people.centre.pk])
    assert url in people.client_for(people.eqa).get(eqa_page).content.decode()


@pytest.mark.parametrize("kind", ["", "judgements"])
def test_query_count_is_flat(people, kind) -> None:
    client = people.client_for(people.eqa)
    query = {"kind": kind} if kind else {}
    _append(people, 3)
    client.get(_url(people), query)
    with CaptureQueriesContext(connection) as small:
        assert client.get(_url(people), query).status_code == 200
    for _ in range(19):
        _append(people, 1, enrolment=EnrolmentFactory(centre=people.centre))
    _append(people, 38)
    assert RecordEntry.objects.filter(centre=people.centre).count() == 60
    with CaptureQueriesContext(connection) as large:
        assert client.get(_url(people), query).status_code == 200
    assert len(large) == len(small)
