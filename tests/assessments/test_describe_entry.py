"""The record in words: every action, as its writer's payload has it, and odd payloads."""

from __future__ import annotations

from typing import Any

import pytest

from assessments.models import RecordEntry
from assessments.record import describe_entry

Action = RecordEntry.Action


def _entry(action: str, payload: Any, *, actor: str = "Asha Assessor", enrolment: int = 7):
    return RecordEntry(action=action, actor_name=actor, payload=payload, enrolment_id=enrolment)


ITEM = {"item": 4, "reference": "E4", "title": "Care plan review"}
MAPPING = {
    **ITEM,
    "criterion": "P3",
    "criterion_id": 33,
    "standard": "SCDCPC306",
    "method": "observation",
    "item_enrolment": 7,
}

CASES = [
    (
        Action.JUDGEMENT,
        {"criterion": "P3", "criterion_id": 33, "met": True, "rationale": "Seen twice."},
        "Asha Assessor judged P3 met: “Seen twice.”",
    ),
    (
        Action.JUDGEMENT,
        {"criterion": "K2", "met": False, "rationale": ""},
        "Asha Assessor judged K2 not met",
    ),
    (
        Action.EVIDENCE_ACCEPTED,
        {**ITEM, "feedback": "Thorough."},
        "Asha Assessor accepted E4 Care plan review: “Thorough.”",
    ),
    (
        Action.EVIDENCE_ACCEPTED,
        {**ITEM, "feedback": ""},
        "Asha Assessor accepted E4 Care plan review",
    ),
    (
        Action.EVIDENCE_REFERRED,
        {**ITEM, "feedback": "Add the date."},
        "Asha Assessor referred E4 Care plan review back: “Add the date.”",
    ),
    (Action.MAPPING_ADDED, MAPPING, "Asha Assessor mapped E4 to P3 (observation)"),
    (
        Action.MAPPING_CONFIRMED,
        {**MAPPING, "criterion": "P9"},
        "Asha Assessor confirmed the learner's mapping of E4 to P9",
    ),
    (
        Action.MAPPING_CHANGED,
        {**MAPPING, "method": "prior_learning"},
        "Asha Assessor changed the method of E4 to P3 to prior learning",
    ),
    (
        Action.MAPPING_REMOVED,
        {**MAPPING, "was_confirmed": True},
        "Asha Assessor removed the mapping of E4 to P3",
    ),
    (
        Action.MAPPING_ADDED,
        {**MAPPING, "item_enrolment": 8, "criterion": "K3"},
        "Asha Assessor mapped E4 (evidence of the learner's other unit) to K3 (observation)",
    ),
    (
        Action.SIGNED_OFF,
        {"sign_off": 1, "declaration": "I, Asha…"},
        "Asha Assessor signed the unit off",
    ),
    (
        Action.COUNTERSIGNED,
        {"sign_off": 1, "declaration": "I, Liam…"},
        "Asha Assessor countersigned the unit",
    ),
    (
        Action.IQA_AGREED,
        {
            "sampled_entry": 12,
            "sampled_hash": "ab" * 32,
            "sampled_action": "judgement",
            "criterion": "P3",
            "reference": "",
            "feedback": "",
        },
        "Asha Assessor agreed with decision #12 (judgement on P3)",
    ),
    (
        Action.IQA_REFERRED,
        {
            "sampled_entry": 12,
            "sampled_action": "evidence_accepted",
            "criterion": "",
            "reference": "E4",
            "feedback": "Not current.",
        },
        "Asha Assessor referred decision #12 (acceptance of E4) back: “Not current.”",
    ),
    (
        Action.IQA_AGREED,
        {"sampled_entry": 20, "sampled_action": "signed_off", "feedback": ""},
        "Asha Assessor agreed with decision #20 (the unit's sign-off)",
    ),
    (
        Action.REOPEN_REQUESTED,
        {"reopen_request": 1, "sign_off": 1, "criterion": "P3", "reason": "Rationale thin."},
        "Asha Assessor asked for the unit to be reopened to look again at P3: “Rationale thin.”",
    ),
    (
        Action.REOPEN_REQUESTED,
        {"reopen_request": 1, "sign_off": 1, "criterion": "", "reason": "Sign-off early."},
        "Asha Assessor asked for the unit to be reopened: “Sign-off early.”",
    ),
    (
        Action.REOPENED,
        {"sign_off": 1, "reason": "IQA referral.", "reopen_requests": [1]},
        "Asha Assessor reopened the unit: “IQA referral.”",
    ),
    (
        Action.ADMIN_CHANGE,
        {
            "model": "assessments.enrolment",
            "object_id": "3",
            "object": "Liam Learner on SCDCPC306",
            "change": "changed",
            "fields": [{"field": "status", "old": "active", "new": "withdrawn"}],
        },
        "Asha Assessor changed enrolment “Liam Learner on SCDCPC306” in the admin site (status)",
    ),
    (
        Action.ADMIN_CHANGE,
        {
            "model": "centres.eqagrant",
            "object_id": "1",
            "object": "Erin until 2027-01-01",
            "change": "added",
            "fields": {"expires_on": {"new": "2027-01-01"}},
            "account_created": True,
        },
        "Asha Assessor added eqa grant “Erin until 2027-01-01” in the admin site (expires_on)",
    ),
    (
        Action.ADMIN_CHANGE,
        {"model": "nowhere.gone", "change": "deleted", "fields": []},
        "Asha Assessor deleted gone in the admin site",
    ),
    (
        Action.LEARNER_ERASED,
        {"reason": "Retention period over."},
        "Asha Assessor erased the learner's personal data: “Retention period over.”",
    ),
    (
        Action.PLAN_DRAFTED,
        {
            "plan": 1,
            "version": 2,
            "activities": 3,
            "reason": "New placement.",
            "content_sha256": "",
        },
        "Asha Assessor drafted version 2 of the assessment plan (3 activities): “New placement.”",
    ),
    (
        Action.PLAN_DRAFTED,
        {"plan": 1, "version": 1, "activities": 1, "reason": ""},
        "Asha Assessor drafted version 1 of the assessment plan (1 activity)",
    ),
    (
        Action.PLAN_SIGNED,
        {"plan": 1, "version": 2, "signed_as": "learner", "signature": "Liam Learner"},
        "Asha Assessor signed version 2 of the assessment plan as the learner",
    ),
    (
        Action.EVIDENCE_RECORDED,
        {"item": 7, "reference": "E7", "title": "Handover", "kind": "qa", "criteria": ["K1"]},
        "Asha Assessor recorded E7 Handover (questioning)",
    ),
    (
        Action.EVIDENCE_ACKNOWLEDGED,
        {"item": 7, "reference": "E7", "title": "Handover", "acknowledgement_name": "Liam L"},
        "Asha Assessor acknowledged the assessor's record E7 Handover, signing “Liam L”",
    ),
    (
        Action.QA_PLAN_SIGNED,
        {"plan": 3, "version": 2, "assessor": "Bob Assessor", "risk": "high", "rate": 50},
        "Asha Assessor signed version 2 of the sampling plan for Bob Assessor (high risk, "
        "sampling 50% of units)",
    ),
    (
        Action.QA_SAMPLED,
        {
            "sample": 4,
            "kind": "summative",
            "outcome": "referred",
            "decisions": 12,
            "criteria": ["P1", "K2"],
            "feedback": "Thin rationales.",
        },
        "Asha Assessor sampled the unit (a summative sample of 12 decisions) and referred back "
        "P1, K2: “Thin rationales.”",
    ),
    (
        Action.QA_ACTION_RAISED,
        {"qa_action": 1, "sample": 4, "text": "Rewrite them.", "due_on": "2026-12-01"},
        "Asha Assessor raised an action due by 2026-12-01: “Rewrite them.”",
    ),
    (
        Action.QA_ACTION_ANSWERED,
        {"qa_action": 1, "sample": 4, "response": "Done."},
        "Asha Assessor answered the IQA's action: “Done.”",
    ),
    (
        Action.QA_ACTION_CLOSED,
        {"qa_action": 1, "sample": 4, "note": ""},
        "Asha Assessor closed the action",
    ),
    (
        Action.QA_ACTION_RETURNED,
        {"qa_action": 1, "sample": 4, "note": "Show one."},
        "Asha Assessor sent the action back: “Show one.”",
    ),
    (
        Action.STANDARDISATION_RECORDED,
        {
            "activity": 2,
            "title": "Judging P3",
            "held_on": "2026-11-02",
            "participants": ["Asha Assessor", "Iris IQA"],
            "participant_ids": [3, 4],
            "evidence_item": None,
            "discussed_entry": 45,
        },
        "Asha Assessor recorded the standardisation activity “Judging P3” held on 2026-11-02 "
        "with Asha Assessor, Iris IQA, discussing decision #45",
    ),
    (
        Action.STANDARDISATION_ACTION_SET,
        {
            "activity": 2,
            "standardisation_action": 5,
            "owner": "Bob Assessor",
            "owner_id": 6,
            "due_on": "2026-12-01",
        },
        "Asha Assessor set a standardisation action for Bob Assessor due by 2026-12-01",
    ),
    (
        Action.STANDARDISATION_ACTION_CLOSED,
        {
            "activity": 2,
            "standardisation_action": 5,
            "owner": "Bob Assessor",
            "owner_id": 6,
            "due_on": "2026-12-01",
        },
        "Asha Assessor closed a standardisation action for Bob Assessor due by 2026-12-01",
    ),
    (
        Action.OBSERVATION_RECORDED,
        {
            "observation": 8,
            "assessor": "Bob Assessor",
            "assessor_id": 6,
            "observed_on": "2026-11-20",
            "enrolment": 7,
            "standard": "SCDCPC306",
            "outcome": "development",
        },
        "Asha Assessor observed Bob Assessor’s practice on 2026-11-20 (SCDCPC306): meets the "
        "standard, with development points",
    ),
    (
        Action.OBSERVATION_ACKNOWLEDGED,
        {
            "observation": 8,
            "assessor": "Asha Assessor",
            "assessor_id": 3,
            "observed_on": "2026-11-20",
        },
        "Asha Assessor acknowledged the observation of their practice on 2026-11-20",
    ),
    (
        Action.EQA_VISIT_PLANNED,
        {"visit": 1, "visit_on": "2026-12-03", "kind": "on_site", "standards": ["SCDCPC306"]},
        "Asha Assessor planned an on-site EQA visit for 2026-12-03 (SCDCPC306)",
    ),
    (
        Action.EQA_SAMPLE_ADDED,
        {"visit": 1, "visit_on": "2026-12-03", "kind": "remote", "suggested": True},
        "Asha Assessor added the unit to the sample of the EQA visit of 2026-12-03 (as suggested)",
    ),
    (
        Action.EQA_SAMPLE_REMOVED,
        {"visit": 1, "visit_on": "2026-12-03", "kind": "remote"},
        "Asha Assessor removed the unit from the sample of the EQA visit of 2026-12-03",
    ),
    (
        Action.EQA_REPORT_ISSUED,
        {
            "visit": 1,
            "visit_on": "2026-12-03",
            "kind": "remote",
            "version": 1,
            "outcome": "action_plan",
            "actions": [{"visit_action": 4, "due_on": "2027-01-31"}],
        },
        "Asha Assessor issued version 1 of the report of the EQA visit of 2026-12-03: "
        "sanction 1, an action plan, with 1 action",
    ),
    (
        Action.EQA_REPORT_REVISED,
        {"visit": 1, "visit_on": "2026-12-03", "kind": "remote", "version": 2, "revises": 1},
        "Asha Assessor started version 2 of the report of the EQA visit of 2026-12-03",
    ),
    (
        Action.EQA_ACTION_RESPONDED,
        {
            "visit": 1,
            "visit_on": "2026-12-03",
            "visit_action": 4,
            "version": 1,
            "due_on": "2027-01-31",
        },
        "Asha Assessor responded to the action due by 2027-01-31 from the EQA visit of 2026-12-03",
    ),
    (
        Action.EQA_ACTION_CLOSED,
        {"visit": 1, "visit_on": "2026-12-03", "visit_action": 4, "due_on": "2027-01-31"},
        "Asha Assessor accepted the response and closed the action due by 2027-01-31 from the EQA "
        "visit of 2026-12-03",
    ),
    (
        Action.EQA_ACTION_ASKED_AGAIN,
        {"visit": 1, "visit_on": "2026-12-03", "visit_action": 4, "due_on": "2027-01-31"},
        "Asha Assessor asked the centre again about the action due by 2027-01-31 from the EQA "
        "visit of 2026-12-03",
    ),
]


@pytest.mark.parametrize(("action", "payload", "expected"), CASES)
def test_describes_each_action(action: str, payload: dict, expected: str) -> None:
    assert describe_entry(_entry(action, payload)) == expected


def test_every_action_is_described() -> None:
    described = {action for action, _payload, _text in CASES}
    assert described == set(Action.values)


@pytest.mark.parametrize("action", Action.values)
@pytest.mark.parametrize("payload", [{}, None, [], "text", {"met": "yes", "fields": 3}])
def test_odd_payloads_never_raise(action: str, payload: Any) -> None:
    text = describe_entry(_entry(action, payload, actor=""))
    assert text.startswith("Someone ")


def test_missing_keys_leave_words_out() -> None:
    assert describe_entry(_entry(Action.JUDGEMENT, {})) == "Asha Assessor judged a criterion"
    assert (
        describe_entry(_entry(Action.IQA_REFERRED, {"feedback": "Redo."}))
        == "Asha Assessor referred a decision back: “Redo.”"
    )
    assert describe_entry(_entry(Action.EVIDENCE_ACCEPTED, {})) == (
        "Asha Assessor accepted an evidence item"
    )


def test_staff_and_visit_entries_without_their_details() -> None:
    assert describe_entry(_entry(Action.EQA_VISIT_PLANNED, {"kind": "remote"})) == (
        "Asha Assessor planned a remote EQA visit (every standard assessed)"
    )
    assert describe_entry(_entry(Action.EQA_ACTION_CLOSED, {})) == (
        "Asha Assessor accepted the response and closed the action from an EQA visit"
    )
    assert describe_entry(_entry(Action.OBSERVATION_RECORDED, {"outcome": "?"})) == (
        "Asha Assessor observed an assessor’s practice"
    )
    assert describe_entry(_entry(Action.STANDARDISATION_RECORDED, {"participants": [{}]})) == (
        "Asha Assessor recorded the standardisation activity"
    )


def test_unknown_action() -> None:
    assert describe_entry(_entry("retired_action", {})) == "Asha Assessor recorded: retired_action"


def test_user_text_is_returned_as_is() -> None:
    """Plain text: the templates escape it."""
    entry = _entry(Action.EVIDENCE_REFERRED, {**ITEM, "feedback": "<b>redo</b> & resend"})
    assert describe_entry(entry).endswith(": “<b>redo</b> & resend”")
