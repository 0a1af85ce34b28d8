"""An enrolment status change that a database constraint refuses, in the Django admin and
on the centre's enrolment page: a message in words, never a 500, nothing saved."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments.models import Enrolment
from tests.factories import EnrolmentFactory, UserFactory

MESSAGE = "This learner already has an active enrolment on this standard"


@pytest.fixture
def withdrawn(people) -> Enrolment:
    e = people.enrolment
    return EnrolmentFactory(
        learner=e.learner,
        standard=e.standard,
        centre=e.centre,
        assessor=e.assessor,
        iqa=e.iqa,
        status=Enrolment.Status.WITHDRAWN,
    )


def _admin_post(people, withdrawn: Enrolment):
    operator = UserFactory(username="root", centre=None, is_superuser=True, is_staff=True)
    client = people.client_for(operator)
    url = reverse("admin:assessments_enrolment_change", args=[withdrawn.pk])
    form = client.get(url).context["adminform"].form
    data = {k: getattr(v, "pk", v) for k, v in form.initial.items() if v is not None}
    data["status"] = "active"
    return client, client.post(url, data)


def test_admin_reactivation_is_a_form_error_in_words(people, withdrawn) -> None:
    _client, response = _admin_post(people, withdrawn)
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    withdrawn.refresh_from_db()
    assert withdrawn.status == Enrolment.Status.WITHDRAWN


def test_admin_save_refused_by_the_database_is_a_message_not_a_500(
    people, withdrawn, monkeypatch
) -> None:
    """As when a second operator activates the other enrolment between check and save."""
    monkeypatch.setattr(Enrolment, "validate_constraints", lambda self, exclude=None: None)
    client, response = _admin_post(people, withdrawn)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert f"Nothing was saved: {MESSAGE}" in page.replace("&#x27;", "'")
    withdrawn.refresh_from_db()
    assert withdrawn.status == Enrolment.Status.WITHDRAWN


def test_centre_reactivation_is_a_form_error_even_when_the_database_refuses(
    people, withdrawn, monkeypatch
) -> None:
    client = people.client_for(people.admin)
    url = reverse("centres:enrolment_edit", args=[withdrawn.pk])
    form = client.get(url).context["form"]
    data = {k: getattr(v, "pk", v) for k, v in form.initial.items() if v is not None}
    data["status"] = "active"
    response = client.post(url, data)
    assert response.status_code == 200 and MESSAGE in response.content.decode()
    monkeypatch.setattr(Enrolment, "validate_constraints", lambda self, exclude=None: None)
    response = client.post(url, data)
    assert response.status_code == 200 and MESSAGE in response.content.decode()
    withdrawn.refresh_from_db()
    assert withdrawn.status == Enrolment.Status.WITHDRAWN
