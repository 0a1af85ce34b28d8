"""Visit services: only the planning EQA with a current grant writes; issued reports are
final; actions go open → responded → closed, or back to open when the EQA asks again."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from assessments.errors import NotPermittedError, WrongStateError
from portal.centres.models import EqaGrant
from portal.visits import services
from portal.visits.models import ActionReply, VisitAction, VisitReport
from tests.factories import EnrolmentFactory, UserFactory
from tests.visits.helpers import (
    drafted_visit,
    issued_visit,
    open_action,
    planned_visit,
    responded_action,
    sampled_visit,
)


def test_an_expired_grant_stops_every_write(people) -> None:
    visit = sampled_visit(people)
    EqaGrant.objects.filter(user=people.eqa).update(
        expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    with pytest.raises(NotPermittedError):
        services.visit_sample_take_suggestion(visit=visit, eqa=people.eqa)
    with pytest.raises(NotPermittedError):
        planned_visit(people)


def test_another_eqa_may_not_write(people) -> None:
    visit = planned_visit(people)
    other = UserFactory(is_eqa=True, centre=None)
    EqaGrant.objects.create(
        user=other, centre=people.centre, expires_on=timezone.localdate() + datetime.timedelta(1)
    )
    with pytest.raises(NotPermittedError):
        services.visit_sample_add(visit=visit, eqa=other, enrolment=people.enrolment)


def test_only_the_centre_learners_are_sampled(people) -> None:
    visit = planned_visit(people)
    with pytest.raises(NotPermittedError):
        services.visit_sample_add(visit=visit, eqa=people.eqa, enrolment=people.outsider_enrolment)
    services.visit_sample_add(visit=visit, eqa=people.eqa, enrolment=people.enrolment)
    with pytest.raises(WrongStateError, match="already in the sample"):
        services.visit_sample_add(visit=visit, eqa=people.eqa, enrolment=people.enrolment)


def test_taking_the_suggestion_adds_only_what_is_missing(people) -> None:
    visit = sampled_visit(people)
    EnrolmentFactory(learner=people.other_learner, centre=people.centre, assessor=people.assessor)
    added = services.visit_sample_take_suggestion(visit=visit, eqa=people.eqa)
    assert added == 1
    assert visit.sample.count() == 2
    assert services.visit_sample_take_suggestion(visit=visit, eqa=people.eqa) == 0


def test_a_report_needs_findings_and_an_outcome(people) -> None:
    visit = sampled_visit(people)
    services.visit_report_save(visit=visit, eqa=people.eqa, findings="", strengths="", outcome="")
    assert services.issue_refusal(services.draft_of(visit)) == (
        "Write findings and an outcome before issuing the report."
    )
    with pytest.raises(WrongStateError, match="findings and an outcome"):
        services.visit_report_issue(visit=visit, eqa=people.eqa)


def test_an_issued_report_is_final(people) -> None:
    visit = issued_visit(people)
    report = visit.reports.get()
    assert report.issued_by == people.eqa
    with pytest.raises(WrongStateError, match="issued and final"):
        services.visit_report_save(
            visit=visit, eqa=people.eqa, findings="changed", strengths="", outcome="none"
        )
    with pytest.raises(WrongStateError, match="issued and final"):
        services.visit_action_add(
            visit=visit, eqa=people.eqa, description="late", due_on=datetime.date(2027, 3, 1)
        )
    with pytest.raises(WrongStateError, match="kept"):
        services.visit_action_remove(action=visit.actions.get(), eqa=people.eqa)
    with pytest.raises(WrongStateError, match="sample"):
        services.visit_sample_take_suggestion(visit=visit, eqa=people.eqa)
    with pytest.raises(WrongStateError, match="no draft"):
        services.visit_report_issue(visit=visit, eqa=people.eqa)


def test_a_new_version_keeps_the_issued_one(people) -> None:
    visit = issued_visit(people)
    draft = services.visit_report_revise(visit=visit, eqa=people.eqa, reason="Wrong due date.")
    assert (draft.version, draft.findings, draft.revision_reason) == (
        2,
        "Assessment decisions are sound and well recorded.",
        "Wrong due date.",
    )
    with pytest.raises(WrongStateError, match="already being drafted"):
        services.visit_report_revise(visit=visit, eqa=people.eqa, reason="again")
    services.visit_report_save(
        visit=visit, eqa=people.eqa, findings="Corrected.", strengths="", outcome="none"
    )
    services.visit_action_add(
        visit=visit, eqa=people.eqa, description="New", due_on=datetime.date(2027, 4, 1)
    )
    services.visit_report_issue(visit=visit, eqa=people.eqa)
    first, second = VisitReport.objects.filter(visit=visit).order_by("version")
    assert first.findings == "Assessment decisions are sound and well recorded."
    assert first.issued_at < second.issued_at
    assert services.latest_issued(visit) == second
    assert visit.actions.count() == 2


def test_a_draft_cannot_be_revised(people) -> None:
    visit = drafted_visit(people)
    with pytest.raises(WrongStateError):
        services.visit_report_revise(visit=visit, eqa=people.eqa, reason="x")


def test_respond_close_and_ask_again(people) -> None:
    action = open_action(people)
    assert services.decide_refusal(action) == "The centre has not responded to this action yet."
    with pytest.raises(WrongStateError):
        services.visit_action_decide(action=action, eqa=people.eqa, accept=True, text="")
    with pytest.raises(NotPermittedError):
        services.visit_action_respond(action=action, admin=people.assessor, text="x")
    with pytest.raises(WrongStateError):
        services.visit_action_respond(action=action, admin=people.admin, text="  ")
    action = responded_action(people)
    with pytest.raises(WrongStateError, match="with the EQA"):
        services.visit_action_respond(action=action, admin=people.admin, text="more")
    with pytest.raises(WrongStateError, match="still needs"):
        services.visit_action_decide(action=action, eqa=people.eqa, accept=False, text="")
    services.visit_action_decide(
        action=action, eqa=people.eqa, accept=False, text="Show the records for Unit 2."
    )
    action.refresh_from_db()
    assert action.status == VisitAction.Status.OPEN
    services.visit_action_respond(action=action, admin=people.admin, text="Unit 2 records added.")
    services.visit_action_decide(action=action, eqa=people.eqa, accept=True, text="Thank you.")
    action.refresh_from_db()
    assert (action.status, action.closed_by) == (VisitAction.Status.CLOSED, people.eqa)
    assert action.closed_at is not None
    assert list(action.replies.values_list("kind", "author__username")) == [
        (ActionReply.Kind.RESPONSE, "dave"),
        (ActionReply.Kind.ASKED_AGAIN, "erin"),
        (ActionReply.Kind.RESPONSE, "dave"),
        (ActionReply.Kind.CLOSED, "erin"),
    ]
    assert services.respond_refusal(action) == "The EQA has closed this action."
