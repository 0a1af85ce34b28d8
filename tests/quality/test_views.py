"""The quality pages: plans, coverage, the decisions list, sampling a unit, actions."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from assessments import services as record_services
from assessments.models import RecordEntry, ReopenRequest
from quality import services
from quality.models import QaAction, SamplingPlan, UnitSample
from tests.factories import EnrolmentFactory, StandardFactory, UserFactory
from tests.quality.helpers import countersigned, sample_with_action, write_plan
from tests.review.helpers import complete, signed_off


def _decisions(people, enrolment=None, n: int = 1) -> list[RecordEntry]:
    return [
        record_services.record_append(
            enrolment=enrolment or people.enrolment,
            actor=people.assessor,
            action=RecordEntry.Action.EVIDENCE_ACCEPTED,
            payload={"item": i, "reference": f"E{i}", "title": "t", "feedback": ""},
        )
        for i in range(n)
    ]


def _due(days: int = 7) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def test_iqa_writes_a_plan_and_a_change_is_a_new_version(people) -> None:
    client = people.client_for(people.iqa)
    url = reverse("quality:plan_edit", args=[people.assessor.pk])
    assert "Sign this plan" in client.get(url).content.decode()
    data = {
        "risk": "high",
        "risk_reasons": ["newly_qualified"],
        "interim_planned": "2",
        "summative_planned": "3",
        "methods": ["observation", "witness"],
        "evidence_types": ["product"],
        "locations": "Oak Ward\n\nElm House",
        "notes": "",
    }
    response = client.post(url, data)
    assert response.url == reverse("quality:assessor", args=[people.assessor.pk])
    client.post(url, {**data, "risk": "low"})
    plans = SamplingPlan.objects.order_by("version")
    assert [(p.version, p.rate) for p in plans] == [(1, 50), (2, 10)]
    assert plans[0].locations == ["Oak Ward", "Elm House"]
    html = client.get(response.url).content.decode()
    assert "version 2" in html and "Earlier versions" in html
    assert client.post(url, {**data, "risk": "extreme"}).status_code == 200


def test_coverage_names_what_is_not_yet_sampled(people) -> None:
    write_plan(people)
    complete(people.enrolment)
    html = (
        people.client_for(people.iqa)
        .get(reverse("quality:assessor", args=[people.assessor.pk]))
        .content.decode()
    )
    assert "0 of 1</strong> unit sampled" in html
    assert "behind the plan" in html
    assert "Alice Learner" in html  # not yet sampled, and proposed
    assert "In progress, never sampled" in html
    assert "Observation" in html  # a method the plan names, not yet sampled


def test_decisions_filter_link_to_the_unit_and_stay_at_fixed_queries(
    people, django_assert_max_num_queries
) -> None:
    other = EnrolmentFactory(
        learner=people.other_learner,
        centre=people.centre,
        standard=StandardFactory(),
        assessor=people.assessor,
        iqa=people.iqa,
    )
    client = people.client_for(people.iqa)
    url = reverse("quality:decisions")
    _decisions(people, n=3)
    with django_assert_max_num_queries(12) as small:
        client.get(url)
    _decisions(people, n=30)
    _decisions(people, enrolment=other, n=3)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.context["page"].paginator.count == 36
    assert len(response.context["page"]) == 25
    html = response.content.decode()
    assert reverse("review:grid", args=[people.enrolment.pk]) in html
    assert reverse("quality:sample_unit", args=[people.enrolment.pk]) in html
    assert client.get(url, {"learner": "amir"}).context["page"].paginator.count == 3
    standard = {"standard": people.enrolment.standard_id, "page": 2}
    assert len(client.get(url, standard).context["page"]) == 8
    later = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    assert client.get(url, {"date_from": later}).context["page"].paginator.count == 0
    assert client.get(url, {"action": "judgement"}).context["page"].paginator.count == 0
    assert client.get(url, {"method": "observation"}).context["page"].paginator.count == 0
    by_assessor = client.get(url, {"assessor": people.assessor.pk})
    assert by_assessor.context["page"].paginator.count == 36
    assert client.get(url, {"date_from": "not a date"}).status_code == 200


def test_quality_home_stays_at_fixed_queries(people, django_assert_max_num_queries) -> None:
    write_plan(people)
    client = people.client_for(people.iqa)
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("quality:home"))
    for _ in range(3):
        assessor = UserFactory(centre=people.centre, is_assessor=True)
        learner = UserFactory(centre=people.centre, is_learner=True)
        enrolment = EnrolmentFactory(
            learner=learner,
            centre=people.centre,
            standard=people.enrolment.standard,
            assessor=assessor,
            iqa=people.iqa,
        )
        _decisions(people, enrolment=enrolment, n=5)
    sample_with_action(people)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("quality:home"))
    assert len(response.context["page"]) == 4


def test_assessor_page_stays_at_fixed_queries(people, django_assert_max_num_queries) -> None:
    write_plan(people)
    sample_with_action(people)
    client = people.client_for(people.iqa)
    url = reverse("quality:assessor", args=[people.assessor.pk])
    with django_assert_max_num_queries(30) as small:
        client.get(url)
    for _ in range(4):
        learner = UserFactory(centre=people.centre, is_learner=True)
        enrolment = EnrolmentFactory(
            learner=learner,
            centre=people.centre,
            standard=people.enrolment.standard,
            assessor=people.assessor,
            iqa=people.iqa,
        )
        complete(enrolment)
        services.unit_sample_record(
            enrolment=enrolment,
            iqa=people.iqa,
            kind="interim",
            outcome="agreed",
            feedback="",
            decisions=list(services.unsampled_decisions(enrolment)[:2]),
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


def test_summative_sample_page_shows_the_unit_and_verifies(people) -> None:
    countersigned(people.enrolment)
    client = people.client_for(people.iqa)
    url = reverse("quality:sample_unit", args=[people.enrolment.pk])
    html = client.get(url).content.decode()
    assert "Summative (at sign-off)" in html and "Judgements" in html
    assert "Evidence and mappings" in html and "Mapped to: P1" in html
    response = client.post(
        url,
        {
            "outcome": "agreed",
            "feedback": "Good.",
            "act0-text": "Name the evidence in each rationale.",
            "act0-due_on": _due(),
        },
        follow=True,
    )
    assert "the sign-off is verified" in response.content.decode()
    sample = UnitSample.objects.get()
    assert sample.actions.get().status == QaAction.Status.OPEN
    html = client.get(url).content.decode()
    assert "already been sampled" in html and "Record the sample" not in html


def test_summative_page_offers_only_what_the_service_accepts(people) -> None:
    signed_off(people.enrolment)
    client = people.client_for(people.iqa)
    url = reverse("quality:sample_unit", args=[people.enrolment.pk])
    html = client.get(url).content.decode()
    assert "has not countersigned" in html
    assert 'value="agreed"' not in html and 'value="referred"' in html
    assert client.post(url, {"outcome": "agreed"}).status_code == 200
    assert not UnitSample.objects.exists()


def test_a_referral_of_a_signed_off_unit_reaches_the_admin_then_the_assessor(people) -> None:
    countersigned(people.enrolment)
    criterion = people.enrolment.standard.criteria.get()
    iqa = people.client_for(people.iqa)
    url = reverse("quality:sample_unit", args=[people.enrolment.pk])
    response = iqa.post(url, {"outcome": "referred", "feedback": ""})
    assert "Say what the assessor needs to put right" in response.content.decode()
    response = iqa.post(
        url,
        {
            "outcome": "referred",
            "feedback": "Look again at P1.",
            "ref0-criterion": criterion.pk,
            "ref0-feedback": "P1 needs an observation, not a product.",
        },
        follow=True,
    )
    assert "centre admin has been asked to reopen it" in response.content.decode()
    assert ReopenRequest.objects.get().criterion == criterion
    admin = people.client_for(people.admin)
    dashboard = admin.get(reverse("centre_dashboard")).content.decode()
    assert "P1 needs an observation" in dashboard
    reopen_url = reverse("review:reopen", args=[people.enrolment.pk])
    admin.post(reopen_url, {"reason": "IQA referral: P1 needs an observation."})
    grid_url = reverse("review:grid", args=[people.enrolment.pk])
    assessor_grid = people.client_for(people.assessor).get(grid_url).content.decode()
    assert "IQA referral" in assessor_grid and "P1 needs an observation" in assessor_grid


def test_interim_sample_of_ticked_decisions(people) -> None:
    complete(people.enrolment)
    client = people.client_for(people.iqa)
    url = reverse("quality:sample_unit", args=[people.enrolment.pk])
    html = client.get(url).content.decode()
    assert "Interim (during the unit)" in html and "judged P1 met" in html
    response = client.post(url, {"outcome": "agreed"})
    assert "Choose at least one decision" in response.content.decode()
    entry = services.unsampled_decisions(people.enrolment).first()
    response = client.post(url, {"outcome": "agreed", "decisions": [entry.pk]})
    sample = UnitSample.objects.get()
    assert response.url == reverse("quality:sample", args=[sample.pk])
    assert list(sample.decisions.all()) == [entry]
    response = client.post(url, {"outcome": "agreed", "decisions": [entry.pk]})
    assert response.status_code == 200  # no longer a choice


def test_an_action_is_answered_and_closed_and_shows_on_both_dashboards(people) -> None:
    sample = sample_with_action(people, due_in=-0)
    action = sample.actions.get()
    QaAction.objects.filter(pk=action.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=3)
    )
    assessor = people.client_for(people.assessor)
    iqa = people.client_for(people.iqa)
    assert "Overdue by 3 days" in assessor.get(reverse("assessor_dashboard")).content.decode()
    assert "Overdue by 3 days" in iqa.get(reverse("iqa_dashboard")).content.decode()
    page = reverse("quality:sample", args=[sample.pk])
    assert "Send my response" in assessor.get(page).content.decode()
    assert "Close the action" not in assessor.get(page).content.decode()
    response = assessor.post(reverse("quality:action_answer", args=[action.pk]), {"response": ""})
    assert response.url == page
    assert QaAction.objects.get().status == QaAction.Status.OPEN
    assessor.post(reverse("quality:action_answer", args=[action.pk]), {"response": "Rewritten."})
    html = iqa.get(page).content.decode()
    assert "Rewritten." in html and "Close the action" in html and "Send it back" in html
    iqa.post(reverse("quality:action_close", args=[action.pk]))
    assert QaAction.objects.get().status == QaAction.Status.CLOSED
    assert "Rewrite" not in assessor.get(reverse("assessor_dashboard")).content.decode()
    response = iqa.post(reverse("quality:action_close", args=[action.pk]), follow=True)
    assert "This action is closed." in response.content.decode()


def test_eqa_reads_plans_and_samples_but_the_sampling_page_is_the_iqas(people) -> None:
    plan = write_plan(people)
    sample = sample_with_action(people)
    eqa = people.client_for(people.eqa)
    assert eqa.get(reverse("quality:plan", args=[plan.pk])).status_code == 200
    html = eqa.get(reverse("quality:sample", args=[sample.pk])).content.decode()
    assert "Write fuller rationales" in html and "Send my response" not in html
    assert eqa.get(reverse("quality:assessor", args=[people.assessor.pk])).status_code == 200
    url = reverse("quality:sample_unit", args=[people.enrolment.pk])
    assert eqa.get(url).status_code == 403
    other_iqa = UserFactory(centre=people.other_centre, is_iqa=True)
    assert people.client_for(other_iqa).get(url).status_code == 404
