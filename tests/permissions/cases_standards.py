"""Rows for the standards pages: official standards are read by everyone signed in; a
centre's own standard only by its centre (and its EQA); writing is for centre admins.

A centre admin of any centre may supply text (seen by their centre only) or import (a
standard their centre owns); other roles get a 403 even for the form. A complete criterion
has nothing to supply: 404.
"""

from standards.models import Criterion, TextStatus
from tests.factories import CriterionFactory, GroupFactory, StandardFactory
from tests.permissions.matrix import Case

ANYONE = {
    "learner": 200,
    "other_learner": 200,
    "assessor": 200,
    "iqa": 200,
    "admin": 200,
    "eqa": 200,
    "outsider_learner": 200,
    "outsider_admin": 200,
}
ADMINS = {"admin": 200, "outsider_admin": 200}


def _standard(people) -> dict:
    return {"slug": people.enrolment.standard.slug}


def _complete(people) -> dict:
    criterion = Criterion.objects.get(standard=people.enrolment.standard, reference="P1")
    return {"slug": criterion.standard.slug, "pk": criterion.pk}


def _missing(people) -> dict:
    first = Criterion.objects.get(standard=people.enrolment.standard, reference="P1")
    criterion = CriterionFactory(
        group=first.group, order=2, reference="P2", text="", text_status=TextStatus.MISSING
    )
    return {"slug": criterion.standard.slug, "pk": criterion.pk}


# A centre's own standard (imported on the import page): its centre's people and the EQA it
# granted read it; the other centre gets a 404, as if it did not exist.
OWN_CENTRE_READERS = {
    "learner": 200,
    "other_learner": 200,
    "assessor": 200,
    "iqa": 200,
    "admin": 200,
    "eqa": 200,
}


def _owned_criterion(people, centre, status: str = TextStatus.COMPLETE) -> Criterion:
    group = GroupFactory(standard=StandardFactory(owner_centre=centre))
    text = "" if status == TextStatus.MISSING else "do the centre's thing"
    return CriterionFactory(group=group, order=1, reference="P1", text=text, text_status=status)


def _own(people) -> dict:
    return {"slug": _owned_criterion(people, people.centre).standard.slug}


def _others(people) -> dict:
    return {"slug": _owned_criterion(people, people.other_centre).standard.slug}


def _own_criterion(people) -> dict:
    criterion = _owned_criterion(people, people.centre)
    return {"slug": criterion.standard.slug, "pk": criterion.pk}


def _own_missing(people) -> dict:
    criterion = _owned_criterion(people, people.centre, TextStatus.MISSING)
    return {"slug": criterion.standard.slug, "pk": criterion.pk}


CASES = [
    Case("standards:list", ANYONE),
    Case("standards:list", {}, method="post", default=405),
    Case("standards:search", ANYONE),
    Case("standards:detail", ANYONE, kwargs=_standard),
    Case("standards:detail", {}, kwargs=lambda p: {"slug": "no-such"}, default=404, label="none"),
    Case("standards:criterion", ANYONE, kwargs=_complete),
    Case("standards:corrections", ANYONE),
    Case("standards:correction_create", ADMINS, kwargs=_missing),
    Case(
        "standards:correction_create",
        {"admin": 404, "outsider_admin": 404},
        kwargs=_complete,
        label="complete text",
    ),
    Case(
        "standards:correction_create",
        {"admin": 302, "outsider_admin": 302},
        method="post",
        kwargs=_missing,
        data=lambda p: {"text": "the full wording", "source": "Awarding body PDF, page 3"},
    ),
    Case("standards:correction_create", {}, method="put", kwargs=_missing, default=405),
    Case("standards:import", ADMINS),
    Case("standards:detail", OWN_CENTRE_READERS, kwargs=_own, default=404, label="centre's own"),
    Case(
        "standards:detail",
        {"outsider_learner": 200, "outsider_admin": 200},
        kwargs=_others,
        default=404,
        label="other centre's own",
    ),
    Case(
        "standards:criterion",
        OWN_CENTRE_READERS,
        kwargs=_own_criterion,
        default=404,
        label="centre's own",
    ),
    Case(
        "standards:correction_create",
        {"admin": 200, "outsider_admin": 404},
        kwargs=_own_missing,
        label="centre's own",
    ),
    Case(
        "standards:import",
        {"admin": 400, "outsider_admin": 400},
        method="post",
        label="no file: errors shown",
    ),
]
