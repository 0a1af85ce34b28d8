from __future__ import annotations

import json

from django.urls import reverse

from assessments.models import RecordEntry
from evidence.models import EvidenceItem, Mapping
from tests.assessments.helpers import make_item, make_items, propose
from tests.review.helpers import signed_off


def _review(item):
    return reverse("review:review", args=[item.pk])


def test_review_page_shows_files_description_and_self_mapping(people) -> None:
    item = make_item(people.enrolment)
    propose(item, people.enrolment.standard.criteria.get())
    html = people.client_for(people.assessor).get(_review(item)).content.decode()
    assert "care-plan.pdf" in html and "reviewed the care plan" in html
    assert "Proposed by the learner" in html and "Confirm P1" in html
    assert "Accept E1" in html


def test_viewers_see_the_review_read_only(people) -> None:
    item = make_item(people.enrolment)
    html = people.client_for(people.iqa).get(_review(item)).content.decode()
    assert "Accept E1" not in html and "Add mapping" not in html


def test_draft_is_not_for_review(people) -> None:
    (item,) = make_items(people.enrolment, status=EvidenceItem.Status.DRAFT)
    assert people.client_for(people.assessor).get(_review(item)).status_code == 403


def test_accept_and_refer(people) -> None:
    client = people.client_for(people.assessor)
    first, second = make_item(people.enrolment), make_item(people.enrolment)
    response = client.post(reverse("review:review_decide", args=[first.pk]), {"decision": "accept"})
    assert response["Location"] == _review(second)  # on to the next item awaiting review
    response = client.post(
        reverse("review:review_decide", args=[second.pk]), {"decision": "refer"}, follow=True
    )
    assert "Tell the learner what to change" in response.content.decode()
    client.post(
        reverse("review:review_decide", args=[second.pk]),
        {"decision": "refer", "feedback": "Add the date of the review."},
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("accepted", "referred")
    learner_page = people.client_for(people.learner).get(
        reverse("review:grid", args=[people.enrolment.pk])
    )
    assert "Add the date of the review." in learner_page.content.decode()


def test_mapping_actions_on_the_review_page(people) -> None:
    client = people.client_for(people.assessor)
    item = make_item(people.enrolment)
    criterion = people.enrolment.standard.criteria.get()
    url = reverse("review:review_mapping", args=[item.pk])
    client.post(url, {"action": "add", "criterion": criterion.pk, "method": "questioning"})
    assert Mapping.objects.get().method == "questioning"
    client.post(url, {"action": "method", "criterion": criterion.pk, "method": "witness"})
    assert Mapping.objects.get().method == "witness"
    client.post(url, {"action": "remove", "criterion": criterion.pk})
    assert not Mapping.objects.exists()


def test_locked_unit_refuses_changes_with_a_message(people) -> None:
    signed_off(people.enrolment)
    item = make_item(people.enrolment)
    client = people.client_for(people.assessor)
    response = client.post(
        reverse("review:review_decide", args=[item.pk]), {"decision": "accept"}, follow=True
    )
    assert "locked" in response.content.decode()
    criterion = people.enrolment.standard.criteria.get()
    response = client.post(
        reverse("review:grid_toggle", args=[people.enrolment.pk, item.pk, criterion.pk]),
        HTTP_HX_REQUEST="true",
    )
    assert "locked" in response["HX-Trigger"]
    assert "locked" in response.content.decode()  # shown in the cell, not only announced
    assert not Mapping.objects.filter(item=item).exists()
    assert not RecordEntry.objects.filter(action="evidence_accepted", payload__item=item.pk)
    assert RecordEntry.objects.last().action == "signed_off"


def test_judge_and_sign_off_pages(people) -> None:
    client = people.client_for(people.assessor)
    item = make_item(people.enrolment)
    criterion = people.enrolment.standard.criteria.get()
    judge = reverse("review:judge", args=[people.enrolment.pk, criterion.pk])
    sign_off = reverse("review:sign_off", args=[people.enrolment.pk])
    response = client.post(sign_off, {"password": "password"})
    assert "The unit is not complete: P1" in response.content.decode()
    response = client.post(judge, {"met": "1"})
    assert "no accepted evidence" in response.content.decode()
    client.post(
        reverse("review:review_mapping", args=[item.pk]),
        {"action": "add", "criterion": criterion.pk},
    )
    client.post(reverse("review:review_decide", args=[item.pk]), {"decision": "accept"})
    assert client.post(judge, {"met": "1", "rationale": "Seen."}).status_code == 302
    response = client.post(sign_off, {"password": "nope"})
    assert "That is not your password" in response.content.decode()
    assert client.post(sign_off, {"password": "password"}).status_code == 302
    assert people.enrolment.sign_offs.exists()


def test_confirming_a_proposal_says_confirmed(people) -> None:
    """The learner's own mapping is confirmed, not "mapped"; a new one is added."""
    client = people.client_for(people.assessor)
    item = make_item(people.enrolment)
    criterion = people.enrolment.standard.criteria.get()
    propose(item, criterion)
    url = reverse("review:review_mapping", args=[item.pk])
    html = client.post(
        url, {"action": "add", "criterion": criterion.pk}, follow=True
    ).content.decode()
    assert "Mapping of E1 to P1 confirmed." in html
    client.post(url, {"action": "remove", "criterion": criterion.pk})
    html = client.post(
        url, {"action": "add", "criterion": criterion.pk}, follow=True
    ).content.decode()
    assert "Mapping of E1 to P1 added." in html
    second = make_item(people.enrolment)
    propose(second, criterion)
    response = client.post(
        reverse("review:grid_toggle", args=[people.enrolment.pk, second.pk, criterion.pk]),
        HTTP_HX_REQUEST="true",
    )
    assert json.loads(response["HX-Trigger"])["announce"].startswith(
        "Confirmed the mapping of E2 to P1"
    )


def test_last_decision_feedback_is_punctuated_once(people) -> None:
    client = people.client_for(people.assessor)
    item = make_item(people.enrolment)
    client.post(
        reverse("review:review_decide", args=[item.pk]),
        {"decision": "refer", "feedback": "Add the checklist."},
    )
    html = client.get(_review(item)).content.decode()
    assert "Feedback: “Add the checklist.”</p>" in html
    assert "”." not in html


def test_standard_without_code_is_named_by_its_title(people) -> None:
    standard = people.enrolment.standard
    standard.code = ""
    standard.save()
    html = (
        people.client_for(people.assessor)
        .get(reverse("review:grid", args=[people.enrolment.pk]))
        .content.decode()
    )
    assert f"<title>Alice Learner: {standard.title} · " in html
    assert "(no code)" not in html


def test_after_the_last_decision_the_assessor_lands_on_the_grid(people) -> None:
    item = make_item(people.enrolment)
    response = people.client_for(people.assessor).post(
        reverse("review:review_decide", args=[item.pk]), {"decision": "accept"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("review:grid", args=[people.enrolment.pk])
    assert "Nothing else is awaiting your review" in response.content.decode()


def test_accept_and_confirm_is_one_action(people) -> None:
    item = make_item(people.enrolment)
    propose(item, people.enrolment.standard.criteria.get())
    client = people.client_for(people.assessor)
    html = client.get(_review(item)).content.decode()
    assert "Accept E1 and confirm its 1 proposed mapping" in html
    assert "Confirm all 1 of the learner" in html.replace("&#x27;", "'")
    client.post(reverse("review:review_decide", args=[item.pk]), {"decision": "accept_confirm"})
    item.refresh_from_db()
    assert item.status == EvidenceItem.Status.ACCEPTED
    assert Mapping.objects.get(item=item).confirmed
    actions = list(RecordEntry.objects.order_by("sequence").values_list("action", flat=True))
    assert actions == ["mapping_confirmed", "evidence_accepted"]


def test_confirm_all_proposed_mappings(people) -> None:
    from tests.factories import CriterionFactory

    p1 = people.enrolment.standard.criteria.get()
    p2 = CriterionFactory(group=p1.group, order=2, reference="P2", text="do the second thing")
    item = make_item(people.enrolment)
    propose(item, p1)
    propose(item, p2)
    response = people.client_for(people.assessor).post(
        reverse("review:review_confirm_all", args=[item.pk]), follow=True
    )
    assert "mappings of E1: P1, P2." in response.content.decode()
    assert Mapping.objects.filter(item=item, confirmed=True).count() == 2


def _backed(people):
    from review import services

    item = make_item(people.enrolment)
    criterion = people.enrolment.standard.criteria.get()
    services.mapping_add(
        item=item, criterion=criterion, assessor=people.assessor, method="observation"
    )
    services.evidence_accept(item=item, assessor=people.assessor)
    return item, criterion


def test_one_click_judgement_in_the_grid(people) -> None:
    _item, criterion = _backed(people)
    client = people.client_for(people.assessor)
    grid = client.get(reverse("review:grid", args=[people.enrolment.pk])).content.decode()
    assert 'value="Met by E1 (observation)."' in grid and "Judge P1 met" in grid
    url = reverse("review:judge_met", args=[people.enrolment.pk, criterion.pk])
    response = client.post(url, {"rationale": ""}, HTTP_HX_REQUEST="true")
    assert "P1 judged met" in response["HX-Trigger"]
    html = response.content.decode()
    assert "✓ Met" in html and 'hx-swap-oob="true"' in html and "data-focus-after-swap" in html
    judgement = people.enrolment.judgements.get()
    assert judgement.met and judgement.rationale == "Met by E1 (observation)."


def test_one_click_judgement_is_refused_without_backing(people) -> None:
    criterion = people.enrolment.standard.criteria.get()
    url = reverse("review:judge_met", args=[people.enrolment.pk, criterion.pk])
    response = people.client_for(people.assessor).post(url, HTTP_HX_REQUEST="true")
    assert "no accepted evidence" in response.content.decode()
    assert not people.enrolment.judgements.exists()


def test_judge_all_backed_lists_then_judges(people) -> None:
    _backed(people)
    client = people.client_for(people.assessor)
    url = reverse("review:judge_backed", args=[people.enrolment.pk])
    page = client.get(url).content.decode()
    assert "Met by E1 (observation)." in page and "Judge these 1 met" in page
    assert not people.enrolment.judgements.exists()  # listing changes nothing
    response = client.post(url, {"rationale": "Observed in practice throughout."}, follow=True)
    assert "1 criterion judged met" in response.content.decode()
    assert people.enrolment.judgements.get().rationale == "Observed in practice throughout."
    assert "No criterion has accepted evidence waiting" in client.get(url).content.decode()
