"""The import page, the transferred-history page and the public key."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.transfer.models import TransferredPortfolio
from portal.transfer.signing import public_key_document
from standards.models import Standard
from tests.factories import EnrolmentFactory
from tests.transfer.helpers import build, members, rezip

pytestmark = pytest.mark.django_db


def _post(client, people, data: bytes):
    client.force_login(people.outsider_admin)
    return client.post(
        reverse("transfer:import"),
        {
            "learner": people.outsider_learner.pk,
            "package": SimpleUploadedFile("p.zip", data, "application/zip"),
        },
    )


def test_public_key(client) -> None:
    response = client.get(reverse("transfer:public_key"))
    assert response.json() == public_key_document()


def test_import_then_history(client, people, portfolio) -> None:
    EnrolmentFactory(
        learner=people.outsider_learner,
        centre=people.other_centre,
        standard=Standard.objects.get(slug="scdcpc509-v2"),
    )
    response = _post(client, people, build(portfolio.learner))
    url = reverse("transfer:history", kwargs={"pk": people.outsider_learner.pk})
    assert response.status_code == 302 and response.url == url
    page = client.get(url).content.decode()
    assert people.centre.name in page
    assert portfolio.assessor.display_name in page
    assert "hashes verified on import" in page
    client.force_login(people.admin)  # another centre: not theirs
    assert client.get(url).status_code == 404


def test_a_tampered_package_is_a_400_with_the_reason(client, people, portfolio) -> None:
    files = members(build(portfolio.learner))
    files["portfolio.pdf"] += b"%"
    response = _post(client, people, rezip(files))
    assert response.status_code == 400
    assert "portfolio.pdf does not match the manifest" in response.content.decode()
    assert not TransferredPortfolio.objects.exists()


def test_not_a_zip_is_a_400(client, people) -> None:
    response = _post(client, people, b"hello")
    assert response.status_code == 400
    assert "not a ZIP package" in response.content.decode()


def test_history_query_count_does_not_grow(
    client, people, portfolio, django_assert_max_num_queries
) -> None:
    url = reverse("transfer:history", kwargs={"pk": people.outsider_learner.pk})
    _post(client, people, build(portfolio.learner))
    # Alice's package judged criteria of her factory standard too, loaded here but not one of
    # this learner's: its criteria are looked up among the equivalences (two queries)
    with django_assert_max_num_queries(12):
        client.get(url)
    _post(client, people, build(portfolio.learner))
    EnrolmentFactory(learner=people.outsider_learner, centre=people.other_centre)
    with django_assert_max_num_queries(12):  # two packages, two enrolments: the same
        client.get(url)
