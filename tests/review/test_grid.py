from __future__ import annotations

import json

from django.urls import reverse

from evidence.models import EvidenceItem, Mapping
from tests.assessments.helpers import make_item, make_items
from tests.factories import CriterionFactory, EnrolmentFactory, UserFactory


def _grid(people):
    return reverse("review:grid", args=[people.enrolment.pk])


def _toggle(people, item, criterion):
    return reverse("review:grid_toggle", args=[people.enrolment.pk, item.pk, criterion.pk])


def test_one_click_maps_and_returns_just_the_cell(people) -> None:
    item = make_item(people.enrolment, evidence_type=EvidenceItem.Type.WITNESS)
    criterion = people.enrolment.standard.criteria.get()
    client = people.client_for(people.assessor)
    response = client.post(_toggle(people, item, criterion), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.strip().startswith("<td") and "<html" not in html
    assert f"Unmap {item.reference} from P1" in html and "WT" in html
    assert json.loads(response["HX-Trigger"])["announce"].startswith("Mapped E1 to P1")
    assert Mapping.objects.get().method == Mapping.Method.WITNESS
    response = client.post(
        _toggle(people, item, criterion), {"method": "observation"}, HTTP_HX_REQUEST="true"
    )
    assert f"Map {item.reference} to P1" in response.content.decode()
    client.post(_toggle(people, item, criterion), {"method": "discussion"})
    assert Mapping.objects.get().method == Mapping.Method.DISCUSSION


def test_criteria_without_evidence_stand_out_in_text(people) -> None:
    response = people.client_for(people.assessor).get(_grid(people))
    html = response.content.decode()
    assert "⚠ No evidence yet" in html
    assert "Criteria with no evidence yet: <strong>1</strong>" in html


def test_learner_sees_the_grid_read_only(people) -> None:
    item = make_item(people.enrolment)
    response = people.client_for(people.learner).get(_grid(people))
    html = response.content.decode()
    assert response.status_code == 200
    assert "My progress on" in html
    assert f"Map {item.reference}" not in html and "hx-post" not in html


def test_grid_query_count_does_not_grow_with_evidence(
    people, django_assert_max_num_queries
) -> None:
    group = people.enrolment.standard.criteria.get().group
    criteria = [CriterionFactory(group=group, order=10 + n) for n in range(20)]
    client = people.client_for(people.assessor)
    # the plan; the unread count in the nav; whether there is a transferred history
    with django_assert_max_num_queries(17) as small:
        client.get(_grid(people))
    items = make_items(people.enrolment, 300)
    Mapping.objects.bulk_create(
        [
            Mapping(item=item, criterion=criteria[n % 20], confirmed=True, method="product")
            for n, item in enumerate(items)
        ]
    )
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        response = client.get(_grid(people))
    assert response.status_code == 200
    assert "Evidence page 25" in response.content.decode()
    print(
        f"grid queries: {len(small.captured_queries)} empty, "
        f"{len(large.captured_queries)} with 300 items"
    )


def test_caseload_query_count_does_not_grow(people, django_assert_max_num_queries) -> None:
    client = people.client_for(people.assessor)
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("assessor_dashboard"))
    for _ in range(10):
        enrolment = EnrolmentFactory(
            learner=UserFactory(centre=people.centre, is_learner=True),
            centre=people.centre,
            standard=people.enrolment.standard,
            assessor=people.assessor,
        )
        make_items(enrolment, 30)
        make_items(enrolment, 3, status=EvidenceItem.Status.REFERRED)
    make_items(people.enrolment, 100)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("assessor_dashboard"))
    assert len(response.context["page"]) == 11
    assert "3 referred back" in response.content.decode()
