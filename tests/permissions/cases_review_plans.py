"""Rows for assessment plans: everyone who may see the enrolment reads every version; only
its assessor drafts and revises; only its assessor and learner sign; read-only roles get 403
on writes; another learner or another centre gets 404."""

import datetime

from tests.permissions.matrix import Case
from tests.review.plan_helpers import awaiting_learner, draft_plan

READERS = {"learner": 200, "assessor": 200, "iqa": 200, "admin": 200, "eqa": 200}
NOT_THEIRS = {"other_learner": 404, "outsider_learner": 404, "outsider_admin": 404}
NOT_ASSESSOR = {"learner": 403, "iqa": 403, "admin": 403, "eqa": 403}


def _enrolment(people) -> dict:
    return {"pk": people.enrolment.pk}


def _with_draft(people) -> dict:
    draft_plan(people.enrolment)
    return {"pk": people.enrolment.pk}


def _awaiting_learner(people) -> dict:
    awaiting_learner(people.enrolment)
    return {"pk": people.enrolment.pk}


def _version(people) -> dict:
    draft_plan(people.enrolment)
    return {"pk": people.enrolment.pk, "version": 1}


def _activity_post(people) -> dict:
    group = people.enrolment.standard.groups.get()
    return {
        "activity-TOTAL_FORMS": "1",
        "activity-INITIAL_FORMS": "0",
        "activity-0-what": "Supporting a resident at mealtimes",
        "activity-0-groups": [str(group.pk)],
        "activity-0-methods": ["observation"],
        "activity-0-where": "Oak Ward: real work",
        "activity-0-by": datetime.date(2026, 12, 15).isoformat(),
    }


CASES = [
    Case("review:plan", {**READERS, **NOT_THEIRS}, kwargs=_with_draft),
    Case("review:plan", {}, default=405, method="post", kwargs=_enrolment),
    Case("review:plan_version", {**READERS, **NOT_THEIRS}, kwargs=_version),
    Case("review:plan_version", {}, default=405, method="post", kwargs=_version),
    Case("review:plan_edit", {"assessor": 200, **NOT_ASSESSOR, **NOT_THEIRS}, kwargs=_enrolment),
    Case(
        "review:plan_edit",
        {"assessor": 302, **NOT_ASSESSOR, **NOT_THEIRS},
        method="post",
        kwargs=_enrolment,
        data=_activity_post,
    ),
    Case("review:plan_sign", {}, default=405, kwargs=_with_draft),
    Case(
        "review:plan_sign",
        # The assessor signs the draft; the learner is refused until then (a message and a
        # redirect to the plan, not a 403: they are a signatory).
        {"assessor": 302, "learner": 302, "iqa": 403, "admin": 403, "eqa": 403, **NOT_THEIRS},
        method="post",
        kwargs=_with_draft,
        data=lambda p: {"version": "1", "signature": "Bob Assessor"},
        label="draft",
    ),
    Case(
        "review:plan_sign",
        {"learner": 302, "assessor": 302, "iqa": 403, "admin": 403, "eqa": 403, **NOT_THEIRS},
        method="post",
        kwargs=_awaiting_learner,
        data=lambda p: {"version": "1", "signature": "Alice Learner"},
        label="awaiting the learner",
    ),
]
