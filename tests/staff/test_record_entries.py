"""Standardisation and observations of practice are in the centre's record: each step writes
exactly one centre-wide entry, said in words, and the chain still verifies."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from assessments.models import RecordEntry
from assessments.record import describe_entry, verify_centre
from portal.staff import services

Action = RecordEntry.Action
HELD = datetime.date(2026, 11, 2)


def _new_entry(people, write) -> tuple[object, RecordEntry]:
    """Run ``write``; it must append exactly one entry, which verifies with the chain."""
    before = RecordEntry.objects.filter(centre=people.centre).count()
    result = write()
    entries = RecordEntry.objects.filter(centre=people.centre).order_by("sequence")
    assert entries.count() == before + 1
    report = verify_centre(people.centre.pk)
    assert report.first_break is None and report.entries == before + 1
    return result, entries.last()


def _activity(people) -> object:
    return services.standardisation_activity_create(
        centre=people.centre,
        actor=people.iqa,
        held_on=HELD,
        title="Judging P1",
        participants=[people.iqa, people.assessor],
        discussed="",
        outcomes="Agreed what <b>sufficient</b> looks like for Alice Learner.",
    )


def test_standardisation_activity_is_recorded_without_its_outcomes(people) -> None:
    activity, entry = _new_entry(people, lambda: _activity(people))
    assert entry.action == Action.STANDARDISATION_RECORDED
    assert entry.enrolment is None and entry.actor == people.iqa
    assert entry.payload["activity"] == activity.pk
    assert entry.payload["participant_ids"] == sorted([people.iqa.pk, people.assessor.pk])
    assert "Alice" not in str(entry.payload)  # the outcomes text stays in its own row
    assert describe_entry(entry) == (
        "Carol IQA recorded the standardisation activity “Judging P1” held on 2026-11-02 with "
        "Bob Assessor, Carol IQA"
    )


def test_standardisation_action_set_and_closed(people) -> None:
    activity = _activity(people)
    action, entry = _new_entry(
        people,
        lambda: services.standardisation_action_add(
            activity=activity,
            actor=people.iqa,
            text="Re-check Alice's P1",
            owner=people.assessor,
            due_on=datetime.date(2026, 12, 1),
        ),
    )
    assert entry.action == Action.STANDARDISATION_ACTION_SET
    assert entry.payload["standardisation_action"] == action.pk
    assert describe_entry(entry) == (
        "Carol IQA set a standardisation action for Bob Assessor due by 2026-12-01"
    )
    _closed, entry = _new_entry(
        people,
        lambda: services.standardisation_action_close(
            action=action, actor=people.assessor, note="Done with Alice"
        ),
    )
    assert entry.action == Action.STANDARDISATION_ACTION_CLOSED
    assert "Alice" not in str(entry.payload)
    assert describe_entry(entry) == (
        "Bob Assessor closed a standardisation action for Bob Assessor due by 2026-12-01"
    )


def _observe(people) -> object:
    return services.observation_create(
        centre=people.centre,
        observer=people.iqa,
        assessor=people.assessor,
        enrolment=people.enrolment,
        observed_on=HELD,
        setting="Alice's care home",
        outcome="development",
        feedback="Questions to Alice were leading.",
    )


def test_observation_recorded_and_acknowledged(people) -> None:
    observation, entry = _new_entry(people, lambda: _observe(people))
    assert entry.action == Action.OBSERVATION_RECORDED
    # Centre-wide: the learner's own record does not carry a judgement of their assessor.
    assert entry.enrolment is None
    assert entry.payload["enrolment"] == people.enrolment.pk
    assert entry.payload["assessor_id"] == people.assessor.pk
    assert "Alice" not in str(entry.payload)
    assert describe_entry(entry) == (
        "Carol IQA observed Bob Assessor’s practice on 2026-11-02 (TEST001): meets the "
        "standard, with development points"
    )
    _row, entry = _new_entry(
        people,
        lambda: services.observation_acknowledge(observation=observation, assessor=people.assessor),
    )
    assert entry.action == Action.OBSERVATION_ACKNOWLEDGED
    assert entry.actor == people.assessor
    assert describe_entry(entry) == (
        "Bob Assessor acknowledged the observation of their practice on 2026-11-02"
    )


def test_a_refused_write_records_nothing(people) -> None:
    with pytest.raises(ValidationError):
        services.observation_create(
            centre=people.centre,
            observer=people.iqa,
            assessor=people.assessor,
            enrolment=people.outsider_enrolment,
            observed_on=HELD,
            setting="x",
            outcome="meets",
            feedback="x",
        )
    assert not RecordEntry.objects.exists()
