from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from tests.factories import EnrolmentFactory, UserFactory


@pytest.mark.parametrize(
    ("role", "target"),
    [
        ("learner", "learner_dashboard"),
        ("assessor", "assessor_dashboard"),
        ("iqa", "iqa_dashboard"),
        ("admin", "centre_dashboard"),
        ("eqa", "eqa_dashboard"),
    ],
)
def test_each_role_lands_on_its_dashboard(people, role, target) -> None:
    response = people.client_for(getattr(people, role)).get(reverse("home"))
    assert response["Location"] == reverse(target)


def test_login_lands_on_role_dashboard(people, client) -> None:
    response = client.post(reverse("login"), {"username": "bob", "password": "password"})
    assert response["Location"] == reverse("home")


def test_user_without_role_gets_explanation(db, client) -> None:
    client.force_login(UserFactory(centre=None))
    response = client.get(reverse("home"))
    assert "Your account has no role yet" in response.content.decode()


def test_learner_sees_only_own_enrolments(people) -> None:
    response = people.client_for(people.learner).get(reverse("learner_dashboard"))
    assert [e.pk for e in response.context["page"]] == [people.enrolment.pk]


def test_assessor_caseload_lists_assigned(people) -> None:
    response = people.client_for(people.assessor).get(reverse("assessor_dashboard"))
    assert [e.pk for e in response.context["page"]] == [people.enrolment.pk]


def test_centre_dashboard_counts(people) -> None:
    response = people.client_for(people.admin).get(reverse("centre_dashboard"))
    assert response.context["people"]["learners"] == 2
    assert response.context["enrolments"]["active"] == 1


def test_eqa_sees_granted_centre_read_only(people) -> None:
    client = people.client_for(people.eqa)
    response = client.get(reverse("eqa_dashboard"))
    assert [c.name for c in response.context["centres"]] == ["Alpha Centre"]
    response = client.get(reverse("eqa_centre", args=[people.centre.pk]))
    assert [e.pk for e in response.context["page"]] == [people.enrolment.pk]
    assert client.get(reverse("centres:people")).status_code == 403


def test_caseload_query_count_constant(people, django_assert_max_num_queries) -> None:
    client = people.client_for(people.assessor)
    for _ in range(30):
        EnrolmentFactory(
            learner=UserFactory(centre=people.centre, is_learner=True),
            assessor=people.assessor,
            centre=people.centre,
        )
    # 10, one for the staff section (portal.staff.selectors.staff_dashboard_section) and
    # one for the open IQA actions (quality.selectors.open_actions_for).
    with django_assert_max_num_queries(12):
        response = client.get(reverse("assessor_dashboard"))
    assert response.status_code == 200


def test_times_shown_in_centre_time_zone(people) -> None:
    people.learner.last_login = datetime.datetime(2026, 11, 23, 12, 0, tzinfo=datetime.UTC)
    people.learner.save()
    client = people.client_for(people.admin)
    url = reverse("centres:person_detail", args=[people.learner.pk])
    assert "23/11/2026 12:00" in client.get(url).content.decode()  # London is UTC in November
    people.centre.time_zone = "Asia/Tokyo"
    people.centre.save()
    assert "23/11/2026 21:00" in client.get(url).content.decode()


def test_head_requests_are_answered_like_get(people, client) -> None:
    assert client.head(reverse("login")).status_code == 200
    assert client.head(reverse("home")).status_code == 302
    staff = people.client_for(people.admin)
    assert staff.head(reverse("centres:people")).status_code == 200


def test_caseload_shows_what_the_assessor_steers_by_and_sorts(
    people, django_assert_max_num_queries
) -> None:
    import datetime

    from django.urls import reverse

    from tests.assessments.helpers import make_item
    from tests.factories import EnrolmentFactory, StandardFactory

    late = EnrolmentFactory(
        learner=people.other_learner,
        centre=people.centre,
        standard=StandardFactory(),
        assessor=people.assessor,
        start_date=datetime.date(2024, 1, 1),
        target_end_date=datetime.date(2025, 1, 31),
    )
    make_item(people.enrolment)
    client = people.client_for(people.assessor)
    url = reverse("assessor_dashboard")
    with django_assert_max_num_queries(20):
        html = client.get(url, {"sort": "target"}).content.decode()
    assert "Overdue by" in html and 'aria-sort="ascending"' in html
    caseload = html[html.index("caseload-caption") :]
    assert caseload.index(late.learner.display_name) < caseload.index(people.learner.display_name)
    html = client.get(url, {"sort": "waiting"}).content.decode()
    assert "1 item" in html and "oldest" in html
    caseload = html[html.index("caseload-caption") :]
    assert caseload.index(people.learner.display_name) < caseload.index(late.learner.display_name)
    assert client.get(url, {"sort": "nonsense"}).status_code == 200  # falls back to learner
    for _n in range(5):  # query count does not grow with the caseload
        EnrolmentFactory(
            learner=people.other_learner,
            centre=people.centre,
            standard=StandardFactory(),
            assessor=people.assessor,
        )
    with django_assert_max_num_queries(20):
        client.get(url, {"sort": "activity"})
