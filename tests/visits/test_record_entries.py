"""An EQA visit's steps are in the centre's record: each writes exactly one entry, said in
words, the chain still verifies, and a unit's sampling shows on that learner's record page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments.errors import WrongStateError
from assessments.models import RecordEntry
from assessments.record import describe_entry, verify_centre
from portal.visits import services
from tests.factories import EnrolmentFactory
from tests.visits.helpers import drafted_visit, open_action, planned_visit, responded_action

Action = RecordEntry.Action


def _new_entries(people, write, count: int = 1) -> tuple[object, list[RecordEntry]]:
    before = RecordEntry.objects.filter(centre=people.centre).count()
    result = write()
    entries = list(RecordEntry.objects.filter(centre=people.centre).order_by("sequence"))
    assert len(entries) == before + count
    report = verify_centre(people.centre.pk)
    assert report.first_break is None and report.entries == before + count
    return result, entries[before:]


def test_planning_a_visit(people) -> None:
    standard = people.enrolment.standard
    visit, [entry] = _new_entries(people, lambda: planned_visit(people, standards=[standard]))
    assert entry.action == Action.EQA_VISIT_PLANNED and entry.enrolment is None
    assert entry.actor == people.eqa
    assert entry.payload["visit"] == visit.pk
    assert "purpose" not in entry.payload
    assert describe_entry(entry) == (
        "Erin EQA planned an on-site EQA visit for 2026-12-03 (TEST001)"
    )


def test_sampling_is_on_the_learner_record_page(people) -> None:
    visit = planned_visit(people)
    _sampled, [entry] = _new_entries(
        people,
        lambda: services.visit_sample_add(visit=visit, eqa=people.eqa, enrolment=people.enrolment),
    )
    assert entry.action == Action.EQA_SAMPLE_ADDED and entry.enrolment == people.enrolment
    words = "Erin EQA added the unit to the sample of the EQA visit of 2026-12-03"
    assert describe_entry(entry) == words
    page = people.client_for(people.admin).get(
        reverse("assessments:record", args=[people.enrolment.pk])
    )
    assert words in page.content.decode()
    assert entry.entry_hash in page.content.decode()

    sampled = visit.sample.get()
    _none, [entry] = _new_entries(
        people, lambda: services.visit_sample_remove(sampled=sampled, eqa=people.eqa)
    )
    assert entry.action == Action.EQA_SAMPLE_REMOVED and entry.enrolment == people.enrolment
    assert describe_entry(entry) == (
        "Erin EQA removed the unit from the sample of the EQA visit of 2026-12-03"
    )


def test_taking_the_suggestion_records_each_unit_added(people) -> None:
    visit = planned_visit(people)
    other = EnrolmentFactory(
        learner=people.other_learner, centre=people.centre, assessor=people.assessor
    )
    added, entries = _new_entries(
        people,
        lambda: services.visit_sample_take_suggestion(visit=visit, eqa=people.eqa),
        count=2,
    )
    assert added == 2
    assert {e.enrolment_id for e in entries} == {people.enrolment.pk, other.pk}
    assert all(e.payload["suggested"] is True for e in entries)
    assert describe_entry(entries[0]).endswith("(as suggested)")


def test_draft_work_is_not_recorded_until_the_report_is_issued(people) -> None:
    visit = drafted_visit(people)
    assert not RecordEntry.objects.filter(action=Action.EQA_REPORT_ISSUED).exists()
    assert RecordEntry.objects.filter(centre=people.centre).count() == 2  # plan, sample
    report, [entry] = _new_entries(
        people, lambda: services.visit_report_issue(visit=visit, eqa=people.eqa)
    )
    assert entry.action == Action.EQA_REPORT_ISSUED and entry.enrolment is None
    assert entry.payload["version"] == report.version == 1
    assert entry.payload["actions"] == [
        {"visit_action": visit.actions.get().pk, "due_on": "2027-01-31"}
    ]
    assert "findings" not in entry.payload
    assert describe_entry(entry) == (
        "Erin EQA issued version 1 of the report of the EQA visit of 2026-12-03: advisory, "
        "no sanction, with 1 action"
    )
    _draft, [entry] = _new_entries(
        people,
        lambda: services.visit_report_revise(visit=visit, eqa=people.eqa, reason="Typo"),
    )
    assert entry.action == Action.EQA_REPORT_REVISED
    assert describe_entry(entry) == (
        "Erin EQA started version 2 of the report of the EQA visit of 2026-12-03"
    )


def test_an_action_responded_asked_again_and_closed(people) -> None:
    action = open_action(people)
    _reply, [entry] = _new_entries(
        people,
        lambda: services.visit_action_respond(action=action, admin=people.admin, text="Done."),
    )
    assert entry.action == Action.EQA_ACTION_RESPONDED and entry.actor == people.admin
    assert entry.payload["visit_action"] == action.pk
    assert "Done." not in str(entry.payload)
    assert describe_entry(entry) == (
        "Dave Admin responded to the action due by 2027-01-31 from the EQA visit of 2026-12-03"
    )
    _reply, [entry] = _new_entries(
        people,
        lambda: services.visit_action_decide(
            action=action, eqa=people.eqa, accept=False, text="Show one."
        ),
    )
    assert entry.action == Action.EQA_ACTION_ASKED_AGAIN
    assert describe_entry(entry).startswith("Erin EQA asked the centre again about the action")


def test_closing_an_action(people) -> None:
    action = responded_action(people)
    _reply, [entry] = _new_entries(
        people,
        lambda: services.visit_action_decide(action=action, eqa=people.eqa, accept=True, text=""),
    )
    assert entry.action == Action.EQA_ACTION_CLOSED
    assert describe_entry(entry) == (
        "Erin EQA accepted the response and closed the action due by 2027-01-31 from the EQA "
        "visit of 2026-12-03"
    )
    before = RecordEntry.objects.count()
    with pytest.raises(WrongStateError):
        services.visit_action_decide(action=action, eqa=people.eqa, accept=True, text="")
    assert RecordEntry.objects.count() == before
