"""Evidence lists at size: counts are per row of the page shown (no GROUP BY over every
visible item), a search by file name needs no DISTINCT, and the query count does not grow."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evidence import forms
from evidence.models import Mapping
from evidence.selectors import awaiting_review_for, evidence_list
from standards.models import Criterion
from tests.evidence.helpers import add_file, make_item, submitted_item
from tests.factories import EnrolmentFactory


def test_counts_are_per_item_and_no_row_repeats(people) -> None:
    criterion = Criterion.objects.get(reference="P1")
    item = make_item(people.enrolment, title="Two photos")
    add_file(item, "first.png")
    add_file(item, "second.png")
    Mapping.objects.create(item=item, criterion=criterion)
    make_item(people.enrolment, title="Nothing yet")
    rows = {i.title: (i.file_count, i.mapping_count) for i in evidence_list(people.assessor)}
    assert rows == {"Two photos": (2, 1), "Nothing yet": (0, 0)}
    # Both file names match: the item is listed once.
    assert [i.title for i in evidence_list(people.assessor, query=".png")] == ["Two photos"]
    assert [i.title for i in evidence_list(people.assessor, query="second")] == ["Two photos"]


def test_no_grouping_or_distinct_over_the_visible_items(people) -> None:
    sql = str(evidence_list(people.admin, query="photo").query).upper()
    # Subqueries group one item's rows; the outer query (up to its ORDER BY) groups nothing.
    assert not re.search(r"GROUP BY [^()]*ORDER BY [^()]*$", sql)
    assert "DISTINCT" not in sql
    awaiting = str(awaiting_review_for(people.assessor).query).upper()
    assert "DISTINCT" not in awaiting


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_list_and_dashboard_query_counts_do_not_grow(people) -> None:
    client = people.client_for(people.assessor)
    submitted_item(people.enrolment, title="First")
    small = [
        _queries(client, reverse("evidence:list")),
        _queries(client, reverse("assessor_dashboard")),
    ]
    for n in range(12):
        submitted_item(people.enrolment, title=f"Item {n}")
    large = [
        _queries(client, reverse("evidence:list")),
        _queries(client, reverse("assessor_dashboard")),
    ]
    assert large == small


def test_filter_lists_every_enrolment_only_up_to_a_limit(people, monkeypatch) -> None:
    monkeypatch.setattr(forms, "ENROLMENTS_LISTED", 1)
    client = people.client_for(people.admin)
    other = EnrolmentFactory(
        learner=people.other_learner, centre=people.centre, standard=people.enrolment.standard
    )
    submitted_item(other, title="Amir's item")
    submitted_item(people.enrolment, title="Alice's item")
    response = client.get(reverse("evidence:list"))
    assert [value for value, _label in response.context["form"].fields["enrolment"].choices] == [""]
    assert "Too many learners to list here" in response.content.decode()
    # The one asked for (a learner's link) is still offered and filters the list.
    response = client.get(reverse("evidence:list"), {"enrolment": other.pk})
    choices = response.context["form"].fields["enrolment"].choices
    assert [value for value, _label in choices] == ["", str(other.pk)]
    assert [i.title for i in response.context["page"]] == ["Amir's item"]
    # Another centre's enrolment, or nonsense, filters nothing and is no error.
    for asked in (people.outsider_enrolment.pk, "x1", "99999999999999999999"):
        response = client.get(reverse("evidence:list"), {"enrolment": asked})
        assert response.status_code == 200
        assert len(response.context["page"]) == 2
