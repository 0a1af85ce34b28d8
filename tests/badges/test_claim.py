"""Claiming: only the learner, only for an IQA-verified unit, once per sign-off; every other
state is refused with the reason, and the page offers Claim only when the service would
accept."""

import pytest
from django.urls import reverse

from assessments.errors import NotPermittedError, WrongStateError
from portal.badges.models import Badge
from portal.badges.services import badge_claim, claim_refusal
from portal.badges.signing import NotConfiguredError
from review.status import state_of
from tests.badges.helpers import reopen, verify_unit


def test_claim_is_idempotent_one_badge_per_sign_off(people) -> None:
    verify_unit(people.enrolment)
    first = badge_claim(learner=people.learner, enrolment=people.enrolment)
    again = badge_claim(learner=people.learner, enrolment=people.enrolment)
    assert first.pk == again.pk and Badge.objects.count() == 1


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda e: None, "In progress"),
        (lambda e: verify_unit(e, verified=False, countersigned=False), "learner"),
        (lambda e: verify_unit(e, verified=False), "IQA"),
    ],
    ids=["in progress", "awaiting learner", "awaiting IQA"],
)
def test_unverified_units_are_refused_with_their_state(people, make, words) -> None:
    make(people.enrolment)
    with pytest.raises(WrongStateError) as refused:
        badge_claim(learner=people.learner, enrolment=people.enrolment)
    assert state_of(people.enrolment).label in refused.value.messages[0]
    assert words.lower() in refused.value.messages[0].lower()
    assert not Badge.objects.exists()


def test_reopened_unit_is_refused_and_a_new_verification_gives_a_new_badge(people) -> None:
    sign_off = verify_unit(people.enrolment)
    old = badge_claim(learner=people.learner, enrolment=people.enrolment)
    reopen(sign_off, people.admin)
    assert claim_refusal(people.enrolment, people.learner) is not None
    verify_unit(people.enrolment)
    new = badge_claim(learner=people.learner, enrolment=people.enrolment)
    assert new.pk != old.pk and old.identifier != new.identifier


def test_only_the_learner_claims(people) -> None:
    verify_unit(people.enrolment)
    with pytest.raises(NotPermittedError):
        badge_claim(learner=people.other_learner, enrolment=people.enrolment)


def test_no_email_is_refused_clearly(people) -> None:
    verify_unit(people.enrolment)
    people.learner.email = ""
    people.learner.save()
    with pytest.raises(WrongStateError, match="no email address"):
        badge_claim(learner=people.learner, enrolment=people.enrolment)


def test_unconfigured_key_says_badges_are_not_configured(people, settings, client) -> None:
    settings.BADGE_SIGNING_KEY_FILE = ""
    verify_unit(people.enrolment)
    with pytest.raises(NotConfiguredError, match="not configured"):
        badge_claim(learner=people.learner, enrolment=people.enrolment)
    client.force_login(people.learner)
    page = client.get(reverse("badges:mine"))
    assert "not configured" in page.content.decode()
    assert "Claim badge" not in page.content.decode()
    response = client.post(reverse("badges:claim", args=[people.enrolment.pk]), follow=True)
    assert response.status_code == 200 and "not configured" in response.content.decode()
    assert client.get(reverse("badges:jwks")).json() == {"keys": []}


def test_page_offers_claim_only_when_the_service_accepts(people, client) -> None:
    client.force_login(people.learner)
    page = client.get(reverse("badges:mine")).content.decode()
    assert "Claim badge" not in page and "verified the unit" in page
    verify_unit(people.enrolment)
    page = client.get(reverse("badges:mine")).content.decode()
    assert "Claim badge" in page
    response = client.post(reverse("badges:claim", args=[people.enrolment.pk]))
    assert response.status_code == 302
    badge = Badge.objects.get()
    page = client.get(reverse("badges:mine")).content.decode()
    assert "Claim badge" not in page and f"/badges/{badge.pk}/download.jwt" in page


def test_refused_claim_redirects_with_the_reason(people, client) -> None:
    client.force_login(people.learner)
    response = client.post(reverse("badges:claim", args=[people.enrolment.pk]), follow=True)
    assert "verified the unit" in response.content.decode()
    assert not Badge.objects.exists()


def test_another_learners_unit_and_badge_are_404(people, client) -> None:
    verify_unit(people.enrolment)
    badge = badge_claim(learner=people.learner, enrolment=people.enrolment)
    client.force_login(people.other_learner)
    assert client.post(reverse("badges:claim", args=[people.enrolment.pk])).status_code == 404
    assert client.get(reverse("badges:download", args=[badge.pk, "jwt"])).status_code == 404
    client.force_login(people.outsider_learner)
    assert client.get(reverse("badges:download", args=[badge.pk, "json"])).status_code == 404


def test_download_is_the_issued_token(people, client) -> None:
    verify_unit(people.enrolment)
    badge = badge_claim(learner=people.learner, enrolment=people.enrolment)
    client.force_login(people.learner)
    response = client.get(reverse("badges:download", args=[badge.pk, "jwt"]))
    assert response.content.decode() == badge.token
    assert response["Content-Disposition"].startswith("attachment;")


def test_my_badges_query_count_does_not_grow(people, client, django_assert_max_num_queries):
    from tests.factories import EnrolmentFactory, StandardFactory

    client.force_login(people.learner)

    def add_units(n: int) -> None:
        for _ in range(n):
            enrolment = EnrolmentFactory(
                learner=people.learner,
                centre=people.centre,
                standard=StandardFactory(),
                assessor=people.assessor,
                iqa=people.iqa,
            )
            verify_unit(enrolment)
            badge_claim(learner=people.learner, enrolment=enrolment)

    add_units(1)
    with django_assert_max_num_queries(12) as small:
        assert client.get(reverse("badges:mine")).status_code == 200
    add_units(5)
    with django_assert_max_num_queries(12) as large:
        assert client.get(reverse("badges:mine")).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
