"""Rows for assessment: the assessor's review, grid, judgement and sign-off pages (in the
evidence app), countersigning, reopening and IQA sampling (in the assessments app).

Only the enrolment's assessor acts; others who may see the enrolment get 403 on writes
(and on the assessor-only pages); anyone else 404.
"""

from assessments.models import RecordEntry
from assessments.services import record_append
from tests.assessments.helpers import make_item
from tests.permissions.matrix import Case
from tests.review.helpers import signed_off

# Everyone who can see the enrolment but is not its assessor.
VIEWERS_403 = {"learner": 403, "iqa": 403, "admin": 403, "eqa": 403}
NOT_THEIRS = {"other_learner": 404, "outsider_learner": 404, "outsider_admin": 404}


def _item(people) -> dict:
    return {"pk": make_item(people.enrolment).pk}


def _enrolment(people) -> dict:
    return {"pk": people.enrolment.pk}


def _cell(people) -> dict:
    item = make_item(people.enrolment)
    criterion = people.enrolment.standard.criteria.get()
    return {"pk": people.enrolment.pk, "item_pk": item.pk, "criterion_pk": criterion.pk}


def _criterion(people) -> dict:
    return {"pk": people.enrolment.pk, "criterion_pk": people.enrolment.standard.criteria.get().pk}


def _signed_off(people) -> dict:
    signed_off(people.enrolment)
    return {"pk": people.enrolment.pk}


def _decision(people) -> dict:
    entry = record_append(
        enrolment=people.enrolment,
        actor=people.assessor,
        action=RecordEntry.Action.EVIDENCE_ACCEPTED,
        payload={"item": 0, "reference": "E1"},
    )
    return {"pk": entry.pk}


def _assessor(people) -> dict:
    _decision(people)
    return {"pk": people.assessor.pk}


CASES = [
    Case(
        "review:review",
        {"assessor": 200, "iqa": 200, "admin": 200, "eqa": 200, "learner": 403, **NOT_THEIRS},
        kwargs=_item,
    ),
    Case("review:review", {}, kwargs=_item, default=405, method="put"),
    Case(
        "review:review_decide",
        {"assessor": 302, **VIEWERS_403, **NOT_THEIRS},
        method="post",
        kwargs=_item,
        data=lambda p: {"decision": "accept"},
    ),
    Case(
        "review:review_mapping",
        {"assessor": 302, **VIEWERS_403, **NOT_THEIRS},
        method="post",
        kwargs=_item,
        data=lambda p: {
            "action": "add",
            "criterion": p.enrolment.standard.criteria.get().pk,
            "method": "product",
        },
    ),
    Case(
        "review:grid",
        {"assessor": 200, "learner": 200, "iqa": 200, "admin": 200, "eqa": 200, **NOT_THEIRS},
        kwargs=_enrolment,
    ),
    Case("review:grid_toggle", {}, kwargs=_cell, default=405),
    Case(
        "review:grid_toggle",
        {"assessor": 302, **VIEWERS_403, **NOT_THEIRS},
        method="post",
        kwargs=_cell,
    ),
    Case(
        "review:map_equivalents",
        {"assessor": 302, **VIEWERS_403, **NOT_THEIRS},
        method="post",
        kwargs=_cell,
    ),
    Case("review:judge", {"assessor": 200, **VIEWERS_403, **NOT_THEIRS}, kwargs=_criterion),
    Case(
        "review:judge",
        {"assessor": 200, **VIEWERS_403, **NOT_THEIRS},
        method="post",
        kwargs=_criterion,
        data=lambda p: {"met": "1"},
        label="refused without accepted evidence",
    ),
    Case("review:judge_met", {}, kwargs=_criterion, default=405),
    Case(
        "review:judge_met",
        {"assessor": 302, **VIEWERS_403, **NOT_THEIRS},
        method="post",
        kwargs=_criterion,
        label="refused without accepted evidence (redirect with a message)",
    ),
    Case("review:judge_backed", {"assessor": 200, **VIEWERS_403, **NOT_THEIRS}, kwargs=_enrolment),
    Case(
        "review:judge_backed",
        {"assessor": 302, **VIEWERS_403, **NOT_THEIRS},
        method="post",
        kwargs=_enrolment,
        label="nothing backed: judges none",
    ),
    Case("review:review_confirm_all", {}, kwargs=_item, default=405),
    Case(
        "review:review_confirm_all",
        {"assessor": 302, **VIEWERS_403, **NOT_THEIRS},
        method="post",
        kwargs=_item,
    ),
    Case("review:sign_off", {"assessor": 200, **VIEWERS_403, **NOT_THEIRS}, kwargs=_enrolment),
    Case(
        "review:sign_off",
        {"assessor": 200, **VIEWERS_403, **NOT_THEIRS},
        method="post",
        kwargs=_enrolment,
        data=lambda p: {"password": "wrong"},
        label="wrong password",
    ),
    Case(
        "review:countersign",
        {"learner": 200, "assessor": 403, "iqa": 403, "admin": 403, "eqa": 403, **NOT_THEIRS},
        kwargs=_signed_off,
    ),
    Case(
        "review:countersign",
        {"learner": 302, "assessor": 403, "iqa": 403, "admin": 403, "eqa": 403, **NOT_THEIRS},
        method="post",
        kwargs=_signed_off,
        data=lambda p: {"confirm": "on"},
    ),
    Case(
        "review:reopen",
        {"admin": 200, "learner": 403, "assessor": 403, "iqa": 403, "eqa": 403, **NOT_THEIRS},
        kwargs=_signed_off,
    ),
    Case(
        "review:reopen",
        {"admin": 302, "learner": 403, "assessor": 403, "iqa": 403, "eqa": 403, **NOT_THEIRS},
        method="post",
        kwargs=_signed_off,
        data=lambda p: {"reason": "EQA asked for more evidence on K1."},
    ),
    Case(
        "assessments:record",
        {"assessor": 200, "learner": 200, "iqa": 200, "admin": 200, "eqa": 200, **NOT_THEIRS},
        kwargs=_signed_off,
    ),
    # The IQA's old sampling addresses redirect to the quality pages (cases_quality.py).
    Case("review:iqa_assessors", {"iqa": 302}),
    Case("review:iqa_decisions", {"iqa": 302}, kwargs=_assessor),
    Case(
        "review:iqa_sample",
        {**VIEWERS_403, "iqa": 302, "assessor": 403, **NOT_THEIRS},
        kwargs=_decision,
    ),
    Case("review:iqa_sample", {}, default=405, method="post", kwargs=_decision),
]
