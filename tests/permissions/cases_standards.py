"""Rows for the standards pages: reading is for everyone signed in, writing for centre admins.

Standards are shared reference data, so a centre admin of any centre may supply text or
import; other roles get a 403 even for the form. A complete criterion has nothing to supply: 404.
"""

from standards.models import Criterion, TextStatus
from tests.factories import CriterionFactory
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
    Case("standards:import", ADMINS, method="post", label="no file: errors shown"),
]
