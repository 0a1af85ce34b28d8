"""The public side: the issuer profile (HTML and OB 3.0 JSON), the keys, a centre's
revocation list, the verification page and ``manage.py verify_badge``."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from portal.badges import credential
from portal.badges.services import badge_claim
from tests.badges.helpers import payload_of, reopen, verify_unit, with_payload


@pytest.fixture
def badge(people):
    verify_unit(people.enrolment)
    return badge_claim(learner=people.learner, enrolment=people.enrolment)


def test_issuer_profile_html_and_json(people, client) -> None:
    url = reverse("badges:issuer", args=[people.centre.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Alpha Centre" in page.content.decode()
    for response in (
        client.get(url, {"format": "json"}),
        client.get(url, headers={"accept": "application/json"}),
    ):
        profile = response.json()
        assert profile["id"] == credential.issuer_url(people.centre.pk)
        assert profile["type"] == ["Profile"] and profile["name"] == "Alpha Centre"
    assert client.get(reverse("badges:issuer", args=[99999])).status_code == 404


def test_revocation_list_lists_reopened_units_only(people, client, badge) -> None:
    url = reverse("badges:revocations", args=[people.centre.pk])
    assert client.get(url).json()["revokedCredentials"] == []
    reopen(badge.sign_off, people.admin)
    listed = client.get(url).json()
    assert listed["type"] == "1EdTechRevocationList"
    assert [row["id"] for row in listed["revokedCredentials"]] == [badge.credential_id]
    other = reverse("badges:revocations", args=[people.other_centre.pk])
    assert client.get(other).json()["revokedCredentials"] == []


def test_revocation_list_query_count_does_not_grow(
    people, client, django_assert_num_queries
) -> None:
    from tests.factories import EnrolmentFactory, StandardFactory

    def revoked(n: int) -> None:
        for _ in range(n):
            enrolment = EnrolmentFactory(
                learner=people.learner,
                centre=people.centre,
                standard=StandardFactory(),
                assessor=people.assessor,
                iqa=people.iqa,
            )
            sign_off = verify_unit(enrolment)
            badge_claim(learner=people.learner, enrolment=enrolment)
            reopen(sign_off, people.admin)

    url = reverse("badges:revocations", args=[people.centre.pk])
    revoked(1)
    with django_assert_num_queries(2):
        assert len(client.get(url).json()["revokedCredentials"]) == 1
    revoked(4)
    with django_assert_num_queries(2):
        assert len(client.get(url).json()["revokedCredentials"]) == 5


def test_verify_page_pasted_and_uploaded(client, badge) -> None:
    url = reverse("badges:verify")
    assert client.get(url).status_code == 200
    page = client.post(url, {"token": badge.token})
    assert page.status_code == 200 and "Valid badge" in page.content.decode()
    upload = SimpleUploadedFile("badge.jwt", badge.token.encode(), "application/jwt")
    page = client.post(url, {"file": upload})
    assert page.status_code == 200 and "Valid badge" in page.content.decode()


def test_verify_page_shows_which_check_failed(client, people, badge) -> None:
    url = reverse("badges:verify")
    payload = payload_of(badge.token)
    payload["name"] += "!"
    page = client.post(url, {"token": with_payload(badge.token, payload)}).content.decode()
    assert "Not valid" in page and "the badge was changed after it was issued" in page
    reopen(badge.sign_off, people.admin)
    page = client.post(url, {"token": badge.token}).content.decode()
    assert "Not valid" in page and "reopened the unit" in page


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({}, "Paste a badge or choose its file"),
        ({"token": "not a badge"}, "not a VC-JWT"),
        ({"file": SimpleUploadedFile("big.jwt", b"a" * (64 * 1024 + 1))}, "larger than 64 KB"),
        ({"file": SimpleUploadedFile("x.jwt", b"\xff\xfe\x00")}, "not text"),
        ({"token": "a" * (64 * 1024 + 1)}, "at most"),
    ],
    ids=["empty", "garbage", "too big", "binary", "pasted too long"],
)
def test_bad_input_is_a_400_with_a_message(db, client, data, words) -> None:
    response = client.post(reverse("badges:verify"), data)
    assert response.status_code == 400
    assert words in response.content.decode()


def test_verify_badge_command(tmp_path, people, badge) -> None:
    good = tmp_path / "badge.jwt"
    good.write_text(badge.token)
    out = io.StringIO()
    call_command("verify_badge", str(good), stdout=out)
    assert "Signature: passed" in out.getvalue() and "Valid" in out.getvalue()
    payload = payload_of(badge.token)
    payload["validFrom"] = "2020-01-01T00:00:00Z"
    bad = tmp_path / "tampered.jwt"
    bad.write_text(with_payload(badge.token, payload))
    out = io.StringIO()
    with pytest.raises(CommandError, match="signature check failed"):
        call_command("verify_badge", str(bad), stdout=out)
    assert "Signature: FAILED" in out.getvalue()
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("verify_badge", str(tmp_path / "missing.jwt"))
