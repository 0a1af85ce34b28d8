"""enrolments_visible_to: the same rows as before, each once, without a DISTINCT (which made
every annotation of a list run for all rows before the page slice and again for the count)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from assessments.access import enrolments_visible_to
from portal.centres.models import EqaGrant
from tests.factories import CentreFactory, EnrolmentFactory, UserFactory


def test_no_distinct_and_each_enrolment_once(people) -> None:
    for user in (people.learner, people.assessor, people.iqa, people.admin, people.eqa):
        visible = enrolments_visible_to(user)
        assert "DISTINCT" not in str(visible.query).upper()
        pks = list(visible.values_list("pk", flat=True))
        assert len(pks) == len(set(pks))
    assert list(enrolments_visible_to(people.eqa)) == [people.enrolment]


def test_eqa_sees_only_centres_with_an_unexpired_grant(people) -> None:
    third = CentreFactory(name="Gamma Centre")
    expired = EnrolmentFactory(
        learner=UserFactory(centre=third, is_learner=True),
        centre=third,
        standard=people.enrolment.standard,
    )
    EqaGrant.objects.create(
        user=people.eqa, centre=third, expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert expired not in enrolments_visible_to(people.eqa)
    EqaGrant.objects.filter(centre=third).update(expires_on=timezone.localdate())
    assert set(enrolments_visible_to(people.eqa)) == {people.enrolment, expired}
    # Another EQA's grant gives this one nothing.
    other = UserFactory(centre=None, is_eqa=True)
    assert list(enrolments_visible_to(other)) == []
