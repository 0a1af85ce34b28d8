"""The feed: each event makes the right notifications for the right people, once."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from assessments.models import RecordEntry
from evidence.models import EvidenceItem
from portal.notifications.feed import notifications_collect
from portal.notifications.models import Notification, RecordCursor, SubmissionCursor
from review import sampling, services
from review.sign_off import unit_countersign
from tests.factories import EnrolmentFactory, UserFactory
from tests.notifications.helpers import submitted_item
from tests.review.helpers import complete, signed_off

Kind = Notification.Kind


def _told(kind: str) -> list[tuple[str, str]]:
    rows = Notification.objects.filter(kind=kind).select_related("recipient")
    return sorted((n.recipient.username, n.link) for n in rows)


def test_submission_tells_the_assessor_only(people) -> None:
    item = submitted_item(people.enrolment, title="Moving and handling log")
    assert notifications_collect() == 1
    notification = Notification.objects.get()
    assert notification.recipient == people.assessor
    assert notification.kind == Kind.EVIDENCE_SUBMITTED
    assert notification.link == reverse("review:review", args=[item.pk])
    assert notification.centre == people.centre
    assert "Alice Learner submitted E" in notification.text
    assert "Moving and handling log" in notification.text
    assert notification.occurred_at == item.submitted_at
    assert notification.read_at is None and notification.email == Notification.Email.PENDING


def test_reading_again_tells_nobody_twice(people) -> None:
    submitted_item(people.enrolment)
    item = submitted_item(people.enrolment)
    services.evidence_accept(item=item, assessor=people.assessor)
    first = notifications_collect()
    assert first == 2  # one submission still waiting, one acceptance
    assert notifications_collect() == 0
    # The submission window is read again each time; nothing new comes of it.
    SubmissionCursor.objects.update(read_to=timezone.now() - datetime.timedelta(days=1))
    assert notifications_collect() == 0
    assert Notification.objects.count() == 2


def test_a_resubmission_after_referral_is_a_new_event(people) -> None:
    item = submitted_item(people.enrolment)
    notifications_collect()
    services.evidence_refer(item=item, assessor=people.assessor, feedback="Add the date.")
    learner = people.learner
    from evidence.services import evidence_submit

    evidence_submit(item=item, learner=learner, declaration_name=learner.full_name)
    notifications_collect()
    assert len(_told(Kind.EVIDENCE_SUBMITTED)) == 2
    assert _told(Kind.EVIDENCE_REFERRED) == [("alice", reverse("evidence:detail", args=[item.pk]))]


def test_acceptance_and_referral_tell_the_learner(people) -> None:
    accepted = submitted_item(people.enrolment)
    referred = submitted_item(people.enrolment)
    services.evidence_accept(item=accepted, assessor=people.assessor, feedback="Well evidenced.")
    services.evidence_refer(item=referred, assessor=people.assessor, feedback="Add the <date>.")
    notifications_collect()
    assert _told(Kind.EVIDENCE_ACCEPTED) == [
        ("alice", reverse("evidence:detail", args=[accepted.pk]))
    ]
    assert _told(Kind.EVIDENCE_REFERRED) == [
        ("alice", reverse("evidence:detail", args=[referred.pk]))
    ]
    text = Notification.objects.get(kind=Kind.EVIDENCE_REFERRED).text
    assert text.startswith("Bob Assessor referred E") and "Add the <date>." in text
    # Decided items are no longer waiting: the assessor is not told of their submission.
    assert _told(Kind.EVIDENCE_SUBMITTED) == []
    assert not Notification.objects.filter(recipient=people.assessor).exists()


def test_sign_off_asks_the_learner_to_countersign(people) -> None:
    signed_off(people.enrolment)
    notifications_collect()
    assert _told(Kind.COUNTERSIGN_NEEDED) == [
        ("alice", reverse("review:countersign", args=[people.enrolment.pk]))
    ]
    text = Notification.objects.get(kind=Kind.COUNTERSIGN_NEEDED).text
    assert "Bob Assessor signed off your unit" in text and "countersign" in text


def test_iqa_referral_tells_the_assessor_and_reopen_request_the_centre_admins(people) -> None:
    second_admin = UserFactory(username="dora", centre=people.centre, is_centre_admin=True)
    UserFactory(username="gone", centre=people.centre, is_centre_admin=True, is_active=False)
    signed_off(people.enrolment)
    unit_countersign(enrolment=people.enrolment, learner=people.learner)
    judgement = RecordEntry.objects.filter(action="judgement").latest("sequence")
    sampling.iqa_sample_record(
        entry=judgement, iqa=people.iqa, outcome="referred", feedback="Rationale too thin."
    )
    notifications_collect()
    grid = reverse("review:grid", args=[people.enrolment.pk])
    reopen = reverse("review:reopen", args=[people.enrolment.pk])
    assert _told(Kind.IQA_REFERRED) == [("bob", grid)]
    assert _told(Kind.REOPEN_REQUESTED) == [("dave", reopen), (second_admin.username, reopen)]
    referral = Notification.objects.get(kind=Kind.IQA_REFERRED).text
    assert "Carol IQA referred decision #" in referral and "Rationale too thin." in referral
    assert "Alice Learner" in referral
    # Never the IQA who acted, nor anyone of the other centre.
    assert not Notification.objects.filter(recipient=people.iqa).exists()
    assert not Notification.objects.filter(centre=people.other_centre).exists()
    assert not Notification.objects.filter(recipient=people.outsider_admin).exists()


def test_iqa_referral_tells_a_new_assessor_too(people) -> None:
    successor = UserFactory(username="beth", centre=people.centre, is_assessor=True)
    complete(people.enrolment)
    entry = RecordEntry.objects.filter(action="evidence_accepted").get()
    people.enrolment.assessor = successor
    people.enrolment.save()
    sampling.iqa_sample_record(
        entry=entry, iqa=people.iqa, outcome="referred", feedback="Check the file."
    )
    notifications_collect()
    assert [u for u, _ in _told(Kind.IQA_REFERRED)] == ["beth", "bob"]


def test_only_the_people_of_the_events_centre_in_their_role(people) -> None:
    """A learner who has moved centre, or lost the learner role, is not told."""
    item = submitted_item(people.enrolment)
    services.evidence_accept(item=item, assessor=people.assessor)
    people.learner.is_learner = False
    people.learner.save()
    notifications_collect()
    assert _told(Kind.EVIDENCE_ACCEPTED) == []
    # The other centre's work never reaches this centre's people, nor the reverse.
    outsider_assessor = UserFactory(centre=people.other_centre, is_assessor=True)
    enrolment = EnrolmentFactory(
        learner=UserFactory(centre=people.other_centre, is_learner=True, full_name="Ola"),
        centre=people.other_centre,
        standard=people.enrolment.standard,
        assessor=outsider_assessor,
    )
    submitted_item(enrolment)
    notifications_collect()
    assert list(Notification.objects.values_list("recipient", flat=True)) == [outsider_assessor.pk]


def test_an_assessor_of_another_centre_is_not_told(people) -> None:
    people.assessor.centre = people.other_centre
    people.assessor.save()
    submitted_item(people.enrolment)
    assert notifications_collect() == 0


def test_cursor_starts_where_it_is_set(people) -> None:
    """Installed on a centre with history, the feed starts at the present (the migration sets
    the cursor to the head): earlier decisions are not announced."""
    item = submitted_item(people.enrolment)
    services.evidence_accept(item=item, assessor=people.assessor)
    head = RecordEntry.objects.filter(centre=people.centre).latest("sequence").sequence
    RecordCursor.objects.create(centre=people.centre, sequence=head)
    assert notifications_collect() == 0
    later = submitted_item(people.enrolment)
    services.evidence_refer(item=later, assessor=people.assessor, feedback="Sign it.")
    assert notifications_collect() == 1
    assert RecordCursor.objects.get(centre=people.centre).sequence == head + 1
    assert EvidenceItem.objects.get(pk=later.pk).status == EvidenceItem.Status.REFERRED


def test_erasing_a_learner_deletes_what_was_said_about_their_work(people) -> None:
    from portal.notifications.services import notifications_erase_for

    item = submitted_item(people.enrolment)
    services.evidence_accept(item=item, assessor=people.assessor)
    submitted_item(people.enrolment)
    amirs = EnrolmentFactory(
        learner=people.other_learner,
        centre=people.centre,
        standard=people.enrolment.standard,
        assessor=people.assessor,
    )
    submitted_item(amirs)
    notifications_collect()
    assert Notification.objects.count() == 3
    assert Notification.objects.filter(enrolment=people.enrolment).count() == 2
    assert notifications_erase_for(learner=people.learner) == 2
    assert list(Notification.objects.values_list("enrolment", flat=True)) == [amirs.pk]
