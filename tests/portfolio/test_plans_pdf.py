"""The portfolio PDF's data and HTML carry every version of each unit's assessment plan,
with their signatures, in one query whatever the number of plans."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.portfolio.render import render_html
from portal.portfolio.selectors import portfolio_data
from review import plans
from tests.factories import CriterionFactory, EnrolmentFactory, GroupFactory, StandardFactory
from tests.review.plan_helpers import activity, agreed_plan, draft_plan


def _data(people):
    return portfolio_data(people.learner, people.centre, requested_by=None, embed_max_bytes=0)


def _queries(people) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as context:
        _data(people)
    on_plans = [q for q in context.captured_queries if "review_assessmentplan" in q["sql"]]
    return len(context.captured_queries), len(on_plans)


def test_plans_in_one_query_whatever_their_number(people) -> None:
    small, plan_queries = _queries(people)
    assert plan_queries == 1
    plan = agreed_plan(people.enrolment)
    for n in range(3):
        plan = plans.plan_revise(
            plan=plan,
            assessor=people.assessor,
            activities=[activity(people.enrolment)] * 4,
            reason=f"Change {n}",
        )
    group = GroupFactory(standard=StandardFactory(slug="second"))
    CriterionFactory(group=group, reference="P1")
    second = EnrolmentFactory(
        learner=people.learner,
        centre=people.centre,
        standard=group.standard,
        assessor=people.assessor,
    )
    draft_plan(second)
    assert _queries(people) == (small, 1)


def test_every_version_with_its_signatures_in_the_pdf(people) -> None:
    agreed = agreed_plan(people.enrolment)
    plans.plan_revise(
        plan=agreed,
        assessor=people.assessor,
        activities=[
            activity(
                people.enrolment,
                what="Professional discussion of mealtime support",
                methods=["discussion"],
                by=datetime.date(2027, 1, 20),
            )
        ],
        reason="The ward closed for refurbishment.",
    )
    data = _data(people)
    [block] = data.blocks
    assert [p.version for p in block.plans] == [2, 1]
    html = render_html(data, code="PF-TEST", exported_at=datetime.datetime.now(datetime.UTC))
    assert "Version 2 (current): Draft" in html
    assert "Version 1 (replaced by version 2): Agreed" in html
    assert "Professional discussion of mealtime support" in html
    assert "Supporting a resident at mealtimes" in html
    assert "revised because: The ward closed for refurbishment." in html
    assert "signed “Bob Assessor”" in html and "signed “Alice Learner”" in html
    assert "Observation, Questioning" in html
