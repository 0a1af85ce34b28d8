"""Rows for internal quality assurance (issue 12 items 1-3): the IQA's own pages are the
IQA's (others 403); plans, coverage and samples are read by the centre's IQA and admin, the
assessor concerned and a granted EQA (200), learners and other centres get 404; only the
unit's IQA samples it, only the assessor answers an action and only the IQA who raised it
closes it or sends it back (the EQA writes nothing: 403)."""

from quality import services
from tests.permissions.matrix import Case
from tests.quality.helpers import sample_with_action, write_plan
from tests.review.helpers import complete

READERS = {"iqa": 200, "admin": 200, "eqa": 200, "assessor": 200}
NOT_THEIRS = {"other_learner": 404, "outsider_learner": 404, "outsider_admin": 404}
LEARNERS_404 = {"learner": 404, **NOT_THEIRS}


def _assessor(people) -> dict:
    write_plan(people)
    return {"pk": people.assessor.pk}


def _plan(people) -> dict:
    return {"pk": write_plan(people).pk}


def _unit(people) -> dict:
    complete(people.enrolment)
    return {"pk": people.enrolment.pk}


def _interim_post(people) -> dict:
    entry = services.unsampled_decisions(people.enrolment).first()
    return {"outcome": "agreed", "feedback": "", "decisions": [str(entry.pk)] if entry else []}


def _sample(people) -> dict:
    return {"pk": sample_with_action(people).pk}


def _action(people) -> dict:
    return {"pk": sample_with_action(people).actions.get().pk}


def _answered(people) -> dict:
    action = sample_with_action(people).actions.get()
    services.qa_action_answer(action=action, assessor=people.assessor, response="Done.")
    return {"pk": action.pk}


def _plan_post(people) -> dict:
    return {
        "risk": "high",
        "risk_reasons": ["newly_qualified"],
        "interim_planned": "2",
        "summative_planned": "2",
        "methods": ["observation"],
        "evidence_types": ["product"],
        "locations": "Oak Ward",
        "notes": "",
    }


IQA_ONLY_403 = {"iqa": 200}
CASES = [
    Case("quality:home", IQA_ONLY_403),
    Case("quality:home", {}, default=405, method="post"),
    Case("quality:decisions", IQA_ONLY_403),
    Case("quality:decisions", {}, default=405, method="post"),
    Case(
        "quality:assessor",
        {**READERS, **NOT_THEIRS, "learner": 403, "other_learner": 403},
        kwargs=_assessor,
    ),
    Case("quality:assessor", {}, default=405, method="post", kwargs=_assessor),
    Case("quality:plan_edit", {"iqa": 200}, kwargs=_assessor),
    Case("quality:plan_edit", {"iqa": 302}, method="post", kwargs=_assessor, data=_plan_post),
    Case("quality:plan", {**READERS, **LEARNERS_404}, kwargs=_plan),
    Case("quality:plan", {}, default=405, method="post", kwargs=_plan),
    Case(
        "quality:sample_unit",
        {"iqa": 200, "learner": 403, **NOT_THEIRS},
        kwargs=_unit,
    ),
    Case(
        "quality:sample_unit",
        {"iqa": 302, "learner": 403, **NOT_THEIRS},
        method="post",
        kwargs=_unit,
        data=_interim_post,
    ),
    Case("quality:sample", {**READERS, **LEARNERS_404}, kwargs=_sample),
    Case("quality:sample", {}, default=405, method="post", kwargs=_sample),
    Case("quality:action_answer", {}, default=405, kwargs=_action),
    Case(
        "quality:action_answer",
        {"assessor": 302, **LEARNERS_404},
        method="post",
        kwargs=_action,
        data=lambda p: {"response": "I have rewritten the rationales."},
    ),
    Case("quality:action_close", {}, default=405, kwargs=_answered),
    Case(
        "quality:action_close",
        {"iqa": 302, **LEARNERS_404},
        method="post",
        kwargs=_answered,
    ),
    Case("quality:action_return", {}, default=405, kwargs=_answered),
    Case(
        "quality:action_return",
        {"iqa": 302, **LEARNERS_404},
        method="post",
        kwargs=_answered,
        data=lambda p: {"note": "Show me one rewritten rationale."},
    ),
]
