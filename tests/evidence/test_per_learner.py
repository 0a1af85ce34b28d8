"""Evidence belongs to the learner (issue 11 part 3): references per learner, one item
counting towards several units, and locks per unit."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments.errors import LockedError
from assessments.models import Enrolment
from evidence import services
from evidence.models import EvidenceItem, Mapping
from review import services as review_services
from review.selectors import enrolment_grid
from review.sign_off import unit_sign_off
from review.status import CriterionStatus
from tests.evidence.helpers import make_item, submitted_item
from tests.factories import CriterionFactory, EnrolmentFactory, GroupFactory, StandardFactory


def second_unit(people, code: str = "TEST002", criteria: int = 2) -> Enrolment:
    group = GroupFactory(standard=StandardFactory(code=code, slug=code.lower()))
    for n in range(1, criteria + 1):
        CriterionFactory(group=group, order=n, reference=f"P{n}", text=f"{code} thing {n}")
    return EnrolmentFactory(
        learner=people.learner,
        centre=people.centre,
        standard=group.standard,
        assessor=people.assessor,
        iqa=people.iqa,
    )


def test_references_are_numbered_per_learner_across_units(people) -> None:
    other = second_unit(people)
    first = make_item(people.enrolment)
    second = make_item(other)
    third = make_item(people.enrolment)
    assert [first.reference, second.reference, third.reference] == ["E1", "E2", "E3"]
    assert {first.learner_id, second.learner_id, third.learner_id} == {people.learner.pk}
    theirs = EnrolmentFactory(
        learner=people.other_learner, centre=people.centre, standard=people.enrolment.standard
    )
    assert make_item(theirs).reference == "E1"


def test_a_moved_draft_keeps_its_reference_and_proposals(people) -> None:
    other = second_unit(people)
    draft = make_item(people.enrolment)
    services.mapping_set_by_learner(item=draft, criteria=[people.enrolment.standard.criteria.get()])
    moved = services.evidence_move(item=draft, enrolment=other)
    assert moved.enrolment == other and moved.reference == "E1"
    assert moved.mappings.count() == 1


def test_the_learner_maps_one_item_to_criteria_of_two_units(people) -> None:
    other = second_unit(people)
    item = make_item(people.enrolment)
    own = people.enrolment.standard.criteria.get()
    theirs = list(other.standard.criteria.order_by("order"))
    services.mapping_set_by_learner(item=item, criteria=[own, theirs[1]])
    assert set(item.mappings.values_list("criterion_id", flat=True)) == {own.pk, theirs[1].pk}
    assert all(m.proposed_by_learner and not m.confirmed for m in item.mappings.all())
    unrelated = CriterionFactory()  # a standard the learner is not enrolled on
    with pytest.raises(ValidationError):
        services.mapping_set_by_learner(item=item, criteria=[unrelated])
    page = people.client_for(people.learner).get(reverse("evidence:mapping", args=[item.pk]))
    html = page.content.decode()
    assert "TEST001" in html and "TEST002" in html and "home unit" in html
    response = people.client_for(people.learner).post(
        reverse("evidence:mapping", args=[item.pk]), {"criteria": [theirs[0].pk]}
    )
    assert response.status_code == 302
    assert list(item.mappings.values_list("criterion_id", flat=True)) == [theirs[0].pk]


def test_mapping_clean_allows_any_standard_the_learner_is_enrolled_on(people) -> None:
    other = second_unit(people)
    item = make_item(people.enrolment)
    Mapping(item=item, criterion=other.standard.criteria.first()).full_clean()
    other.status = Enrolment.Status.COMPLETED
    other.save()
    Mapping(item=item, criterion=other.standard.criteria.first()).full_clean()
    other.status = Enrolment.Status.WITHDRAWN
    other.save()
    with pytest.raises(ValidationError):
        Mapping(item=item, criterion=other.standard.criteria.first()).full_clean()
    with pytest.raises(ValidationError):
        Mapping(item=item, criterion=CriterionFactory()).full_clean()


def _count_in_both(people, other: Enrolment) -> EvidenceItem:
    item = submitted_item(people.enrolment)
    for criterion in [people.enrolment.standard.criteria.get(), *other.standard.criteria.all()]:
        review_services.mapping_add(item=item, criterion=criterion, assessor=people.assessor)
    return review_services.evidence_accept(item=item, assessor=people.assessor)


def test_one_item_counts_towards_two_units(people) -> None:
    other = second_unit(people)
    item = _count_in_both(people, other)
    elsewhere = make_item(other)  # a draft at home in the other unit: not a column anywhere
    for enrolment in (people.enrolment, other):
        grid = enrolment_grid(enrolment)
        assert [i.pk for i in grid.items] == [item.pk]
        assert {row.status for row in grid.rows} == {CriterionStatus.BACKED}
        assert all(row.met_by.startswith("Met by E1 (") for row in grid.rows)
    assert elsewhere.reference == "E2"
    html = (
        people.client_for(people.assessor)
        .get(reverse("review:grid", args=[other.pk]))
        .content.decode()
    )
    assert "from another unit" in html and f"{item.reference}<span" in html


def test_locks_are_per_unit(people) -> None:
    other = second_unit(people, criteria=1)
    item = _count_in_both(people, other)
    extra = CriterionFactory(
        group=people.enrolment.standard.criteria.get().group, order=2, reference="P2"
    )
    for criterion in other.standard.criteria.all():
        review_services.criterion_judge(
            enrolment=other, criterion=criterion, assessor=people.assessor, met=True, rationale=""
        )
    unit_sign_off(enrolment=other, assessor=people.assessor, password="password")
    locked_criterion = other.standard.criteria.get()
    # A mapping into the signed-off unit is frozen…
    with pytest.raises(LockedError):
        review_services.mapping_remove(
            item=item, criterion=locked_criterion, assessor=people.assessor
        )
    mapping = Mapping.objects.get(item=item, criterion=locked_criterion)
    with pytest.raises(LockedError):
        review_services.mapping_set_method(
            mapping=mapping, assessor=people.assessor, method=Mapping.Method.OBSERVATION
        )
    # …the same item stays usable for the learner's other unit…
    review_services.mapping_add(item=item, criterion=extra, assessor=people.assessor)
    # …but may not be referred back (it would change the locked unit's evidence).
    with pytest.raises(LockedError, match="TEST002"):
        review_services.evidence_refer(item=item, assessor=people.assessor, feedback="Redo it.")
    assert "TEST002" in services.edit_refusal(item)
    # A proposal into the locked unit is refused to the learner, and shown disabled.
    draft = make_item(people.enrolment)
    with pytest.raises(LockedError):
        services.mapping_set_by_learner(item=draft, criteria=[locked_criterion])
    html = (
        people.client_for(people.learner)
        .get(reverse("evidence:mapping", args=[draft.pk]))
        .content.decode()
    )
    assert "This unit is signed off, so its mappings cannot change" in html
    assert f'name="criteria" value="{locked_criterion.pk}"' not in html


def test_an_item_at_home_in_a_signed_off_unit_stays_usable_elsewhere(people) -> None:
    other = second_unit(people, criteria=1)
    item = submitted_item(people.enrolment)
    from tests.review.helpers import signed_off

    signed_off(people.enrolment)
    assert "signed off" in services.edit_refusal(item)  # serves only the locked unit
    with pytest.raises(LockedError):
        review_services.evidence_accept(item=item, assessor=people.assessor)
    review_services.mapping_add(
        item=item, criterion=other.standard.criteria.get(), assessor=people.assessor
    )
    review_services.evidence_accept(item=item, assessor=people.assessor)
    grid = enrolment_grid(other)
    assert grid.rows[0].status == CriterionStatus.BACKED


def test_the_review_page_offers_the_other_units_criteria(people) -> None:
    other = second_unit(people)
    item = submitted_item(people.enrolment)
    html = (
        people.client_for(people.assessor)
        .get(reverse("review:review", args=[item.pk]))
        .content.decode()
    )
    for criterion in other.standard.criteria.all():
        assert f'<option value="{criterion.pk}">' in html
    assert 'optgroup label="TEST002: Group"' in html


def test_feedback_on_a_shared_item_shows_in_each_units_grid(people) -> None:
    other = second_unit(people)
    item = submitted_item(people.enrolment)
    review_services.mapping_add(
        item=item, criterion=other.standard.criteria.first(), assessor=people.assessor
    )
    review_services.evidence_accept(
        item=item, assessor=people.assessor, feedback="Clear minutes, well reflected on."
    )
    client = people.client_for(people.learner)
    for enrolment in (people.enrolment, other):
        html = client.get(reverse("review:grid", args=[enrolment.pk])).content.decode()
        assert "Clear minutes, well reflected on." in html
