"""Assessment plan pages: drafting, signing in turn, revising with the old version readable,
the grid's summary, refusals (wrong role 403, another centre 404) and query counts."""

from __future__ import annotations

import datetime

from django.urls import reverse

from assessments.models import RecordEntry
from review import plans
from review.models import AssessmentPlan
from tests.review.helpers import signed_off
from tests.review.plan_helpers import activity, agreed_plan, awaiting_learner, draft_plan


def _url(name: str, people, **kwargs: object) -> str:
    return reverse(f"review:{name}", kwargs={"pk": people.enrolment.pk, **kwargs})


def _post(people, **changes: object) -> dict:
    group = people.enrolment.standard.groups.get()
    return {
        "activity-TOTAL_FORMS": "1",
        "activity-INITIAL_FORMS": "0",
        "activity-0-what": "Supporting a resident at mealtimes",
        "activity-0-groups": [str(group.pk)],
        "activity-0-criteria": "",
        "activity-0-methods": ["observation", "discussion"],
        "activity-0-where": "Oak Ward, Riverside Care Home: real work",
        "activity-0-by": "2026-12-15",
    } | changes


def test_assessor_drafts_signs_then_learner_agrees(people) -> None:
    assessor = people.client_for(people.assessor)
    page = assessor.get(_url("plan_edit", people))
    assert page.status_code == 200
    assert "Draft the assessment plan" in page.content.decode()
    response = assessor.post(
        _url("plan_edit", people), _post(people, **{"activity-0-criteria": "p1"})
    )
    assert response.status_code == 302
    plan = AssessmentPlan.objects.get()
    assert plan.activities[0]["criteria"][0]["reference"] == "P1"
    assert plan.activities[0]["methods"] == ["observation", "discussion"]

    page = assessor.get(_url("plan", people)).content.decode()
    assert "Draft: awaiting the assessor" in page
    assert "Sign the plan" in page
    response = assessor.post(_url("plan_sign", people), {"version": 1, "signature": "Bob Assessor"})
    assert response.status_code == 302

    learner = people.client_for(people.learner)
    grid = learner.get(reverse("review:grid", args=[people.enrolment.pk])).content.decode()
    assert "Awaiting the learner" in grid
    assert "Read and sign the plan" in grid
    page = learner.get(_url("plan", people)).content.decode()
    assert "I, Alice Learner, agree this assessment plan (version 1)" in page
    assert "Professional discussion" in page
    assert "15 December 2026" in page
    response = learner.post(_url("plan_sign", people), {"version": 1, "signature": "alice learner"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.is_agreed
    grid = learner.get(reverse("review:grid", args=[people.enrolment.pk])).content.decode()
    assert "✓ Agreed" in grid
    assert RecordEntry.objects.filter(action=RecordEntry.Action.PLAN_SIGNED).count() == 2


def test_learner_cannot_sign_before_the_assessor(people) -> None:
    draft_plan(people.enrolment)
    learner = people.client_for(people.learner)
    page = learner.get(_url("plan", people)).content.decode()
    assert "Sign the plan" not in page
    assert "Your assessor signs this version first" in page
    response = learner.post(
        _url("plan_sign", people), {"version": 1, "signature": "Alice Learner"}, follow=True
    )
    assert "Your assessor signs the plan first" in response.content.decode()
    assert AssessmentPlan.objects.get().learner_signed_at is None


def test_wrong_name_is_shown_on_the_form(people) -> None:
    awaiting_learner(people.enrolment)
    learner = people.client_for(people.learner)
    response = learner.post(_url("plan_sign", people), {"version": 1, "signature": "Bob"})
    assert response.status_code == 200
    assert "Type your full name exactly" in response.content.decode()
    assert AssessmentPlan.objects.get().learner_signed_at is None


def test_signing_a_version_revised_meanwhile_is_refused(people) -> None:
    plan = awaiting_learner(people.enrolment)
    plans.plan_revise(
        plan=plan,
        assessor=people.assessor,
        activities=[activity(people.enrolment)],
        reason="Dates moved.",
    )
    learner = people.client_for(people.learner)
    response = learner.post(
        _url("plan_sign", people), {"version": 1, "signature": "Alice Learner"}, follow=True
    )
    assert "The plan was revised while you read it" in response.content.decode()
    assert not AssessmentPlan.objects.filter(learner_signed_at__isnull=False).exists()


def test_revising_keeps_the_old_version_readable(people) -> None:
    agreed_plan(people.enrolment)
    assessor = people.client_for(people.assessor)
    page = assessor.get(_url("plan_edit", people)).content.decode()
    assert "Supporting a resident at mealtimes" in page  # the current activities, to change
    data = _post(
        people,
        **{
            "activity-INITIAL_FORMS": "1",
            "activity-0-what": "Professional discussion of mealtime support",
            "activity-0-methods": ["discussion"],
            "reason": "The ward closed for refurbishment.",
        },
    )
    response = assessor.post(_url("plan_edit", people), data)
    assert response.status_code == 302
    current = plans.plan_current(people.enrolment)
    assert current.version == 2
    assert current.state == AssessmentPlan.State.DRAFT

    eqa = people.client_for(people.eqa)
    old = eqa.get(_url("plan_version", people, version=1)).content.decode()
    assert "This is version 1, kept as it was signed" in old
    assert "Supporting a resident at mealtimes" in old
    assert "signed “Alice Learner”" in old
    new = eqa.get(_url("plan", people)).content.decode()
    assert "Professional discussion of mealtime support" in new
    assert "The ward closed for refurbishment." in new
    assert "Version 1</a>: drafted" in new


def test_revision_without_reason_or_with_unknown_criteria_is_an_error(people) -> None:
    draft_plan(people.enrolment)
    assessor = people.client_for(people.assessor)
    response = assessor.post(
        _url("plan_edit", people),
        _post(people, **{"activity-INITIAL_FORMS": "1", "activity-0-criteria": "P1, Z9"}),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Not a criterion of this standard: Z9." in page
    assert "Why is the plan being revised?" in page
    assert AssessmentPlan.objects.count() == 1


def test_an_empty_plan_is_an_error(people) -> None:
    assessor = people.client_for(people.assessor)
    data = {"activity-TOTAL_FORMS": "2", "activity-INITIAL_FORMS": "0"}
    response = assessor.post(_url("plan_edit", people), data)
    assert response.status_code == 200
    assert "Plan at least one assessment activity." in response.content.decode()
    assert not AssessmentPlan.objects.exists()


def test_activity_without_criteria_is_an_error(people) -> None:
    assessor = people.client_for(people.assessor)
    response = assessor.post(_url("plan_edit", people), _post(people, **{"activity-0-groups": []}))
    assert "Choose whole groups or name single criteria." in response.content.decode()


def test_locked_unit_offers_no_revision(people) -> None:
    agreed_plan(people.enrolment)
    signed_off(people.enrolment)
    assessor = people.client_for(people.assessor)
    page = assessor.get(_url("plan", people)).content.decode()
    assert "Revise the plan" not in page
    assert "can no longer be revised" in page
    response = assessor.post(
        _url("plan_edit", people),
        _post(people, **{"activity-INITIAL_FORMS": "1", "reason": "late"}),
    )
    assert response.status_code == 200
    assert "signed off" in response.content.decode()
    assert AssessmentPlan.objects.count() == 1


def test_read_only_roles_and_strangers(people) -> None:
    draft_plan(people.enrolment)
    for role in ("iqa", "admin", "eqa"):
        client = people.client_for(getattr(people, role))
        assert client.get(_url("plan", people)).status_code == 200
        assert client.get(_url("plan_edit", people)).status_code == 403
        signature = {"version": 1, "signature": getattr(people, role).full_name}
        assert client.post(_url("plan_sign", people), signature).status_code == 403
    for role in ("other_learner", "outsider_admin", "outsider_learner"):
        client = people.client_for(getattr(people, role))
        assert client.get(_url("plan", people)).status_code == 404
        assert client.get(_url("plan_version", people, version=1)).status_code == 404
    outsider = people.client_for(people.outsider_admin)
    other = reverse("review:plan", kwargs={"pk": people.outsider_enrolment.pk})
    assert outsider.get(other).status_code == 200
    assert people.client_for(people.admin).get(other).status_code == 404
    assert people.client_for(None).get(_url("plan", people)).status_code == 302
    assert (
        people.client_for(people.learner).get(_url("plan_version", people, version=9)).status_code
        == 404
    )


def test_plan_page_query_count_does_not_grow_with_versions(
    people, django_assert_max_num_queries
) -> None:
    plan = agreed_plan(people.enrolment)
    client = people.client_for(people.iqa)
    with django_assert_max_num_queries(12) as small:
        client.get(_url("plan", people))
    for n in range(10):
        plan = plans.plan_revise(
            plan=plan,
            assessor=people.assessor,
            activities=[activity(people.enrolment, by=datetime.date(2027, 1, 1 + n))] * 3,
            reason=f"Change {n}",
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(_url("plan", people))
    assert "Version 11" in response.content.decode()
