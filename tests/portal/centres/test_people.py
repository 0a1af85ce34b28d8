from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from portal.accounts.models import User
from tests.factories import UserFactory


def test_admin_lists_only_own_centre(people) -> None:
    response = people.client_for(people.admin).get(reverse("centres:people"))
    names = [p.username for p in response.context["page"]]
    assert "alice" in names
    assert "oscar" not in names and "olga" not in names


def test_people_list_filters_by_role_and_text(people) -> None:
    client = people.client_for(people.admin)
    response = client.get(reverse("centres:people"), {"role": "assessor"})
    assert [p.username for p in response.context["page"]] == ["bob"]
    response = client.get(reverse("centres:people"), {"q": "carol"})
    assert [p.username for p in response.context["page"]] == ["carol"]


def test_people_list_query_count_does_not_grow(people, django_assert_max_num_queries) -> None:
    client = people.client_for(people.admin)
    with django_assert_max_num_queries(8):
        client.get(reverse("centres:people"))
    UserFactory.create_batch(30, centre=people.centre, is_learner=True)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("centres:people"))
    assert response.context["page"].paginator.count == 35
    assert len(response.context["page"]) == 25


def test_create_person_with_invitation(people) -> None:
    response = people.client_for(people.admin).post(
        reverse("centres:person_create"),
        {"full_name": "Nia New", "username": "nia", "email": "nia@example.org", "is_learner": "on"},
    )
    person = User.objects.get(username="nia")
    assert response.status_code == 302
    assert response["Location"] == reverse("centres:person_detail", args=[person.pk])
    assert person.centre == people.centre and person.is_learner
    assert not person.has_usable_password()
    assert len(mail.outbox) == 1
    assert "Your username is: nia" in mail.outbox[0].body
    assert "/accounts/reset/" in mail.outbox[0].body


def test_invitation_link_sets_password(people, client) -> None:
    people.client_for(people.admin).post(
        reverse("centres:person_create"),
        {"full_name": "Nia New", "username": "nia", "email": "nia@example.org", "is_learner": "on"},
    )
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
    path = link.split("testserver", 1)[1]
    response = client.get(path, follow=True)
    assert response.context["validlink"]
    response = client.post(
        response.redirect_chain[-1][0],
        {
            "new_password1": "a-long-unusual-passphrase",
            "new_password2": "a-long-unusual-passphrase",
        },
    )
    assert response.status_code == 302
    assert client.login(username="nia", password="a-long-unusual-passphrase")


def test_create_person_with_initial_password(people, client) -> None:
    people.client_for(people.admin).post(
        reverse("centres:person_create"),
        {
            "full_name": "Sam Staff",
            "username": "sam",
            "is_assessor": "on",
            "is_iqa": "on",
            "initial_password": "a-long-unusual-passphrase",
            "your_password": "password",
        },
    )
    assert not mail.outbox
    assert client.login(username="sam", password="a-long-unusual-passphrase")
    sam = User.objects.get(username="sam")
    assert sam.is_assessor and sam.is_iqa and not sam.is_learner


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"full_name": "X", "username": "x", "email": "x@example.org"},
            "Choose at least one role.",
        ),
        (
            {"full_name": "X", "username": "x", "is_learner": "on"},
            "Give an email address to send an invitation, or set an initial password.",
        ),
        (
            {"full_name": "X", "username": "alice", "email": "a@example.org", "is_learner": "on"},
            "A user with that username already exists.",
        ),
        (
            {"full_name": "X", "username": "x", "is_learner": "on", "initial_password": "123"},
            "This password is too short.",
        ),
    ],
)
def test_create_person_refusals(people, data, message) -> None:
    count = User.objects.count()
    response = people.client_for(people.admin).post(reverse("centres:person_create"), data)
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert User.objects.count() == count


def test_edit_roles(people) -> None:
    client = people.client_for(people.admin)
    response = client.post(
        reverse("centres:person_edit", args=[people.assessor.pk]),
        {
            "full_name": "Bob B",
            "email": "bob@example.org",
            "is_assessor": "on",
            "is_iqa": "on",
            "your_password": "password",
        },
    )
    assert response.status_code == 302
    people.assessor.refresh_from_db()
    assert people.assessor.is_iqa and people.assessor.full_name == "Bob B"


def test_admin_cannot_drop_own_admin_role(people) -> None:
    response = people.client_for(people.admin).post(
        reverse("centres:person_edit", args=[people.admin.pk]),
        {"full_name": "Dave", "email": "", "is_learner": "on", "your_password": "password"},
    )
    assert response.status_code == 200
    assert "You cannot remove your own centre admin role." in response.content.decode()
    people.admin.refresh_from_db()
    assert people.admin.is_centre_admin


def test_deactivate_and_reactivate(people, client) -> None:
    admin = people.client_for(people.admin)
    url = reverse("centres:person_set_active", args=[people.learner.pk])
    admin.post(url, {"active": "0"})
    people.learner.refresh_from_db()
    assert not people.learner.is_active
    assert not client.login(username="alice", password="password")
    admin.post(url, {"active": "1"})
    assert client.login(username="alice", password="password")


def test_admin_cannot_deactivate_self(people) -> None:
    response = people.client_for(people.admin).post(
        reverse("centres:person_set_active", args=[people.admin.pk]), {"active": "0"}, follow=True
    )
    assert "You cannot deactivate your own account." in response.content.decode()
    people.admin.refresh_from_db()
    assert people.admin.is_active


def test_other_centre_person_is_404(people) -> None:
    client = people.client_for(people.admin)
    for name in ("centres:person_detail", "centres:person_edit"):
        assert client.get(reverse(name, args=[people.outsider_learner.pk])).status_code == 404
    url = reverse("centres:person_set_active", args=[people.outsider_learner.pk])
    assert client.post(url, {"active": "0"}).status_code == 404
    people.outsider_learner.refresh_from_db()
    assert people.outsider_learner.is_active


def test_resend_invitation(people) -> None:
    response = people.client_for(people.admin).post(
        reverse("centres:person_invite", args=[people.learner.pk]), follow=True
    )
    assert "A link to set a password was sent to alice@example.org." in response.content.decode()
    assert mail.outbox[0].to == ["alice@example.org"]
