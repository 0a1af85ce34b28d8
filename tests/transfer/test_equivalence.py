"""Transferred achievements matched through equivalences: a learner who achieved criteria of
the 2008 CPC 509 unit elsewhere, enrolled here on SCDCPC509 (``transfer_match``, the history
page, ``prior_learning_recognise``)."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.errors import WrongStateError
from assessments.models import CriterionJudgement, Enrolment, RecordEntry
from portal.accounts.models import User
from portal.transfer.models import Recognition, TransferredPortfolio
from portal.transfer.recognition import prior_learning_recognise
from portal.transfer.selectors import DIRECT, EXACT, NEAR, transfer_match
from portal.transfer.services import transfer_import
from review.selectors import enrolment_grid
from review.status import CriterionStatus
from standards import case
from standards.models import Criterion, Standard
from tests.factories import EnrolmentFactory, UserFactory
from tests.transfer.helpers import build

pytestmark = pytest.mark.django_db

WHEN = datetime.datetime(2026, 6, 5, 10, 30, tzinfo=datetime.UTC)
#: Judged met at Alpha on CPC 509, with their equivalents on SCDCPC509 (the shipped fixture's
#: equivalence groups): B3, B4 and C2 near-identical to P10, P11 and P14; knowledge item 19
#: identical to K1; A1 has no equivalent.
MET_THERE = {"B3": "P10", "B4": "P11", "C2": "P14", "19": "K1", "A1": None}
NOT_MET_THERE = {"C6": "P18"}


def _judge(enrolment: Enrolment, references: dict[str, bool]) -> None:
    criteria = Criterion.objects.filter(standard=enrolment.standard, reference__in=references)
    CriterionJudgement.objects.bulk_create(
        CriterionJudgement(
            enrolment=enrolment,
            criterion=criterion,
            met=references[criterion.reference],
            decided_by=enrolment.assessor,
            decided_at=WHEN,
            rationale=f"Observed {criterion.reference} in practice.",
        )
        for criterion in criteria
    )


def _enrol_there(people, slug: str) -> Enrolment:
    return Enrolment.objects.create(
        learner=people.learner,
        centre=people.centre,
        standard=Standard.objects.get(slug=slug),
        assessor=people.assessor,
        start_date="2025-09-01",
        target_end_date="2026-08-31",
    )


def _import(people, learner: User) -> TransferredPortfolio:
    package = build(learner)
    return transfer_import(
        centre=people.other_centre,
        learner=people.outsider_learner,
        imported_by=people.outsider_admin,
        upload=io.BytesIO(package),
        size=len(package),
    )


@dataclass
class Receiving:
    """Alice achieved CPC 509 criteria at Alpha; Oscar arrives at Beta with her package and is
    enrolled on SCDCPC509, assessed by Nina."""

    enrolment: Enrolment
    assessor: User
    transfer: TransferredPortfolio

    def criterion(self, reference: str) -> Criterion:
        return Criterion.objects.get(standard=self.enrolment.standard, reference=reference)


@pytest.fixture
def receiving(people, standards) -> Receiving:
    there = _enrol_there(people, "cpc509-2008")
    _judge(there, dict.fromkeys(MET_THERE, True) | dict.fromkeys(NOT_MET_THERE, False))
    assessor = UserFactory(
        username="nina", full_name="Nina Assessor", centre=people.other_centre, is_assessor=True
    )
    enrolment = EnrolmentFactory(
        learner=people.outsider_learner,
        centre=people.other_centre,
        standard=Standard.objects.get(slug="scdcpc509-v2"),
        assessor=assessor,
    )
    return Receiving(enrolment, assessor, _import(people, people.learner))


def _history(r: Receiving) -> str:
    return reverse("transfer:history", kwargs={"pk": r.enrolment.learner_id})


def _recognise_url(r: Receiving) -> str:
    return reverse(
        "transfer:recognise",
        kwargs={"pk": r.enrolment.learner_id, "enrolment_pk": r.enrolment.pk},
    )


# Matching


def test_matched_through_the_equivalences(receiving, people) -> None:
    r = receiving
    match = transfer_match(people.outsider_learner, people.other_centre)
    by_reference = {
        row.criterion.reference: row.achievements
        for row in match.rows
        if row.enrolment == r.enrolment
    }
    for there, here in (MET_THERE | NOT_MET_THERE).items():
        if here is None:
            continue
        [achievement] = by_reference[here]
        assert achievement.reference == there and achievement.code == "CPC 509"
        assert achievement.met == (there in MET_THERE)
        assert achievement.match == (EXACT if here.startswith("K") else NEAR)
        source = Criterion.objects.get(standard__slug="cpc509-2008", reference=there)
        assert achievement.source_text == source.text
    assert by_reference["P14"][0].match_label == (
        "Met elsewhere as CPC 509 C2 (equivalent, near-identical text: the texts differ slightly)"
    )
    assert by_reference["K1"][0].match_label == (
        "Met elsewhere as CPC 509 19 (equivalent, identical text)"
    )
    assert by_reference["P18"][0].match_label.startswith(
        "Judged (not met) elsewhere as CPC 509 C6 (equivalent, near-identical"
    )
    assert not by_reference["P1"] and not by_reference["K2"]
    # only what matches neither way stays unmatched: A1 (and Alice's factory unit)
    unmatched = {(a.code, a.reference) for a in match.unmatched}
    assert ("CPC 509", "A1") in unmatched
    assert not unmatched & {("CPC 509", ref) for ref in ("B3", "B4", "C2", "19", "C6")}


def test_a_direct_match_stays_direct(receiving, people) -> None:
    """Enrolled here on CPC 509 too: its criteria match by identifier, not through SCDCPC509."""
    r = receiving
    here = EnrolmentFactory(
        learner=people.outsider_learner,
        centre=people.other_centre,
        standard=Standard.objects.get(slug="cpc509-2008"),
        assessor=r.assessor,
    )
    match = transfer_match(people.outsider_learner, people.other_centre)
    rows = {(row.enrolment.pk, row.criterion.reference): row.achievements for row in match.rows}
    assert [a.match for a in rows[(here.pk, "C2")]] == [DIRECT]
    assert rows[(here.pk, "C2")][0].match_label.startswith("The same criterion")
    assert not rows[(r.enrolment.pk, "P14")]  # direct matches are not matched again
    assert ("CPC 509", "A1") not in {(a.code, a.reference) for a in match.unmatched}


def test_not_through_another_centres_own_standard(receiving, people) -> None:
    """A standard Beta cannot see is not used to match (its equivalences are not Beta's)."""
    Standard.objects.filter(slug="cpc509-2008").update(owner_centre=people.centre, published=False)
    match = transfer_match(people.outsider_learner, people.other_centre)
    assert not any(row.achievements for row in match.rows)
    assert ("CPC 509", "C2") in {(a.code, a.reference) for a in match.unmatched}


# The page


def test_the_page_says_how_each_row_was_matched(client, receiving, people) -> None:
    r = receiving
    client.force_login(people.outsider_admin)
    page = client.get(_history(r)).content.decode()
    assert '<th scope="col">Matched as</th>' in page
    assert "Met elsewhere as CPC 509 C2 (equivalent, near-identical text" in page
    assert "Met elsewhere as CPC 509 19 (equivalent, identical text)" in page
    unmatched = page.split("Not matched here")[1]
    assert "A1: met" in unmatched and "C2" not in unmatched
    assert "Recognise as prior learning" not in page  # the admin only reads


def test_near_matches_are_listed_apart_in_the_form(client, receiving) -> None:
    r = receiving
    client.force_login(r.assessor)
    page = client.get(_history(r)).content.decode()
    form = page.split(f'action="{_recognise_url(r)}"')[1].split("</form>")[0]
    identical, near = form.split("whose text differs slightly</legend>")
    assert f'value="{r.criterion("K1").pk}"' in identical
    assert "met as CPC 509 19, identical text" in identical
    for here in ("P10", "P11", "P14"):
        assert f'value="{r.criterion(here).pk}"' in near
        assert f'value="{r.criterion(here).pk}"' not in identical
    assert "Compare the two texts" in near
    c2 = Criterion.objects.get(standard__slug="cpc509-2008", reference="C2")
    assert f"Text there (CPC 509 C2): {c2.text}" in near
    assert f'value="{r.criterion("P18").pk}"' not in form  # not met there
    assert f'value="{r.criterion("P1").pk}"' not in form  # no equivalent judged


# Recognition


def test_recognising_equivalents_end_to_end(client, receiving) -> None:
    r = receiving
    k1, p14 = r.criterion("K1"), r.criterion("P14")
    client.force_login(r.assessor)
    response = client.post(
        _recognise_url(r),
        {
            "transfer": r.transfer.pk,
            "criteria": [k1.pk, p14.pk],
            "rationale": "CPC 509 covers these; the C2 wording differs only slightly.",
        },
    )
    assert response.status_code == 302 and response.url == _history(r)
    item = Recognition.objects.get().item
    assert "K1: recognised from CPC 509 19 (an equivalent criterion with identical text)" in (
        item.description
    )
    assert (
        "P14: recognised from CPC 509 C2 (an equivalent criterion whose text differs slightly)"
        in item.description
    )
    made = RecordEntry.objects.get(
        enrolment=r.enrolment, action=RecordEntry.Action.EVIDENCE_RECORDED
    )

    def there(reference: str) -> str:
        source = Criterion.objects.get(standard__slug="cpc509-2008", reference=reference)
        return str(case.item_identifier(source))

    assert made.payload["recognised_from"] == [  # in the criteria's order here
        {
            "criterion": "K1",
            "standard": "CPC 509",
            "reference": "19",
            "identifier": there("19"),
            "match": EXACT,
        },
        {
            "criterion": "P14",
            "standard": "CPC 509",
            "reference": "C2",
            "identifier": there("C2"),
            "match": NEAR,
        },
    ]
    statuses = {row.criterion.pk: row.status for row in enrolment_grid(r.enrolment).rows}
    assert statuses[k1.pk] == CriterionStatus.MET and statuses[p14.pk] == CriterionStatus.MET
    assert statuses[r.criterion("P10").pk] != CriterionStatus.MET
    page = client.get(_history(r)).content.decode()
    assert "Recognised 2 criteria as prior learning (E1)" in page
    assert f'value="{p14.pk}"' not in page  # no longer offered


def test_not_met_there_or_without_an_equivalent_is_refused(receiving) -> None:
    r = receiving
    with pytest.raises(WrongStateError) as raised:
        prior_learning_recognise(
            transfer=r.transfer,
            enrolment=r.enrolment,
            criteria=[r.criterion("P10"), r.criterion("P18"), r.criterion("P1")],
            assessor=r.assessor,
            rationale="Current.",
        )
    message = " ".join(raised.value.messages)
    assert "P18 was not judged met" in message and "P1 was not judged met" in message
    assert "P10" not in message
    assert not Recognition.objects.exists()
    assert not CriterionJudgement.objects.filter(enrolment=r.enrolment).exists()


# Query counts


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_query_counts_stay_flat(client, receiving, people, django_assert_max_num_queries) -> None:
    r = receiving
    client.force_login(r.assessor)
    few = _count(client, _history(r))
    # a second package: several standards, every criterion judged
    for slug in ("scdcpc306", "manage-finance"):
        there = _enrol_there(people, slug)
        _judge(
            there,
            {c.reference: True for c in Criterion.objects.filter(standard=there.standard)},
        )
    _import(people, people.learner)
    EnrolmentFactory(
        learner=people.outsider_learner,
        centre=people.other_centre,
        standard=Standard.objects.get(slug="promote-organisational-responsibilities"),
        assessor=r.assessor,
    )
    with django_assert_max_num_queries(few):
        page = client.get(_history(r)).content.decode()
    assert "Met elsewhere as SCDCPC306" in page  # knowledge items through the NOS
    assert page.count("Recognise as prior learning</button>") >= 3
