"""Recognising transferred achievements as prior learning: the service and the history page's
form (``portal.transfer.recognition``, ``transfer:recognise``)."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from django.urls import reverse

from assessments.errors import NotPermittedError, WrongStateError
from assessments.models import CriterionJudgement, Enrolment, RecordEntry, UnitSignOff
from evidence.models import EvidenceFile, EvidenceItem, Mapping, private_storage
from portal.accounts.models import User
from portal.transfer.models import Recognition, TransferredPortfolio
from portal.transfer.recognition import prior_learning_recognise
from portal.transfer.services import transfer_import
from review.selectors import enrolment_grid
from review.status import CriterionStatus
from standards.models import Criterion, Standard
from tests.factories import EnrolmentFactory, UserFactory
from tests.transfer.helpers import build

pytestmark = pytest.mark.django_db


@dataclass
class Receiving:
    """Oscar arrives at Beta Centre with Alice's portfolio (judged there by Bob); Nina is
    his assessor at Beta."""

    enrolment: Enrolment
    assessor: User
    transfer: TransferredPortfolio
    met_there: list[Criterion]
    not_met_there: Criterion


def _receive(people, portfolio, *, trusted: bool = True, settings=None, tmp_path=None):
    package = build(portfolio.learner)
    if not trusted:  # the receiver has a key of its own, and does not list the sender's
        settings.TRANSFER_SIGNING_KEY_FILE = str(
            tmp_path / "receiver" / "dev-transfer-signing-key.pem"
        )
    assessor = UserFactory(
        username="nina", full_name="Nina Assessor", centre=people.other_centre, is_assessor=True
    )
    enrolment = EnrolmentFactory(
        learner=people.outsider_learner,
        centre=people.other_centre,
        standard=Standard.objects.get(slug="scdcpc509-v2"),
        assessor=assessor,
    )
    transfer = transfer_import(
        centre=people.other_centre,
        learner=people.outsider_learner,
        imported_by=people.outsider_admin,
        upload=io.BytesIO(package),
        size=len(package),
    )
    met = [
        j.criterion
        for j in CriterionJudgement.objects.filter(enrolment=portfolio, met=True).order_by(
            "criterion__kind", "criterion__order"
        )
    ]
    other = (
        Criterion.objects.filter(standard=enrolment.standard)
        .exclude(pk__in=[c.pk for c in met])
        .order_by("kind", "order")
        .first()
    )
    return Receiving(enrolment, assessor, transfer, met, other)


@pytest.fixture
def receiving(people, portfolio) -> Receiving:
    return _receive(people, portfolio)


def _recognise(r: Receiving, criteria=None, **kwargs):
    options = {
        "transfer": r.transfer,
        "enrolment": r.enrolment,
        "criteria": r.met_there[:2] if criteria is None else criteria,
        "assessor": r.assessor,
        "rationale": "Judged within the last year against the same standard; still current.",
    }
    return prior_learning_recognise(**(options | kwargs))


def _nothing_written(r: Receiving) -> None:
    assert not Recognition.objects.exists()
    assert not EvidenceItem.objects.filter(enrolment=r.enrolment).exists()
    assert not CriterionJudgement.objects.filter(enrolment=r.enrolment).exists()
    assert not RecordEntry.objects.filter(enrolment=r.enrolment).exists()


# The service


def test_recognising_writes_item_mappings_judgements_and_record(receiving) -> None:
    r = receiving
    chosen = r.met_there[:2]
    recognition = _recognise(r)
    item = recognition.item
    assert item.evidence_type == EvidenceItem.Type.PRIOR_LEARNING
    assert item.status == EvidenceItem.Status.ACCEPTED
    assert item.author == r.assessor and item.reference == "E1"
    assert item.title == f"Prior learning: {r.transfer.source_centre}"
    assert r.transfer.manifest_sha256 in item.description
    assert r.transfer.key_id in item.description
    assert "Bob Assessor" in item.description  # who judged it there
    assert not recognition.key_confirmed
    pdf = item.files.get()
    assert pdf.original_name == "transferred-portfolio.pdf"
    assert pdf.media_type == "application/pdf"
    assert pdf.scan_status == EvidenceFile.ScanStatus.NOT_SCANNED
    with r.transfer.pdf.open("rb") as source, pdf.file.open("rb") as copy:
        assert source.read() == copy.read()
    mappings = Mapping.objects.filter(item=item)
    assert {m.criterion_id for m in mappings} == {c.pk for c in chosen}
    assert all(m.confirmed and m.method == Mapping.Method.PRIOR_LEARNING for m in mappings)
    judgements = CriterionJudgement.objects.filter(enrolment=r.enrolment)
    assert {j.criterion_id for j in judgements if j.met} == {c.pk for c in chosen}
    assert all(j.rationale.startswith("Prior learning (E1): Judged") for j in judgements)
    actions = list(
        RecordEntry.objects.filter(enrolment=r.enrolment)
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    Action = RecordEntry.Action
    assert actions == [
        Action.EVIDENCE_RECORDED,
        Action.MAPPING_ADDED,
        Action.MAPPING_ADDED,
        Action.EVIDENCE_ACCEPTED,
        Action.JUDGEMENT,
        Action.JUDGEMENT,
    ]
    made = RecordEntry.objects.get(enrolment=r.enrolment, action=Action.EVIDENCE_RECORDED)
    assert made.payload["kind"] == "prior_learning"
    assert made.payload["transfer"]["manifest_sha256"] == r.transfer.manifest_sha256
    assert made.file_hashes == [pdf.sha256]
    statuses = {row.criterion.pk: row.status for row in enrolment_grid(r.enrolment).rows}
    assert all(statuses[c.pk] == CriterionStatus.MET for c in chosen)
    assert statuses[r.met_there[2].pk] != CriterionStatus.MET


def test_only_the_enrolments_assessor(receiving, people) -> None:
    with pytest.raises(NotPermittedError):
        _recognise(receiving, assessor=people.assessor)
    _nothing_written(receiving)


def test_not_on_a_signed_off_unit(receiving) -> None:
    UnitSignOff.objects.create(
        enrolment=receiving.enrolment,
        assessor=receiving.assessor,
        assessor_declaration="Signed.",
        signed_at="2026-11-01T10:00:00Z",
    )
    with pytest.raises(WrongStateError, match="signed off"):
        _recognise(receiving)
    _nothing_written(receiving)


def test_not_a_criterion_not_met_elsewhere(receiving) -> None:
    r = receiving
    with pytest.raises(WrongStateError) as raised:
        _recognise(r, criteria=[r.met_there[0], r.not_met_there])
    message = " ".join(raised.value.messages)
    assert f"{r.not_met_there.reference} was not judged met" in message
    _nothing_written(r)


def test_not_one_already_met_or_recognised_here(receiving) -> None:
    r = receiving
    first = _recognise(r, criteria=[r.met_there[0]])
    with pytest.raises(WrongStateError, match=f"{r.met_there[0].reference} is already judged met"):
        _recognise(r, criteria=[r.met_there[0], r.met_there[1]])
    assert Recognition.objects.get() == first
    assert not CriterionJudgement.objects.filter(criterion=r.met_there[1], enrolment=r.enrolment)


def test_rationale_and_at_least_one_criterion_are_required(receiving) -> None:
    with pytest.raises(WrongStateError) as raised:
        _recognise(receiving, rationale="  ")
    assert "rationale" in raised.value.error_dict
    with pytest.raises(WrongStateError, match="at least one criterion"):
        _recognise(receiving, criteria=[])
    _nothing_written(receiving)


def test_not_another_learners_transfer(receiving, people) -> None:
    other = EnrolmentFactory(
        learner=UserFactory(centre=people.other_centre, is_learner=True),
        centre=people.other_centre,
        standard=receiving.enrolment.standard,
        assessor=receiving.assessor,
    )
    with pytest.raises(WrongStateError, match="not this learner's"):
        _recognise(receiving, enrolment=other)
    assert not Recognition.objects.exists()


def test_an_untrusted_key_needs_the_assessors_confirmation(
    people, portfolio, settings, tmp_path
) -> None:
    r = _receive(people, portfolio, trusted=False, settings=settings, tmp_path=tmp_path)
    assert not r.transfer.trusted_key
    with pytest.raises(WrongStateError) as raised:
        _recognise(r)
    assert "key_confirmed" in raised.value.error_dict
    _nothing_written(r)
    recognition = _recognise(r, key_confirmed=True)
    assert recognition.key_confirmed
    assert "the assessor confirmed the key id" in recognition.item.description
    made = RecordEntry.objects.get(
        enrolment=r.enrolment, action=RecordEntry.Action.EVIDENCE_RECORDED
    )
    assert made.payload["transfer"]["key_confirmed"] is True


def test_while_the_scan_runs_the_item_waits_to_be_accepted(receiving, settings) -> None:
    settings.EVIDENCE_MALWARE_SCANNER = "eicar-test"
    recognition = _recognise(receiving)
    item = recognition.item
    assert item.status == EvidenceItem.Status.SUBMITTED
    assert item.files.get().scan_status == EvidenceFile.ScanStatus.PENDING
    assert not CriterionJudgement.objects.filter(enrolment=receiving.enrolment).exists()
    # and the same criteria are not offered again
    with pytest.raises(WrongStateError, match="already recognised here \\(E1\\)"):
        _recognise(receiving)


def test_a_recognition_is_read_only(receiving) -> None:
    from portal.transfer.models import ReadOnlyError

    recognition = _recognise(receiving)
    with pytest.raises(ReadOnlyError):
        recognition.save()


# The history page's form


def _url(r: Receiving) -> str:
    return reverse(
        "transfer:recognise",
        kwargs={"pk": r.enrolment.learner_id, "enrolment_pk": r.enrolment.pk},
    )


def _history(r: Receiving) -> str:
    return reverse("transfer:history", kwargs={"pk": r.enrolment.learner_id})


def test_the_form_is_shown_only_to_the_assessor(client, receiving, people) -> None:
    r = receiving
    client.force_login(r.assessor)
    page = client.get(_history(r)).content.decode()
    assert f'action="{_url(r)}"' in page
    assert f'value="{r.met_there[0].pk}"' in page
    assert f'value="{r.not_met_there.pk}"' not in page
    assert "key_confirmed" not in page  # a trusted key needs no confirmation
    for reader in (people.outsider_admin, people.outsider_learner):
        client.force_login(reader)
        page = client.get(_history(r)).content.decode()
        assert "Judged elsewhere" in page and f'action="{_url(r)}"' not in page


def test_no_form_when_the_unit_is_signed_off(client, receiving) -> None:
    UnitSignOff.objects.create(
        enrolment=receiving.enrolment,
        assessor=receiving.assessor,
        assessor_declaration="Signed.",
        signed_at="2026-11-01T10:00:00Z",
    )
    client.force_login(receiving.assessor)
    assert f'action="{_url(receiving)}"' not in client.get(_history(receiving)).content.decode()


def test_post_recognises_and_the_page_says_so(client, receiving) -> None:
    r = receiving
    client.force_login(r.assessor)
    response = client.post(
        _url(r),
        {
            "transfer": r.transfer.pk,
            "criteria": [c.pk for c in r.met_there[:2]],
            "rationale": "Current and sufficient: judged this year on the same standard.",
        },
    )
    assert response.status_code == 302 and response.url == _history(r)
    page = client.get(response.url).content.decode()
    assert "Recognised 2 criteria as prior learning (E1)" in page
    assert "Recognised here as E1" in page
    assert f'value="{r.met_there[0].pk}"' not in page  # no longer offered
    grid = client.get(reverse("review:grid", args=[r.enrolment.pk])).content.decode()
    assert _history(r) in grid  # the grid links to the transferred history


def test_bad_input_is_a_400_with_the_reason(client, receiving) -> None:
    r = receiving
    client.force_login(r.assessor)
    response = client.post(
        _url(r), {"transfer": r.transfer.pk, "criteria": [r.met_there[0].pk], "rationale": ""}
    )
    assert response.status_code == 400
    assert "Say why the earlier decisions are accepted here" in response.content.decode()
    response = client.post(
        _url(r),
        {"transfer": r.transfer.pk, "criteria": [r.not_met_there.pk], "rationale": "Current."},
    )
    assert response.status_code == 400
    assert "was not judged met" in response.content.decode()
    assert not Recognition.objects.exists()


def test_readers_get_403_and_others_404(client, receiving, people) -> None:
    r = receiving
    client.force_login(people.outsider_admin)
    assert client.post(_url(r), {}).status_code == 403
    client.force_login(people.outsider_learner)
    assert client.post(_url(r), {}).status_code == 403
    client.force_login(people.assessor)  # another centre's assessor
    assert client.post(_url(r), {}).status_code == 404
    client.force_login(r.assessor)
    assert client.get(_url(r)).status_code == 405


def test_grid_link_only_with_a_transfer(client, people) -> None:
    client.force_login(people.assessor)
    grid = client.get(reverse("review:grid", args=[people.enrolment.pk])).content.decode()
    assert "Transferred history" not in grid


def test_assessors_history_query_count_does_not_grow(
    client, receiving, people, portfolio, django_assert_max_num_queries
) -> None:
    r = receiving
    client.force_login(r.assessor)
    with django_assert_max_num_queries(12):
        assert "Recognise as prior learning" in client.get(_history(r)).content.decode()
    package = build(portfolio.learner)
    transfer_import(
        centre=people.other_centre,
        learner=people.outsider_learner,
        imported_by=people.outsider_admin,
        upload=io.BytesIO(package),
        size=len(package),
    )
    EnrolmentFactory(
        learner=people.outsider_learner, centre=people.other_centre, assessor=r.assessor
    )
    _recognise(r)
    with django_assert_max_num_queries(12):  # two packages, two units, a recognition
        page = client.get(_history(r)).content.decode()
    assert page.count("Recognise as prior learning</button>") == 2


def test_a_failure_midway_leaves_nothing_written(receiving, monkeypatch) -> None:
    from portal.transfer import recognition as module

    def refuse(**kwargs):
        raise WrongStateError("The judgement failed.")

    def stored() -> set[str]:
        storage = private_storage()
        return set(storage.listdir("evidence")[1]) if storage.exists("evidence") else set()

    before = stored()
    monkeypatch.setattr(module, "criterion_judge", refuse)
    with pytest.raises(WrongStateError, match="The judgement failed"):
        _recognise(receiving)
    _nothing_written(receiving)
    assert not EvidenceFile.all_versions.filter(item__enrolment=receiving.enrolment).exists()
    assert stored() == before  # the PDF's stored copy was removed again


def test_an_untrusted_key_asks_for_confirmation_on_the_page(
    client, people, portfolio, settings, tmp_path
) -> None:
    r = _receive(people, portfolio, trusted=False, settings=settings, tmp_path=tmp_path)
    client.force_login(r.assessor)
    page = client.get(_history(r)).content.decode()
    assert 'name="key_confirmed"' in page and r.transfer.key_id in page
    data = {"transfer": r.transfer.pk, "criteria": [r.met_there[0].pk], "rationale": "Current."}
    response = client.post(_url(r), data)
    assert response.status_code == 400
    assert "does not trust" in response.content.decode()
    response = client.post(_url(r), data | {"key_confirmed": "on"})
    assert response.status_code == 302
    assert Recognition.objects.get().key_confirmed


def test_the_item_reads_like_any_evidence(client, receiving, people) -> None:
    item = _recognise(receiving).item
    client.force_login(receiving.assessor)
    page = client.get(reverse("review:review", args=[item.pk])).content.decode()
    assert "Prior learning: Alpha Centre" in page and "transferred-portfolio.pdf" in page
    client.force_login(people.outsider_learner)
    page = client.get(reverse("evidence:detail", args=[item.pk])).content.decode()
    assert "Prior learning: Alpha Centre" in page
    assert "Recognition of prior learning" in page
