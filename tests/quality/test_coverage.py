"""Coverage per governing plan: each unit is measured against its standard's plan where there is
one, else the assessor's overall plan, on the page and in the proposed next samples."""

from __future__ import annotations

from django.urls import reverse

from evidence.models import EvidenceItem
from quality import selectors, services
from quality.models import SamplingPlan, UnitSample
from tests.factories import CriterionFactory, EnrolmentFactory, GroupFactory, UserFactory
from tests.quality.helpers import write_plan
from tests.review.helpers import complete


def _unit(people, standard=None, place: str = ""):
    """A unit of the assessor's, on a new standard (with one criterion) unless given."""
    if standard is None:
        group = GroupFactory()
        CriterionFactory(group=group, order=1, reference="P1")
        standard = group.standard
    enrolment = EnrolmentFactory(
        learner=UserFactory(centre=people.centre, is_learner=True),
        centre=people.centre,
        standard=standard,
        assessor=people.assessor,
        iqa=people.iqa,
    )
    item = complete(enrolment)
    if place:
        EvidenceItem.objects.filter(pk=item.pk).update(place=place)
    return enrolment


def _interim(people, enrolment) -> UnitSample:
    return services.unit_sample_record(
        enrolment=enrolment,
        iqa=people.iqa,
        kind="interim",
        outcome="agreed",
        feedback="",
        decisions=list(services.unsampled_decisions(enrolment)[:1]),
    )


def _page(people):
    url = reverse("quality:assessor", args=[people.assessor.pk])
    return people.client_for(people.iqa).get(url)


def test_each_unit_is_measured_against_the_plan_that_governs_it(people) -> None:
    overall = write_plan(people, risk="low", locations=["Oak Ward"])  # 10%
    own_unit = _unit(people, place="Oak ward, day room")
    own = write_plan(
        people,
        standard=own_unit.standard,
        risk="high",  # 50%
        methods=["observation"],
        evidence_types=["witness"],
        locations=["Elm House"],
    )
    complete(people.enrolment)
    sample = _interim(people, own_unit)
    assert sample.plan == own  # sampling and coverage ask the same rule

    response = _page(people)
    standard_part, rest = response.context["coverage"]
    assert standard_part.plan == own and rest.plan == overall
    assert (standard_part.units, standard_part.sampled_units, standard_part.interim) == (1, 1, 1)
    assert not standard_part.behind
    assert standard_part.methods_missing == ["Observation"]
    assert standard_part.types_missing == ["Witness testimony"]  # the sampled item: a product
    assert standard_part.locations_missing == ["Elm House"]
    assert (rest.units, rest.sampled_units, rest.interim) == (1, 0, 0)
    assert rest.behind and rest.standards_missing == ["TEST001"]
    assert rest.learners_missing == ["Alice Learner"]
    assert rest.locations_missing == ["Oak Ward"]  # only the other standard's item was there
    html = response.content.decode()
    assert f"{own_unit.standard.display_code}: its own plan, version 1" in html
    assert "Every other standard: plan version 1" in html
    assert "1 of 1</strong> unit sampled (100%); the plan asks for 50%: ✓ on track" in html
    assert "0 of 1</strong> unit sampled (0%); the plan asks for 10%: ⚠ behind the plan" in html


def test_units_without_their_own_plan_and_no_overall_plan_have_none(people) -> None:
    own_unit = _unit(people)
    write_plan(people, standard=own_unit.standard)
    complete(people.enrolment)
    standard_part, rest = _page(people).context["coverage"]
    assert standard_part.units == 1 and standard_part.plan.standard_id == own_unit.standard_id
    assert rest.plan is None and rest.units == 1 and not rest.behind
    assert services.plan_in_force(people.enrolment) is None


def test_the_newest_version_of_each_plan_governs(people) -> None:
    write_plan(people, risk="high")
    newest = write_plan(people, risk="low")
    own_unit = _unit(people)
    write_plan(people, standard=own_unit.standard, risk="low")
    newest_own = write_plan(people, standard=own_unit.standard, risk="medium")
    plans = list(SamplingPlan.objects.all())
    assert services.governing_plan(plans, own_unit.standard_id) == newest_own
    assert services.governing_plan(plans, people.enrolment.standard_id) == newest
    assert services.plan_in_force(own_unit) == newest_own
    assert services.plan_in_force(people.enrolment) == newest


def test_proposals_put_units_of_a_plan_behind_first_and_name_the_plan(people) -> None:
    write_plan(people, risk="low")  # 10%: on track once one of its units is sampled
    behind_unit = _unit(people)
    own = write_plan(people, standard=behind_unit.standard, risk="high")  # 50%, none sampled
    first = _unit(people, standard=people.enrolment.standard)
    complete(people.enrolment)
    _interim(people, first)
    response = _page(people)
    proposals = response.context["proposals"]
    assert proposals[0].enrolment == behind_unit
    assert proposals[0].plan == own
    assert proposals[0].reason == "In progress, never sampled; its plan is behind its 50%"
    assert proposals[1].enrolment == people.enrolment
    assert proposals[1].plan.standard_id is None
    assert proposals[1].reason == "In progress, never sampled"
    html = response.content.decode()
    assert f"under the {behind_unit.standard.display_code} plan" in html
    assert "under the plan for every other standard" in html


def test_coverage_and_proposals_stay_at_fixed_queries_over_plans(
    people, django_assert_max_num_queries
) -> None:
    write_plan(people)
    complete(people.enrolment)
    _interim(people, people.enrolment)
    with django_assert_max_num_queries(30) as small:
        _page(people)
    for n in range(3):
        unit = _unit(people, place=f"Ward {n}")
        write_plan(people, standard=unit.standard, locations=[f"Ward {n}", "Elm House"])
        _interim(people, unit)
        _unit(people, standard=unit.standard)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = _page(people)
    assert len(response.context["coverage"]) == 4
    assert [part.units for part in response.context["coverage"]] == [2, 2, 2, 1]
    assert [part.locations_missing for part in response.context["coverage"][:3]] == [
        ["Elm House"]
    ] * 3


def test_coverage_by_plan_without_plans_is_one_section_of_every_unit(people) -> None:
    complete(people.enrolment)
    (part,) = selectors.coverage_by_plan(people.assessor, [])
    assert part.plan is None and part.units == 1 and part.learners_missing == ["Alice Learner"]
