"""Visits in each stage, made through the services as the people fixture's EQA (Erin)."""

from __future__ import annotations

import datetime

from portal.visits import services
from portal.visits.models import Visit, VisitAction


def planned_visit(people, **changes) -> Visit:
    fields = {
        "eqa": people.eqa,
        "centre": people.centre,
        "visit_on": datetime.date(2026, 12, 3),
        "kind": Visit.Kind.ON_SITE,
        "standards": [],
        "purpose": "Annual monitoring visit.",
    }
    return services.visit_plan(**{**fields, **changes})


def sampled_visit(people) -> Visit:
    visit = planned_visit(people)
    services.visit_sample_add(visit=visit, eqa=people.eqa, enrolment=people.enrolment)
    return visit


def drafted_visit(people) -> Visit:
    visit = sampled_visit(people)
    services.visit_report_save(
        visit=visit,
        eqa=people.eqa,
        findings="Assessment decisions are sound and well recorded.",
        strengths="Detailed feedback to learners.",
        outcome="advisory",
    )
    services.visit_action_add(
        visit=visit,
        eqa=people.eqa,
        description="Record the IQA's observations of new assessors.",
        due_on=datetime.date(2027, 1, 31),
    )
    return visit


def issued_visit(people) -> Visit:
    visit = drafted_visit(people)
    services.visit_report_issue(visit=visit, eqa=people.eqa)
    return visit


def open_action(people) -> VisitAction:
    return issued_visit(people).actions.get()


def responded_action(people) -> VisitAction:
    action = open_action(people)
    services.visit_action_respond(
        action=action, admin=people.admin, text="Observation records are kept from now on."
    )
    action.refresh_from_db()
    return action
