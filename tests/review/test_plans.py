"""Assessment plan services: versions kept, both signatures required in order, the record
written, locked units and wrong roles refused."""

from __future__ import annotations

import datetime

import pytest

from assessments.errors import LockedError, NotPermittedError, WrongStateError
from assessments.models import Enrolment, RecordEntry
from evidence.models import Mapping
from review import plans
from review.models import AssessmentPlan, PlanChangeError
from tests.factories import CriterionFactory, GroupFactory, StandardFactory
from tests.review.helpers import signed_off
from tests.review.plan_helpers import activity, agreed_plan, awaiting_learner, draft_plan

Action = RecordEntry.Action


def test_create_drafts_version_one_and_records_it(people) -> None:
    plan = draft_plan(people.enrolment)
    assert plan.version == 1
    assert plan.state == AssessmentPlan.State.DRAFT
    [stored] = plan.activities
    group = people.enrolment.standard.groups.get()
    assert stored == {
        "what": "Supporting a resident at mealtimes",
        "methods": ["observation", "questioning"],
        "where": "Oak Ward, Riverside Care Home: real work",
        "by": "2026-12-15",
        "groups": [{"id": group.pk, "reference": group.reference, "title": group.title}],
        "criteria": [],
    }
    entry = RecordEntry.objects.get(action=Action.PLAN_DRAFTED)
    assert entry.enrolment == people.enrolment
    assert entry.payload["version"] == 1
    assert entry.payload["content_sha256"] == plans.plan_content_sha256(plan)


def test_a_second_plan_is_refused(people) -> None:
    draft_plan(people.enrolment)
    with pytest.raises(WrongStateError, match="revise it instead"):
        draft_plan(people.enrolment)


def test_both_signatures_in_order_make_it_agreed(people) -> None:
    plan = draft_plan(people.enrolment)
    with pytest.raises(WrongStateError, match="assessor signs the plan first"):
        plans.plan_sign(plan=plan, user=people.learner, signature="Alice Learner")
    plan = plans.plan_sign(plan=plan, user=people.assessor, signature="  bob   ASSESSOR ")
    assert plan.state == AssessmentPlan.State.AWAITING_LEARNER
    assert plan.assessor_signature == "bob ASSESSOR"
    with pytest.raises(WrongStateError, match="already signed"):
        plans.plan_sign(plan=plan, user=people.assessor, signature="Bob Assessor")
    plan = plans.plan_sign(plan=plan, user=people.learner, signature="Alice Learner")
    assert plan.state == AssessmentPlan.State.AGREED
    signed = RecordEntry.objects.filter(action=Action.PLAN_SIGNED).order_by("sequence")
    assert [(e.actor, e.payload["signed_as"]) for e in signed] == [
        (people.assessor, "assessor"),
        (people.learner, "learner"),
    ]
    assert {e.payload["content_sha256"] for e in signed} == {plans.plan_content_sha256(plan)}


def test_signature_must_be_the_signers_name(people) -> None:
    plan = draft_plan(people.enrolment)
    with pytest.raises(WrongStateError) as refused:
        plans.plan_sign(plan=plan, user=people.assessor, signature="Someone Else")
    assert "signature" in refused.value.error_dict
    plan.refresh_from_db()
    assert plan.assessor_signed_at is None


def test_revision_is_a_new_version_and_keeps_the_old_one(people) -> None:
    agreed = agreed_plan(people.enrolment)
    criterion = people.enrolment.standard.criteria.get()
    revised = plans.plan_revise(
        plan=agreed,
        assessor=people.assessor,
        activities=[
            activity(
                people.enrolment,
                groups=[],
                criteria=[criterion],
                methods=[Mapping.Method.DISCUSSION],
                by=datetime.date(2027, 1, 20),
            )
        ],
        reason="The ward closed for refurbishment.",
    )
    assert revised.version == 2
    assert revised.state == AssessmentPlan.State.DRAFT
    assert revised.activities[0]["criteria"] == [{"id": criterion.pk, "reference": "P1"}]
    agreed.refresh_from_db()
    assert agreed.state == AssessmentPlan.State.AGREED
    assert agreed.activities[0]["methods"] == ["observation", "questioning"]
    assert plans.plan_current(people.enrolment) == revised
    assert list(plans.plan_versions(people.enrolment)) == [revised, agreed]
    # The old version can no longer be signed or revised.
    with pytest.raises(WrongStateError, match="current version"):
        plans.plan_revise(
            plan=agreed,
            assessor=people.assessor,
            activities=[activity(people.enrolment)],
            reason="again",
        )
    # The new one needs both signatures again.
    with pytest.raises(WrongStateError, match="assessor signs the plan first"):
        plans.plan_sign(plan=revised, user=people.learner, signature="Alice Learner")


def test_revision_needs_a_reason(people) -> None:
    plan = draft_plan(people.enrolment)
    with pytest.raises(WrongStateError) as refused:
        plans.plan_revise(
            plan=plan, assessor=people.assessor, activities=[activity(people.enrolment)], reason=" "
        )
    assert "reason" in refused.value.error_dict
    assert AssessmentPlan.objects.count() == 1


def test_signing_a_superseded_version_is_refused(people) -> None:
    plan = draft_plan(people.enrolment)
    plans.plan_revise(
        plan=plan,
        assessor=people.assessor,
        activities=[activity(people.enrolment)],
        reason="Dates moved.",
    )
    with pytest.raises(WrongStateError, match="revised"):
        plans.plan_sign(plan=plan, user=people.assessor, signature="Bob Assessor")


def test_a_version_cannot_be_overwritten(people) -> None:
    plan = draft_plan(people.enrolment)
    plan.activities = []
    with pytest.raises(PlanChangeError):
        plan.save()
    with pytest.raises(PlanChangeError):
        plan.save(update_fields=["activities"])


def test_locked_unit_refuses_revising_and_signing(people) -> None:
    plan = awaiting_learner(people.enrolment)
    signed_off(people.enrolment)
    with pytest.raises(LockedError):
        plans.plan_revise(
            plan=plan,
            assessor=people.assessor,
            activities=[activity(people.enrolment)],
            reason="Late change.",
        )
    with pytest.raises(LockedError):
        plans.plan_sign(plan=plan, user=people.learner, signature="Alice Learner")
    assert AssessmentPlan.objects.count() == 1


def test_locked_unit_refuses_a_first_plan(people) -> None:
    signed_off(people.enrolment)
    with pytest.raises(LockedError):
        draft_plan(people.enrolment)


def test_withdrawn_enrolment_refuses(people) -> None:
    plan = draft_plan(people.enrolment)
    Enrolment.objects.filter(pk=people.enrolment.pk).update(status=Enrolment.Status.WITHDRAWN)
    people.enrolment.refresh_from_db()
    plan.refresh_from_db()
    with pytest.raises(WrongStateError, match="withdrawn"):
        plans.plan_sign(plan=plan, user=people.assessor, signature="Bob Assessor")


@pytest.mark.parametrize("role", ["learner", "iqa", "admin", "eqa", "other_learner"])
def test_only_the_assessor_drafts_and_revises(people, role: str) -> None:
    user = getattr(people, role)
    with pytest.raises(NotPermittedError):
        plans.plan_create(
            enrolment=people.enrolment, assessor=user, activities=[activity(people.enrolment)]
        )
    plan = draft_plan(people.enrolment)
    with pytest.raises(NotPermittedError):
        plans.plan_revise(
            plan=plan, assessor=user, activities=[activity(people.enrolment)], reason="mine"
        )


@pytest.mark.parametrize("role", ["iqa", "admin", "eqa", "other_learner"])
def test_only_assessor_and_learner_sign(people, role: str) -> None:
    plan = awaiting_learner(people.enrolment)
    user = getattr(people, role)
    with pytest.raises(NotPermittedError):
        plans.plan_sign(plan=plan, user=user, signature=user.full_name)


def test_activities_are_checked(people) -> None:
    enrolment = people.enrolment
    foreign = CriterionFactory(group=GroupFactory(standard=StandardFactory(slug="other")))
    cases = [
        ([], "at least one"),
        ([activity(enrolment, what=" ")], "what will be assessed and where"),
        ([activity(enrolment, methods=[])], "at least one assessment method"),
        ([activity(enrolment, methods=["telepathy"])], "unknown method"),
        ([activity(enrolment, groups=[], criteria=[])], "criteria or groups"),
        ([activity(enrolment, criteria=[foreign])], "another standard"),
        ([activity(enrolment, by=datetime.date(2026, 1, 1))], "before the enrolment starts"),
    ]
    for activities, message in cases:
        with pytest.raises(WrongStateError, match=message):
            plans.plan_create(enrolment=enrolment, assessor=people.assessor, activities=activities)
    assert not AssessmentPlan.objects.exists()
    assert not RecordEntry.objects.filter(action=Action.PLAN_DRAFTED).exists()
