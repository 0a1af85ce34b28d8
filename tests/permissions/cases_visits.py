"""Rows for EQA visits: the EQA plans, samples, reports and decides on their own visits to a
centre they hold a grant for; the centre's admins, assessors and IQAs read the visits (and
issued reports), its admins respond to actions; learners get a 403; another centre's admin a
404, and an EQA on a centre not granted a 404."""

from tests.permissions.matrix import Case
from tests.visits.helpers import (
    drafted_visit,
    issued_visit,
    open_action,
    planned_visit,
    responded_action,
    sampled_visit,
)

LEARNERS = {"learner": 403, "other_learner": 403, "outsider_learner": 403}
STAFF_READ = {"admin": 200, "assessor": 200, "iqa": 200}
STAFF_NO_WRITE = {"admin": 403, "assessor": 403, "iqa": 403}
OTHER_CENTRE = {"outsider_admin": 404}
READ = {**STAFF_READ, "eqa": 200, **LEARNERS, **OTHER_CENTRE}
EQA_PAGE = {"eqa": 200, **STAFF_NO_WRITE, **LEARNERS, **OTHER_CENTRE}
EQA_WRITE = {"eqa": 302, **STAFF_NO_WRITE, **LEARNERS, **OTHER_CENTRE}


def _visit(make):
    return lambda people: {"pk": make(people).pk}


def _sampled_row(people) -> dict:
    visit = sampled_visit(people)
    return {"pk": visit.pk, "sampled_pk": visit.sample.get().pk}


def _draft_action(people) -> dict:
    visit = drafted_visit(people)
    return {"pk": visit.pk, "action_pk": visit.actions.get().pk}


def _issued_version(people) -> dict:
    return {"pk": issued_visit(people).pk, "version": 1}


def _plan(people) -> dict:
    return {
        "visit_on": "2026-12-10",
        "kind": "remote",
        "purpose": "Monitoring visit.",
    }


CASES = [
    Case("visits:list", {**STAFF_READ, "eqa": 200, "outsider_admin": 200, **LEARNERS}),
    Case("visits:list", {}, method="post", default=405),
    Case("visits:create", {"eqa": 200}, kwargs=lambda p: {"pk": p.centre.pk}),
    Case(
        "visits:create",
        {"eqa": 404},
        kwargs=lambda p: {"pk": p.other_centre.pk},
        label="not granted",
    ),
    Case(
        "visits:create",
        {"eqa": 302},
        method="post",
        kwargs=lambda p: {"pk": p.centre.pk},
        data=_plan,
    ),
    Case("visits:detail", READ, kwargs=_visit(issued_visit)),
    Case("visits:detail", {}, method="post", default=405, kwargs=_visit(planned_visit)),
    Case("visits:sample", EQA_PAGE, kwargs=_visit(planned_visit)),
    Case("visits:sample", {}, method="post", default=405, kwargs=_visit(planned_visit)),
    Case("visits:sample_suggested", {}, default=405, kwargs=_visit(planned_visit)),
    Case("visits:sample_suggested", EQA_WRITE, method="post", kwargs=_visit(planned_visit)),
    Case("visits:sample_add", {}, default=405, kwargs=_visit(planned_visit)),
    Case(
        "visits:sample_add",
        EQA_WRITE,
        method="post",
        kwargs=_visit(planned_visit),
        data=lambda p: {"enrolment": p.enrolment.pk},
    ),
    Case("visits:sample_remove", {}, default=405, kwargs=_sampled_row),
    Case("visits:sample_remove", EQA_WRITE, method="post", kwargs=_sampled_row),
    Case("visits:report_edit", EQA_PAGE, kwargs=_visit(drafted_visit)),
    Case(
        "visits:report_edit",
        EQA_WRITE,
        method="post",
        kwargs=_visit(sampled_visit),
        data=lambda p: {"findings": "Sound decisions.", "strengths": "", "outcome": "none"},
    ),
    Case("visits:action_add", {}, default=405, kwargs=_visit(sampled_visit)),
    Case(
        "visits:action_add",
        EQA_WRITE,
        method="post",
        kwargs=_visit(sampled_visit),
        data=lambda p: {"description": "Standardise K3.", "due_on": "2027-02-01"},
    ),
    Case("visits:action_remove", {}, default=405, kwargs=_draft_action),
    Case("visits:action_remove", EQA_WRITE, method="post", kwargs=_draft_action),
    Case("visits:report_issue", {}, default=405, kwargs=_visit(drafted_visit)),
    Case("visits:report_issue", EQA_WRITE, method="post", kwargs=_visit(drafted_visit)),
    Case("visits:report_revise", {}, default=405, kwargs=_visit(issued_visit)),
    Case(
        "visits:report_revise",
        EQA_WRITE,
        method="post",
        kwargs=_visit(issued_visit),
        data=lambda p: {"reason": "The due date was wrong."},
    ),
    Case("visits:report_version", READ, kwargs=_issued_version),
    Case("visits:report_version", {}, method="post", default=405, kwargs=_issued_version),
    Case("visits:action_respond", {}, default=405, kwargs=_visit(open_action)),
    Case(
        "visits:action_respond",
        {"admin": 302, "assessor": 403, "iqa": 403, "eqa": 403, **LEARNERS, **OTHER_CENTRE},
        method="post",
        kwargs=_visit(open_action),
        data=lambda p: {"text": "Done: see the IQA folder."},
    ),
    Case("visits:action_decide", {}, default=405, kwargs=_visit(responded_action)),
    Case(
        "visits:action_decide",
        EQA_WRITE,
        method="post",
        kwargs=_visit(responded_action),
        data=lambda p: {"decision": "accept", "text": ""},
    ),
]
