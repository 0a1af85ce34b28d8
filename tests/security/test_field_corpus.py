"""Hostile field values through the real forms: other centres' and learners' ids in every
id field, huge, negative and non-numeric ids, impossible dates, and oversized text. Each is
refused with a message (never a 5xx) and changes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments.models import Enrolment, RecordEntry
from evidence.models import EvidenceItem, Mapping
from tests.evidence.helpers import make_item, submitted_item
from tests.factories import CriterionFactory, EnrolmentFactory, StandardFactory

HUGE = str(10**30)


def _item_data(enrolment: object, **overrides: str) -> dict[str, object]:
    return {
        "enrolment": enrolment,
        "title": "Care plan",
        "occurred_on": "2026-10-01",
        "evidence_type": EvidenceItem.Type.PRODUCT,
        "description": "I did it.",
        **overrides,
    }


def _snapshot() -> tuple[int, int, int, int]:
    return (
        EvidenceItem.objects.count(),
        Mapping.objects.count(),
        Enrolment.objects.count(),
        RecordEntry.objects.count(),
    )


CREATE_CASES = [
    ("other-learners-enrolment", lambda p: _item_data(p.outsider_enrolment.pk), "valid choice"),
    ("same-centre-other-learner", lambda p: _item_data(_other_enrolment(p).pk), "valid choice"),
    ("huge-enrolment-id", lambda p: _item_data(HUGE), "valid choice"),
    ("negative-enrolment-id", lambda p: _item_data("-1"), "valid choice"),
    ("enrolment-id-as-text", lambda p: _item_data("one"), "valid choice"),
    ("enrolment-id-list-syntax", lambda p: _item_data("[1]"), "valid choice"),
    (
        "impossible-date",
        lambda p: _item_data(p.enrolment.pk, occurred_on="2026-02-30"),
        "valid date",
    ),
    ("year-zero", lambda p: _item_data(p.enrolment.pk, occurred_on="0000-01-01"), "valid date"),
    (
        "five-digit-year",
        lambda p: _item_data(p.enrolment.pk, occurred_on="99999-01-01"),
        "valid date",
    ),
    ("far-future", lambda p: _item_data(p.enrolment.pk, occurred_on="9999-12-31"), "future"),
    ("unknown-type", lambda p: _item_data(p.enrolment.pk, evidence_type="exe"), "valid choice"),
    ("title-too-long", lambda p: _item_data(p.enrolment.pk, title="x" * 5000), "at most"),
]


def _other_enrolment(people) -> Enrolment:
    return EnrolmentFactory(
        learner=people.other_learner, centre=people.centre, assessor=people.assessor
    )


@pytest.mark.parametrize(
    ("build", "message"), [c[1:] for c in CREATE_CASES], ids=[c[0] for c in CREATE_CASES]
)
def test_evidence_form_refuses_hostile_values(people, build, message) -> None:
    data = build(people)
    before = _snapshot()
    response = people.client_for(people.learner).post(reverse("evidence:create"), data)
    assert response.status_code < 500
    if message:
        assert message in response.content.decode()
    assert response.status_code == 200  # the form again, with its errors
    assert _snapshot() == before


def test_mapping_refuses_another_standards_criterion(people) -> None:
    item = make_item(people.enrolment)
    foreign = CriterionFactory(standard=StandardFactory())
    url = reverse("evidence:mapping", args=[item.pk])
    for value in (foreign.pk, HUGE, "-3", "x"):
        response = people.client_for(people.learner).post(url, {"criteria": [value]})
        assert response.status_code == 200
        page = response.content.decode()
        assert "is not one of the available choices" in page or "is not a valid value" in page
    assert not Mapping.objects.exists()


def test_move_refuses_another_learners_or_centres_enrolment(people) -> None:
    item = make_item(people.enrolment)
    url = reverse("evidence:move", args=[item.pk])
    for value in (people.outsider_enrolment.pk, _other_enrolment(people).pk, HUGE, "-1"):
        response = people.client_for(people.learner).post(url, {"enrolment": value})
        assert response.status_code == 302
    item.refresh_from_db()
    assert item.enrolment_id == people.enrolment.pk


def test_assessor_mapping_refuses_another_standards_criterion(people) -> None:
    item = submitted_item(people.enrolment)
    foreign = CriterionFactory(standard=StandardFactory())
    url = reverse("review:review_mapping", args=[item.pk])
    before = Mapping.objects.count()
    for value in (foreign.pk, HUGE, "-1"):
        response = people.client_for(people.assessor).post(
            url, {"action": "add", "criterion": value, "method": "product"}
        )
        assert response.status_code in (302, 400)
    assert Mapping.objects.count() == before


def _enrolment_data(people, **overrides: object) -> dict[str, object]:
    return {
        "learner": people.other_learner.pk,
        "standard": people.enrolment.standard_id,
        "assessor": people.assessor.pk,
        "iqa": people.iqa.pk,
        "start_date": "2026-09-01",
        "target_end_date": "2027-08-31",
        **overrides,
    }


ENROLMENT_CASES = [
    ("outsider-learner", lambda p: {"learner": p.outsider_learner.pk}, "valid choice"),
    ("outsider-admin-as-assessor", lambda p: {"assessor": p.outsider_admin.pk}, "valid choice"),
    ("learner-as-iqa", lambda p: {"iqa": p.learner.pk}, "valid choice"),
    ("huge-learner-id", lambda p: {"learner": HUGE}, "valid choice"),
    ("negative-standard-id", lambda p: {"standard": "-1"}, "valid choice"),
    ("end-before-start", lambda p: {"target_end_date": "2025-01-01"}, "end date"),
    ("impossible-start", lambda p: {"start_date": "2026-13-01"}, "valid date"),
]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [c[1:] for c in ENROLMENT_CASES],
    ids=[c[0] for c in ENROLMENT_CASES],
)
def test_enrolment_form_refuses_other_centres_people_and_bad_dates(
    people, overrides, message
) -> None:
    before = _snapshot()
    response = people.client_for(people.admin).post(
        reverse("centres:enrolment_create"), _enrolment_data(people, **overrides(people))
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _snapshot() == before


@pytest.mark.parametrize(
    "url",
    [
        f"/evidence/{HUGE}/",
        "/evidence/-1/",
        f"/evidence/files/{HUGE}/download/",
        f"/evidence/{HUGE}/review/",
        "/evidence/?page=-1",
        f"/evidence/?page={HUGE}",
        "/evidence/?page=abc",
        f"/evidence/?enrolment={HUGE}",
        "/evidence/?q=%00%E2%80%AE" + "x" * 3000,
    ],
)
def test_hostile_urls_are_404_or_a_page_never_a_5xx(people, url) -> None:
    response = people.client_for(people.learner).get(url)
    assert response.status_code in (200, 404)
