"""The suggested sample: covers every assessor, standard and state, spreads to √n, says why,
is the same every time, and costs the same number of queries whatever the centre's size."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from assessments.models import Enrolment, UnitSignOff
from portal.visits import sampling
from tests.factories import EnrolmentFactory, StandardFactory, UserFactory
from tests.visits.helpers import planned_visit


def _enrol(people, *, assessor, standard, signed_off=False, **fields):
    learner = UserFactory(centre=people.centre, is_learner=True)
    enrolment = EnrolmentFactory(
        learner=learner, centre=people.centre, standard=standard, assessor=assessor, **fields
    )
    if signed_off:
        UnitSignOff.objects.create(
            enrolment=enrolment,
            assessor=assessor,
            assessor_declaration="Valid, authentic, sufficient.",
            signed_at=timezone.now(),
        )
    return enrolment


@pytest.fixture
def centre(people):
    """Two more assessors and two more standards: 12 units, two of them signed off."""
    zoe = UserFactory(full_name="Zoe Assessor", centre=people.centre, is_assessor=True)
    yan = UserFactory(full_name="Yan Assessor", centre=people.centre, is_assessor=True)
    s1 = StandardFactory(code="STD-A")
    s2 = StandardFactory(code="STD-B")
    made = [
        _enrol(people, assessor=zoe, standard=s1),
        _enrol(people, assessor=zoe, standard=s1),
        _enrol(people, assessor=zoe, standard=s1, signed_off=True),
        _enrol(people, assessor=yan, standard=s2),
        _enrol(people, assessor=yan, standard=s2),
        _enrol(people, assessor=people.assessor, standard=s2, signed_off=True),
        _enrol(people, assessor=zoe, standard=s2),
        _enrol(people, assessor=zoe, standard=s2),
        _enrol(people, assessor=yan, standard=s1),
        _enrol(people, assessor=yan, standard=s1),
        _enrol(people, assessor=yan, standard=s1, status=Enrolment.Status.WITHDRAWN),
    ]
    return {"zoe": zoe, "yan": yan, "s1": s1, "s2": s2, "made": made}


def test_covers_every_assessor_standard_and_state(people, centre) -> None:
    suggestion = sampling.suggest(planned_visit(people))
    picked = [p.enrolment for p in suggestion.picks]
    assert {e.assessor_id for e in picked} == {
        people.assessor.pk,
        centre["zoe"].pk,
        centre["yan"].pk,
    }
    assert {e.standard_id for e in picked} == {
        people.enrolment.standard_id,
        centre["s1"].pk,
        centre["s2"].pk,
    }
    assert suggestion.states == ["signed off", "in progress"]
    assert suggestion.population == 11  # the withdrawn unit is left out
    assert len(picked) == 4  # √11 rounded up; the covering set is smaller
    assert suggestion.summary == (
        "Covers assessors Bob Assessor, Yan Assessor, Zoe Assessor; "
        "standards STD-A, STD-B, TEST001; units signed off and in progress."
    )
    assert all(p.reason for p in suggestion.picks)
    assert suggestion.picks[0].reason.startswith("Covers assessor")
    assert centre["made"][-1] not in picked


def test_the_same_data_gives_the_same_sample(people, centre) -> None:
    visit = planned_visit(people)
    first = [(p.enrolment.pk, p.reason) for p in sampling.suggest(visit).picks]
    second = [(p.enrolment.pk, p.reason) for p in sampling.suggest(visit).picks]
    assert first == second


def test_scope_limits_to_the_visit_standards(people, centre) -> None:
    visit = planned_visit(people, standards=[centre["s1"]])
    suggestion = sampling.suggest(visit)
    assert {p.enrolment.standard_id for p in suggestion.picks} == {centre["s1"].pk}
    assert suggestion.population == 5
    assert suggestion.standards == ["STD-A"]


def test_an_empty_scope_says_so(people) -> None:
    visit = planned_visit(people, standards=[StandardFactory(code="NONE1")])
    suggestion = sampling.suggest(visit)
    assert suggestion.picks == []
    assert suggestion.summary == "No learner's unit is in the visit's scope."


@pytest.mark.parametrize("extra", [5, 40])
def test_query_count_does_not_grow(people, django_assert_max_num_queries, extra) -> None:
    standard = StandardFactory()
    for n in range(extra):
        assessor = UserFactory(centre=people.centre, is_assessor=True) if n % 5 == 0 else None
        _enrol(people, assessor=assessor or people.assessor, standard=standard)
    visit = planned_visit(people, visit_on=datetime.date(2027, 1, 5))
    with django_assert_max_num_queries(2):
        suggestion = sampling.suggest(visit)
    assert len(suggestion.picks) >= 3
