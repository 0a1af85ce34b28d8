from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from assessments.errors import NotPermittedError
from assessments.models import RecordEntry
from assessments.record import verify_centre
from assessments.services import LockedError
from evidence.models import EvidenceItem, Mapping
from evidence.services import evidence_update
from review import services
from review.sign_off import unit_sign_off
from standards.models import EquivalenceGroup, Kind
from tests.assessments.helpers import make_item, propose
from tests.factories import CriterionFactory, EnrolmentFactory, GroupFactory


def _criterion(people):
    return people.enrolment.standard.criteria.get()


def test_accept_records_file_hashes(people) -> None:
    item = make_item(people.enrolment)
    services.evidence_accept(item=item, assessor=people.assessor, feedback="Well evidenced.")
    item.refresh_from_db()
    assert item.status == EvidenceItem.Status.ACCEPTED
    entry = RecordEntry.objects.get()
    assert entry.action == "evidence_accepted"
    assert entry.file_hashes == [f"{item.pk:064x}"]
    assert entry.payload["feedback"] == "Well evidenced."


def test_refer_needs_feedback_and_makes_item_editable(people) -> None:
    item = make_item(people.enrolment)
    with pytest.raises(ValidationError):
        services.evidence_refer(item=item, assessor=people.assessor, feedback=" ")
    services.evidence_refer(item=item, assessor=people.assessor, feedback="Add the date.")
    item.refresh_from_db()
    assert item.status == EvidenceItem.Status.REFERRED and item.is_editable
    evidence_update(item=item, title="Care plan review, dated")


@pytest.mark.parametrize("who", ["iqa", "admin", "eqa", "learner", "outsider_admin"])
def test_only_the_assessor_decides(people, who) -> None:
    item = make_item(people.enrolment)
    with pytest.raises(NotPermittedError):
        services.evidence_accept(item=item, assessor=getattr(people, who))
    with pytest.raises(NotPermittedError):
        services.mapping_add(item=item, criterion=_criterion(people), assessor=getattr(people, who))
    assert not RecordEntry.objects.exists()


def test_toggle_confirms_a_proposal_with_default_method_then_unmaps(people) -> None:
    item = make_item(people.enrolment, evidence_type=EvidenceItem.Type.OBSERVATION)
    criterion = _criterion(people)
    propose(item, criterion)
    mapping = services.mapping_toggle(item=item, criterion=criterion, assessor=people.assessor)
    assert mapping.confirmed and mapping.method == Mapping.Method.OBSERVATION
    assert mapping.proposed_by_learner and mapping.confirmed_by == people.assessor
    changed = services.mapping_set_method(
        mapping=mapping, assessor=people.assessor, method=Mapping.Method.QUESTIONING
    )
    assert changed.method == Mapping.Method.QUESTIONING
    assert services.mapping_toggle(item=item, criterion=criterion, assessor=people.assessor) is None
    assert not Mapping.objects.exists()
    actions = list(RecordEntry.objects.order_by("sequence").values_list("action", flat=True))
    assert actions == ["mapping_confirmed", "mapping_changed", "mapping_removed"]


def test_judgement_needs_accepted_evidence(people) -> None:
    item = make_item(people.enrolment)
    criterion = _criterion(people)
    services.mapping_add(item=item, criterion=criterion, assessor=people.assessor)
    with pytest.raises(ValidationError, match="no accepted evidence"):
        services.criterion_judge(
            enrolment=people.enrolment,
            criterion=criterion,
            assessor=people.assessor,
            met=True,
            rationale="",
        )
    with pytest.raises(ValidationError):
        services.criterion_judge(
            enrolment=people.enrolment,
            criterion=criterion,
            assessor=people.assessor,
            met=False,
            rationale="",
        )
    services.evidence_accept(item=item, assessor=people.assessor)
    services.criterion_judge(
        enrolment=people.enrolment,
        criterion=criterion,
        assessor=people.assessor,
        met=True,
        rationale="Observed in full.",
    )


def _complete(people) -> EvidenceItem:
    item = make_item(people.enrolment)
    services.mapping_add(item=item, criterion=_criterion(people), assessor=people.assessor)
    services.evidence_accept(item=item, assessor=people.assessor)
    services.criterion_judge(
        enrolment=people.enrolment,
        criterion=_criterion(people),
        assessor=people.assessor,
        met=True,
        rationale="",
    )
    return item


def test_sign_off_refused_when_incomplete_or_wrong_password(people) -> None:
    with pytest.raises(ValidationError, match="P1"):
        unit_sign_off(enrolment=people.enrolment, assessor=people.assessor, password="password")
    _complete(people)
    with pytest.raises(ValidationError, match="password"):
        unit_sign_off(enrolment=people.enrolment, assessor=people.assessor, password="x")
    with pytest.raises(NotPermittedError):
        unit_sign_off(enrolment=people.enrolment, assessor=people.iqa, password="password")


def test_signed_off_work_is_locked_everywhere(people) -> None:
    item = _complete(people)
    referred = make_item(people.enrolment)
    services.evidence_refer(item=referred, assessor=people.assessor, feedback="Redo.")
    unit_sign_off(enrolment=people.enrolment, assessor=people.assessor, password="password")
    entry = RecordEntry.objects.get(action="signed_off")
    assert entry.file_hashes == [f"{item.pk:064x}"]
    with pytest.raises(LockedError):
        services.mapping_remove(item=item, criterion=_criterion(people), assessor=people.assessor)
    with pytest.raises(LockedError):
        services.evidence_refer(item=item, assessor=people.assessor, feedback="x")
    with pytest.raises(LockedError):
        evidence_update(item=referred, title="Changed after sign-off")
    assert Mapping.objects.filter(item=item, confirmed=True).exists()
    assert verify_centre(people.centre.pk).first_break is None


def test_equivalent_knowledge_items_of_the_other_enrolment(people) -> None:
    k_group = GroupFactory(standard=people.enrolment.standard, kind=Kind.KNOWLEDGE)
    k_here = CriterionFactory(group=k_group, reference="K1", text="the law on consent")
    other_group = GroupFactory(kind=Kind.KNOWLEDGE)
    k_there = CriterionFactory(group=other_group, reference="K7", text="the law on consent")
    equivalence = EquivalenceGroup.objects.create(
        key="consent", kind=Kind.KNOWLEDGE, match="exact", similarity=1.0
    )
    equivalence.criteria.set([k_here, k_there])
    other = EnrolmentFactory(
        learner=people.learner,
        centre=people.centre,
        standard=other_group.standard,
        assessor=people.assessor,
    )
    item = make_item(people.enrolment)
    with pytest.raises(ValidationError):
        services.mapping_add_equivalents(item=item, criterion=k_here, assessor=people.assessor)
    services.mapping_add(item=item, criterion=k_here, assessor=people.assessor)
    (mapped,) = services.mapping_add_equivalents(
        item=item, criterion=k_here, assessor=people.assessor
    )
    assert mapped.criterion == k_there
    entry = RecordEntry.objects.filter(action="mapping_added").last()
    assert entry.enrolment == other and entry.payload["item_enrolment"] == people.enrolment.pk
    # The learner's own self-mapping still may not cross standards.
    with pytest.raises(ValidationError):
        Mapping(item=item, criterion=k_there, proposed_by_learner=True).full_clean()


def test_referring_accepted_evidence_unbacks_a_met_criterion(people) -> None:
    item = _complete(people)
    services.evidence_refer(item=item, assessor=people.assessor, feedback="Not your own work.")
    from review.selectors import enrolment_grid

    grid = enrolment_grid(people.enrolment)
    assert grid.rows[0].status == "unbacked"
    assert grid.unmet == ["P1"]


def test_learner_cannot_add_evidence_to_a_signed_off_unit(people) -> None:
    from evidence.services import evidence_create

    _complete(people)
    unit_sign_off(enrolment=people.enrolment, assessor=people.assessor, password="password")
    with pytest.raises(LockedError):
        evidence_create(
            enrolment=people.enrolment,
            title="Late addition",
            occurred_on="2026-11-01",
            evidence_type="product",
        )
