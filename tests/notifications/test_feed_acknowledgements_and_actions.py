"""The feed tells a learner of an assessor's record waiting for their acknowledgement, and an
assessor or IQA of the IQA action that waits on them."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import dateformat, timezone

from evidence.models import EvidenceItem
from evidence.services import evidence_acknowledge
from portal.notifications.feed import notifications_collect
from portal.notifications.models import Notification
from quality import services as quality
from quality.models import QaAction
from review.assessor_evidence import assessor_record_create, assessor_record_finish
from review.services import evidence_accept
from standards.models import Criterion
from tests.evidence.assessor_helpers import record_observation, record_questioning
from tests.factories import EnrolmentFactory, UserFactory
from tests.notifications.helpers import submitted_item
from tests.quality.helpers import sample_with_action

Kind = Notification.Kind


def _told(kind: str) -> list[tuple[str, str]]:
    rows = Notification.objects.filter(kind=kind).select_related("recipient")
    return sorted((n.recipient.username, n.link) for n in rows)


def _opens(people, user, link: str) -> None:
    response = people.client_for(user).get(link)
    assert response.status_code == 200, link


def _prior_learning(enrolment, assessor) -> EvidenceItem:
    """A prior-learning item as ``portal.transfer.recognition`` makes it: put up for the
    assessor's acceptance (not the learner's acknowledgement) and accepted at once."""
    item = assessor_record_create(
        enrolment=enrolment,
        assessor=assessor,
        evidence_type=EvidenceItem.Type.PRIOR_LEARNING,
        title="Prior learning: Another Centre",
        occurred_on=timezone.localdate(),
        description="Recognised from a transferred portfolio.",
    )
    assessor_record_finish(
        item=item,
        assessor=assessor,
        criteria=list(Criterion.objects.filter(standard_id=enrolment.standard_id)),
        status=EvidenceItem.Status.SUBMITTED,
        record={"transfer": {"source_centre": "Another Centre"}, "recognised_from": []},
    )
    return evidence_accept(item=item, assessor=assessor, feedback="Still current.")


# --- The assessor's records -------------------------------------------------------------------


def test_an_assessors_record_asks_the_learner_to_acknowledge_it(people) -> None:
    observation = record_observation(people.enrolment)
    questioning = record_questioning(
        people.enrolment,
        [("What do you check first?", "The chart.", list(Criterion.objects.all()))],
    )
    assert observation.status == EvidenceItem.Status.AWAITING_ACK
    notifications_collect()
    links = [
        reverse("evidence:acknowledge", args=[observation.pk]),
        reverse("evidence:acknowledge", args=[questioning.pk]),
    ]
    assert _told(Kind.ACKNOWLEDGEMENT_NEEDED) == sorted(("alice", link) for link in links)
    # Only the learner: never the assessor who recorded it, nor anyone else.
    assert set(Notification.objects.values_list("recipient", flat=True)) == {people.learner.pk}
    text = Notification.objects.get(link=links[0]).text
    assert text.startswith(f"Bob Assessor recorded {observation.reference} Morning medication")
    assert "(observation)" in text and "acknowledge it with your name" in text
    for link in links:
        _opens(people, people.learner, link)
    # Once acknowledged, the link still leads to the item.
    evidence_acknowledge(
        item=observation, learner=people.learner, acknowledgement_name="Alice Learner"
    )
    response = people.client_for(people.learner).get(links[0])
    assert response.status_code == 302
    assert response.url == reverse("evidence:detail", args=[observation.pk])


def test_a_record_acknowledged_before_the_feed_reads_it_is_not_announced(people) -> None:
    item = record_observation(people.enrolment)
    evidence_acknowledge(item=item, learner=people.learner, acknowledgement_name="Alice Learner")
    notifications_collect()
    assert _told(Kind.ACKNOWLEDGEMENT_NEEDED) == []


def test_prior_learning_accepted_at_once_is_not_for_acknowledgement(people) -> None:
    item = _prior_learning(people.enrolment, people.assessor)
    assert item.status == EvidenceItem.Status.ACCEPTED
    notifications_collect()
    assert _told(Kind.ACKNOWLEDGEMENT_NEEDED) == []
    # The learner hears of the acceptance as of any other.
    assert _told(Kind.EVIDENCE_ACCEPTED) == [("alice", reverse("evidence:detail", args=[item.pk]))]


def test_an_inactive_learner_is_not_asked(people) -> None:
    people.learner.is_active = False
    people.learner.save()
    record_observation(people.enrolment)
    notifications_collect()
    assert not Notification.objects.exists()


# --- IQA actions ------------------------------------------------------------------------------


def _action(people, due_in: int = 7) -> QaAction:
    sample_with_action(people, due_in=due_in)
    return QaAction.objects.get()


def test_a_raised_action_tells_its_assessor_with_the_due_date(people) -> None:
    action = _action(people, due_in=9)
    notifications_collect()
    link = reverse("quality:sample", args=[action.sample_id]) + f"#action-{action.pk}"
    assert _told(Kind.QA_ACTION_RAISED) == [("bob", link)]
    text = Notification.objects.get(kind=Kind.QA_ACTION_RAISED).text
    due = dateformat.format(action.due_on, "j M Y")
    assert text == (
        f"Carol IQA raised an action for you to answer by {due}: “Write fuller rationales” "
        f"(Alice Learner, {people.enrolment.standard.display_name})"
    )
    assert not Notification.objects.filter(recipient=people.iqa).exists()
    assert not Notification.objects.filter(kind=Kind.QA_ACTION_RAISED, recipient=people.admin)
    _opens(people, people.assessor, link)


def test_answered_tells_the_iqa_who_raised_it_sent_back_and_closed_the_assessor(people) -> None:
    action = _action(people)
    notifications_collect()
    Notification.objects.all().delete()
    link = reverse("quality:sample", args=[action.sample_id]) + f"#action-{action.pk}"

    quality.qa_action_answer(action=action, assessor=people.assessor, response="Rewritten <b>.")
    notifications_collect()
    assert _told(Kind.QA_ACTION_ANSWERED) == [("carol", link)]
    text = Notification.objects.get(kind=Kind.QA_ACTION_ANSWERED).text
    assert text.startswith("Bob Assessor answered your action “Write fuller rationales”")
    assert "“Rewritten <b>.”" in text
    _opens(people, people.iqa, link)

    quality.qa_action_return(action=action, iqa=people.iqa, note="Two are still thin.")
    notifications_collect()
    assert _told(Kind.QA_ACTION_RETURNED) == [("bob", link)]
    text = Notification.objects.get(kind=Kind.QA_ACTION_RETURNED).text
    due = dateformat.format(action.due_on, "j M Y")
    assert f"to answer again by {due}" in text and "“Two are still thin.”" in text

    quality.qa_action_answer(action=action, assessor=people.assessor, response="All rewritten.")
    quality.qa_action_close(action=action, iqa=people.iqa, note="Thank you.")
    notifications_collect()
    assert _told(Kind.QA_ACTION_CLOSED) == [("bob", link)]
    assert (
        "Carol IQA closed the action" in Notification.objects.get(kind=Kind.QA_ACTION_CLOSED).text
    )
    _opens(people, people.assessor, link)
    # The actor is never told of their own step; no one else is told at all.
    recipients = Notification.objects.values_list("recipient__username", "kind")
    assert sorted(recipients) == [
        ("bob", Kind.QA_ACTION_CLOSED),
        ("bob", Kind.QA_ACTION_RETURNED),
        ("carol", Kind.QA_ACTION_ANSWERED),
        ("carol", Kind.QA_ACTION_ANSWERED),
    ]


def test_the_owner_of_the_action_is_told_not_the_units_new_assessor(people) -> None:
    action = _action(people)
    successor = UserFactory(username="beth", centre=people.centre, is_assessor=True)
    people.enrolment.assessor = successor
    people.enrolment.save()
    notifications_collect()
    assert [u for u, _ in _told(Kind.QA_ACTION_RAISED)] == ["bob"]
    assert action.assessor_id == people.assessor.pk


def test_an_owner_gone_or_moved_is_not_told(people) -> None:
    _action(people)
    people.assessor.centre = people.other_centre
    people.assessor.save()
    notifications_collect()
    assert _told(Kind.QA_ACTION_RAISED) == []


def test_an_iqa_no_longer_an_iqa_is_not_told_of_the_answer(people) -> None:
    action = _action(people)
    quality.qa_action_answer(action=action, assessor=people.assessor, response="Done.")
    people.iqa.is_iqa = False
    people.iqa.save()
    notifications_collect()
    assert _told(Kind.QA_ACTION_ANSWERED) == []
    assert [u for u, _ in _told(Kind.QA_ACTION_RAISED)] == ["bob"]


# --- Queries ----------------------------------------------------------------------------------


def _events(people, enrolment, sample, n: int) -> None:
    """n of each kind of event the feed reads from the record (the evidence ones on
    ``enrolment``, the actions on ``sample``), and n submissions."""
    for _ in range(n):
        record_observation(enrolment, photo=False)
        _prior_learning(enrolment, people.assessor)
        accepted = submitted_item(enrolment)
        evidence_accept(item=accepted, assessor=people.assessor)
        submitted_item(enrolment)
    for number in range(n):
        action = quality.qa_action_raise(
            sample=sample,
            iqa=people.iqa,
            text=f"Action {number}",
            due_on=timezone.localdate() + datetime.timedelta(days=5),
        )
        quality.qa_action_answer(action=action, assessor=people.assessor, response="Done.")
        quality.qa_action_return(action=action, iqa=people.iqa, note="More.")
        quality.qa_action_answer(action=action, assessor=people.assessor, response="Done now.")
        quality.qa_action_close(action=action, iqa=people.iqa)


def _queries(people, enrolment, sample, n: int) -> tuple[int, int]:
    _events(people, enrolment, sample, n)
    with CaptureQueriesContext(connection) as queries:
        created = notifications_collect()
    return len(queries.captured_queries), created


def test_the_feeds_queries_stay_flat_with_many_entries(people) -> None:
    sample = sample_with_action(people)  # Alice's unit, countersigned and sampled
    amirs = EnrolmentFactory(
        learner=people.other_learner,
        centre=people.centre,
        standard=people.enrolment.standard,
        assessor=people.assessor,
        iqa=people.iqa,
    )
    notifications_collect()  # the cursors exist from here on
    few, created_few = _queries(people, amirs, sample, 1)
    many, created_many = _queries(people, amirs, sample, 6)
    assert created_many == created_few * 6
    assert few == many
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert kinds >= {
        Kind.ACKNOWLEDGEMENT_NEEDED,
        Kind.QA_ACTION_RAISED,
        Kind.QA_ACTION_ANSWERED,
        Kind.QA_ACTION_RETURNED,
        Kind.QA_ACTION_CLOSED,
        Kind.EVIDENCE_ACCEPTED,
        Kind.EVIDENCE_SUBMITTED,
    }
