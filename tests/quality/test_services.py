import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assessments.models import IqaSample, RecordEntry, ReopenRequest
from quality import services
from quality.models import QaAction, UnitSample
from review.selectors import iqa_referrals
from review.status import EnrolmentState, state_of
from tests.quality.helpers import countersigned, sample_with_action, write_plan
from tests.review.helpers import complete, signed_off


def _actions() -> list[str]:
    return list(RecordEntry.objects.order_by("sequence").values_list("action", flat=True))


def test_a_plan_change_is_a_new_version_and_a_record_entry(people) -> None:
    first = write_plan(people)
    second = write_plan(people, risk="low", risk_reasons=["experienced"])
    assert (first.version, first.rate) == (1, 50)
    assert (second.version, second.rate) == (2, 10)
    first.refresh_from_db()
    assert first.risk == "high"  # the earlier version is kept as signed
    entries = RecordEntry.objects.filter(action="qa_plan_signed").order_by("sequence")
    assert [e.payload["version"] for e in entries] == [1, 2]
    assert entries[0].enrolment is None


def test_only_an_iqa_of_the_centre_writes_a_plan(people) -> None:
    with pytest.raises(ValidationError):
        write_plan(people, iqa=people.assessor)
    with pytest.raises(ValidationError):
        write_plan(people, assessor=people.learner)
    with pytest.raises(ValidationError):
        write_plan(people, methods=["telepathy"])


def test_summative_agreement_verifies_the_sign_off(people) -> None:
    write_plan(people)
    sample = sample_with_action(people)
    assert sample.kind == "summative"
    assert sample.plan.version == 1
    assert state_of(people.enrolment) == EnrolmentState.IQA_VERIFIED
    assert sample.decisions.filter(action="signed_off").exists()
    assert sample.verdicts.count() == sample.decisions.count()
    assert {"qa_sampled", "qa_action_raised", "iqa_agreed"} <= set(_actions())
    with pytest.raises(ValidationError, match="already been sampled"):
        services.unit_sample_record(
            enrolment=people.enrolment,
            iqa=people.iqa,
            kind="summative",
            outcome="agreed",
            feedback="",
        )


def test_summative_agreement_waits_for_the_countersignature(people) -> None:
    signed_off(people.enrolment)
    assert "countersigned" in services.unit_sample_refusal(people.enrolment, "summative", "agreed")
    with pytest.raises(ValidationError, match="countersigned"):
        services.unit_sample_record(
            enrolment=people.enrolment,
            iqa=people.iqa,
            kind="summative",
            outcome="agreed",
            feedback="",
        )


def test_summative_referral_of_a_criterion_asks_the_admin_to_reopen(people) -> None:
    countersigned(people.enrolment)
    criterion = people.enrolment.standard.criteria.get()
    sample = services.unit_sample_record(
        enrolment=people.enrolment,
        iqa=people.iqa,
        kind="summative",
        outcome="referred",
        feedback="Look again at P1.",
        referrals={criterion: "The witness cannot vouch for this."},
    )
    request = ReopenRequest.objects.get()
    assert request.criterion == criterion
    assert request.reason == "The witness cannot vouch for this."
    assert sample.referrals.get().criterion == criterion
    assert state_of(people.enrolment) != EnrolmentState.IQA_VERIFIED
    assert criterion.pk in iqa_referrals(people.enrolment)


def test_summative_referral_without_criteria_refers_the_sign_off(people) -> None:
    countersigned(people.enrolment)
    services.unit_sample_record(
        enrolment=people.enrolment,
        iqa=people.iqa,
        kind="summative",
        outcome="referred",
        feedback="Too thin overall.",
    )
    assert ReopenRequest.objects.get().criterion is None


def test_interim_sample_of_chosen_decisions(people) -> None:
    complete(people.enrolment)
    assert services.unit_sample_refusal(people.enrolment, "summative")
    decisions = list(services.unsampled_decisions(people.enrolment))
    judgement = next(e for e in decisions if e.action == "judgement")
    criterion = people.enrolment.standard.criteria.get()
    sample = services.unit_sample_record(
        enrolment=people.enrolment,
        iqa=people.iqa,
        kind="interim",
        outcome="referred",
        feedback="Rationale missing.",
        decisions=[judgement],
        referrals={criterion: "Say why it is met."},
    )
    verdict = IqaSample.objects.get()
    assert verdict.entry == judgement and verdict.outcome == "referred"
    assert not ReopenRequest.objects.exists()  # the unit is not locked
    assert [s.pk for s in iqa_referrals(people.enrolment)[criterion.pk]] == [verdict.pk]
    assert sample.kind == "interim"
    assert judgement not in services.unsampled_decisions(people.enrolment)
    with pytest.raises(ValidationError, match="not yet sampled"):
        services.unit_sample_record(
            enrolment=people.enrolment,
            iqa=people.iqa,
            kind="interim",
            outcome="agreed",
            feedback="",
            decisions=[judgement],
        )


def test_sample_refusals(people) -> None:
    complete(people.enrolment)
    entry = services.unsampled_decisions(people.enrolment).first()
    base = {"enrolment": people.enrolment, "kind": "interim", "decisions": [entry]}
    with pytest.raises(ValidationError, match="IQA"):
        services.unit_sample_record(iqa=people.assessor, outcome="agreed", feedback="", **base)
    with pytest.raises(ValidationError, match="put right"):
        services.unit_sample_record(iqa=people.iqa, outcome="referred", feedback=" ", **base)
    with pytest.raises(ValidationError, match="at least one"):
        services.unit_sample_record(
            iqa=people.iqa,
            outcome="agreed",
            feedback="",
            enrolment=people.enrolment,
            kind="interim",
        )
    past = timezone.localdate() - datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="past"):
        services.unit_sample_record(
            iqa=people.iqa, outcome="agreed", feedback="", actions=[("Do it", past)], **base
        )
    assert not UnitSample.objects.exists()


def test_an_action_is_answered_then_sent_back_then_closed(people) -> None:
    action = sample_with_action(people).actions.get()
    with pytest.raises(ValidationError):
        services.qa_action_close(action=action, iqa=people.assessor)
    with pytest.raises(ValidationError, match="not answered"):
        services.qa_action_return(action=action, iqa=people.iqa, note="More")
    with pytest.raises(ValidationError, match="not answered"):
        services.qa_action_close(action=action, iqa=people.iqa)
    with pytest.raises(ValidationError):
        services.qa_action_answer(action=action, assessor=people.assessor, response=" ")
    action = services.qa_action_answer(action=action, assessor=people.assessor, response="Done")
    assert action.status == QaAction.Status.ANSWERED
    action = services.qa_action_return(action=action, iqa=people.iqa, note="Show me one")
    assert action.status == QaAction.Status.OPEN
    services.qa_action_answer(action=action, assessor=people.assessor, response="See P1")
    action = services.qa_action_close(action=action, iqa=people.iqa)
    assert action.status == QaAction.Status.CLOSED and action.closed_at
    with pytest.raises(ValidationError, match="closed"):
        services.qa_action_close(action=action, iqa=people.iqa)
    kinds = [a for a in _actions() if a.startswith("qa_action")]
    assert kinds == [
        "qa_action_raised",
        "qa_action_answered",
        "qa_action_returned",
        "qa_action_answered",
        "qa_action_closed",
    ]
