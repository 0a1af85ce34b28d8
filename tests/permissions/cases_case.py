"""Rows for the CASE 1.0 endpoints: an official standard is public (anonymous included); a
centre's own standard answers only to that centre's people and its EQA, and is a 404 to
anyone else, anonymous included. Read-only: other methods are 405."""

from standards import case
from standards.models import Criterion
from tests.factories import CriterionFactory, GroupFactory, StandardFactory
from tests.permissions.matrix import Case

EVERYONE = dict.fromkeys(
    (
        "learner",
        "other_learner",
        "assessor",
        "iqa",
        "admin",
        "eqa",
        "outsider_learner",
        "outsider_admin",
    ),
    200,
)
CENTRE_ONLY = {
    "learner": 200,
    "other_learner": 200,
    "assessor": 200,
    "iqa": 200,
    "admin": 200,
    "eqa": 200,
    "outsider_learner": 404,
    "outsider_admin": 404,
}


def _official(people) -> dict:
    return {"identifier": case.document_identifier(people.enrolment.standard)}


def _own_standard(people):
    group = GroupFactory(standard=StandardFactory(slug="own-std", owner_centre=people.centre))
    return CriterionFactory(group=group, order=1, reference="P1", text="our own criterion")


def _own(people) -> dict:
    return {"identifier": case.document_identifier(_own_standard(people).standard)}


def _official_item(people) -> dict:
    criterion = Criterion.objects.get(standard=people.enrolment.standard, reference="P1")
    return {"identifier": case.item_identifier(criterion)}


def _own_item(people) -> dict:
    return {"identifier": case.item_identifier(_own_standard(people))}


def _official_association(people) -> dict:
    package = case.package(people.enrolment.standard)
    return {"identifier": package["CFAssociations"][0]["identifier"]}


CASES = [
    Case("case:documents", EVERYONE, anonymous=200),
    Case("case:document", EVERYONE, kwargs=_official, anonymous=200),
    Case("case:document", CENTRE_ONLY, kwargs=_own, anonymous=404, label="centre's own"),
    Case("case:package", EVERYONE, kwargs=_official, anonymous=200),
    Case("case:package", CENTRE_ONLY, kwargs=_own, anonymous=404, label="centre's own"),
    Case("case:package", {}, default=405, method="post", kwargs=_official, anonymous=405),
    Case("case:item", EVERYONE, kwargs=_official_item, anonymous=200),
    Case("case:item", CENTRE_ONLY, kwargs=_own_item, anonymous=404, label="centre's own"),
    Case("case:association", EVERYONE, kwargs=_official_association, anonymous=200),
]
