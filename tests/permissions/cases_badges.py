"""Rows for badges: a learner's own badges page and claim (other roles 403; another learner's
unit or badge 404); the issuer profile, keys, revocation lists and verification page are
public (200 for everyone, anonymous too)."""

from django.utils import timezone

from assessments.models import UnitSignOff
from portal.badges.models import Badge
from tests.permissions.matrix import ROLES, Case

LEARNERS = {"learner": 200, "other_learner": 200, "outsider_learner": 200}
ALICE_ONLY = {"learner": 302, "other_learner": 404, "outsider_learner": 404}
ALICE_BADGE = {"learner": 200, "other_learner": 404, "outsider_learner": 404}
PUBLIC = dict.fromkeys(ROLES, 200)
REJECTED = dict.fromkeys(ROLES, 400)


def _enrolment(people) -> dict:
    return {"pk": people.enrolment.pk}


def _alices_badge(people) -> dict:
    """A badge row of Alice's (its token is not checked by these rows)."""
    moment = timezone.now()
    sign_off = UnitSignOff.objects.create(
        enrolment=people.enrolment,
        assessor=people.assessor,
        assessor_declaration="Signed off.",
        signed_at=moment,
        learner_declaration="Countersigned.",
        countersigned_at=moment,
        iqa_verified_by=people.iqa,
        iqa_verified_at=moment,
    )
    badge = Badge.objects.create(
        sign_off=sign_off,
        learner=people.learner,
        salt="salt",
        key_id="kid",
        token="aGVhZGVy.cGF5bG9hZA.c2ln",
        issued_at=moment,
    )
    return {"pk": badge.pk, "fmt": "jwt"}


def _centre(people) -> dict:
    return {"pk": people.centre.pk}


CASES = [
    Case("badges:mine", LEARNERS),
    Case("badges:mine", {}, method="post", default=405),
    Case("badges:claim", ALICE_ONLY, method="post", kwargs=_enrolment),
    Case("badges:claim", {}, default=405, kwargs=_enrolment),
    Case("badges:download", ALICE_BADGE, kwargs=_alices_badge),
    Case("badges:download", {}, method="post", default=405, kwargs=_alices_badge),
    Case("badges:issuer", PUBLIC, kwargs=_centre, anonymous=200),
    Case("badges:issuer", {}, method="post", default=405, kwargs=_centre, anonymous=405),
    Case("badges:revocations", PUBLIC, kwargs=_centre, anonymous=200),
    Case("badges:revocations", {}, method="post", default=405, kwargs=_centre, anonymous=405),
    Case("badges:jwks", PUBLIC, anonymous=200),
    Case("badges:jwks", {}, method="post", default=405, anonymous=405),
    Case("badges:verify", PUBLIC, anonymous=200),
    Case(
        "badges:verify",
        REJECTED,
        method="post",
        data=lambda people: {"token": "not a badge"},
        anonymous=400,
        label="bad input",
    ),
    Case("badges:verify", {}, method="put", default=405, anonymous=405),
]
