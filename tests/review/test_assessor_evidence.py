"""Assessor-made evidence: the services (review.assessor_evidence, acknowledgement) and the
pages that record an observation, a discussion or questioning and acknowledge it."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments.errors import LockedError, NotPermittedError, WrongStateError
from assessments.models import RecordEntry
from assessments.record import describe_entry
from evidence import services as evidence_services
from evidence.filetypes import Refused
from evidence.models import EvidenceFile, EvidenceItem, Mapping
from review.assessor_evidence import Upload, assessor_evidence_create
from review.selectors import enrolment_grid
from review.status import CriterionStatus
from standards.models import Criterion
from tests.evidence.assessor_helpers import record_observation, record_questioning
from tests.evidence.helpers import png_bytes
from tests.factories import CriterionFactory, GroupFactory
from tests.review.helpers import signed_off

Action = RecordEntry.Action


@pytest.fixture
def criteria(people) -> list[Criterion]:
    """P1 (from the fixture), P2, and a knowledge item K1."""
    p1 = Criterion.objects.get(standard=people.enrolment.standard, reference="P1")
    p2 = CriterionFactory(group=p1.group, order=2, reference="P2")
    k_group = GroupFactory(standard=p1.standard, kind="knowledge", order=2, title="Knowledge")
    k1 = CriterionFactory(group=k_group, order=1, reference="K1")
    return [p1, p2, k1]


def _acknowledge(item: EvidenceItem, learner) -> EvidenceItem:
    return evidence_services.evidence_acknowledge(
        item=item, learner=learner, acknowledgement_name=learner.full_name
    )


def _status(enrolment, criterion) -> CriterionStatus:
    return next(r.status for r in enrolment_grid(enrolment).rows if r.criterion == criterion)


def test_observation_awaits_acknowledgement_then_counts(people, criteria) -> None:
    p1, p2, _k1 = criteria
    item = record_observation(people.enrolment, criteria=[p1, p2])
    assert item.status == EvidenceItem.Status.AWAITING_ACK
    assert item.author == people.assessor and item.reference == "E1"
    mappings = Mapping.objects.filter(item=item)
    assert {m.criterion for m in mappings} == {p1, p2}
    assert all(m.confirmed and m.method == "observation" for m in mappings)
    assert item.files.get().sha256
    # Not evidence yet: the grid leaves it out.
    assert _status(people.enrolment, p1) == CriterionStatus.NO_EVIDENCE
    assert item not in enrolment_grid(people.enrolment).items
    recorded = RecordEntry.objects.filter(payload__item=item.pk).order_by("sequence")
    assert [e.action for e in recorded] == [Action.EVIDENCE_RECORDED] + [Action.MAPPING_ADDED] * 2
    assert recorded[0].file_hashes == [item.files.get().sha256]

    item = _acknowledge(item, people.learner)
    assert item.status == EvidenceItem.Status.ACCEPTED
    assert item.acknowledgement_name == "Alice Learner" and item.acknowledged_at
    entry = RecordEntry.objects.filter(action=Action.EVIDENCE_ACKNOWLEDGED).get()
    assert entry.actor == people.learner
    assert entry.file_hashes == [item.files.get().sha256]
    assert entry.payload["criteria"] == ["P1", "P2"]
    assert describe_entry(entry) == (
        "Alice Learner acknowledged the assessor's record E1 Morning medication round, "
        "signing “Alice Learner”"
    )
    assert describe_entry(recorded[0]) == (
        "Bob Assessor recorded E1 Morning medication round (observation)"
    )
    assert _status(people.enrolment, p1) == CriterionStatus.BACKED
    assert _status(people.enrolment, p2) == CriterionStatus.BACKED
    assert item in enrolment_grid(people.enrolment).items


def test_simulation_refused_unless_the_standard_allows_it(people, criteria) -> None:
    with pytest.raises(WrongStateError) as refused:
        record_observation(people.enrolment, work_setting=EvidenceItem.Setting.SIMULATION)
    assert "require observation in real work" in refused.value.message_dict["work_setting"][0]
    assert not EvidenceItem.objects.exists()
    standard = people.enrolment.standard
    standard.simulation_allowed = True
    standard.save()
    people.enrolment.refresh_from_db()
    item = record_observation(people.enrolment, work_setting=EvidenceItem.Setting.SIMULATION)
    assert item.work_setting == EvidenceItem.Setting.SIMULATION


def test_locked_unit_refused(people, criteria) -> None:
    signed_off(people.enrolment)
    with pytest.raises(LockedError):
        record_observation(people.enrolment)


def test_only_the_assessor_records(people, criteria) -> None:
    for user in (people.learner, people.iqa, people.admin):
        with pytest.raises(NotPermittedError):
            assessor_evidence_create(
                enrolment=people.enrolment,
                assessor=user,
                evidence_type=EvidenceItem.Type.DISCUSSION,
                title="Discussion",
                occurred_on=datetime.date(2026, 11, 1),
                description="We discussed it.",
                criteria=criteria[:1],
            )


def test_refusals_in_words(people, criteria) -> None:
    with pytest.raises(WrongStateError) as refused:
        record_observation(people.enrolment, criteria=[], place="", occurred_at_time=None)
    errors = refused.value.message_dict
    assert set(errors) >= {"criteria", "place", "occurred_at_time"}
    other = CriterionFactory()
    with pytest.raises(WrongStateError) as refused:
        record_observation(people.enrolment, criteria=[other])
    assert "only criteria of this unit" in refused.value.message_dict["criteria"][0]


def test_a_refused_file_keeps_nothing(people, criteria, settings) -> None:
    content = b"MZ\x90\x00 not evidence"
    with pytest.raises(Refused):
        record_observation(
            people.enrolment, uploads=[Upload(io.BytesIO(content), "tool.exe", len(content))]
        )
    assert not EvidenceItem.objects.exists()
    assert not EvidenceFile.objects.exists()
    assert not RecordEntry.objects.exists()


def test_questioning_pairs_map_separately(people, criteria) -> None:
    p1, _p2, k1 = criteria
    item = record_questioning(
        people.enrolment,
        [("What is safeguarding?", "Protecting people from harm.", [k1]), ("Who?", "Me.", [p1])],
    )
    pairs = list(item.questions.order_by("order"))
    assert [list(q.criteria.all()) for q in pairs] == [[k1], [p1]]
    assert set(item.mappings.values_list("criterion__reference", "method")) == {
        ("K1", "questioning"),
        ("P1", "questioning"),
    }
    with pytest.raises(WrongStateError):
        record_questioning(people.enrolment, [("A question without an answer", "", [k1])])


def test_acknowledgement_refusals(people, criteria) -> None:
    item = record_observation(people.enrolment)
    with pytest.raises(NotPermittedError):
        evidence_services.evidence_acknowledge(
            item=item, learner=people.other_learner, acknowledgement_name="Amir Learner"
        )
    with pytest.raises(ValidationError) as wrong_name:
        evidence_services.evidence_acknowledge(
            item=item, learner=people.learner, acknowledgement_name="Someone Else"
        )
    assert "acknowledgement_name" in wrong_name.value.message_dict
    _acknowledge(item, people.learner)
    with pytest.raises(WrongStateError):
        _acknowledge(item, people.learner)
    assert RecordEntry.objects.filter(action=Action.EVIDENCE_ACKNOWLEDGED).count() == 1


def test_acknowledging_into_a_unit_signed_off_meanwhile_is_refused(people, criteria) -> None:
    item = record_observation(people.enrolment)
    signed_off(people.enrolment)
    with pytest.raises(LockedError):
        _acknowledge(item, people.learner)


# --- Pages ----------------------------------------------------------------------------------


def _observation_post(criteria, **extra) -> dict:
    return {
        "title": "Handover",
        "occurred_on": "2026-11-20",
        "occurred_at_time": "14:15",
        "place": "Elm House",
        "work_setting": "real_work",
        "description": "Gave a clear handover.",
        "criteria": [c.pk for c in criteria],
        **extra,
    }


def test_grid_offers_recording_to_the_assessor_only(people, criteria) -> None:
    url = reverse("review:grid", args=[people.enrolment.pk])
    page = people.client_for(people.assessor).get(url).content.decode()
    assert reverse("review:record_observation", args=[people.enrolment.pk]) in page
    page = people.client_for(people.learner).get(url).content.decode()
    assert reverse("review:record_observation", args=[people.enrolment.pk]) not in page
    assert reverse("evidence:witness_request", args=[people.enrolment.pk]) in page


def test_record_observation_page(people, criteria) -> None:
    client = people.client_for(people.assessor)
    url = reverse("review:record_observation", args=[people.enrolment.pk])
    page = client.get(url)
    assert page.status_code == 200 and b"Criteria covered" in page.content
    photo = io.BytesIO(png_bytes())
    photo.name = "handover.png"
    response = client.post(url, {**_observation_post(criteria[:2]), "files": [photo]})
    item = EvidenceItem.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "evidence:detail", args=[item.pk]
    )
    assert item.files.get().original_name == "handover.png"
    assert item.mappings.count() == 2


def test_record_observation_page_shows_simulation_refusal(people, criteria) -> None:
    client = people.client_for(people.assessor)
    url = reverse("review:record_observation", args=[people.enrolment.pk])
    response = client.post(url, _observation_post(criteria, work_setting="simulation"))
    assert response.status_code == 200
    assert "require observation in real work" in response.content.decode()
    assert not EvidenceItem.objects.exists()


def test_record_pages_refuse_a_signed_off_unit(people, criteria) -> None:
    signed_off(people.enrolment)
    client = people.client_for(people.assessor)
    for name in ("record_observation", "record_discussion", "record_questioning"):
        response = client.get(reverse(f"review:{name}", args=[people.enrolment.pk]))
        assert response.status_code == 302


def test_record_questioning_page(people, criteria) -> None:
    p1, _p2, k1 = criteria
    client = people.client_for(people.assessor)
    url = reverse("review:record_questioning", args=[people.enrolment.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "title": "Knowledge questions",
            "occurred_on": "2026-11-20",
            "q1-question": "What is consent?",
            "q1-answer": "Agreement given freely.",
            "q1-criteria": [k1.pk],
            "q2-question": "Why record it?",
            "q2-answer": "So others know.",
            "q2-criteria": [p1.pk, k1.pk],
        },
    )
    assert response.status_code == 302
    item = EvidenceItem.objects.get()
    assert item.questions.count() == 2
    assert set(item.mappings.values_list("criterion__reference", flat=True)) == {"K1", "P1"}
    detail = people.client_for(people.learner).get(reverse("evidence:detail", args=[item.pk]))
    assert b"What is consent?" in detail.content


def test_learner_acknowledges_from_the_item_page(people, criteria) -> None:
    item = record_observation(people.enrolment)
    client = people.client_for(people.learner)
    listing = client.get(reverse("evidence:list")).content.decode()
    assert item.title in listing and "Awaiting the learner&#x27;s acknowledgement" in listing
    detail = client.get(reverse("evidence:detail", args=[item.pk])).content.decode()
    assert reverse("evidence:acknowledge", args=[item.pk]) in detail
    url = reverse("evidence:acknowledge", args=[item.pk])
    response = client.post(url, {"confirm": "on", "acknowledgement_name": "Wrong Name"})
    assert response.status_code == 200 and b"exactly as it appears" in response.content
    response = client.post(url, {"confirm": "on", "acknowledgement_name": "alice learner"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == EvidenceItem.Status.ACCEPTED
    # Done: the page now sends them back to the item.
    assert client.get(url).status_code == 302
    # The assessor may not acknowledge it for them.
    other = record_observation(people.enrolment)
    url = reverse("evidence:acknowledge", args=[other.pk])
    assert people.client_for(people.assessor).get(url).status_code == 403
    assert people.client_for(people.outsider_learner).get(url).status_code == 404
